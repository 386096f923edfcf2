/**
 * The one HTTP error path (DESIGN principle 6, after hono's HTTPException): a route throws an
 * HttpError anywhere, and `respond` — the one wrapper both servers' handlers run under —
 * turns whatever was thrown into a response. Nothing else maps errors to HTTP.
 */
import { CodedError } from '../errors.ts';
import type { Handler, HttpRequest, HttpResponse } from './types.ts';

const JSON_TYPE = 'application/json; charset=utf-8';

export class HttpError extends CodedError {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    const code = typeof body === 'object' && body && 'error' in body ? String((body as { error: unknown }).error) : `http_${status}`;
    super(code, code);
  }

  /** The response this error stands for: its body as JSON (a subclass may encode otherwise). */
  toResponse(): HttpResponse {
    return { status: this.status, headers: { 'content-type': JSON_TYPE, ...this.headers }, body: JSON.stringify(this.body) };
  }
}

/** A malformed percent-escape or lone surrogate in request text: the request was bad. */
export const BAD_URL: HttpResponse = {
  status: 400,
  headers: { 'content-type': JSON_TYPE },
  body: '{"error":"bad_request","message":"malformed percent-escape in the URL"}',
};

/**
 * Anything thrown -> a response: an HttpError answers for itself; a URIError (decoding request
 * text) is a 400; anything else goes to the server's `fallback` (which logs it, or knows a
 * storage error means 503), else a bare 500 that never leaks the message.
 */
export function errorToResponse(err: unknown, fallback?: (err: unknown) => HttpResponse | undefined): HttpResponse {
  if (err instanceof HttpError) return err.toResponse();
  if (err instanceof URIError) return BAD_URL;
  const r = fallback?.(err);
  if (r) return r;
  return { status: 500, headers: { 'content-type': JSON_TYPE }, body: '{"error":"internal error"}' };
}

/** Runs a handler against a request, turning any thrown error into a response. */
export async function respond(handler: Handler, req: HttpRequest, fallback?: (err: unknown) => HttpResponse | undefined): Promise<HttpResponse> {
  try {
    return await handler(req);
  } catch (err) {
    return errorToResponse(err, fallback);
  }
}
