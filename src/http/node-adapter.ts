/**
 * Adapts a Handler to node:http: reads the body up to a limit, resolves the client address,
 * writes plain and streamed responses, maps thrown errors to responses in one place, and shuts
 * down gracefully (open streams are ended, not waited for).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpError, type Handler, type HttpRequest, type HttpResponse } from './types.ts';

export interface ServeOptions {
  host?: string;
  port?: number;
  /** Bodies longer than this are not buffered: the request gets `body: null`. */
  bodyLimit: number;
  /** Use the leftmost X-Forwarded-For address (only behind a trusted proxy). */
  trustProxy?: boolean;
  /** Turns an unexpected exception into a response; the message is logged, never the body. */
  onError?: (err: unknown) => HttpResponse;
  log?: (line: string) => void;
}

export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

const HARD_BODY_CAP = 8 * 1024 * 1024;

function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const xff = req.headers['x-forwarded-for'];
    const first = (Array.isArray(xff) ? xff[0] : xff)?.split(',')[0]?.trim();
    if (first) return first;
    const real = req.headers['x-real-ip'];
    if (typeof real === 'string' && real.trim()) return real.trim();
  }
  return req.socket.remoteAddress ?? 'unknown';
}

function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
      else if (size > HARD_BODY_CAP) req.destroy();
    });
    req.on('end', () => resolve(size > limit ? null : new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
    req.on('close', () => resolve(size > limit ? null : new Uint8Array(Buffer.concat(chunks))));
  });
}

export function toHttpRequest(req: IncomingMessage, body: Uint8Array | null, trustProxy: boolean): HttpRequest {
  const raw = req.url ?? '/';
  const q = raw.indexOf('?');
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  return {
    method: req.method ?? 'GET',
    path: q >= 0 ? raw.slice(0, q) : raw,
    query: new URLSearchParams(q >= 0 ? raw.slice(q + 1) : ''),
    headers,
    body,
    ip: clientIp(req, trustProxy),
  };
}

export function errorToResponse(err: unknown, fallback?: (err: unknown) => HttpResponse): HttpResponse {
  if (err instanceof HttpError) {
    return {
      status: err.status,
      headers: { 'content-type': 'application/json; charset=utf-8', ...err.headers },
      body: JSON.stringify(err.body),
    };
  }
  if (fallback) return fallback(err);
  return { status: 500, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"error":"internal error"}' };
}

/** Runs a handler against a request, turning any thrown error into a response. */
export async function respond(handler: Handler, req: HttpRequest, onError?: (err: unknown) => HttpResponse): Promise<HttpResponse> {
  try {
    return await handler(req);
  } catch (err) {
    return errorToResponse(err, onError);
  }
}

export function serve(handler: Handler, opts: ServeOptions): Promise<RunningServer> {
  const open = new Set<() => void>();
  const log = opts.log ?? (() => {});

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const started = Date.now();
    let body: Uint8Array | null;
    try {
      body = await readBody(req, opts.bodyLimit);
    } catch {
      res.destroy();
      return;
    }
    const request = toHttpRequest(req, body, opts.trustProxy ?? false);
    const r = await respond(handler, request, opts.onError);
    if (r.stream) {
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
        cleanup();
        res.end();
      };
      const write = (chunk: string) => !ended && !res.destroyed && (res.write(chunk), true);
      open.add(end);
      res.on('close', end);
      cleanup = r.stream.open(write, end);
      if (ended) cleanup();
      log(`${request.method} ${request.path} ${r.status} stream`);
      return;
    }
    if (body === null && !r.headers?.connection) res.setHeader('connection', 'close');
    res.writeHead(r.status, r.headers);
    res.end(r.body);
    log(`${request.method} ${request.path} ${r.status} ${Date.now() - started}ms`);
  });
  server.keepAliveTimeout = 5000;

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      const { port, address } = server.address() as AddressInfo;
      const host = address.includes(':') ? `[${address}]` : address;
      resolve({
        server,
        port,
        url: `http://${host}:${port}`,
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
