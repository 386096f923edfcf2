/**
 * HELLO -> HELLO_ACK (opennexus spec §2 signature inputs, §3 fields, §4.2-§4.4 verification).
 */
import { b64, concat, equalBytes, lp, unb64, utf8 } from './bytes.ts';
import { ed25519Sign, ed25519Verify, sha256 } from './crypto.ts';
import type { Identity } from './identity.ts';
import { PROTOCOL_VERSION, type Envelope, type HelloAckMessage, type HelloMessage } from './wire.ts';

const TAG_HELLO = utf8('OpenNexus-v0-hello');
const TAG_HELLO_ACK = utf8('OpenNexus-v0-hello-ack');

export function helloSigInput(senderId: Uint8Array, receiverId: Uint8Array, senderEph: Uint8Array): Uint8Array {
  return concat(TAG_HELLO, lp(senderId), lp(receiverId), lp(senderEph));
}

/** The last field binds the ACK to this HELLO (freshness, opennexus spec §2). */
export function helloAckSigInput(
  ackSenderId: Uint8Array,
  ackReceiverId: Uint8Array,
  ackSenderEph: Uint8Array,
  helloSenderEph: Uint8Array,
): Uint8Array {
  return concat(TAG_HELLO_ACK, lp(ackSenderId), lp(ackReceiverId), lp(ackSenderEph), lp(helloSenderEph));
}

export function createHello(self: Identity, peerId: Uint8Array, ephPublic: Uint8Array, ownMessengerUrl: string): HelloMessage {
  const signature = ed25519Sign(self.seed, helloSigInput(self.agentId, peerId, ephPublic));
  return {
    protocol_version: PROTOCOL_VERSION,
    type: 'hello',
    sender_id: self.agentIdB64,
    receiver_id: b64(peerId),
    sender_public_key: self.publicKeyB64,
    ephemeral_public_key: b64(ephPublic),
    signature: b64(signature),
    sender_messenger_url: ownMessengerUrl,
  };
}

export function createHelloAck(self: Identity, helloSenderId: Uint8Array, ephPublic: Uint8Array, helloEph: Uint8Array): HelloAckMessage {
  const signature = ed25519Sign(self.seed, helloAckSigInput(self.agentId, helloSenderId, ephPublic, helloEph));
  return {
    protocol_version: PROTOCOL_VERSION,
    type: 'hello_ack',
    sender_id: self.agentIdB64,
    receiver_id: b64(helloSenderId),
    sender_public_key: self.publicKeyB64,
    ephemeral_public_key: b64(ephPublic),
    peer_ephemeral_public_key: b64(helloEph),
    signature: b64(signature),
  };
}

export interface VerifiedHello {
  senderId: Uint8Array;
  senderPublicKey: Uint8Array;
  senderEph: Uint8Array;
  senderMessengerUrl: string | undefined;
}

/** A wrong type, length or encoding is simply "not valid": decode inside a guard. */
function decode(s: string | undefined, len: number): Uint8Array | null {
  if (s === undefined) return null;
  try {
    return unb64(s, len);
  } catch {
    return null;
  }
}

/** opennexus spec §4.4 verify_hello: version; lengths; receiver is us; not ourselves; key hashes to id; signature. */
export function verifyHello(msg: Envelope, selfId: Uint8Array): VerifiedHello | null {
  if (msg.protocol_version !== PROTOCOL_VERSION) return null;
  const senderId = decode(msg.sender_id, 32);
  const receiverId = decode(msg.receiver_id, 32);
  const eph = decode(msg.ephemeral_public_key, 32);
  const pub = decode(msg.sender_public_key, 32);
  const sig = decode(msg.signature, 64);
  if (!senderId || !receiverId || !eph || !pub || !sig) return null;
  if (!equalBytes(receiverId, selfId) || equalBytes(senderId, receiverId)) return null;
  if (!equalBytes(sha256(pub), senderId)) return null;
  if (!ed25519Verify(sig, helloSigInput(senderId, receiverId, eph), pub)) return null;
  return { senderId, senderPublicKey: pub, senderEph: eph, senderMessengerUrl: msg.sender_messenger_url };
}

/** opennexus spec §4.2 verify_hello_ack: also bound to the expected peer and to our own ephemeral key. */
export function verifyHelloAck(
  msg: Envelope,
  selfId: Uint8Array,
  expectedPeerId: Uint8Array,
  localEph: Uint8Array,
): { peerEph: Uint8Array; peerPublicKey: Uint8Array } | null {
  if (msg.protocol_version !== PROTOCOL_VERSION) return null;
  const senderId = decode(msg.sender_id, 32);
  const receiverId = decode(msg.receiver_id, 32);
  const eph = decode(msg.ephemeral_public_key, 32);
  const peerEph = decode(msg.peer_ephemeral_public_key, 32);
  const pub = decode(msg.sender_public_key, 32);
  const sig = decode(msg.signature, 64);
  if (!senderId || !receiverId || !eph || !peerEph || !pub || !sig) return null;
  if (!equalBytes(receiverId, selfId) || !equalBytes(senderId, expectedPeerId)) return null;
  if (!equalBytes(peerEph, localEph)) return null;
  if (!equalBytes(sha256(pub), senderId)) return null;
  if (!ed25519Verify(sig, helloAckSigInput(senderId, receiverId, eph, peerEph), pub)) return null;
  return { peerEph: eph, peerPublicKey: pub };
}
