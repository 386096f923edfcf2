// Reproduces every vector in test/vectors/opennexus-v0.1.0.json, valid and invalid.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { b64, compareBytes, hex, lp, u16, unb64, unhex } from '../src/opennexus/core/bytes.ts';
import { sha256, x25519PublicKey, x25519SharedSecret } from '../src/opennexus/core/crypto.ts';
import { identityFromKeyTexts, identityFromSeed, keyFileText } from '../src/opennexus/core/identity.ts';
import { createHello, createHelloAck, helloAckSigInput, helloSigInput, verifyHello, verifyHelloAck } from '../src/opennexus/core/handshake.ts';
import { dataAad, deriveSession, nonceFor, openData, sealData, sessionMaterial, type Session } from '../src/opennexus/core/session.ts';
import { buildResetPayload, createSignedReset, parseResetPayload, resetSigInput, verifySignedReset } from '../src/opennexus/core/reset.ts';
import { parseEnvelope } from '../src/opennexus/core/wire.ts';
import { ProtocolError } from '../src/opennexus/core/errors.ts';
import { stringifyJson } from '../src/opennexus/core/json.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const V: Any = JSON.parse(readFileSync(new URL('./vectors/opennexus-v0.1.0.json', import.meta.url), 'utf8'));
const vec = (id: string): Any => V.vectors.find((v: Any) => v.id === id);
const ids = { A: identityFromSeed(unhex(V.agents.A.ed25519_seed_hex)), B: identityFromSeed(unhex(V.agents.B.ed25519_seed_hex)) };
type Who = keyof typeof ids;
const other = (w: Who): Who => (w === 'A' ? 'B' : 'A');

/** Builds the session `who` holds in handshake hs1/hs2 from the vector's ephemeral keys. */
function sessionOf(hs: 'hs1' | 'hs2', who: Who): Session {
  const d = vec(`${hs}_session`).inputs;
  const initiator: Who = d.initiator;
  const priv = unhex(who === initiator ? d.initiator_ephemeral_private_hex : d.responder_ephemeral_private_hex);
  const peerPriv = unhex(who === initiator ? d.responder_ephemeral_private_hex : d.initiator_ephemeral_private_hex);
  return deriveSession({
    selfId: ids[who].agentId,
    peerId: ids[other(who)].agentId,
    ownEphPrivate: priv,
    peerEphPublic: x25519PublicKey(peerPriv),
    peerPublicKey: ids[other(who)].publicKey,
  });
}

describe('identities and key files (opennexus spec §1.2-§1.3)', () => {
  for (const who of ['A', 'B'] as const) {
    it(`agent ${who}`, () => {
      const a = V.agents[who];
      const id = ids[who];
      expect(hex(id.publicKey)).toBe(a.public_key_hex);
      expect(id.publicKeyB64).toBe(a.public_key_b64);
      expect(hex(id.agentId)).toBe(a.agent_id_hex);
      expect(id.agentIdB64).toBe(a.agent_id_b64);
      expect(keyFileText(id.publicKey)).toBe(a.pub_file_content);
      expect(keyFileText(id.seed)).toBe(a.priv_file_content);
      expect(Buffer.from(a.pub_file_content).toString('hex')).toBe(a.pub_file_content_hex);
      expect(identityFromKeyTexts(a.pub_file_content + '\n', a.priv_file_content + '\n').agentIdB64).toBe(a.agent_id_b64);
      expect(`session_keys_${a.agent_id_hex.slice(0, 16)}.json`).toBe(a.session_cache_file_name);
    });
  }
  it('a mismatched key pair, URL-safe or short key is rejected', () => {
    expect(() => identityFromKeyTexts(V.agents.B.pub_file_content, V.agents.A.priv_file_content)).toThrow(ProtocolError);
    expect(() => unb64(V.agents.A.public_key_b64.replace(/\//g, '_'), 32)).toThrow(ProtocolError);
    expect(() => unb64(V.agents.A.public_key_b64.replace(/=$/, ''), 32)).toThrow(ProtocolError);
    expect(() => unb64(b64(new Uint8Array(31)), 32)).toThrow(/32 bytes/);
  });
});

describe('encodings (opennexus spec §2)', () => {
  it('agent id ordering', () => {
    const v = vec('agent_id_ordering');
    const lower = compareBytes(unhex(v.inputs.agent_id_A_hex), unhex(v.inputs.agent_id_B_hex)) < 0 ? 'A' : 'B';
    expect(lower).toBe(v.outputs.lower_agent);
  });
  it('lp_encode', () => {
    for (const c of vec('lp_encode').cases) expect(hex(lp(unhex(c.input_hex)))).toBe(c.output_hex);
    expect(() => lp(new Uint8Array(65536))).toThrow(ProtocolError);
  });
  it('reason_to_bytes', () => {
    for (const c of vec('reason_to_bytes').cases) expect(hex(u16(c.reason))).toBe(c.output_hex);
    expect(() => u16(-1)).toThrow(ProtocolError);
    expect(() => u16(65536)).toThrow(ProtocolError);
  });
  it('nonce layout, including u64 max (exact from the JSON text, beyond 2^53)', () => {
    const raw = readFileSync(new URL('./vectors/opennexus-v0.1.0.json', import.meta.url), 'utf8');
    expect(raw).toContain('"counter": 18446744073709551615');
    for (const c of vec('nonce_layout').cases) {
      const counter = c.counter === 18446744073709551615 ? 18446744073709551615n : BigInt(c.counter);
      expect(hex(nonceFor(counter))).toBe(c.nonce_hex);
    }
    expect(() => nonceFor(1n << 64n)).toThrow(ProtocolError);
  });
});

describe('handshakes (opennexus spec §2, §4.2-§4.4)', () => {
  for (const hs of ['hs1', 'hs2'] as const) {
    it(`${hs} ephemerals and X25519`, () => {
      const v = vec(`${hs}_ephemerals`);
      for (const who of ['A', 'B'] as const) {
        const pub = x25519PublicKey(unhex(v.inputs[`${who}_ephemeral_private_hex`]));
        expect(hex(pub)).toBe(v.outputs[`${who}_ephemeral_public_hex`]);
        expect(b64(pub)).toBe(v.outputs[`${who}_ephemeral_public_b64`]);
      }
      const shared = x25519SharedSecret(unhex(v.inputs.A_ephemeral_private_hex), unhex(v.outputs.B_ephemeral_public_hex));
      expect(hex(shared)).toBe(v.outputs.x25519_shared_secret_hex);
    });

    it(`${hs} HELLO`, () => {
      const v = vec(`${hs}_hello`);
      const s: Who = v.inputs.sender;
      const r: Who = v.inputs.receiver;
      const eph = unb64(v.inputs.sender_ephemeral_public_b64, 32);
      expect(hex(helloSigInput(ids[s].agentId, ids[r].agentId, eph))).toBe(v.outputs.signature_input_hex);
      const msg = createHello(ids[s], ids[r].agentId, eph, v.outputs.message.sender_messenger_url);
      expect(msg).toEqual(v.outputs.message);
      expect(Object.keys(msg)).toEqual(Object.keys(v.outputs.message));
      expect(verifyHello(parseEnvelope(JSON.stringify(msg)), ids[r].agentId) !== null).toBe(v.outputs.receiver_verify_hello);
    });

    it(`${hs} HELLO_ACK`, () => {
      const v = vec(`${hs}_hello_ack`);
      const s: Who = v.inputs.sender;
      const r: Who = v.inputs.receiver;
      const eph = unb64(v.inputs.sender_ephemeral_public_b64, 32);
      const peerEph = unb64(v.inputs.peer_ephemeral_public_b64, 32);
      expect(hex(helloAckSigInput(ids[s].agentId, ids[r].agentId, eph, peerEph))).toBe(v.outputs.signature_input_hex);
      const msg = createHelloAck(ids[s], ids[r].agentId, eph, peerEph);
      expect(msg).toEqual(v.outputs.message);
      expect(Object.keys(msg)).toEqual(Object.keys(v.outputs.message));
      const ok = verifyHelloAck(parseEnvelope(JSON.stringify(msg)), ids[r].agentId, ids[s].agentId, peerEph);
      expect(ok !== null).toBe(v.outputs.initiator_verify_hello_ack);
    });

    it(`${hs} session derivation, both sides`, () => {
      const v = vec(`${hs}_session`);
      const o = v.outputs;
      const sA = sessionOf(hs, 'A');
      const sB = sessionOf(hs, 'B');
      const responder = v.inputs.responder === 'A' ? sA : sB;
      const shared = x25519SharedSecret(unhex(v.inputs.initiator_ephemeral_private_hex), unb64(responder.localEphemeralPublicKey));
      const m = sessionMaterial(shared, ids.A.agentId, ids.B.agentId, unb64(sA.localEphemeralPublicKey), unb64(sB.localEphemeralPublicKey));
      expect(hex(m.orderedIds)).toBe(o.ordered_ids_hex);
      expect(hex(m.orderedEph)).toBe(o.ordered_eph_hex);
      expect(hex(m.salt)).toBe(o.hkdf_salt_hex);
      expect(hex(m.info)).toBe(o.hkdf_info_hex);
      expect(hex(m.keyMaterial)).toBe(o.key_material_hex);
      expect(hex(m.lowerKey)).toBe(o.lower_id_write_key_hex);
      expect(hex(m.higherKey)).toBe(o.higher_id_write_key_hex);
      for (const [who, s] of [['A', sA], ['B', sB]] as const) {
        expect(hex(s.sessionId)).toBe(o.session_id_hex);
        expect(b64(s.sessionId)).toBe(o.session_id_b64);
        expect(hex(s.txKey)).toBe(o[`${who}_tx_key_hex`]);
        expect(hex(s.rxKey)).toBe(o[`${who}_rx_key_hex`]);
        expect(s.txCounter).toBe(BigInt(o.initial_tx_counter));
        expect(s.rxCounter).toBe(BigInt(o.initial_rx_counter));
      }
    });
  }

  it('negative HELLO / HELLO_ACK cases', () => {
    const v = vec('handshake_negative');
    const hs1 = vec('hs1_ephemerals').outputs;
    for (const c of v.cases) {
      const env = parseEnvelope(JSON.stringify(c.message));
      const valid = c.checked_by.startsWith('B.verify_hello(') || c.checked_by === 'B.verify_hello'
        ? verifyHello(env, ids.B.agentId) !== null
        : verifyHelloAck(env, ids.A.agentId, ids.B.agentId, unb64(hs1.A_ephemeral_public_b64)) !== null;
      expect(valid, c.description).toBe(c.valid);
    }
  });
});

describe('DATA (opennexus spec §2, §4.5)', () => {
  const dataVectors = V.vectors.filter((v: Any) => v.kind === 'data_encrypt');
  for (const v of dataVectors) {
    it(v.id, () => {
      const hs = v.id.startsWith('hs2') ? 'hs2' : 'hs1';
      const s: Who = v.inputs.sender;
      const r: Who = v.inputs.receiver;
      const counter = BigInt(v.inputs.counter);
      const sender = { ...sessionOf(hs, s), txCounter: counter };
      expect(hex(sender.txKey)).toBe(v.inputs.key_hex);
      expect(hex(sender.sessionId)).toBe(v.inputs.session_id_hex);
      expect(hex(nonceFor(counter))).toBe(v.outputs.nonce_hex);
      expect(hex(dataAad(sender.sessionId, ids[s].agentId, ids[r].agentId))).toBe(v.outputs.aad_hex);
      const sealed = sealData(sender, unhex(v.inputs.plaintext_hex), ids[s].agentId, ids[r].agentId);
      expect(b64(sealed.ciphertext)).toBe(v.outputs.ciphertext_b64);
      expect(hex(sealed.ciphertext)).toBe(v.outputs.ciphertext_hex);
      expect(sealed.next.txCounter).toBe(counter + 1n);
      // and the receiver opens it, through the JSON counter path (exact above 2^53)
      const wire = parseEnvelope(stringifyJson({ session_id: b64(sender.sessionId), counter, ciphertext: v.outputs.ciphertext_b64 }));
      const opened = openData(sessionOf(hs, r), wire, ids[s].agentId, ids[r].agentId);
      expect(Buffer.from(opened.plaintext).toString('utf8')).toBe(v.inputs.plaintext);
      expect(opened.next.rxCounter).toBe(counter);
    });
  }

  it('negative decrypt cases, with the reference error text', () => {
    for (const c of vec('hs1_data_negative').cases) {
      const receiver = sessionOf('hs1', 'B');
      const before = BigInt(c.receiver_rx_counter_before);
      const state = { ...receiver, rxCounter: before, rxWindow: before >= 0n ? 1n : 0n };
      const sessionIdB64 = b64(receiver.sessionId);
      let err: unknown;
      try {
        openData(state, { session_id: sessionIdB64, counter: BigInt(c.counter), ciphertext: c.ciphertext_b64 }, unhex(c.aad_sender_hex), unhex(c.aad_receiver_hex));
      } catch (e) {
        err = e;
      }
      expect(err, c.description).toBeInstanceOf(ProtocolError);
      const [, text] = (c.reference_exception as string).split(': ');
      expect((err as ProtocolError).message).toBe(text);
    }
  });

  it('session id mismatch, missing counter and out-of-range counter use the reference texts', () => {
    const rx = sessionOf('hs1', 'B');
    const good = vec('hs1_data_A_to_B_c0_ascii').outputs.ciphertext_b64;
    const open = (m: Any) => () => openData(rx, m, ids.A.agentId, ids.B.agentId);
    expect(open({ session_id: b64(new Uint8Array(32)), counter: 0n, ciphertext: good })).toThrow('session_id mismatch');
    expect(open({ session_id: b64(new Uint8Array(31)), counter: 0n, ciphertext: good })).toThrow('invalid session_id length');
    expect(open({ session_id: b64(rx.sessionId), ciphertext: good })).toThrow('counter missing or invalid');
    expect(open({ session_id: b64(rx.sessionId), counter: 1n << 64n, ciphertext: good })).toThrow('counter out of range');
  });
});

describe('resets (opennexus spec §2, §4.5)', () => {
  for (const reason of [1, 2, 255]) {
    it(`encrypted reset reason ${reason}`, () => {
      const v = vec(`hs1_encrypted_reset_B_to_A_reason${reason}`);
      const payload = buildResetPayload(unhex(v.inputs.session_id_hex), reason);
      expect(hex(payload)).toBe(v.outputs.plaintext_hex);
      expect(payload.length).toBe(56);
      const s = { ...sessionOf('hs1', 'B'), txCounter: BigInt(v.inputs.counter) };
      expect(b64(sealData(s, payload, ids.B.agentId, ids.A.agentId).ciphertext)).toBe(v.outputs.ciphertext_b64);
      expect(parseResetPayload(payload)?.reason).toBe(v.outputs.parsed_reason_by_reference);
    });
  }
  it('reset payload parse quirks', () => {
    for (const c of vec('reset_payload_parse_quirks').cases) {
      expect(parseResetPayload(unhex(c.plaintext_hex))?.reason ?? null, c.note).toBe(c.parsed);
    }
  });
  for (const reason of [1, 2]) {
    it(`signed reset reason ${reason}`, () => {
      const v = vec(`hs1_signed_reset_B_to_A_reason${reason}`);
      const sid = unb64(v.inputs.session_id_b64, 32);
      const s: Who = v.inputs.sender;
      const r: Who = v.inputs.receiver;
      expect(hex(resetSigInput(ids[s].agentId, ids[r].agentId, sid, reason))).toBe(v.outputs.signature_input_hex);
      const msg = createSignedReset(ids[s], ids[r].agentId, sid, reason);
      expect(msg).toEqual(v.outputs.message);
      expect(Object.keys(msg)).toEqual(Object.keys(v.outputs.message));
      const ok = verifySignedReset(parseEnvelope(JSON.stringify(msg)), ids[r].agentId);
      expect(ok?.reason).toBe(reason);
      // any altered field fails verification
      expect(verifySignedReset(parseEnvelope(JSON.stringify({ ...msg, reason: 3 })), ids[r].agentId)).toBeNull();
      expect(verifySignedReset(parseEnvelope(JSON.stringify(msg)), ids[s].agentId)).toBeNull();
    });
  }
});

describe('scenario wire bodies (opennexus spec §3)', () => {
  it('every HELLO / HELLO_ACK / DATA / reset body of the reference run is reproduced', () => {
    const sessions: Record<string, Session> = {};
    let checked = 0;
    for (const step of V.scenario.steps) {
      for (const w of step.wire) {
        const body = w.body;
        const s: Who = body.sender_id === ids.A.agentIdB64 ? 'A' : 'B';
        const r = other(s);
        expect(w.headers).toEqual({ 'X-Agent-ID': ids[s].agentIdB64 });
        if (body.type === 'hello') {
          expect(createHello(ids[s], ids[r].agentId, unb64(body.ephemeral_public_key), body.sender_messenger_url)).toEqual(body);
        } else if (body.type === 'hello_ack') {
          expect(createHelloAck(ids[s], ids[r].agentId, unb64(body.ephemeral_public_key), unb64(body.peer_ephemeral_public_key))).toEqual(body);
        } else if (body.type === 'reset') {
          expect(createSignedReset(ids[s], ids[r].agentId, unb64(body.session_id), body.reason)).toEqual(body);
        } else if (body.type === 'data') {
          const hs = body.session_id === vec('hs2_session').outputs.session_id_b64 ? 'hs2' : 'hs1';
          const key = `${hs}${s}`;
          sessions[key] ??= sessionOf(hs, s);
          const sess = { ...sessions[key]!, txCounter: BigInt(body.counter) };
          // decrypt with the peer's session to learn the plaintext, then re-seal and compare
          const opened = openData(sessionOf(hs, r), parseEnvelope(JSON.stringify(body)), ids[s].agentId, ids[r].agentId);
          expect(b64(sealData(sess, opened.plaintext, ids[s].agentId, ids[r].agentId).ciphertext)).toBe(body.ciphertext);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });
});
