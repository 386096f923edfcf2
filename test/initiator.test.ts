// The pure sending side (core/initiator.ts): begin -> pending -> complete, recognise resets, seal.
import { describe, expect, it } from 'vitest';
import { b64 } from '../src/opennexus/core/bytes.ts';
import { emptyCache, parseCache, serializeCache } from '../src/opennexus/core/cache.ts';
import { randomBytes, x25519PublicKey } from '../src/opennexus/core/crypto.ts';
import { identityFromSeed } from '../src/opennexus/core/identity.ts';
import { handleInbound } from '../src/opennexus/core/inbound.ts';
import { beginHandshake, completeHandshake, forgetSession, isAckFor, isResetFor, sealFor } from '../src/opennexus/core/initiator.ts';
import { createSignedReset } from '../src/opennexus/core/reset.ts';
import { openData } from '../src/opennexus/core/session.ts';
import { parseEnvelope, type Envelope } from '../src/opennexus/core/wire.ts';

const A = identityFromSeed(new Uint8Array(32).fill(1));
const B = identityFromSeed(new Uint8Array(32).fill(2));
const wire = (m: object): Envelope => parseEnvelope(JSON.stringify(m, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)));

/** A begins; B's stream answers the HELLO (inbound.ts); returns both sides. */
function handshake(now = 1000) {
  const begun = beginHandshake(emptyCache(), { self: A, peerId: B.agentId, peerPublicKey: B.publicKey, peerUrl: 'http://b', ownMessengerUrl: 'http://a', ephPrivate: randomBytes(32), now });
  const bEph = randomBytes(32);
  const atB = handleInbound(emptyCache(), wire(begun.hello), { self: B, ownMessengerUrl: 'http://b', now, ephemeral: { privateKey: bEph, publicKey: x25519PublicKey(bEph) } });
  const ack = wire(atB.outbound[0]!.message);
  return { begun, atB, ack };
}

describe('core/initiator', () => {
  it('begin records a pending handshake and the peer URL; the HELLO is valid for the peer', () => {
    const { begun, atB } = handshake();
    expect(Object.keys(begun.cache.pending)).toEqual([B.agentIdB64]);
    expect(begun.cache.peerMessengerUrls[B.agentIdB64]).toBe('http://b');
    expect(begun.cache.sessions).toEqual({});
    expect(atB.events[0]).toMatchObject({ type: 'session_established' });
  });

  it('the ACK completes into the same session the peer holds, confirmed; the pending record goes', () => {
    const { begun, atB, ack } = handshake();
    expect(isAckFor(begun.cache.pending[B.agentIdB64]!, ack, B.agentIdB64)).toBe(true);
    const done = completeHandshake(begun.cache, ack, A, 2000);
    if (!done.ok) throw new Error(done.detail);
    expect(b64(done.session.sessionId)).toBe(b64(atB.cache.sessions[A.agentIdB64]!.sessionId));
    expect(done.session).toMatchObject({ confirmed: true, lastUsedMs: 2000, txCounter: 0n });
    expect(done.cache.pending).toEqual({});
    // and a message sealed on it opens at B
    const sealed = sealFor(done.cache, A, B.agentId, 'hi', 'http://a', 2000)!;
    const opened = openData(atB.cache.sessions[A.agentIdB64]!, sealed.data, A.agentId, B.agentId);
    expect(new TextDecoder().decode(opened.plaintext)).toBe('hi');
    expect(sealed.cache.sessions[B.agentIdB64]!.txCounter).toBe(1n);
  });

  it('a handshake begun by one process is completed by another from the saved cache', () => {
    const { begun, ack } = handshake();
    const later = parseCache(serializeCache(begun.cache));
    const done = completeHandshake(later, ack, A, 3000);
    expect(done.ok).toBe(true);
  });

  it('completing twice keeps the first session and its counters (idempotent)', () => {
    const { begun, ack } = handshake();
    const pending = begun.cache.pending[B.agentIdB64]!;
    const first = completeHandshake(begun.cache, ack, A, 2000);
    if (!first.ok) throw new Error(first.detail);
    const used = sealFor(first.cache, A, B.agentId, 'one', 'http://a', 2000)!.cache;
    const again = completeHandshake(used, ack, A, 2500, pending);
    if (!again.ok) throw new Error(again.detail);
    expect(again.cache.sessions[B.agentIdB64]!.txCounter).toBe(1n);
  });

  it('refuses an ACK with no pending record, for another HELLO, or with a bad signature', () => {
    const { begun, ack } = handshake();
    expect(completeHandshake(emptyCache(), ack, A, 0)).toMatchObject({ ok: false, error: 'no_pending' });
    const other = handshake().ack;
    expect(completeHandshake(begun.cache, other, A, 0)).toMatchObject({ ok: false, error: 'no_pending' });
    const sig = Buffer.from(ack.signature!, 'base64');
    sig[0]! ^= 1;
    expect(completeHandshake(begun.cache, { ...ack, signature: sig.toString('base64') }, A, 0)).toMatchObject({ ok: false, error: 'hello_ack_invalid' });
  });

  it('recognises the signed reset that names a session, and forgets only that session', () => {
    const { begun, ack } = handshake();
    const done = completeHandshake(begun.cache, ack, A, 0);
    if (!done.ok) throw new Error(done.detail);
    const sid = b64(done.session.sessionId);
    const reset = wire(createSignedReset(B, A.agentId, done.session.sessionId, 2));
    expect(isResetFor(reset, A.agentId, B.agentIdB64, sid)).toBe(true);
    expect(isResetFor(reset, A.agentId, B.agentIdB64, b64(new Uint8Array(32)))).toBe(false);
    expect(isResetFor({ ...reset, reason: 1n }, A.agentId, B.agentIdB64, sid)).toBe(false);
    expect(forgetSession(done.cache, B.agentIdB64, b64(new Uint8Array(32)))).toBeUndefined();
    expect(forgetSession(done.cache, B.agentIdB64, sid)!.sessions).toEqual({});
  });

  it('sealFor without a session is null', () => {
    expect(sealFor(emptyCache(), A, B.agentId, 'x', 'http://a', 0)).toBeNull();
  });
});
