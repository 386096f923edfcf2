import { respond } from '../../src/http/errors.ts';
import type { Handler, HttpResponse } from '../../src/http/types.ts';
import { openSse, type SseEvent, type SseStream } from '../../src/opennexus/transport.ts';

/** Calls a handler in-process, like app.request() in hono. */
export function call(
  handler: Handler,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string | null; ip?: string; signal?: AbortSignal } = {},
): Promise<HttpResponse> {
  const q = path.indexOf('?');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k.toLowerCase()] = v;
  return respond(handler, {
    method,
    path: q >= 0 ? path.slice(0, q) : path,
    query: new URLSearchParams(q >= 0 ? path.slice(q + 1) : ''),
    headers,
    body: opts.body === null ? null : new TextEncoder().encode(opts.body ?? ''),
    ip: opts.ip ?? '127.0.0.1',
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

/** Reads events until `pred` matches, failing after a deadline (no sleeps). */
export async function nextMatching(s: SseStream, pred: (e: SseEvent) => boolean, ms = 5000): Promise<SseEvent> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, rej) => {
    timer = setTimeout(() => rej(new Error(`no matching SSE event within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([
      (async () => {
        for (;;) {
          const r = await s.events.next();
          if (r.done) throw new Error('stream ended');
          if (pred(r.value)) return r.value;
        }
      })(),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function stream(url: string, agent: string, query = ''): Promise<SseStream> {
  return openSse(`${url}/v1/messages/stream${query}`, { 'X-Agent-ID': agent });
}

/** Polls `check` until it is truthy or the deadline passes. */
export async function waitFor<T>(check: () => T | Promise<T>, ms = 5000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface JsonRequestOptions {
  /** X-Agent-Id */
  agent?: string;
  /** X-Session-Key */
  key?: string;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** One request to a server over loopback; `json` is the parsed body, or null when it is not JSON. */
export async function jsonRequest(url: string, method: string, opts: JsonRequestOptions = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(opts.headers ?? {}) };
  if (opts.agent) headers['x-agent-id'] = opts.agent;
  if (opts.key) headers['x-session-key'] = opts.key;
  const r = await fetch(url, { method, headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
  const text = await r.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: r.status, json, headers: r.headers };
}
