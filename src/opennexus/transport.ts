/**
 * HTTP for the client: JSON POSTs and SSE streams over node:http / node:https (a first fetch()
 * costs ~66 ms of start-up on Node 20; DESIGN "Performance facts").
 */
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';

export class TransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransportError';
  }
}

function requestFn(url: URL) {
  if (url.protocol === 'http:') return httpRequest;
  if (url.protocol === 'https:') return httpsRequest;
  throw new TransportError(`unsupported URL scheme in ${url.href}`);
}

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new TransportError(`invalid URL: ${url}`);
  }
}

function describe(err: unknown, url: string): string {
  const e = err as NodeJS.ErrnoException;
  const code = e.code ? `${e.code}: ` : '';
  return `cannot reach ${url} (${code}${e.message})`;
}

export interface PostResult {
  status: number;
  body: string;
}

export function postJson(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<PostResult> {
  const u = parseUrl(url);
  return new Promise((resolve, reject) => {
    const opts: RequestOptions = {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
      timeout: timeoutMs,
    };
    const req = requestFn(u)(u, opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e) => reject(new TransportError(describe(e, url))));
    });
    req.on('timeout', () => req.destroy(new TransportError(`timed out after ${timeoutMs} ms: ${url}`)));
    req.on('error', (e) => reject(e instanceof TransportError ? e : new TransportError(describe(e, url))));
    req.end(body);
  });
}

export type SseEvent = { kind: 'data'; data: string } | { kind: 'comment'; text: string };

export interface SseStream {
  status: number;
  events: AsyncIterableIterator<SseEvent>;
  close(): void;
}

/**
 * Opens an SSE stream and resolves once the response headers arrive: the messenger registers
 * the subscriber before sending them (spec §4.2), so nothing sent after this is missed.
 * Lines are read one by one; `data: ` lines are data (spec §4.3: the space is required).
 */
export function openSse(url: string, headers: Record<string, string>, signal?: AbortSignal): Promise<SseStream> {
  const u = parseUrl(url);
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new TransportError('aborted'));
    const req = requestFn(u)(u, { method: 'GET', headers: { accept: 'text/event-stream', ...headers } });
    const onAbort = () => req.destroy();
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (e) => {
      signal?.removeEventListener('abort', onAbort);
      reject(new TransportError(describe(e, url)));
    });
    req.on('response', (res: IncomingMessage) => {
      res.setEncoding('utf8');
      const queue: SseEvent[] = [];
      let waiting: ((r: IteratorResult<SseEvent>) => void) | null = null;
      let done = false;
      let buf = '';
      const push = (e: SseEvent) => {
        if (waiting) {
          const w = waiting;
          waiting = null;
          w({ value: e, done: false });
        } else queue.push(e);
      };
      const finish = () => {
        if (done) return;
        done = true;
        signal?.removeEventListener('abort', onAbort);
        if (waiting) {
          const w = waiting;
          waiting = null;
          w({ value: undefined, done: true });
        }
      };
      if ((res.statusCode ?? 0) !== 200) {
        let text = '';
        res.on('data', (c: string) => (text += c));
        res.on('end', () => reject(new TransportError(`stream refused by ${url}: HTTP ${res.statusCode} ${text.slice(0, 200)}`)));
        res.on('error', () => reject(new TransportError(`stream refused by ${url}: HTTP ${res.statusCode}`)));
        return;
      }
      res.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).replace(/\r$/, '');
          buf = buf.slice(nl + 1);
          if (line.startsWith('data: ')) push({ kind: 'data', data: line.slice(6) });
          else if (line.startsWith(':')) push({ kind: 'comment', text: line.slice(1).trim() });
        }
      });
      res.on('end', finish);
      res.on('close', finish);
      res.on('error', finish);
      const events: AsyncIterableIterator<SseEvent> = {
        [Symbol.asyncIterator]() {
          return this;
        },
        next() {
          const e = queue.shift();
          if (e) return Promise.resolve({ value: e, done: false });
          if (done) return Promise.resolve({ value: undefined, done: true });
          return new Promise((r) => (waiting = r));
        },
        return() {
          req.destroy();
          finish();
          return Promise.resolve({ value: undefined, done: true });
        },
      };
      resolve({ status: res.statusCode ?? 0, events, close: () => (req.destroy(), finish()) });
    });
    req.end();
  });
}
