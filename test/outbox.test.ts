// The outbox (core/outbox.ts) and what sessions appearing and disappearing do to it (core/delivery.ts).
import { describe, expect, it } from 'vitest';
import { emptyCache, parseCache, serializeCache, type CacheState } from '../src/opennexus/core/cache.ts';
import { randomBytes, x25519PublicKey } from '../src/opennexus/core/crypto.ts';
import { HELLO_RETRY_MS, sessionLost, sessionReady, tick } from '../src/opennexus/core/delivery.ts';
import { identityFromSeed } from '../src/opennexus/core/identity.ts';
import { MAX_MESSAGE_BYTES, MAX_REQUEUES, dropPeer, OUTBOX_MAX_BYTES, OUTBOX_MAX_ENTRIES, OUTBOX_PEER_MAX_BYTES, OUTBOX_PEER_MAX_ENTRIES, POSTING_STALE_MS, afterPosts, confirmSession, enqueue, expire, flushPeer, postVerdict, reclaimStale, requeueSession } from '../src/opennexus/core/outbox.ts';
import { deriveSession } from '../src/opennexus/core/session.ts';

const A = identityFromSeed(new Uint8Array(32).fill(1));
const B = identityFromSeed(new Uint8Array(32).fill(2));
const P = B.agentIdB64;
const te = new TextEncoder();

function withSession(): CacheState {
  const s = deriveSession({ selfId: A.agentId, peerId: B.agentId, ownEphPrivate: randomBytes(32), peerEphPublic: x25519PublicKey(randomBytes(32)), peerPublicKey: B.publicKey });
  return { ...emptyCache(), sessions: { [P]: { ...s, confirmed: true } }, peerMessengerUrls: { [P]: 'http://b' } };
}

/** Enqueues or fails the test (a refusal is checked where it is meant). */
function ok(r: ReturnType<typeof enqueue>): CacheState {
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
  return r.cache;
}
const put = (c: CacheState, id: string, now = 0, ttl = 1000, peer = P) => ok(enqueue(c, { id, peer, bytes: te.encode(id), createdMs: now, expiresMs: now + ttl }));
const ctx = (now = 0) => ({ self: A, ownMessengerUrl: 'http://a', now, freshKey: () => randomBytes(32) });

describe('outbox', () => {
  it('queued -> posting in order -> sent once its POST is answered; confirmed by the peer on that session -> gone', () => {
    let c = put(put(withSession(), 'm1'), 'm2');
    const f = flushPeer(c, A, B.agentId, 'http://a', 5);
    expect(f.flushed.map((x) => [x.entry.id, x.data.counter])).toEqual([['m1', 0n], ['m2', 1n]]);
    c = f.cache;
    expect(c.outbox.map((e) => [e.state, e.postedMs])).toEqual([['posting', 5], ['posting', 5]]);
    const sid = f.flushed[0]!.data.session_id;
    // Sealed but not answered: the peer writing on the session confirms nothing.
    expect(confirmSession(c, P, sid).delivered).toEqual([]);
    c = afterPosts(c, [{ sessionId: sid, counter: '0', verdict: 'ok' }, { sessionId: sid, counter: '1', verdict: 'ok' }]).cache;
    expect(c.outbox.map((e) => [e.state, e.postedMs])).toEqual([['sent', undefined], ['sent', undefined]]);
    expect(confirmSession(c, P, 'other').delivered).toEqual([]);
    const conf = confirmSession(c, P, sid);
    expect(conf.delivered.map((e) => e.id)).toEqual(['m1', 'm2']);
    expect(conf.cache.outbox).toEqual([]);
  });

  it('a lost session requeues what went on it (sent or still posting), marked redelivered', () => {
    const f = flushPeer(put(put(withSession(), 'm1'), 'm2'), A, B.agentId, 'http://a', 5);
    const sid = f.flushed[0]!.data.session_id;
    const half = afterPosts(f.cache, [{ sessionId: sid, counter: '0', verdict: 'ok' }]).cache;
    const r = requeueSession(half, P, sid);
    expect(r.requeued.map((e) => [e.id, e.state, e.redelivered, e.sessionId])).toEqual([['m1', 'queued', true, undefined], ['m2', 'queued', true, undefined]]);
  });

  it('a POST that failed on the way requeues (to be sealed anew); a refused one leaves and is returned', () => {
    const f = flushPeer(put(put(put(withSession(), 'm1'), 'm2'), 'm3'), A, B.agentId, 'http://a', 5);
    const sid = f.flushed[0]!.data.session_id;
    const a = afterPosts(f.cache, [
      { sessionId: sid, counter: '0', verdict: 'refused' },
      { sessionId: sid, counter: '1', verdict: 'ok' },
      { sessionId: sid, counter: '2', verdict: 'retry' },
      { sessionId: sid, counter: '9', verdict: 'ok' }, // names no message: ignored
    ]);
    expect(a.refused.map((e) => e.id)).toEqual(['m1']);
    expect(a.cache.outbox.map((e) => [e.id, e.state, e.counter])).toEqual([['m2', 'sent', '1'], ['m3', 'queued', undefined]]);
    // Sealed again, the retried one gets a new counter: a spent nonce is never reused.
    const again = flushPeer(a.cache, A, B.agentId, 'http://a', 6);
    expect(again.flushed.map((x) => [x.entry.id, x.data.counter])).toEqual([['m3', 3n]]);
  });

  it('postVerdict: 2xx ok; 400 and 413 refused for good; anything else retried; no answer unknown (a possible duplicate)', () => {
    expect([200, 202, 204, 400, 413, 404, 429, 500, 503, null].map(postVerdict)).toEqual(['ok', 'ok', 'ok', 'refused', 'refused', 'retry', 'retry', 'retry', 'retry', 'unknown']);
    // No answer at all: it may have got through, so it goes out again marked as a possible duplicate.
    const f = flushPeer(put(withSession(), 'm1'), A, B.agentId, 'http://a', 5);
    const a = afterPosts(f.cache, [{ sessionId: f.flushed[0]!.data.session_id, counter: '0', verdict: 'unknown' }]);
    expect(a.cache.outbox.map((e) => [e.state, e.redelivered])).toEqual([['queued', true]]);
  });

  it('a seal whose POST never answered (its sender was killed) is reclaimed after POSTING_STALE_MS, never confirmed', () => {
    const f = flushPeer(put(withSession(), 'm1', 0, 3600_000), A, B.agentId, 'http://a', 1000);
    expect(reclaimStale(f.cache, 1000 + POSTING_STALE_MS - 1).reclaimed).toEqual([]);
    const r = reclaimStale(f.cache, 1000 + POSTING_STALE_MS);
    expect(r.reclaimed.map((e) => [e.id, e.state, e.sessionId])).toEqual([['m1', 'posting', f.flushed[0]!.data.session_id]]);
    expect(r.cache.outbox.map((e) => [e.state, e.redelivered, e.sessionId])).toEqual([['queued', true, undefined]]);
    // The tick does it and says so.
    const t = tick(f.cache, ctx(1000 + POSTING_STALE_MS));
    expect(t.events.filter((e) => e.type === 'requeued')).toEqual([{ type: 'requeued', to: P, id: 'm1', sessionId: f.flushed[0]!.data.session_id, why: 'unanswered' }]);
    expect(t.outbound.map((o) => o.message.type)).toEqual(['data']);
  });

  it('expires by TTL (and is never sealed after it); refuses beyond its bound; survives the cache file', () => {
    const c = put(put(emptyCache(), 'old', 0, 10), 'new', 0, 100);
    expect(expire(c, 50).expired.map((e) => e.id)).toEqual(['old']);
    const late = flushPeer(put(put(withSession(), 'old', 0, 10), 'new', 0, 100), A, B.agentId, 'http://a', 50);
    expect(late.flushed.map((x) => x.entry.id)).toEqual(['new']);
    expect(late.cache.outbox.map((e) => [e.id, e.state])).toEqual([['old', 'queued'], ['new', 'posting']]);
    let full = emptyCache();
    for (let i = 0; i < OUTBOX_MAX_ENTRIES; i++) full = put(full, `m${i}`, 0, 1000, `peer${i % 4}`);
    expect(enqueue(full, { id: 'x', peer: P, bytes: te.encode('x'), createdMs: 0, expiresMs: 1 })).toMatchObject({ ok: false, full: 'outbox', peer: P });
    // What has expired does not count (a stream's tick still reports it), and is not dropped here.
    const later = ok(enqueue(full, { id: 'y', peer: P, bytes: te.encode('y'), createdMs: 5000, expiresMs: 9000 }));
    expect(later.outbox.length).toBe(OUTBOX_MAX_ENTRIES + 1);
    const back = parseCache(serializeCache(c));
    expect(back.outbox).toEqual(c.outbox);
    const sealed = flushPeer(put(withSession(), 'p'), A, B.agentId, 'http://a', 42).cache;
    expect(parseCache(serializeCache(sealed)).outbox).toEqual(sealed.outbox);
  });
});

describe('a fair outbox (issue 19, item 5)', () => {
  const big = (c: CacheState, id: string, peer: string) => enqueue(c, { id, peer, bytes: new Uint8Array(MAX_MESSAGE_BYTES), createdMs: 0, expiresMs: 1000 });

  it('the attack: a silent peer fills its share of the outbox, and a message to anyone else is still accepted', () => {
    // 46 KiB messages to a peer that never answers used to take all 8 MiB, for a whole TTL.
    let c = emptyCache();
    let n = 0;
    for (let r = big(c, 'silent-0', 'silent'); r.ok; r = big(c, `silent-${++n}`, 'silent')) c = r.cache;
    expect(n).toBe(Math.floor(OUTBOX_PEER_MAX_BYTES / MAX_MESSAGE_BYTES));
    expect(big(c, 'one more', 'silent')).toEqual({ ok: false, full: 'peer', peer: 'silent', entries: n, bytes: n * MAX_MESSAGE_BYTES });
    expect(big(c, 'to bob', 'bob')).toMatchObject({ ok: true });
    // The share counts messages too, not only bytes.
    let d = emptyCache();
    for (let i = 0; i < OUTBOX_PEER_MAX_ENTRIES; i++) d = put(d, `s${i}`, 0, 1000, 'silent');
    expect(enqueue(d, { id: 'x', peer: 'silent', bytes: te.encode('x'), createdMs: 0, expiresMs: 1000 })).toMatchObject({ ok: false, full: 'peer', entries: OUTBOX_PEER_MAX_ENTRIES });
    expect(enqueue(d, { id: 'x', peer: 'bob', bytes: te.encode('x'), createdMs: 0, expiresMs: 1000 })).toMatchObject({ ok: true });
  });

  it('dropPeer (outbox --drop) takes one peer\'s messages out, whatever their state, and frees its share', () => {
    let c = put(put(put(withSession(), 'm1'), 'm2'), 'other', 0, 1000, 'bob');
    c = flushPeer(c, A, B.agentId, 'http://a', 5).cache; // m1, m2 posting
    const d = dropPeer(c, P);
    expect(d.dropped.map((e) => [e.id, e.state])).toEqual([['m1', 'posting'], ['m2', 'posting']]);
    expect(d.cache.outbox.map((e) => e.id)).toEqual(['other']);
    expect(dropPeer(d.cache, P).cache).toBe(d.cache);
  });

  it('a peer share is a quarter of the outbox: it takes four silent peers at their cap to refuse a fifth', () => {
    expect([OUTBOX_PEER_MAX_ENTRIES * 4, OUTBOX_PEER_MAX_BYTES * 4]).toEqual([OUTBOX_MAX_ENTRIES, OUTBOX_MAX_BYTES]);
    let c = emptyCache();
    for (const peer of ['p1', 'p2', 'p3']) for (let r = big(c, `${peer}-${c.outbox.length}`, peer); r.ok; r = big(c, `${peer}-${c.outbox.length}`, peer)) c = r.cache;
    expect(big(c, 'fourth', 'p4')).toMatchObject({ ok: true });
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

  it('issue 19 (3): resets cannot multiply duplicates; each message goes out again at most MAX_REQUEUES times, then leaves, reported', () => {
    // The peer "loses" every session the message goes out on (a reference peer answering forged
    // DATA with a reset, or a replayed HELLO replacing its session, opennexus spec §10 B4).
    let c = put(put(withSession(), 'm1', 0, 10 * HELLO_RETRY_MS), 'm2', 0, 10 * HELLO_RETRY_MS);
    let sends = 0;
    const gaveUp: string[] = [];
    for (let round = 0; round < 20; round++) {
      const f = flushPeer(c, A, B.agentId, 'http://a', round);
      sends += f.flushed.length;
      const sid = f.flushed[0]?.data.session_id;
      c = afterPosts(f.cache, f.flushed.map((x) => ({ sessionId: x.data.session_id, counter: x.data.counter.toString(), verdict: 'ok' as const }))).cache;
      if (!sid) break;
      const lost = sessionLost({ ...c, sessions: {} }, P, sid, B.publicKeyB64, ctx(round));
      gaveUp.push(...lost.events.flatMap((e) => (e.type === 'gave_up' ? [`${e.id}:${e.text}:${e.requeues}`] : [])));
      c = { ...withSession(), outbox: lost.cache.outbox }; // a new handshake completes
      if (round === 1) expect(parseCache(serializeCache(c)).outbox).toEqual(c.outbox); // the count survives the file
    }
    expect(sends).toBe(2 * (1 + MAX_REQUEUES));
    expect(gaveUp).toEqual([`m1:m1:${MAX_REQUEUES}`, `m2:m2:${MAX_REQUEUES}`]);
    expect(c.outbox).toEqual([]);
  });

  it('tick begins the handshake for a queued message with no session and no handshake record (a HELLO that never got out)', () => {
    const c = { ...ok(enqueue(emptyCache(), { id: 'm1', peer: P, bytes: te.encode('m1'), createdMs: 0, expiresMs: 10 * HELLO_RETRY_MS, peerPublicKey: B.publicKeyB64 })), peerMessengerUrls: { [P]: 'http://b' } };
    const t = tick(c, ctx(1000));
    expect(t.outbound.map((o) => [o.url, o.message.type])).toEqual([['http://b', 'hello']]);
    expect(t.events).toMatchObject([{ type: 'hello_sent', to: P, reason: 'retry' }]);
    expect(parseCache(serializeCache(c)).outbox[0]?.peerPublicKey).toBe(B.publicKeyB64);
  });

  it('tick reports expired messages with their text', () => {
    const t = tick(put(emptyCache(), 'bye', 0, 5), ctx(10));
    expect(t.events).toEqual([{ type: 'expired', to: P, id: 'bye', text: 'bye', state: 'queued' }]);
    expect(t.cache.outbox).toEqual([]);
    expect(t.changed).toBe(true);
  });
});
