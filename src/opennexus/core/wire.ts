/**
 * The JSON messages of opennexus spec §3, as this client builds them (field order as the reference
 * sends them) and as it reads them from a stream (loosely typed: every check is the handler's).
 */
import { JsonNumber, JsonSyntaxError, isObject, parseJson } from './json.ts';
import { ProtocolError } from './errors.ts';

export const PROTOCOL_VERSION = '0.1.0';

export interface HelloMessage {
  protocol_version: string;
  type: 'hello';
  sender_id: string;
  receiver_id: string;
  sender_public_key: string;
  ephemeral_public_key: string;
  signature: string;
  sender_messenger_url: string;
}

export interface HelloAckMessage {
  protocol_version: string;
  type: 'hello_ack';
  sender_id: string;
  receiver_id: string;
  sender_public_key: string;
  ephemeral_public_key: string;
  peer_ephemeral_public_key: string;
  signature: string;
}

export interface DataMessage {
  protocol_version: string;
  type: 'data';
  sender_id: string;
  receiver_id: string;
  session_id: string;
  counter: bigint;
  ciphertext: string;
  sender_messenger_url: string;
}

export interface ResetMessage {
  protocol_version: string;
  type: 'reset';
  sender_id: string;
  receiver_id: string;
  sender_public_key: string;
  session_id: string;
  reason: number;
  reset_signature: string;
}

export type OutboundMessage = HelloMessage | HelloAckMessage | DataMessage | ResetMessage;

/** A message as read from a stream: each field present only when it has the right JSON type. */
export interface Envelope {
  id?: string;
  created_at?: string;
  protocol_version?: string;
  type?: string;
  message?: string;
  sender_id?: string;
  receiver_id?: string;
  sender_public_key?: string;
  ephemeral_public_key?: string;
  peer_ephemeral_public_key?: string;
  signature?: string;
  sender_messenger_url?: string;
  session_id?: string;
  counter?: bigint;
  ciphertext?: string;
  reset_signature?: string;
  reason?: bigint;
}

const STRING_FIELDS = [
  'id', 'created_at', 'protocol_version', 'type', 'message', 'sender_id', 'receiver_id',
  'sender_public_key', 'ephemeral_public_key', 'peer_ephemeral_public_key', 'signature',
  'sender_messenger_url', 'session_id', 'ciphertext', 'reset_signature',
] as const;

/** Parses one SSE `data:` payload. Integers keep full u64 precision (opennexus spec §11). */
export function parseEnvelope(text: string): Envelope {
  let v;
  try {
    v = parseJson(text);
  } catch (e) {
    throw new ProtocolError('bad_json', `invalid JSON: ${(e as JsonSyntaxError).message}`);
  }
  if (!isObject(v)) throw new ProtocolError('bad_json', 'message is not a JSON object');
  const env: Envelope = {};
  for (const k of STRING_FIELDS) {
    const x = v[k];
    if (typeof x === 'string') env[k] = x;
  }
  for (const k of ['counter', 'reason'] as const) {
    const x = v[k];
    if (x instanceof JsonNumber && x.isInteger) env[k] = x.toBigInt();
  }
  return env;
}
