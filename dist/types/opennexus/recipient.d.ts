import type { CacheState } from './core/cache.js';
import { type Link } from './link.js';
export interface Peer {
    peer: string;
    peerId: Uint8Array;
    peerPub: Uint8Array;
    peerUrl: string;
}
/** Who `to` is: a public key, or the id (or a unique start of it) of a peer whose key the cache holds. */
export declare function resolvePeer(cache: CacheState, to: string, url: string | undefined): Peer;
/**
 * A recipient that is this agent: its private key (a secret: refused before anything can
 * print or queue it) or itself, by its public key or agent id.
 */
export declare function refuseSelf(link: Link, to: string): void;
