/**
 * Proof that the reader of an agent's stream holds the agent's key (issue 19, item 8; ours, not
 * the reference's: opennexus spec §5 notes there is no auth and any client may claim any
 * X-Agent-ID). Sent by our clients on every `GET /v1/messages/stream`; a messenger started with
 * REQUIRE_STREAM_AUTH=1 refuses a stream without a valid one (401).
 *
 *   X-Agent-Auth: <unix ms>.<base64 Ed25519 public key>.<base64 signature>
 *
 * The agent id is SHA-256 of the public key (opennexus spec §1.3), so the key travels with the
 * proof and must hash to the stream's X-Agent-ID. The signature covers a domain-separated
 * string naming the route, the agent id and the time, so it is no HELLO or reset signature
 * (opennexus spec §2), it does not open another agent's stream or another route, and it is
 * refused outside ±5 minutes of the messenger's clock. Within those minutes it can be
 * replayed by whoever saw it (use TLS). Pure: the clock is passed in.
 */
import { b64, unb64, utf8 } from './bytes.ts';
import { ed25519Sign, ed25519Verify, sha256 } from './crypto.ts';
import type { Identity } from './identity.ts';

export const STREAM_AUTH_HEADER = 'X-Agent-Auth';
/** The route a proof is for: the messenger's own path, whatever prefix a proxy adds in front. */
export const STREAM_ROUTE = 'GET /v1/messages/stream';
export const STREAM_AUTH_SKEW_MS = 5 * 60_000;
const DOMAIN = 'opennexus stream auth v1';

export type StreamProofCheck = 'ok' | 'missing' | 'malformed' | 'stale' | 'wrong_agent' | 'bad_signature';

function signedText(route: string, agentIdB64: string, atMs: number): Uint8Array {
  return utf8(`${DOMAIN}\n${route}\n${agentIdB64}\n${atMs}`);
}

/** The header value for `identity`'s stream, made at `nowMs`. */
export function streamProof(identity: Identity, nowMs: number, route = STREAM_ROUTE): string {
  const at = Math.floor(nowMs);
  return `${at}.${identity.publicKeyB64}.${b64(ed25519Sign(identity.seed, signedText(route, identity.agentIdB64, at)))}`;
}

const PROOF_RE = /^(\d{1,16})\.([A-Za-z0-9+/]{43}=)\.([A-Za-z0-9+/]{86}==)$/;

/**
 * Checks a proof for a stream of `agentIdB64` at `nowMs`, cheapest test first: the signature is
 * verified only when everything else holds.
 */
export function checkStreamProof(header: string | undefined, agentIdB64: string, nowMs: number, route = STREAM_ROUTE): StreamProofCheck {
  if (!header) return 'missing';
  const m = PROOF_RE.exec(header.trim());
  if (!m) return 'malformed';
  const at = Number(m[1]);
  if (Math.abs(nowMs - at) > STREAM_AUTH_SKEW_MS) return 'stale';
  let pub: Uint8Array;
  let sig: Uint8Array;
  try {
    pub = unb64(m[2]!, 32);
    sig = unb64(m[3]!, 64);
  } catch {
    return 'malformed';
  }
  if (b64(sha256(pub)) !== agentIdB64) return 'wrong_agent';
  return ed25519Verify(sig, signedText(route, agentIdB64, at), pub) ? 'ok' : 'bad_signature';
}
