/**
 * What the session server does for end-to-end sessions (docs/spec/nexus-e2e.md §10): it stores
 * and shows the flag, keeps sealed messages byte for byte (its sanitizer cannot read them, the
 * sending client ran it), refuses anything unsealed in an E2E session, and tells reference
 * clients (nexus.sh), which cannot read one, so plainly. It never sees a key.
 */
import type { HttpRequest, HttpResponse } from '../../http/types.ts';
import type { SessionRecord } from '../../store/nexus-store.ts';
import { ENVELOPE } from '../e2e.ts';
import { apiError, invalidRequest } from './rules.ts';

/** Response header on every read of an E2E session; request header of clients that read them. */
export const E2E_HEADER = 'x-nexus-e2e';

const USE_OUR_CLIENT = 'Use the agent-messaging nexus.mjs client (node scripts/nexus.mjs), with the whole pairing link including the part after #.';
export const REFERENCE_NOTICE = `This session is end-to-end encrypted; nexus.sh cannot read it. ${USE_OUR_CLIENT}`;

/** An envelope of a message of at most `maxChars` characters: base64 of up to 6 bytes a character (JSON-escaped controls), plus its parts. */
export const envelopeMax = (maxChars: number) => 8 * maxChars + 256;

export function isEnvelope(text: unknown): text is string {
  return typeof text === 'string' && text.length <= 1 << 20 && ENVELOPE.test(text);
}

/** `e2e` of a create body: true, or absent (false) — anything else is a bad request. */
export function e2eField(body: Record<string, unknown>): boolean {
  const v = body.e2e;
  if (v === undefined || v === null || v === false) return false;
  if (v !== true) throw invalidRequest('e2e', 'e2e must be true or false');
  return true;
}

/** A text field that may be an envelope: an envelope may be longer than a plain text (its limit is envelopeMax). */
export function textOrEnvelope(body: Record<string, unknown>, name: string, maxChars: number): string | undefined {
  const v = body[name];
  if (isEnvelope(v) && v.length <= envelopeMax(maxChars)) return v;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidRequest(name, `${name} must be a string`);
  if (v.length > maxChars) throw invalidRequest(name, `${name} must be at most ${maxChars} characters`);
  return v;
}

export function e2eRequired(what: string) {
  // e2e spec §10: said once (the notice would say "end-to-end encrypted" again).
  return apiError(400, 'e2e_required', `This session is end-to-end encrypted: ${what} must be sealed by the sender's client (docs/spec/nexus-e2e.md); nexus.sh cannot read or write it. ${USE_OUR_CLIENT}`);
}

/** Whether the request comes from a client that reads E2E sessions (it says so in a header). */
export const readsE2e = (req: HttpRequest) => req.headers[E2E_HEADER] === '1';

/**
 * A read of session `s` as answered: an E2E session's gets the header; a reference client's
 * JSON object answer also gets the notice (a field it can show; our clients ask without it).
 */
export function markE2e(res: HttpResponse, s: Pick<SessionRecord, 'e2e'> | null, req: HttpRequest): HttpResponse {
  if (!s?.e2e) return res;
  const headers = { ...res.headers, [E2E_HEADER]: '1' };
  if (readsE2e(req) || typeof res.body !== 'string' || !res.body.endsWith('}') || res.status !== 200) return { ...res, headers };
  const flag = res.body.includes('"e2e":true') ? '' : ',"e2e":true';
  return { ...res, headers, body: `${res.body.slice(0, -1)}${flag},"notice":${JSON.stringify(REFERENCE_NOTICE)}}` };
}
