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
import { BlockList, isIP } from 'node:net';

/**
 * `false`: ignore forwarding headers. `hops`: that many proxies stand in front of every request.
 * `trusted`: proxies are recognised by address; other peers' headers are ignored.
 */
export type TrustProxy = false | { readonly hops: number } | { readonly trusted: BlockList; readonly spec: string };

export class TrustProxyError extends Error {
  override name = 'TrustProxyError';
}

const LOOPBACK = ['127.0.0.0/8', '::1/128'];

/**
 * Parses TRUST_PROXY: `0` (or empty) = off; a whole number N = N proxies in front (`1`, the
 * old boolean, keeps meaning "one proxy"); otherwise a comma-separated list of proxy addresses
 * and CIDR ranges (`loopback` = 127.0.0.0/8 and ::1). Anything else is refused: a security
 * setting that is silently ignored is worse than a server that does not start.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const v = (value ?? '').trim();
  if (v === '' || v === '0') return false;
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    if (hops > 64) throw new TrustProxyError(`TRUST_PROXY=${v}: more than 64 proxy hops (use 0 to 64, or a list of proxy addresses)`);
    return { hops };
  }
  const trusted = new BlockList();
  for (const raw of v.split(',')) {
    const item = raw.trim();
    for (const range of item === 'loopback' ? LOOPBACK : [item]) addRange(trusted, range, v);
  }
  return { trusted, spec: v };
}

function addRange(list: BlockList, range: string, whole: string): void {
  const [addr = '', prefix, extra] = range.split('/');
  const family = isIP(addr);
  const bits = family === 4 ? 32 : 128;
  const n = prefix === undefined ? bits : /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
  if (!family || extra !== undefined || n < 0 || n > bits) {
    throw new TrustProxyError(`TRUST_PROXY=${whole}: '${range}' is not an IP address or CIDR range (use 0, a hop count, or a list of proxy addresses)`);
  }
  list.addSubnet(addr, n, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * One address in canonical form, or null when it is not an IP address: strips spaces, `[v6]`
 * brackets, a `:port` after IPv4 and the `::ffff:` prefix of IPv4-mapped IPv6 (so one client
 * gets one rate-limit key however it is spelled).
 */
export function normalizeAddress(raw: string): string | null {
  let a = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(a)) a = a.slice(0, a.indexOf(':'));
  if (/^::ffff:[\d.]+$/i.test(a)) a = a.slice(7);
  return isIP(a) ? a.toLowerCase() : null;
}

/** Whether a socket peer is one of our proxies (with a hop count, every peer is assumed to be). */
export function isTrustedProxy(peer: string, trust: TrustProxy): boolean {
  if (trust === false) return false;
  if ('hops' in trust) return true;
  const a = normalizeAddress(peer);
  return a !== null && trust.trusted.check(a, isIP(a) === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The client address: the socket peer unless it is a trusted proxy; then, walking
 * X-Forwarded-For from the right, the first hop that is not ours. An entry that is not an IP
 * address (`unknown`, garbage) is never used as a key: the request counts as the peer's.
 */
export function clientAddress(peer: string, forwardedFor: string | undefined, trust: TrustProxy): string {
  const self = normalizeAddress(peer) ?? peer;
  if (trust === false || !forwardedFor || !isTrustedProxy(self, trust)) return self;
  const hops = forwardedFor.split(',');
  let pick: string | undefined;
  if ('hops' in trust) {
    // N proxies appended N entries; with fewer, no client-written entry can be present and the
    // leftmost is what the outermost proxy saw.
    pick = hops[Math.max(0, hops.length - trust.hops)];
  } else {
    for (let i = hops.length - 1; i >= 0; i--) {
      pick = hops[i];
      const a = normalizeAddress(pick!);
      if (a === null || !isTrustedProxy(a, trust)) break;
    }
  }
  return (pick !== undefined && normalizeAddress(pick)) || self;
}
