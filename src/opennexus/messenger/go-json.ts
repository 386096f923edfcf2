/**
 * JSON as the Go messenger writes it (opennexus spec §6): compact, `<`, `>`, `&`, U+2028 and U+2029
 * escaped, and for maps (gin.H) keys sorted. Struct-shaped values keep their given key order.
 */
import { HttpError } from '../../http/errors.ts';
import type { HttpResponse } from '../../http/types.ts';
const ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

const GO_ONLY = /[<>&\u2028\u2029]/;
const GO_ONLY_ALL = /[<>&\u2028\u2029]/g;
const goEscape = (c: string) => ESCAPES[c]!;

/**
 * Go's extra escapes applied to JSON text JSON.stringify wrote. Outside strings that text holds
 * none of these characters, so the whole of it can be escaped at once.
 */
export function goEscapes(json: string): string {
  return GO_ONLY.test(json) ? json.replace(GO_ONLY_ALL, goEscape) : json;
}

export function goString(s: string): string {
  return goEscapes(JSON.stringify(s));
}

/** A gin.H map: keys sorted. Values are strings or numbers. */
export function ginJson(obj: Record<string, string | number | boolean>): string {
  const keys = Object.keys(obj).sort();
  return `{${keys.map((k) => `${goString(k)}:${typeof obj[k] === 'string' ? goString(obj[k] as string) : String(obj[k])}`).join(',')}}`;
}

let lastMs = NaN;
let lastText = '';

/** Go's time.RFC3339Nano in UTC: trailing zeros of the fraction are dropped. */
export function rfc3339Nano(ms: number): string {
  if (ms === lastMs) return lastText; // many messages share a millisecond
  const iso = new Date(ms).toISOString(); // 2026-03-12T09:09:59.120Z (or ±YYYYYY-… far out)
  const dot = iso.lastIndexOf('.');
  let end = iso.length - 1; // the Z
  while (end > dot + 1 && iso.charCodeAt(end - 1) === 0x30) end--;
  const text = end === dot + 1 ? `${iso.slice(0, dot)}Z` : `${iso.slice(0, end)}Z`;
  lastMs = ms;
  lastText = text;
  return text;
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
