/**
 * JSON in and out of the session API (nexus spec §2.1 conventions): the request body, JSON
 * responses, and the server's hook into the one error path (http/errors.ts) for what is not
 * an HttpError.
 */
import { isAscii } from 'node:buffer';
import type { HttpRequest, HttpResponse } from '../../http/types.ts';
import { StorageUnavailable } from '../../store/nexus-store.ts';
import { apiError, invalidRequest } from './rules.ts';

const JSON_TYPE = 'application/json; charset=utf-8';

export function jsonText(status: number, text: string, headers?: Record<string, string>): HttpResponse {
  return { status, headers: headers ? { 'content-type': JSON_TYPE, ...headers } : { 'content-type': JSON_TYPE }, body: text };
}

export function json(status: number, body: unknown, headers?: Record<string, string>): HttpResponse {
  return jsonText(status, JSON.stringify(body), headers);
}

const utf8 = new TextDecoder();

// Buffer's own latin1 reader, on the bytes as they are (a third of Buffer.from(...).toString('latin1')).
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice?: (this: Uint8Array, start: number, end: number) => string }).latin1Slice;
const latin1 = (b: Uint8Array): string => (latin1Slice ? latin1Slice.call(b, 0, b.byteLength) : Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1'));

/** An empty body is `{}` (old CLIs renew with no body); anything else must be a JSON object. */
export function parseBody(req: HttpRequest): Record<string, unknown> {
  if (req.body === null) throw apiError(413, 'payload_too_large', 'request body is larger than 256 KiB');
  // ASCII (the usual body: JSON escapes the rest) reads as latin1, with no decoder in between.
  const text = (isAscii(req.body) ? latin1(req.body) : utf8.decode(req.body)).trim();
  if (!text) return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw apiError(400, 'invalid_body', 'request body is not valid JSON');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw invalidRequest('', 'request body must be a JSON object');
  return v as Record<string, unknown>;
}

/**
 * The fallback of the one error path (http/errors.ts respond) for this server: a store that
 * could not write (full disk, read-only DATA_DIR) changed nothing and reads still work, so 503
 * with Retry-After; anything else is a 500 that names the request id, never the error.
 */
export function unexpectedError(e: unknown, requestId: string): HttpResponse {
  if (e instanceof StorageUnavailable) {
    const message = `the server cannot store this change right now (${e.code}); nothing was changed. Reading still works; retry later.`;
    return json(503, { error: 'storage_unavailable', message, retryAfter: 5 }, { 'retry-after': '5' });
  }
  return json(500, { error: 'internal_error', message: `internal error; quote request id ${requestId}` });
}
