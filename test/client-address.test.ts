// Which X-Forwarded-For hop is the client (src/http/client-address.ts): the rightmost one our
// own proxies did not write, never the client-written leftmost.
import { describe, expect, it } from 'vitest';
import { clientAddress, isTrustedProxy, normalizeAddress, parseTrustProxy } from '../src/http/client-address.ts';
import { OpenCounts, connectionLimits } from '../src/http/limits.ts';

describe('parseTrustProxy', () => {
  it('off, hop counts, address lists; anything else is refused', () => {
    for (const v of [undefined, '', '0', ' 0 ']) expect(parseTrustProxy(v)).toBe(false);
    expect(parseTrustProxy('1')).toEqual({ hops: 1 });
    expect(parseTrustProxy('3')).toEqual({ hops: 3 });
    const list = parseTrustProxy('10.0.0.1, 192.168.0.0/16, fd00::/8, loopback');
    expect(list && 'trusted' in list).toBe(true);
    for (const bad of ['true', 'yes', '10.0.0.1/33', '10.0.0.300', 'fd00::/129', '10.0.0.0/8/1', '10.0.0.1,,', '65']) {
      expect(() => parseTrustProxy(bad), bad).toThrow(/TRUST_PROXY/);
    }
  });
});

describe('normalizeAddress', () => {
  it('one spelling per address; not-an-address is null', () => {
    expect(normalizeAddress(' 1.2.3.4 ')).toBe('1.2.3.4');
    expect(normalizeAddress('1.2.3.4:5678')).toBe('1.2.3.4');
    expect(normalizeAddress('[2001:DB8::1]:443')).toBe('2001:db8::1');
    expect(normalizeAddress('::ffff:10.0.0.7')).toBe('10.0.0.7');
    for (const bad of ['unknown', '', 'x'.repeat(5000), '1.2.3.4.5', '_hidden']) expect(normalizeAddress(bad)).toBeNull();
  });
});

describe('clientAddress', () => {
  const peer = '10.0.0.2';

  it('without TRUST_PROXY the header is ignored', () => {
    expect(clientAddress(peer, '1.1.1.1', false)).toBe(peer);
  });

  it('hop count N: the Nth entry from the right, whatever the client wrote to the left of it', () => {
    const one = parseTrustProxy('1');
    expect(clientAddress(peer, '203.0.113.9', one)).toBe('203.0.113.9');
    expect(clientAddress(peer, '6.6.6.6, 7.7.7.7, 203.0.113.9', one)).toBe('203.0.113.9');
    expect(clientAddress(peer, undefined, one)).toBe(peer);
    const two = parseTrustProxy('2');
    expect(clientAddress(peer, '6.6.6.6, 203.0.113.9, 10.0.0.1', two)).toBe('203.0.113.9');
    // fewer entries than proxies: none of them can be client-written; take the outermost
    expect(clientAddress(peer, '203.0.113.9', two)).toBe('203.0.113.9');
  });

  it('forged leftmost hops never change the key (the attack: one key per request)', () => {
    const one = parseTrustProxy('1');
    const keys = new Set<string>();
    for (let i = 0; i < 200; i++) keys.add(clientAddress(peer, `${i % 256}.${i >> 8}.0.1, ${'x'.repeat(i)}, 203.0.113.9`, one));
    expect([...keys]).toEqual(['203.0.113.9']);
  });

  it('address list: only a trusted peer is believed; walk from the right past our proxies', () => {
    const t = parseTrustProxy('10.0.0.0/24, 192.168.7.7');
    expect(clientAddress('10.0.0.2', '6.6.6.6, 203.0.113.9, 192.168.7.7', t)).toBe('203.0.113.9');
    expect(clientAddress('::ffff:10.0.0.2', '6.6.6.6, 203.0.113.9', t)).toBe('203.0.113.9');
    // an untrusted peer's header is its own writing
    expect(clientAddress('198.51.100.4', '203.0.113.9', t)).toBe('198.51.100.4');
    // every hop ours: the outermost
    expect(clientAddress('10.0.0.2', '10.0.0.5, 192.168.7.7', t)).toBe('10.0.0.5');
    expect(isTrustedProxy('10.0.0.99', t)).toBe(true);
    expect(isTrustedProxy('10.0.1.1', t)).toBe(false);
    expect(isTrustedProxy('anything', parseTrustProxy('1'))).toBe(true);
  });

  it('an entry that is not an address is never a key: the request counts as the peer', () => {
    const one = parseTrustProxy('1');
    expect(clientAddress(peer, '203.0.113.9, unknown', one)).toBe(peer);
    expect(clientAddress(peer, `1.1.1.1, ${'a'.repeat(10_000)}`, one)).toBe(peer);
    expect(clientAddress(peer, '[2001:db8::5]:1234', one)).toBe('2001:db8::5');
  });
});

describe('connection limits settings', () => {
  it('defaults, overrides, and a headers timeout never longer than the request timeout', () => {
    expect(connectionLimits({})).toEqual({
      maxConnectionsPerIp: 64,
      maxStreamsPerIp: 32,
      maxConnections: 10_000,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
    });
    const l = connectionLimits({ MAX_CONNECTIONS_PER_IP: '0', REQUEST_TIMEOUT_MS: '2000' });
    expect([l.maxConnectionsPerIp, l.requestTimeoutMs, l.headersTimeoutMs, l.maxConnections]).toEqual([0, 2000, 2000, 10_000]);
    // An invalid value is an error, never the default (src/settings.ts; test/server-settings.test.ts).
    expect(() => connectionLimits({ MAX_CONNECTIONS: 'lots' })).toThrow(/MAX_CONNECTIONS="lots" is invalid/);
  });

  it('OpenCounts caps per key and forgets keys at zero', () => {
    const c = new OpenCounts(2);
    expect([c.acquire('a'), c.acquire('a'), c.acquire('a'), c.acquire('b')]).toEqual([true, true, false, true]);
    c.release('a');
    expect(c.acquire('a')).toBe(true);
    for (let i = 0; i < 3; i++) c.release('a');
    c.release('b');
    expect(c.keys).toBe(0);
    const off = new OpenCounts(0);
    for (let i = 0; i < 100; i++) expect(off.acquire('a')).toBe(true);
  });
});
