/**
 * The one HTTP error path (DESIGN principle 6, after hono's HTTPException): a route throws an
 * HttpError anywhere, and `respond` — the one wrapper both servers' handlers run under —
 * turns whatever was thrown into a response. Nothing else maps errors to HTTP.
 */
import { CodedError } from '../errors.js';
import type { Handler, HttpRequest, HttpResponse } from './types.js';
export declare class HttpError extends CodedError {
    readonly status: number;
    readonly body: unknown;
    readonly headers: Record<string, string>;
    constructor(status: number, body: unknown, headers?: Record<string, string>);
    /** The response this error stands for: its body as JSON (a subclass may encode otherwise). */
    toResponse(): HttpResponse;
}
/** A malformed percent-escape or lone surrogate in request text: the request was bad. */
export declare const BAD_URL: HttpResponse;
/**
 * Anything thrown -> a response: an HttpError answers for itself; a URIError (decoding request
 * text) is a 400; anything else goes to the server's `fallback` (which logs it, or knows a
 * storage error means 503), else a bare 500 that never leaks the message.
 */
export declare function errorToResponse(err: unknown, fallback?: (err: unknown) => HttpResponse | undefined): HttpResponse;
/** Runs a handler against a request, turning any thrown error into a response. */
export declare function respond(handler: Handler, req: HttpRequest, fallback?: (err: unknown) => HttpResponse | undefined): Promise<HttpResponse>;
