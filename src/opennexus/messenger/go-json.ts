/**
 * JSON as the Go messenger writes it (opennexus spec §6): compact, `<`, `>`, `&`, U+2028 and U+2029
 * escaped, and for maps (gin.H) keys sorted. Struct-shaped values keep their given key order.
 */
import { HttpError } from '../../http/errors.ts';
import type { HttpResponse } from '../../http/types.ts';
const ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

export function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => ESCAPES[c]!);
}

/** A gin.H map: keys sorted. Values are strings or numbers. */
export function ginJson(obj: Record<string, string | number | boolean>): string {
  const keys = Object.keys(obj).sort();
  return `{${keys.map((k) => `${goString(k)}:${typeof obj[k] === 'string' ? goString(obj[k] as string) : String(obj[k])}`).join(',')}}`;
}

/** Go's time.RFC3339Nano in UTC: trailing zeros of the fraction are dropped. */
export function rfc3339Nano(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-03-12T09:09:59.120Z
  return iso.replace(/\.(\d+)Z$/, (_, f: string) => {
    const t = f.replace(/0+$/, '');
    return t ? `.${t}Z` : 'Z';
  });
}

/** The messenger's errors: thrown in any route, answered as gin writes them (`{"error": ...}`). */
export class MessengerError extends HttpError {
  constructor(status: number, error: string, headers: Record<string, string> = {}) {
    super(status, { error }, headers);
  }

  override toResponse(): HttpResponse {
    return { status: this.status, headers: { 'content-type': 'application/json; charset=utf-8', ...this.headers }, body: ginJson(this.body as Record<string, string>) };
  }
}
