/**
 * What the session server does for end-to-end sessions (docs/spec/nexus-e2e.md §10): it stores
 * and shows the flag, keeps sealed messages byte for byte (its sanitizer cannot read them, the
 * sending client ran it), refuses anything unsealed in an E2E session, and tells reference
 * clients (nexus.sh), which cannot read one, so plainly. It never sees a key.
 */
import type { HttpRequest, HttpResponse } from '../../http/types.js';
import type { SessionRecord } from '../../store/nexus-store.js';
/** Response header on every read of an E2E session; request header of clients that read them. */
export declare const E2E_HEADER = "x-nexus-e2e";
export declare const REFERENCE_NOTICE = "This session is end-to-end encrypted; nexus.sh cannot read it. Use the agent-messaging nexus.mjs client (node scripts/nexus.mjs), with the whole pairing link including the part after #.";
/** An envelope of a message of at most `maxChars` characters: base64 of up to 6 bytes a character (JSON-escaped controls), plus its parts. */
export declare const envelopeMax: (maxChars: number) => number;
export declare function isEnvelope(text: unknown): text is string;
/** `e2e` of a create body: true, or absent (false) — anything else is a bad request. */
export declare function e2eField(body: Record<string, unknown>): boolean;
/** A text field that may be an envelope: an envelope may be longer than a plain text (its limit is envelopeMax). */
export declare function textOrEnvelope(body: Record<string, unknown>, name: string, maxChars: number): string | undefined;
export declare function e2eRequired(what: string): import("../../http/errors.ts").HttpError;
/** Whether the request comes from a client that reads E2E sessions (it says so in a header). */
export declare const readsE2e: (req: HttpRequest) => boolean;
/**
 * A read of session `s` as answered: an E2E session's gets the header; a reference client's
 * JSON object answer also gets the notice (a field it can show; our clients ask without it).
 */
export declare function markE2e(res: HttpResponse, s: Pick<SessionRecord, 'e2e'> | null, req: HttpRequest): HttpResponse;
