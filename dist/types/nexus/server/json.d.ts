import type { HttpRequest, HttpResponse } from '../../http/types.js';
export declare function jsonText(status: number, text: string, headers?: Record<string, string>): HttpResponse;
export declare function json(status: number, body: unknown, headers?: Record<string, string>): HttpResponse;
/** An empty body is `{}` (old CLIs renew with no body); anything else must be a JSON object. */
export declare function parseBody(req: HttpRequest): Record<string, unknown>;
/**
 * The fallback of the one error path (http/errors.ts respond) for this server: a store that
 * could not write (full disk, read-only DATA_DIR) changed nothing and reads still work, so 503
 * with Retry-After; anything else is a 500 that names the request id, never the error.
 */
export declare function unexpectedError(e: unknown, requestId: string): HttpResponse;
