/**
 * Input rules of the session API (nexus spec §1.2(9), §2.6): agent ids, cursors, TTL and capacity.
 * Pure functions; each failure is an HttpError with the catalogue's code (nexus spec §3).
 */
import { HttpError } from '../../http/errors.js';
export declare function apiError(status: number, error: string, message: string, extra?: Record<string, unknown>): HttpError;
export declare function invalidRequest(path: string, message: string): HttpError;
/** `[A-Za-z0-9._-]{1,128}`, not `.` or `..`, and `system` is reserved for the server. */
export declare function checkAgentId(id: string | undefined, where?: string): string;
/**
 * `after` as plain digits, `c_000123` (v0.2 drafts), or negative (from the beginning).
 * Returns -1 for "from the beginning" (cursor 0, the greeting, included).
 */
/** A cursor from `after` (or, for an event stream, the Last-Event-ID header: `name` says which). */
export declare function parseAfter(v: string | null, name?: string): number;
export declare function intField(body: Record<string, unknown>, name: string, min: number, max: number): number | undefined;
export declare function stringField(body: Record<string, unknown>, name: string, maxChars: number): string | undefined;
