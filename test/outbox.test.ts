// The outbox (core/outbox.ts) and what sessions appearing and disappearing do to it (core/delivery.ts).
import { describe, expect, it } from 'vitest';
import { emptyCache, parseCache, serializeCache, type CacheState } from '../src/opennexus/core/cache.ts';
import { randomBytes, x25519PublicKey } from '../src/opennexus/core/crypto.ts';
import { HELLO_RETRY_MS, sessionLost, sessionReady, tick } from '../src/opennexus/core/delivery.ts';
import { identityFromSeed } from '../src/opennexus/core/identity.ts';
import { OUTBOX_MAX_ENTRIES, confirmSession, enqueue, expire, flushPeer, requeueSession, unsend } from '../src/opennexus/core/outbox.ts';
import { deriveSession } from '../src/opennexus/core/session.ts';

const A = identityFromSeed(new Uint8Array(32).fill(1));
const B = identityFromSeed(new Uint8Array(32).fill(2));
const P = B.agentIdB64;
const te = new TextEncoder();

function withSession(): CacheState {
  const s = deriveSession({ selfId: A.agentId, peerId: B.agentId, ownEphPrivate: randomBytes(32), peerEphPublic: x25519PublicKey(randomBytes(32)), peerPublicKey: B.publicKey });
  return { ...emptyCache(), sessions: { [P]: { ...s, confirmed: true } }, peerMessengerUrls: { [P]: 'http://b' } };
}

const put = (c: CacheState, id: string, now = 0, ttl = 1000) => enqueue(c, { id, peer: P, bytes: te.encode(id), createdMs: now, expiresMs: now + ttl })!;
const ctx = (now = 0) => ({ self: A, ownMessengerUrl: 'http://a', now, freshKey: () => randomBytes(32) });

describe('outbox', () => {
  it('queued -> sent in order; confirmed by the peer on that session -> gone', () => {
    let c = put(put(withSession(), 'm1'), 'm2');
    const f = flushPeer(c, A, B.agentId, 'http://a', 5);
    expect(f.flushed.map((x) => [x.entry.id, x.data.counter])).toEqual([['m1', 0n], ['m2', 1n]]);
    c = f.cache;
    expect(c.outbox.map((e) => e.state)).toEqual(['sent', 'sent']);
    const sid = f.flushed[0]!.data.session_id;
    expect(confirmSession(c, P, 'other').delivered).toEqual([]);
    const conf = confirmSession(c, P, sid);
    expect(conf.delivered.map((e) => e.id)).toEqual(['m1', 'm2']);
    expect(conf.cache.outbox).toEqual([]);
  });

  it('a lost session requeues what went on it, marked redelivered; a failed POST requeues one', () => {
    const f = flushPeer(put(put(withSession(), 'm1'), 'm2'), A, B.agentId, 'http://a', 5);
    const sid = f.flushed[0]!.data.session_id;
    const r = requeueSession(f.cache, P, sid);
    expect(r.requeued.map((e) => [e.id, e.state, e.redelivered, e.sessionId])).toEqual([['m1', 'queued', true, undefined], ['m2', 'queued', true, undefined]]);
    const u = unsend(f.cache, sid, '1')!;
    expect(u.outbox.map((e) => e.state)).toEqual(['sent', 'queued']);
    expect(unsend(f.cache, sid, '7')).toBeUndefined();
  });

  it('expires by TTL; refuses beyond its bound; survives the cache file', () => {
    const c = put(put(emptyCache(), 'old', 0, 10), 'new', 0, 100);
    expect(expire(c, 50).expired.map((e) => e.id)).toEqual(['old']);
    let full = emptyCache();
    for (let i = 0; i < OUTBOX_MAX_ENTRIES; i++) full = put(full, `m${i}`);
    expect(enqueue(full, { id: 'x', peer: P, bytes: te.encode('x'), createdMs: 0, expiresMs: 1 })).toBeNull();
    const back = parseCache(serializeCache(c));
    expect(back.outbox).toEqual(c.outbox);
  });
});

describe('delivery', () => {
  it('sessionReady sends what waits; without a known messenger nothing', () => {
    const c = put(withSession(), 'm1');
    const r = sessionReady(c, P, ctx());
    expect(r.outbound.map((o) => [o.url, o.message.type])).toEqual([['http://b', 'data']]);
    expect(r.events).toMatchObject([{ type: 'outbox_sent', id: 'm1', redelivered: false }]);
    expect(sessionReady({ ...c, peerMessengerUrls: {} }, P, ctx()).outbound).toEqual([]);
  });

  it('sessionLost requeues and handshakes again, at most once per HELLO_RETRY_MS', () => {
    const f = flushPeer(put(withSession(), 'm1', 0, 10 * HELLO_RETRY_MS), A, B.agentId, 'http://a', 0);
    const sid = f.flushed[0]!.data.session_id;
    const noSession = { ...f.cache, sessions: {} };
    const lost = sessionLost(noSession, P, sid, B.publicKeyB64, ctx(1000));
    expect(lost.events.map((e) => e.type)).toEqual(['requeued', 'hello_sent']);
    expect(lost.outbound.map((o) => o.message.type)).toEqual(['hello']);
    expect(Object.keys(lost.cache.pending)).toEqual([P]);
    // a tick soon after does not repeat the HELLO; one after the retry interval does
    expect(tick(lost.cache, ctx(1000 + HELLO_RETRY_MS - 1)).outbound).toEqual([]);
    expect(tick(lost.cache, ctx(1000 + HELLO_RETRY_MS + 1)).outbound.map((o) => o.message.type)).toEqual(['hello']);
  });

  it('tick reports expired messages with their text', () => {
    const t = tick(put(emptyCache(), 'bye', 0, 5), ctx(10));
    expect(t.events).toEqual([{ type: 'expired', to: P, id: 'bye', text: 'bye', state: 'queued' }]);
    expect(t.cache.outbox).toEqual([]);
    expect(t.changed).toBe(true);
  });
});
