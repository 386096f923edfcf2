/**
 * Input rules of the session API (nexus spec §1.2(9), §2.6): agent ids, cursors, TTL and capacity.
 * Pure functions; each failure is an HttpError with the catalogue's code (nexus spec §3).
 */
import { HttpError } from '../../http/errors.ts';

export function apiError(status: number, error: string, message: string, extra: Record<string, unknown> = {}): HttpError {
  return new HttpError(status, { error, message, ...extra });
}

export function invalidRequest(path: string, message: string): HttpError {
  return apiError(400, 'invalid_request', message, { details: [{ path, message }] });
}

const AGENT_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** `[A-Za-z0-9._-]{1,128}`, not `.` or `..`, and `system` is reserved for the server. */
export function checkAgentId(id: string | undefined, where = 'X-Agent-Id'): string {
  if (id === undefined || id === '') throw apiError(400, 'missing_agent_id', `${where} header is required`);
  if (!AGENT_ID.test(id) || id === '.' || id === '..') {
    throw invalidRequest(where, 'agent id must be 1-128 characters of letters, digits, ".", "_" or "-" (not "." or "..")');
  }
  if (id.length === 6 && id.toLowerCase() === 'system') throw invalidRequest(where, 'agent id "system" is reserved for server messages');
  return id;
}

/**
 * `after` as plain digits, `c_000123` (v0.2 drafts), or negative (from the beginning).
 * Returns -1 for "from the beginning" (cursor 0, the greeting, included).
 */
/** A cursor from `after` (or, for an event stream, the Last-Event-ID header: `name` says which). */
export function parseAfter(v: string | null, name = 'after'): number {
  if (v === null || v === '') return -1;
  const m = /^(?:c_)?(\d{1,15})$/.exec(v);
  if (m) return Number(m[1]);
  if (/^-\d{1,15}$/.test(v)) return -1;
  throw invalidRequest(name, `${name} must be a cursor (decimal digits)`);
}

export function intField(body: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw invalidRequest(name, `${name} must be a whole number from ${min} to ${max}`);
  }
  return v;
}

export function stringField(body: Record<string, unknown>, name: string, maxChars: number): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidRequest(name, `${name} must be a string`);
  if (v.length > maxChars) throw invalidRequest(name, `${name} must be at most ${maxChars} characters`);
  return v;
}
