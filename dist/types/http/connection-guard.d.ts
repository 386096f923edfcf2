/**
 * Socket-level limits for a node:http server: a total cap, a cap per peer address, and request
 * timeouts checked often enough to matter. Over-cap sockets are destroyed as soon as they are
 * accepted, before any byte is parsed: the cheapest possible refusal.
 *
 * At the TCP level the only address there is is the socket's peer, so the per-address cap
 * counts peers, never X-Forwarded-For (a header the peer could write). Behind a proxy every
 * socket comes from the proxy, so trusted proxies are exempt (only the total cap applies to
 * them) and the proxy is where per-client connection limits belong.
 */
import type { Server, ServerOptions } from '../node-types.js';
import { type TrustProxy } from './client-address.js';
import { type ConnectionLimits } from './limits.js';
export interface ConnectionStats {
    /** Accepted sockets open now. */
    open: number;
    /** Sockets destroyed on accept because their peer address was at its cap. */
    refusedPerIp: number;
    /** Sockets node:net dropped because the total cap was reached. */
    refusedTotal: number;
}
/**
 * node:http options for the timeouts. Node checks them on a timer (30 s by default, which is why
 * a 60 s headers timeout used to cut slow clients only after ~88 s); checking every fifth of the
 * shorter timeout, at most once a second, keeps the overshoot small for a cost of one pass over
 * the open connections per tick.
 */
export declare function timeoutOptions(limits: ConnectionLimits): ServerOptions;
export declare function guardConnections(server: Server, limits: ConnectionLimits, trust: TrustProxy): () => ConnectionStats;
