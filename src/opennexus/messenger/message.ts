/**
 * `POST /v1/messages` decoding and validation (opennexus spec §6.1), and the relayed Message (§6.2).
 * The order of checks and every error string are the Go messenger's, because clients and
 * scripts written against it match on them.
 */
import { JsonNumber, JsonSyntaxError, parseJsonRoot, type JsonValue } from '../core/json.ts';
import { MessengerError, goEscapes } from './go-json.ts';

type Kind = 'string' | 'uint64' | 'int64';

/** The Go struct's fields in declaration order: [json name, Go name, type]. */
const FIELDS: ReadonlyArray<readonly [string, string, Kind]> = [
  ['protocol_version', 'ProtocolVersion', 'string'],
  ['type', 'Type', 'string'],
  ['sender_id', 'SenderID', 'string'],
  ['receiver_id', 'ReceiverID', 'string'],
  ['sender_public_key', 'SenderPublicKey', 'string'],
  ['ephemeral_public_key', 'EphemeralPublicKey', 'string'],
  ['peer_ephemeral_public_key', 'PeerEphemeralPublicKey', 'string'],
  ['signature', 'Signature', 'string'],
  ['sender_messenger_url', 'SenderMessengerURL', 'string'],
  ['session_id', 'SessionID', 'string'],
  ['counter', 'Counter', 'uint64'],
  ['ciphertext', 'Ciphertext', 'string'],
  ['reset_signature', 'ResetSignature', 'string'],
  ['reason', 'Reason', 'int64'],
];

/** Field index by JSON name, and by its lower case (encoding/json's case-insensitive match). */
const BY_NAME = new Map(FIELDS.map((f, i) => [f[0], i]));
const BY_FOLDED = new Map(FIELDS.map((f, i) => [f[0].toLowerCase(), i]));

export type SendRequest = Partial<Record<string, string | bigint>>;

export const PROTOCOL_VERSION = '0.1.0';
const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

function bad(error: string): MessengerError {
  return new MessengerError(400, error);
}

function jsonKind(v: JsonValue): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof JsonNumber) return 'number';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

/** Lenient, as Go reads a body: invalid UTF-8 becomes U+FFFD. */
const bodyText = new TextDecoder();
const REQUIRED = FIELDS.slice(0, 4);
const RANGE: Record<Kind, readonly [bigint, bigint]> = { string: [0n, 0n], uint64: [0n, U64_MAX], int64: [I64_MIN, I64_MAX] };

/** encoding/json's message for a value of the wrong JSON type. */
function typeMismatch(what: string, name: string, kind: Kind): string {
  return `json: cannot unmarshal ${what} into Go struct field SendRequest.${name} of type ${kind}`;
}

/** Gin ShouldBindJSON: decode (first type error wins, like encoding/json), then `required`. */
export function decodeSendRequest(body: Uint8Array | null): SendRequest {
  if (body === null) throw bad('invalid request: http: request body too large');
  let root: JsonValue | Map<string, JsonValue>;
  try {
    root = parseJsonRoot(bodyText.decode(body));
  } catch (e) {
    throw bad(`invalid request: ${(e as JsonSyntaxError).message}`);
  }
  let typeError: string | undefined;
  if (root !== null && !(root instanceof Map)) {
    throw bad(`invalid request: json: cannot unmarshal ${jsonKind(root)} into Go value of type messenger.SendRequest`);
  }
  // Values by field, so the request is built in the Go struct's order (encodeRelayed walks it so).
  const vals: Array<string | bigint | undefined> = [];
  if (root !== null) {
    for (const [key, v] of root) {
      // encoding/json matches an exact name first, then case-insensitively.
      const at = BY_NAME.get(key) ?? BY_FOLDED.get(key.toLowerCase());
      if (at === undefined || v === null) continue;
      const [name, , kind] = FIELDS[at]!;
      if (kind === 'string') {
        if (typeof v === 'string') vals[at] = v;
        else typeError ??= typeMismatch(jsonKind(v), name, kind);
        continue;
      }
      if (!(v instanceof JsonNumber)) {
        typeError ??= typeMismatch(jsonKind(v), name, kind);
        continue;
      }
      const [lo, hi] = RANGE[kind];
      const n = v.isInteger ? v.toBigInt() : undefined;
      if (n === undefined || n < lo || n > hi) typeError ??= typeMismatch(`number ${v.text}`, name, kind);
      else vals[at] = n;
    }
  }
  const req: SendRequest = {};
  for (let i = 0; i < FIELDS.length; i++) if (vals[i] !== undefined) req[FIELDS[i]![0]] = vals[i];
  if (typeError) throw bad(`invalid request: ${typeError}`);
  let missing = '';
  for (const [name, go] of REQUIRED) {
    if (!req[name]) missing += `${missing ? '\n' : ''}Key: 'SendRequest.${go}' Error:Field validation for '${go}' failed on the 'required' tag`;
  }
  if (missing) throw bad(`invalid request: ${missing}`);
  return req;
}

/** Steps 3-5 of opennexus spec §6.1, after decoding. */
export function checkSendRequest(req: SendRequest, agentHeader: string): void {
  if (req.sender_id !== agentHeader) throw bad('sender_id must match X-Agent-ID header');
  if (req.protocol_version !== PROTOCOL_VERSION) throw bad('unsupported protocol_version');
  const has = (...names: string[]) => names.every((n) => req[n] !== undefined && req[n] !== '');
  switch (req.type) {
    case 'hello':
      if (!has('sender_public_key', 'ephemeral_public_key', 'signature')) {
        throw bad('sender_public_key, ephemeral_public_key and signature are required for hello');
      }
      if (!has('sender_messenger_url')) throw bad('sender_messenger_url is required for hello');
      return;
    case 'hello_ack':
      if (!has('sender_public_key', 'ephemeral_public_key', 'peer_ephemeral_public_key', 'signature')) {
        throw bad('sender_public_key, ephemeral_public_key, peer_ephemeral_public_key and signature are required for hello_ack');
      }
      return;
    case 'data':
      if (!has('session_id', 'counter', 'ciphertext')) throw bad('session_id, counter and ciphertext are required for data');
      return;
    case 'reset':
      if (!has('session_id', 'sender_public_key', 'reset_signature', 'reason')) {
        throw bad('session_id, sender_public_key, reset_signature and reason are required for reset');
      }
      return;
    default:
      throw bad('invalid type');
  }
}

/**
 * The relayed Message as Go's encoder writes it (opennexus spec §6.2): struct field order, empty strings
 * and absent numbers omitted, `id`, the four base fields and `created_at` always present.
 */
export function encodeRelayed(req: SendRequest, id: string, createdAt: string): string {
  // JSON.stringify per value, Go's extra escapes once over the whole (go-json.ts goEscapes).
  let out = `{"id":${JSON.stringify(id)}`;
  for (let i = 0; i < FIELDS.length; i++) {
    const name = FIELDS[i]![0];
    const v = req[name];
    if (typeof v === 'bigint') out += `,"${name}":${v}`;
    else if (v) out += `,"${name}":${JSON.stringify(v)}`;
    else if (i < REQUIRED.length) out += `,"${name}":""`; // the four base fields are always present
  }
  return goEscapes(`${out},"created_at":${JSON.stringify(createdAt)}}`);
}
