import type { OutboxEntry } from './outbox.js';
import { type Session } from './session.js';
/** A handshake we began and whose HELLO_ACK has not come yet (core/initiator.ts). */
export interface PendingHandshake {
    /** Our ephemeral X25519 private key: the file is 0600 and the entry goes once completed. */
    ephPrivate: Uint8Array;
    peerPublicKey: string;
    peerUrl: string;
    startedMs: number;
}
export interface CacheState {
    sessions: Record<string, Session>;
    /** Peer id -> the handshake we began with it. */
    pending: Record<string, PendingHandshake>;
    /** What we sent or will send, until it is known to be delivered (core/outbox.ts). */
    outbox: OutboxEntry[];
    peerMessengerUrls: Record<string, string>;
    /** `${peerId}|${sessionId}` -> ms of the last reset we sent about that session. */
    resets: Record<string, number>;
}
export declare function emptyCache(): CacheState;
/** An unreadable or invalid file counts as empty; entries with bad keys are skipped (opennexus spec §4.7). */
export declare function parseCache(text: string): CacheState;
/**
 * The cache in `text` and how many of its entries were skipped as invalid, or null when it is not
 * one at all (not a JSON object). The store keeps a copy of such a file rather than overwrite it
 * unseen. A session without valid counters is skipped, never read with counter 0: that would
 * reuse AES-GCM nonces (sending) or take replays for new messages (receiving).
 */
export declare function readCache(text: string): {
    cache: CacheState;
    skipped: number;
} | null;
export declare function serializeCache(c: CacheState): string;
