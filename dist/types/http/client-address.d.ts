/**
 * Which address a request comes from, for rate limits and stream caps. Pure: the socket's peer
 * address and the X-Forwarded-For header in, one address out.
 *
 * Behind a proxy that appends to X-Forwarded-For (nginx `$proxy_add_x_forwarded_for`, most load
 * balancers), the header reads `<whatever the client sent>, <client as seen by proxy 1>, …,
 * <proxy N-1>`, and the socket peer is proxy N. Only the entries our own proxies appended can be
 * believed, and they are at the right end: everything to the left of them was written by the
 * client. So the client is the rightmost hop that is not one of our proxies, never the leftmost
 * (a forged leftmost entry would give every request a fresh rate-limit key).
 */
import type { BlockList } from '../node-types.js';
/**
 * `false`: ignore forwarding headers. `hops`: that many proxies stand in front of every request.
 * `trusted`: proxies are recognised by address; other peers' headers are ignored.
 */
export type TrustProxy = false | {
    readonly hops: number;
} | {
    readonly trusted: BlockList;
    readonly spec: string;
};
export declare class TrustProxyError extends Error {
    name: string;
}
/**
 * Parses TRUST_PROXY: `0` (or empty) = off; a whole number N = N proxies in front (`1`, the
 * old boolean, keeps meaning "one proxy"); otherwise a comma-separated list of proxy addresses
 * and CIDR ranges (`loopback` = 127.0.0.0/8 and ::1). Anything else is refused: a security
 * setting that is silently ignored is worse than a server that does not start.
 */
export declare function parseTrustProxy(value: string | undefined): TrustProxy;
/**
 * One address in canonical form, or null when it is not an IP address: strips spaces, `[v6]`
 * brackets, a `:port` after IPv4 and the `::ffff:` prefix of IPv4-mapped IPv6 (so one client
 * gets one rate-limit key however it is spelled).
 */
export declare function normalizeAddress(raw: string): string | null;
/** Whether a socket peer is one of our proxies (with a hop count, every peer is assumed to be). */
export declare function isTrustedProxy(peer: string, trust: TrustProxy): boolean;
/**
 * The client address: the socket peer unless it is a trusted proxy; then, walking
 * X-Forwarded-For from the right, the first hop that is not ours. An entry that is not an IP
 * address (`unknown`, garbage) is never used as a key: the request counts as the peer's.
 */
export declare function clientAddress(peer: string, forwardedFor: string | undefined, trust: TrustProxy): string;
