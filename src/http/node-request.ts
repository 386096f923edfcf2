/**
 * A node:http request as the adapter hands it to a Handler (types.ts): its body read up to a
 * limit, its client address worked out once per connection (client-address.ts), and what most
 * handlers never use (the query, an abort signal) made only when asked for.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { clientAddress, isTrustedProxy, normalizeAddress, type TrustProxy } from './client-address.ts';
import type { HttpRequest } from './types.ts';

const HARD_BODY_CAP = 8 * 1024 * 1024;

/** The body as a plain Uint8Array view (no copy), or null past the limit. */
export function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    let first: Buffer | null = null;
    let rest: Buffer[] | null = null;
    let size = 0;
    let settled = false;
    const done = () => {
      if (settled) return;
      settled = true;
      if (size > limit) return resolve(null);
      const buf = rest ? Buffer.concat(rest) : first;
      resolve(buf ? new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) : new Uint8Array(0));
    };
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) {
        if (first === null) first = c;
        else (rest ??= [first]).push(c);
      } else if (size > HARD_BODY_CAP) req.destroy();
    });
    req.once('end', done);
    req.once('error', reject);
    req.once('close', done);
  });
}

/**
 * Whether the request can carry no body (RFC 9112 §6.3: without Content-Length and
 * Transfer-Encoding a request has none), so none is read: a GET or HEAD costs no listeners.
 */
export function bodiless(req: IncomingMessage): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined;
}

export const EMPTY = new Uint8Array(0);

/** The socket peer as a rate-limit key and whether it is one of our proxies, worked out once per connection. */
interface Peer {
  self: string;
  proxy: boolean;
}
const PEER = Symbol('peer');
type PeerSocket = Socket & { [PEER]?: Peer };

function peerOf(socket: PeerSocket | null, trust: TrustProxy): Peer {
  const cached = socket?.[PEER];
  if (cached) return cached;
  const raw = socket?.remoteAddress ?? 'unknown';
  const self = normalizeAddress(raw) ?? raw;
  const peer = { self, proxy: isTrustedProxy(self, trust) };
  // Not cached before the address is known (a socket already closed has none).
  if (socket && socket.remoteAddress !== undefined) socket[PEER] = peer;
  return peer;
}

/** The client address (client-address.ts); X-Forwarded-For is looked at only when the peer is a trusted proxy. */
function addressOf(req: IncomingMessage, forwardedFor: string | undefined, trust: TrustProxy): string {
  const peer = peerOf(req.socket as PeerSocket | null, trust);
  if (!peer.proxy || !forwardedFor) return peer.self;
  return clientAddress(peer.self, forwardedFor, trust);
}

/** What the request needs of its response (a ServerResponse): whether, and when, it closed. */
export interface ClosingResponse {
  readonly destroyed: boolean;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * A node:http request as a HttpRequest. What most handlers never use costs nothing until they
 * ask: the query string is parsed, and the AbortController made, on first access.
 */
export class NodeRequest implements HttpRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string | undefined>;
  readonly ip: string;
  private readonly search: string;
  private parsedQuery: URLSearchParams | undefined;
  private gone: AbortController | undefined;

  constructor(
    req: IncomingMessage,
    readonly body: Uint8Array | null,
    trust: TrustProxy,
    private readonly res: ClosingResponse,
  ) {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    this.method = req.method ?? 'GET';
    this.path = q >= 0 ? raw.slice(0, q) : raw;
    this.search = q >= 0 ? raw.slice(q + 1) : '';
    this.headers = plainHeaders(req.headers);
    this.ip = addressOf(req, this.headers['x-forwarded-for'], trust);
  }

  get query(): URLSearchParams {
    return (this.parsedQuery ??= new URLSearchParams(this.search));
  }

  /** Aborted once the response closes: the client went away (or it was answered). */
  get signal(): AbortSignal {
    const res = this.res;
    if (!this.gone) {
      const gone = (this.gone = new AbortController());
      if (res.destroyed) gone.abort();
      else res.once('close', () => gone.abort());
    }
    return this.gone.signal;
  }
}

/** node's headers, with the one field node keeps as an array (set-cookie) joined like the rest. */
function plainHeaders(h: IncomingHttpHeaders): Record<string, string | undefined> {
  if (h['set-cookie'] === undefined) return h as Record<string, string | undefined>;
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(h)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}
