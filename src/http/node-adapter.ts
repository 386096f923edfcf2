/**
 * Adapts a Handler to node:http: hands it each request (node-request.ts: the body up to a
 * limit, the client address), writes plain and streamed responses, maps thrown errors to
 * responses in one place, enforces the connection limits (connection-guard.ts, limits.ts), and
 * shuts down gracefully (open streams are ended, not waited for).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TrustProxy } from './client-address.ts';
import { guardConnections, timeoutOptions, type ConnectionStats } from './connection-guard.ts';
import { DEFAULT_LIMITS, OpenCounts, type ConnectionLimits, type Slots } from './limits.ts';
import { BAD_URL, errorToResponse } from './errors.ts';
import type { Handler, HttpRequest, HttpResponse, StreamBody, StreamFlow } from './types.ts';
import { isThenable } from '../maybe-promise.ts';
import { bodiless, EMPTY, NodeRequest, readBody } from './node-request.ts';

export interface ServeOptions {
  host?: string;
  port?: number;
  /** Bodies longer than this are not buffered: the request gets `body: null`. */
  bodyLimit: number;
  /** Which X-Forwarded-For hop is the client (client-address.ts); default: ignore the header. */
  trustProxy?: TrustProxy;
  /** Connection caps and timeouts; unset fields keep DEFAULT_LIMITS. */
  limits?: Partial<ConnectionLimits>;
  /** Who counts open streams per client address; default: this process, capped at limits.maxStreamsPerIp. */
  streamSlots?: Slots;
  /** Turns an unexpected exception into a response; the message is logged, never the body. */
  onError?: (err: unknown) => HttpResponse | undefined;
  log?: (line: string) => void;
}

export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  /** Open sockets and refusals so far (for operators and tests). */
  connections(): ConnectionStats;
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** errors.ts respond without a promise when the handler answers synchronously. */
function answer(handler: Handler, req: HttpRequest, fallback?: (err: unknown) => HttpResponse | undefined): HttpResponse | Promise<HttpResponse> {
  try {
    const r = handler(req);
    return isThenable(r) ? r.catch((e: unknown) => errorToResponse(e, fallback)) : r;
  } catch (e) {
    return errorToResponse(e, fallback);
  }
}

/**
 * Handlers may decode path segments and query values with decodeURIComponent (types.ts); a
 * request whose URL has a malformed percent-escape (`%zz`, or bytes that are not UTF-8) never
 * reaches them and is answered 400 here, not 500 from a thrown URIError.
 */
export function malformedUrl(raw: string): boolean {
  if (!raw.includes('%')) return false;
  try {
    decodeURIComponent(raw);
    return false;
  } catch {
    return true;
  }
}

/**
 * Writes a plain response in one piece: the body as one string or buffer with its
 * Content-Length, so node:http sends headers and body in a single socket write instead of
 * chunked framing (five pieces per response). 204 and 304 carry no body and no length.
 */
function writePlain(res: ServerResponse, r: HttpResponse, closeAfter: boolean): void {
  const headers: Record<string, string> = { ...r.headers };
  if (closeAfter && !headers.connection) headers.connection = 'close';
  const body = r.body ?? '';
  if (r.status === 204 || r.status === 304) {
    res.writeHead(r.status, headers);
    res.end();
    return;
  }
  headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
  res.writeHead(r.status, headers);
  res.end(body);
}

export function serve(handler: Handler, opts: ServeOptions): Promise<RunningServer> {
  const open = new Set<() => void>();
  const log = opts.log ?? (() => {});
  const limits: ConnectionLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const trust = opts.trustProxy ?? false;
  const streamsPerIp: Slots = opts.streamSlots ?? new OpenCounts(limits.maxStreamsPerIp);

  const server = createServer(timeoutOptions(limits), async (req: IncomingMessage, res: ServerResponse) => {
    const started = opts.log ? Date.now() : 0;
    let body: Uint8Array | null = EMPTY;
    if (!bodiless(req)) {
      try {
        body = await readBody(req, opts.bodyLimit);
      } catch {
        res.destroy();
        return;
      }
    }
    const request = new NodeRequest(req, body, trust, res);
    let r = malformedUrl(req.url ?? '/') ? BAD_URL : answer(handler, request, opts.onError);
    if (isThenable(r)) r = await r;
    if (r.stream) {
      await openStream(res, request, r, r.stream);
      return;
    }
    writePlain(res, r, body === null);
    if (opts.log) log(`${request.method} ${request.path} ${r.status} ${Date.now() - started}ms`);
  });

  async function openStream(res: ServerResponse, request: HttpRequest, r: HttpResponse, body: StreamBody): Promise<void> {
    if (!(await streamsPerIp.acquire(request.ip))) {
      writePlain(res, tooManyStreams(limits.maxStreamsPerIp), false);
      log(`${request.method} ${request.path} 429 stream cap`);
      return;
    }
    if (res.destroyed) {
      streamsPerIp.release(request.ip); // the client left while its place was being taken
      return;
    }
    res.writeHead(r.status, r.headers);
    res.flushHeaders();
    const socket = res.socket;
    socket?.setNoDelay(true);
    let ended = false;
    let cleanup: () => void = () => {};
    const end = () => {
      if (ended) return;
      ended = true;
      open.delete(end);
      streamsPerIp.release(request.ip);
      cleanup();
      res.end();
    };
    const write = (chunk: string) => !ended && !res.destroyed && (res.write(chunk), true);
    open.add(end);
    res.on('close', end);
    // what node still holds for this client, so a route can stop writing to a non-reader
    const flow: StreamFlow = { buffered: () => res.writableLength, onDrain: (listener) => void res.on('drain', listener) };
    cleanup = body.open(write, end, flow);
    if (ended) cleanup();
    log(`${request.method} ${request.path} ${r.status} stream`);
  }
  const connections = guardConnections(server, limits, trust);

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      const { port, address } = server.address() as AddressInfo;
      const host = address.includes(':') ? `[${address}]` : address;
      resolve({
        server,
        port,
        url: `http://${host}:${port}`,
        connections,
        close: () =>
          new Promise<void>((done) => {
            for (const end of [...open]) end();
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}

function tooManyStreams(cap: number): HttpResponse {
  return {
    status: 429,
    headers: { 'content-type': JSON_TYPE, 'retry-after': '10' },
    body: JSON.stringify({ error: 'too_many_streams', message: `more than ${cap} open event streams from this address; close one and retry` }),
  };
}
