// The pure inbound rules (opennexus spec §4.4-§4.5, with the §10 fixes), one test per rule.
import { describe, expect, it } from 'vitest';
import { b64, unb64 } from '../src/opennexus/core/bytes.ts';
import { emptyCache, parseCache, serializeCache, type CacheState } from '../src/opennexus/core/cache.ts';
import { randomBytes, x25519PublicKey } from '../src/opennexus/core/crypto.ts';
import { createHello } from '../src/opennexus/core/handshake.ts';
import { identityFromSeed } from '../src/opennexus/core/identity.ts';
import { RESET_INTERVAL_MS, handleInbound, type InboundContext } from '../src/opennexus/core/inbound.ts';
import { HELLO_BURST, HELLO_WINDOW_MS, MAX_PENDING, MAX_SESSIONS, RESETS_PER_PEER, RESETS_TOTAL } from '../src/opennexus/core/limits.ts';
import { buildResetPayload, createSignedReset, verifySignedReset } from '../src/opennexus/core/reset.ts';
import { deriveSession, sealData, type Session } from '../src/opennexus/core/session.ts';
import { parseEnvelope, type ResetMessage } from '../src/opennexus/core/wire.ts';
import { stringifyJson } from '../src/opennexus/core/json.ts';

const A = identityFromSeed(new Uint8Array(32).fill(1));
const B = identityFromSeed(new Uint8Array(32).fill(2));

function pair(): { a: Session; b: Session } {
  const ea = randomBytes(32);
  const eb = randomBytes(32);
  return {
    a: deriveSession({ selfId: A.agentId, peerId: B.agentId, ownEphPrivate: ea, peerEphPublic: x25519PublicKey(eb), peerPublicKey: B.publicKey }),
    b: deriveSession({ selfId: B.agentId, peerId: A.agentId, ownEphPrivate: eb, peerEphPublic: x25519PublicKey(ea), peerPublicKey: A.publicKey }),
  };
}

const ctx = (now = 1000): InboundContext => {
  const priv = randomBytes(32);
  return { self: B, ownMessengerUrl: 'http://b', now, ephemeral: { privateKey: priv, publicKey: x25519PublicKey(priv) } };
};

function dataFromA(s: Session, text: Uint8Array | string) {
  const sealed = sealData(s, typeof text === 'string' ? new TextEncoder().encode(text) : text, A.agentId, B.agentId);
  const env = parseEnvelope(stringifyJson({
    protocol_version: '0.1.0', type: 'data', sender_id: A.agentIdB64, receiver_id: B.agentIdB64,
    session_id: b64(s.sessionId), counter: sealed.counter, ciphertext: b64(sealed.ciphertext), sender_messenger_url: 'http://a',
  }));
  return { env, next: sealed.next };
}

const withSession = (s: Session): CacheState => ({ ...emptyCache(), sessions: { [A.agentIdB64]: s } });

describe('inbound DATA', () => {
  it('decrypts, advances rx, confirms the session; the URL in a DATA is not trusted (anyone can forge one)', () => {
    const { a, b } = pair();
    const r = handleInbound(withSession(b), dataFromA(a, 'hi').env, ctx());
    expect(r.events).toMatchObject([{ type: 'message', text: 'hi', counter: 0n }]);
    expect(r.cache.sessions[A.agentIdB64]).toMatchObject({ rxCounter: 0n, confirmed: true, lastUsedMs: 1000 });
    expect(r.cache.peerMessengerUrls[A.agentIdB64]).toBeUndefined();
    expect(r.outbound).toEqual([]);
  });

  it('accepts counters out of order within the window, rejects a replay without any reset', () => {
    const { a, b } = pair();
    const m0 = dataFromA(a, 'zero');
    const m1 = dataFromA(m0.next, 'one');
    let c = withSession(b);
    c = handleInbound(c, m1.env, ctx()).cache;
    const late = handleInbound(c, m0.env, ctx());
    expect(late.events).toMatchObject([{ type: 'message', text: 'zero' }]);
    const replay = handleInbound(late.cache, m0.env, ctx());
    expect(replay.events).toMatchObject([{ type: 'rejected', detail: 'DATA decrypt failed: non-monotonic counter' }]);
    expect(replay.events[0]).toMatchObject({ duplicate: true }); // shown quietly: messengers re-deliver
    expect(replay.outbound).toEqual([]);
    expect(replay.cache.sessions[A.agentIdB64]).toEqual(late.cache.sessions[A.agentIdB64]);
  });

  it('B1: a session-id mismatch is answered by a signed reset echoing the incoming id, rate-limited', () => {
    const { a } = pair();
    const { b: other } = pair(); // B holds a different session
    const m = dataFromA(a, 'x');
    const r = handleInbound(withSession(other), m.env, ctx(1000));
    expect(r.outbound).toHaveLength(1);
    const reset = r.outbound[0]!.message as ResetMessage;
    expect(reset).toMatchObject({ type: 'reset', reason: 2, session_id: b64(a.sessionId) });
    // not the URL the DATA names: only a verified HELLO or the user sets a peer's messenger
    expect(r.outbound[0]!.url).toBe('http://b');
    expect(verifySignedReset(parseEnvelope(JSON.stringify(reset)), A.agentId)).not.toBeNull();
    expect(r.cache.sessions[A.agentIdB64]).toEqual(other); // our own session is kept
    const again = handleInbound(r.cache, dataFromA(m.next, 'y').env, ctx(1000 + RESET_INTERVAL_MS - 1));
    expect(again.outbound).toEqual([]);
    expect(again.events.map((e) => e.type)).toContain('reset_suppressed');
    const later = handleInbound(again.cache, dataFromA(m.next, 'z').env, ctx(1000 + RESET_INTERVAL_MS + 1));
    expect(later.outbound).toHaveLength(1);
  });

  it('no session: a signed reset (reason 2) echoing the session id', () => {
    const { a } = pair();
    const r = handleInbound(emptyCache(), dataFromA(a, 'x').env, ctx());
    expect(r.outbound[0]!.message).toMatchObject({ type: 'reset', reason: 2, session_id: b64(a.sessionId) });
    expect(r.events.map((e) => e.type)).toEqual(['reset_sent', 'rejected']);
  });

  it('issue 19 (3), the attack: forged DATA on the session we hold (junk tag, far-ahead or bad counter) is dropped, never answered with a reset', () => {
    // Anyone can read a live session id off a messenger and post DATA claiming to be A on it.
    const { a, b } = pair();
    const m0 = dataFromA(a, 'first');
    let c = handleInbound(withSession(b), m0.env, ctx()).cache;
    const held = c.sessions[A.agentIdB64]!;
    const tampered = Buffer.from(m0.env.ciphertext!, 'base64');
    tampered[tampered.length - 1]! ^= 1;
    const forgeries = [
      { ...m0.env, counter: 1n, ciphertext: tampered.toString('base64') },
      { ...m0.env, counter: (1n << 64n) - 1n, ciphertext: b64(randomBytes(40)) },
      { ...m0.env, counter: 1n << 64n },
      { ...m0.env, counter: undefined },
    ];
    for (const env of forgeries) {
      const r = handleInbound(c, env, ctx(2000));
      expect(r.outbound).toEqual([]);
      expect(r.events).toMatchObject([{ type: 'rejected', from: A.agentIdB64, what: 'data', forgery: true }]);
      expect(r.changed).toBe(false);
      expect(r.cache.sessions[A.agentIdB64]).toEqual(held); // kept, counters untouched
      c = r.cache;
    }
    expect(c.resets).toEqual({});
    // The next real message is delivered, once.
    const m1 = dataFromA(m0.next, 'second');
    const r = handleInbound(c, m1.env, ctx(3000));
    expect(r.events).toMatchObject([{ type: 'message', text: 'second' }]);
    expect(handleInbound(r.cache, m1.env, ctx(3000)).events).toMatchObject([{ type: 'rejected', duplicate: true }]);
  });

  it('an encrypted reset payload drops the session only when it names the current session (B5)', () => {
    const { a, b } = pair();
    const other = dataFromA(a, buildResetPayload(new Uint8Array(32).fill(9), 1));
    const r1 = handleInbound(withSession(b), other.env, ctx());
    expect(r1.events[0]).toMatchObject({ type: 'message' });
    expect(r1.cache.sessions[A.agentIdB64]).toBeDefined();
    const real = dataFromA(other.next, buildResetPayload(a.sessionId, 1));
    const r2 = handleInbound(r1.cache, real.env, ctx());
    expect(r2.events[0]).toMatchObject({ type: 'reset', reason: 1, dropped: true, signed: false });
    expect(r2.cache.sessions[A.agentIdB64]).toBeUndefined();
  });

  it('invalid sender id, wrong version and unknown type are events, not exceptions', () => {
    const kinds = [
      { protocol_version: '0.1.0', type: 'data', sender_id: 'A' },
      { protocol_version: '9', type: 'data' },
      { protocol_version: '0.1.0', type: 'bogus' },
    ].map((m) => handleInbound(emptyCache(), parseEnvelope(JSON.stringify(m)), ctx()).events[0]);
    expect(kinds).toMatchObject([
      { type: 'rejected', detail: 'invalid sender_id' },
      { type: 'rejected', detail: 'unsupported protocol_version' },
      { type: 'rejected', detail: 'Unknown message type' },
    ]);
  });
});

describe('inbound HELLO and signed RESET', () => {
  it('a valid HELLO creates a session and an ACK addressed to the HELLO sender messenger', () => {
    const eph = randomBytes(32);
    const hello = createHello(A, B.agentId, x25519PublicKey(eph), 'http://a');
    const r = handleInbound(emptyCache(), parseEnvelope(JSON.stringify(hello)), ctx());
    expect(r.outbound).toHaveLength(1);
    expect(r.outbound[0]).toMatchObject({ url: 'http://a', message: { type: 'hello_ack', peer_ephemeral_public_key: hello.ephemeral_public_key } });
    expect(r.cache.sessions[A.agentIdB64]).toBeDefined();
    const bad = handleInbound(emptyCache(), parseEnvelope(JSON.stringify({ ...hello, receiver_id: A.agentIdB64 })), ctx());
    expect(bad.events[0]).toMatchObject({ type: 'rejected', detail: 'Invalid HELLO' });
  });

  it('a signed reset naming an older session (crossed handshakes) sends what went on it again, on the current one', () => {
    const { b } = pair();
    const old = b64(randomBytes(32));
    const entry = (id: string, sessionId: string) => ({ id, peer: A.agentIdB64, bytes: new TextEncoder().encode(id), createdMs: 0, expiresMs: 10_000, state: 'sent' as const, sessionId, counter: '0', redelivered: false });
    const c: CacheState = { ...withSession(b), outbox: [entry('on-old', old), entry('on-current', b64(b.sessionId))], peerMessengerUrls: { [A.agentIdB64]: 'http://a' } };
    const r = handleInbound(c, parseEnvelope(JSON.stringify(createSignedReset(A, B.agentId, unb64(old, 32), 2))), ctx());
    expect(r.events.map((e) => [e.type, (e as { dropped?: boolean }).dropped, (e as { id?: string }).id])).toEqual([
      ['reset', false, undefined],
      ['requeued', undefined, 'on-old'],
      ['outbox_sent', undefined, 'on-old'],
    ]);
    expect(r.cache.sessions[A.agentIdB64]?.sessionId).toEqual(b.sessionId);
    expect(r.outbound.map((o) => [o.url, o.message.type, (o.message as { session_id: string }).session_id])).toEqual([['http://a', 'data', b64(b.sessionId)]]);
    expect(r.cache.outbox.map((e) => [e.id, e.state, e.sessionId, e.redelivered])).toEqual([
      ['on-old', 'posting', b64(b.sessionId), true],
      ['on-current', 'sent', b64(b.sessionId), false],
    ]);
    // Replayed by the messenger later, the same reset names nothing we hold any more: no change.
    const again = handleInbound(r.cache, parseEnvelope(JSON.stringify(createSignedReset(A, B.agentId, unb64(old, 32), 2))), ctx());
    expect(again.outbound).toEqual([]);
  });

  it('a signed reset drops the session only if the session id matches', () => {
    const { b } = pair();
    const c = withSession(b);
    const wrong = createSignedReset(A, B.agentId, new Uint8Array(32), 2);
    const r1 = handleInbound(c, parseEnvelope(JSON.stringify(wrong)), ctx());
    expect(r1.events[0]).toMatchObject({ type: 'reset', dropped: false });
    expect(r1.cache.sessions[A.agentIdB64]).toBeDefined();
    const right = createSignedReset(A, B.agentId, b.sessionId, 2);
    const r2 = handleInbound(c, parseEnvelope(JSON.stringify(right)), ctx());
    expect(r2.events[0]).toMatchObject({ type: 'reset', dropped: true, signed: true });
    const forged = handleInbound(c, parseEnvelope(JSON.stringify({ ...right, reason: 1 })), ctx());
    expect(forged.events[0]).toMatchObject({ type: 'rejected' });
    expect(forged.cache.sessions[A.agentIdB64]).toBeDefined();
  });
});

describe('session cache text', () => {
  it('round-trips counters above 2^53 exactly and reads a reference cache', () => {
    const { b } = pair();
    const big = { ...b, txCounter: (1n << 64n) - 2n, rxCounter: (1n << 60n) + 3n, rxWindow: 5n };
    const c = parseCache(serializeCache(withSession(big)));
    expect(c.sessions[A.agentIdB64]).toEqual(big);
    const ref = '{"sessions": {"X": {"session_id": "' + b64(b.sessionId) + '", "tx_key": "' + b64(b.txKey) + '", "rx_key": "' + b64(b.rxKey) + '", "tx_counter": 3, "rx_counter": 2, "peer_public_key": "", "local_ephemeral_public_key": "", "peer_ephemeral_public_key": ""}, "Y": {"session_id": "short"}}, "peer_messenger_urls": {"X": "u"}}';
    const parsed = parseCache(ref);
    expect(Object.keys(parsed.sessions)).toEqual(['X']);
    expect(parsed.sessions.X!.rxCounter).toBe(2n);
    expect(parseCache('{"sessions": {"X": tru').sessions).toEqual({});
  });
});

describe('bounded against strangers (core/limits.ts)', () => {
  const helloFrom = (seed: number | Uint8Array, url = 'http://attacker/internal-admin') => {
    const id = identityFromSeed(typeof seed === 'number' ? new Uint8Array(32).fill(seed) : seed);
    return { id, env: parseEnvelope(JSON.stringify(createHello(id, B.agentId, x25519PublicKey(randomBytes(32)), url))) };
  };

  it('a HELLO flood from 2,000 fresh identities: cache bounded, ACKs rate-limited, real peers still served', () => {
    const { a, b } = pair();
    let c: CacheState = { ...withSession({ ...b, confirmed: true, lastUsedMs: 0 }), peerMessengerUrls: { [A.agentIdB64]: 'http://a' } };
    let acks = 0;
    let now = 1000;
    for (let i = 0; i < 2000; i++) {
      now += 10; // 100 HELLOs a second for 20 s
      const r = handleInbound(c, helloFrom(randomBytes(32)).env, ctx(now));
      acks += r.outbound.length;
      c = r.cache;
      expect(Object.keys(c.sessions).length).toBeLessThanOrEqual(MAX_PENDING + 1);
    }
    expect(acks).toBeLessThanOrEqual(HELLO_BURST * (20_000 / HELLO_WINDOW_MS + 1));
    expect(Object.keys(c.peerMessengerUrls).length).toBeLessThanOrEqual(MAX_PENDING + 1);
    // the real peer's session survived and its DATA still decrypts
    const r = handleInbound(c, dataFromA(a, 'still here').env, ctx(now));
    expect(r.events).toMatchObject([{ type: 'message', text: 'still here' }]);
    // and a known peer's new HELLO is answered even while strangers are refused
    const flooded = handleInbound(r.cache, helloFrom(randomBytes(32)).env, ctx(now));
    expect(flooded.events[0]).toMatchObject({ type: 'rejected', what: 'hello' });
    const again = handleInbound(r.cache, parseEnvelope(JSON.stringify(createHello(A, B.agentId, x25519PublicKey(randomBytes(32)), 'http://a'))), ctx(now));
    expect(again.outbound).toHaveLength(1);
    expect(again.cache.sessions[A.agentIdB64]!.confirmed).toBe(true);
  });

  it('at most MAX_SESSIONS sessions: the least recently used goes', () => {
    const sessions: CacheState['sessions'] = {};
    const { b } = pair();
    for (let i = 0; i < MAX_SESSIONS; i++) sessions[`peer${i}`] = { ...b, confirmed: true, lastUsedMs: i };
    let c: CacheState = { ...emptyCache(), sessions };
    c = handleInbound(c, helloFrom(7, 'http://seven').env, ctx(5_000_000)).cache;
    expect(Object.keys(c.sessions)).toHaveLength(MAX_SESSIONS);
    expect(c.sessions.peer0).toBeUndefined();
    expect(c.sessions.peer1).toBeDefined();
  });

  it('forged DATA from many senders: no POST to the URL it names, and resets are rate-limited', () => {
    let c = emptyCache();
    const urls: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const env = parseEnvelope(stringifyJson({
        protocol_version: '0.1.0', type: 'data', sender_id: b64(randomBytes(32)), receiver_id: B.agentIdB64,
        session_id: b64(randomBytes(32)), counter: 1, ciphertext: b64(randomBytes(40)), sender_messenger_url: 'http://127.0.0.1:9/internal-admin',
      }));
      const r = handleInbound(c, env, ctx(1000 + i));
      c = r.cache;
      urls.push(...r.outbound.map((o) => o.url));
    }
    expect(urls.every((u) => u === 'http://b')).toBe(true);
    expect(urls.length).toBe(RESETS_TOTAL);
    expect(c.peerMessengerUrls).toEqual({});
  });

  it('resets to one peer: once per session, at most RESETS_PER_PEER per interval', () => {
    let c = emptyCache();
    let sent = 0;
    for (let i = 0; i < 10; i++) {
      const { a } = pair();
      const r = handleInbound(c, dataFromA(a, 'x').env, ctx(1000));
      sent += r.outbound.length;
      c = r.cache;
    }
    expect(sent).toBe(RESETS_PER_PEER);
  });
});

describe('handleInbound reports whether the cache changed', () => {
  it('a message, a HELLO and a dropped session change it; a replay, junk and a refused HELLO do not', () => {
    const { a, b } = pair();
    const m0 = dataFromA(a, 'x');
    const first = handleInbound(withSession(b), m0.env, ctx());
    expect(first.changed).toBe(true);
    expect(handleInbound(first.cache, m0.env, ctx()).changed).toBe(false); // replay
    expect(handleInbound(first.cache, parseEnvelope('{"protocol_version":"0.1.0","type":"bogus"}'), ctx()).changed).toBe(false);
    const hello = parseEnvelope(JSON.stringify(createHello(A, B.agentId, x25519PublicKey(randomBytes(32)), 'http://a')));
    expect(handleInbound(emptyCache(), hello, ctx()).changed).toBe(true);
    const drop = createSignedReset(A, B.agentId, b.sessionId, 2);
    expect(handleInbound(withSession(b), parseEnvelope(JSON.stringify(drop)), ctx()).changed).toBe(true);
    const noDrop = createSignedReset(A, B.agentId, new Uint8Array(32), 2);
    expect(handleInbound(withSession(b), parseEnvelope(JSON.stringify(noDrop)), ctx()).changed).toBe(false);
  });
});

describe('replayed messages (the messenger re-delivers for a grace period)', () => {
  it('a replay we cannot open gets no reset, so the rate limit stays for real messages', () => {
    const { a } = pair();
    const m = dataFromA(a, 'x');
    const replay = handleInbound(emptyCache(), m.env, { ...ctx(), replay: true });
    expect(replay.outbound).toEqual([]);
    expect(replay.changed).toBe(false);
    // Reported as the duplicate it is ("Skipping a message already received"), not as an error.
    expect(replay.events).toMatchObject([{ type: 'rejected', detail: 'No session for DATA', duplicate: true }]);
    const fresh = handleInbound(replay.cache, dataFromA(m.next, 'y').env, ctx());
    expect(fresh.outbound.map((o) => o.message.type)).toEqual(['reset']);
  });
});
