/**
 * The one outbound HTTP client, for both protocol clients, over node:http(s) (a first fetch()
 * costs ~66 ms of start-up on Node 20; DESIGN "Performance facts").
 *
 * A server is untrusted input: every request has a total deadline (connect + headers + body,
 * so a server that trickles a byte every few seconds cannot hold us), every response body is
 * read up to a byte cap, and an AbortSignal ends whatever is in flight at once.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { NetworkError } from './network-error.ts';

export { NetworkError, type NetworkErrorCode } from './network-error.ts';

/** 1 MiB: ten times the largest answer either protocol gives (a 500-message poll is less). */
export const DEFAULT_MAX_BODY_BYTES = 1 << 20;

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string | number>;
  body?: string;
  /** Total time for connect, headers and the whole body. */
  timeoutMs: number;
  maxBodyBytes?: number;
  signal?: AbortSignal;
}

export interface HttpResult {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

export function parseHttpUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new NetworkError('bad_url', `invalid URL: ${url}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new NetworkError('bad_url', `unsupported URL scheme in ${url}`);
  return u;
}

function describe(err: unknown, url: string): string {
  const e = err as NodeJS.ErrnoException;
  return `cannot reach ${url} (${e.code ? `${e.code}: ` : ''}${e.message})`;
}

/**
 * Starts a request whose lifetime is bounded by `timeoutMs` and `signal`. `onResponse` gets the
 * response and `fail`, the one way to end it with an error; `settle()` marks the request as
 * answered (the deadline and the signal no longer apply to it).
 */
function bounded(
  url: string,
  opts: { method: string; headers: Record<string, string | number>; timeoutMs: number; signal: AbortSignal | undefined },
  onResponse: (res: IncomingMessage, fail: (e: NetworkError) => void, settle: () => void) => void,
  reject: (e: NetworkError) => void,
): ClientRequest {
  const u = parseHttpUrl(url);
  // node:https (and TLS) loads only for an https URL: ~3 ms of every CLI start otherwise.
  const fn = u.protocol === 'https:' ? process.getBuiltinModule('node:https').request : httpRequest;
  let settled = false;
  const req = fn(u, { method: opts.method, headers: opts.headers });
  const settle = () => {
    settled = true;
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  };
  const fail = (e: NetworkError) => {
    if (!settled) reject(e);
    settle();
    req.destroy();
  };
  const timer = setTimeout(() => fail(new NetworkError('timeout', `no complete answer within ${opts.timeoutMs} ms: ${url}`)), opts.timeoutMs);
  const onAbort = () => fail(new NetworkError('aborted', `aborted: ${url}`));
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  req.on('error', (e) => fail(new NetworkError('unreachable', describe(e, url))));
  req.on('response', (res) => onResponse(res, fail, settle));
  return req;
}

/** One request, its body read whole (up to the cap) before the promise resolves. */
export function request(url: string, opts: RequestOptions): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new NetworkError('aborted', `aborted: ${url}`));
    const max = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const headers = {
      ...(opts.body !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(opts.body) } : {}),
      ...opts.headers,
    };
    const req = bounded(
      url,
      { method: opts.method ?? 'GET', headers, timeoutMs: opts.timeoutMs, signal: opts.signal },
      (res, fail, settle) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > max) fail(new NetworkError('too_large', `the answer from ${url} is larger than ${max} bytes`));
          else chunks.push(c);
        });
        res.on('end', () => {
          if (size > max) return;
          settle();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (e) => fail(new NetworkError('unreachable', describe(e, url))));
      },
      reject,
    );
    req.end(opts.body);
  });
}

export type SseEvent = { kind: 'data'; data: string } | { kind: 'comment'; text: string };

export interface SseStream {
  status: number;
  events: AsyncIterableIterator<SseEvent>;
  close(): void;
}

export interface SseOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Deadline for the response headers (and for reading a refusal's body). */
  connectTimeoutMs: number;
  /** A line longer than this ends the stream with an error event (spec: 64 KiB messages). */
  maxLineBytes?: number;
  /** How much of a non-200 answer is read for the error message. */
  maxErrorBytes?: number;
}

/**
 * Opens an SSE stream and resolves once the response headers arrive (the messenger registers
 * the subscriber before sending them, opennexus spec §4.2, so nothing sent after this is
 * missed). Lines are read one by one; `data: ` lines are data (opennexus spec §4.3: the space
 * is required). A non-200 answer rejects with at most `maxErrorBytes` of its body.
 */
export function openSse(url: string, opts: SseOptions): Promise<SseStream> {
  const maxLine = opts.maxLineBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxError = opts.maxErrorBytes ?? 4096;
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new NetworkError('aborted', `aborted: ${url}`));
    const req = bounded(
      url,
      { method: 'GET', headers: { accept: 'text/event-stream', ...opts.headers }, timeoutMs: opts.connectTimeoutMs, signal: opts.signal },
      (res, fail, settle) => {
        res.setEncoding('utf8');
        if ((res.statusCode ?? 0) !== 200) {
          let text = '';
          const refuse = () => fail(new NetworkError('unreachable', `stream refused by ${url}: HTTP ${res.statusCode} ${text.slice(0, maxError)}`));
          res.on('data', (c: string) => {
            text += c;
            if (text.length >= maxError) refuse();
          });
          res.on('end', refuse);
          res.on('error', refuse);
          return;
        }
        // From here the stream lives until closed, aborted or ended by the server.
        settle();
        resolve(sseStream(url, req, res, opts.signal, maxLine));
      },
      reject,
    );
    req.end();
  });
}

/** The event iterator over an open SSE response; a line over `maxLine` ends it with an error. */
function sseStream(url: string, req: ClientRequest, res: IncomingMessage, signal: AbortSignal | undefined, maxLine: number): SseStream {
  const queue: SseEvent[] = [];
  let waiting: { resolve: (r: IteratorResult<SseEvent>) => void; reject: (e: Error) => void } | null = null;
  let done = false;
  let error: NetworkError | null = null;
  let buf = '';
  const finish = () => {
    if (done) return;
    done = true;
    signal?.removeEventListener('abort', close);
    const w = waiting;
    waiting = null;
    if (w && error) w.reject(error);
    else w?.resolve({ value: undefined, done: true });
  };
  function close() {
    req.destroy();
    finish();
  }
  signal?.addEventListener('abort', close, { once: true });
  const push = (e: SseEvent) => {
    const w = waiting;
    waiting = null;
    if (w) w.resolve({ value: e, done: false });
    else queue.push(e);
  };
  res.on('data', (chunk: string) => {
    if (done) return;
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).replace(/\r$/, '');
      buf = buf.slice(nl + 1);
      if (line.startsWith('data: ')) push({ kind: 'data', data: line.slice(6) });
      else if (line.startsWith(':')) push({ kind: 'comment', text: line.slice(1).trim() });
    }
    if (buf.length > maxLine) {
      error = new NetworkError('too_large', `a line from ${url} is longer than ${maxLine} characters`);
      close();
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
      if (done && error) return Promise.reject(error);
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => (waiting = { resolve, reject }));
    },
    return() {
      close();
      return Promise.resolve({ value: undefined, done: true });
    },
  };
  return { status: 200, events, close };
}
