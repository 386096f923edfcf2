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
import type { Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import { isTrustedProxy, normalizeAddress, type TrustProxy } from './client-address.ts';
import { OpenCounts, type ConnectionLimits } from './limits.ts';

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
export function timeoutOptions(limits: ConnectionLimits): ServerOptions {
  const shortest = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: Math.max(20, Math.min(1000, Math.floor(shortest / 5))),
    keepAliveTimeout: limits.keepAliveTimeoutMs,
  };
}

export function guardConnections(server: Server, limits: ConnectionLimits, trust: TrustProxy): () => ConnectionStats {
  let open = 0;
  let refusedPerIp = 0;
  let refusedTotal = 0;
  if (limits.maxConnections > 0) server.maxConnections = limits.maxConnections;
  server.on('drop', () => refusedTotal++);
  const perPeer = new OpenCounts(limits.maxConnectionsPerIp);
  server.on('connection', (socket: Socket) => {
    open++;
    socket.once('close', () => open--);
    const raw = socket.remoteAddress;
    if (raw === undefined) return; // already closed by the peer
    const peer = normalizeAddress(raw) ?? raw;
    if (limits.maxConnectionsPerIp === 0 || isTrustedProxy(peer, trust)) return;
    if (!perPeer.acquire(peer)) {
      refusedPerIp++;
      socket.destroy();
      return;
    }
    socket.once('close', () => perPeer.release(peer));
  });
  return () => ({ open, refusedPerIp, refusedTotal });
}
