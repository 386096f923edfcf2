/**
 * JSON as the Go messenger writes it (opennexus spec §6): compact, `<`, `>`, `&`, U+2028 and U+2029
 * escaped, and for maps (gin.H) keys sorted. Struct-shaped values keep their given key order.
 */
import { HttpError } from '../../http/errors.js';
import type { HttpResponse } from '../../http/types.js';
/**
 * Go's extra escapes applied to JSON text JSON.stringify wrote. Outside strings that text holds
 * none of these characters, so the whole of it can be escaped at once.
 */
export declare function goEscapes(json: string): string;
export declare function goString(s: string): string;
/** A gin.H map: keys sorted. Values are strings or numbers. */
export declare function ginJson(obj: Record<string, string | number | boolean>): string;
/** Go's time.RFC3339Nano in UTC: trailing zeros of the fraction are dropped. */
export declare function rfc3339Nano(ms: number): string;
/** The messenger's errors: thrown in any route, answered as gin writes them (`{"error": ...}`). */
export declare class MessengerError extends HttpError {
    constructor(status: number, error: string, headers?: Record<string, string>);
    toResponse(): HttpResponse;
}
