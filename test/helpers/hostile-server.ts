/**
 * A hostile NexusMessaging server on 127.0.0.1 for CLI tests: it streams endless bodies,
 * trickles bytes, never answers, or answers with unsafe values. Every stream it writes is
 * bounded (MAX_BYTES, MAX_MS) and stops as soon as the client goes away; `close()` ends all.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const MAX_BYTES = 1 << 30;
const MAX_MS = 30_000;

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

export type Handler = (req: IncomingMessage, res: ServerResponse, h: HostileServer) => void;

export class HostileServer {
  readonly requests: Seen[] = [];
  /** Bytes written by `stream` so far, and how many streams are still being written. */
  sent = 0;
  active = 0;
  private readonly stops = new Set<() => void>();
  private readonly server = createServer((req, res) => {
    this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    req.on('end', () => this.handler(req, res, this));
  });
  url = '';

  constructor(private readonly handler: Handler) {}

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  json(res: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
    res.writeHead(status, { 'content-type': contentType });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  }

  /**
   * Writes `head`, then `chunk` forever: as fast as the client reads (everyMs 0, honouring
   * backpressure) or one chunk every `everyMs`. Stops when the client disconnects.
   */
  stream(res: ServerResponse, opts: { status?: number; head?: string; chunk: string; everyMs?: number }): void {
    const chunk = Buffer.from(opts.chunk);
    res.writeHead(opts.status ?? 200, { 'content-type': 'application/json' });
    res.flushHeaders();
    if (opts.head) res.write(opts.head);
    this.active++;
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      this.active--;
      clearTimeout(timer);
      this.stops.delete(stop);
      res.destroy();
    };
    this.stops.add(stop);
    res.on('close', stop);
    const step = () => {
      if (stopped) return;
      if (this.sent >= MAX_BYTES || Date.now() - started > MAX_MS) return stop();
      this.sent += chunk.length;
      const more = res.write(chunk);
      if (opts.everyMs) timer = setTimeout(step, opts.everyMs);
      else if (more) setImmediate(step);
      else res.once('drain', step);
    };
    step();
  }

  /** Never answers; the connection stays open until the client or `close()` ends it. */
  silent(res: ServerResponse): void {
    const stop = () => res.destroy();
    this.stops.add(stop);
    res.on('close', () => this.stops.delete(stop));
  }

  /** Resolves once no stream is being written, failing after `ms` (polls, no fixed sleep). */
  async drained(ms = 5000): Promise<void> {
    const end = Date.now() + ms;
    while (this.active > 0) {
      if (Date.now() > end) throw new Error(`${this.active} stream(s) still being written`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async close(): Promise<void> {
    for (const stop of [...this.stops]) stop();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

export const startHostile = (handler: Handler) => new HostileServer(handler).start();
