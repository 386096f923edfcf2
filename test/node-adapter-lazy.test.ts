// The node:http adapter makes per-request state lazily (src/http/node-adapter.ts): the query is
// parsed and the AbortController made only when a handler asks, the client address is worked
// out once per connection, and a bodiless GET is not read. None of that may change what a
// handler sees: a parked request still learns that its client left, the query and the address
// are right on every request of a kept-alive connection, and bodies still arrive whole.
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { serve, type RunningServer } from '../src/http/node-adapter.ts';
import type { HttpRequest } from '../src/http/types.ts';

const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(handler: (req: HttpRequest) => Promise<{ status: number; body: string }> | { status: number; body: string }, trustProxy?: { hops: number }) {
  const s = await serve(handler, { bodyLimit: 1024, ...(trustProxy ? { trustProxy } : {}) });
  servers.push(s);
  return s;
}

function get(url: string, opts: { agent?: Agent; headers?: Record<string, string>; method?: string; body?: string; localAddress?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers ?? {}, ...(opts.agent ? { agent: opts.agent } : {}), ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('node adapter: lazy request state', () => {
  it('aborts the signal of a parked request when its client disconnects', async () => {
    let aborted!: () => void;
    const gone = new Promise<void>((r) => (aborted = r));
    let parked!: () => void;
    const isParked = new Promise<void>((r) => (parked = r));
    const s = await start(async (req) => {
      await new Promise((r) => setTimeout(r, 20)); // the signal is asked for after an await
      const signal = req.signal!;
      expect(signal.aborted).toBe(false);
      await new Promise<void>((resolve) => {
        signal.addEventListener('abort', () => (aborted(), resolve()), { once: true });
        parked();
      });
      return { status: 200, body: 'late' };
    });
    const sock = connect(s.port, '127.0.0.1');
    sock.on('error', () => {});
    sock.write('GET /wait HTTP/1.1\r\nHost: x\r\n\r\n');
    await isParked;
    sock.destroy();
    await gone; // times out (test failure) if the abort never fires
  });

  it('a signal asked for after the client left is already aborted', async () => {
    let seen!: (aborted: boolean) => void;
    const result = new Promise<boolean>((r) => (seen = r));
    const s = await start(async (req) => {
      await new Promise((r) => setTimeout(r, 150));
      seen(req.signal!.aborted);
      return { status: 200, body: '' };
    });
    const sock = connect(s.port, '127.0.0.1');
    sock.on('error', () => {});
    sock.write('GET /wait HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((r) => setTimeout(r, 30));
    sock.destroy();
    expect(await result).toBe(true);
  });

  it('parses the query of each request on a kept-alive connection, and only the path is the path', async () => {
    const s = await start((req) => ({ status: 200, body: JSON.stringify({ path: req.path, a: req.query.get('a'), all: req.query.getAll('b'), method: req.method }) }));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect(JSON.parse((await get(`${s.url}/x?a=1&b=2&b=3`, { agent })).body)).toEqual({ path: '/x', a: '1', all: ['2', '3'], method: 'GET' });
      expect(JSON.parse((await get(`${s.url}/y?a=%C3%A9`, { agent })).body)).toEqual({ path: '/y', a: 'é', all: [], method: 'GET' });
      expect(JSON.parse((await get(`${s.url}/z`, { agent })).body)).toEqual({ path: '/z', a: null, all: [], method: 'GET' });
    } finally {
      agent.destroy();
    }
  });

  it('gives each connection its own address, and reads X-Forwarded-For per request behind a trusted proxy', async () => {
    const s = await start((req) => ({ status: 200, body: req.ip }));
    const a = new Agent({ keepAlive: true, maxSockets: 1 });
    const b = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = 0; i < 2; i++) {
        expect((await get(`${s.url}/`, { agent: a, localAddress: '127.0.0.2' })).body).toBe('127.0.0.2');
        expect((await get(`${s.url}/`, { agent: b, localAddress: '127.0.0.3' })).body).toBe('127.0.0.3');
        // without TRUST_PROXY the header is ignored
        expect((await get(`${s.url}/`, { agent: a, localAddress: '127.0.0.2', headers: { 'x-forwarded-for': '10.0.0.9' } })).body).toBe('127.0.0.2');
      }
    } finally {
      a.destroy();
      b.destroy();
    }
    const p = await start((req) => ({ status: 200, body: req.ip }), { hops: 1 });
    const c = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect((await get(`${p.url}/`, { agent: c, headers: { 'x-forwarded-for': '10.0.0.1' } })).body).toBe('10.0.0.1');
      expect((await get(`${p.url}/`, { agent: c, headers: { 'x-forwarded-for': '10.0.0.2' } })).body).toBe('10.0.0.2');
      expect((await get(`${p.url}/`, { agent: c })).body).toBe('127.0.0.1');
    } finally {
      c.destroy();
    }
  });

  it('reads bodies whole (in several chunks too), gives a GET without one an empty body, and null past the limit', async () => {
    const s = await start((req) => ({ status: 200, body: JSON.stringify({ len: req.body === null ? null : req.body.length, text: req.body ? new TextDecoder().decode(req.body) : null, plain: req.body?.constructor === Uint8Array }) }));
    expect(JSON.parse((await get(`${s.url}/`)).body)).toEqual({ len: 0, text: '', plain: true });
    expect(JSON.parse((await get(`${s.url}/`, { method: 'POST', body: 'hello' })).body)).toEqual({ len: 5, text: 'hello', plain: true });
    // a GET that does carry a body (Content-Length) still has it read
    expect(JSON.parse((await get(`${s.url}/`, { method: 'GET', body: 'abc', headers: { 'content-length': '3' } })).body)).toMatchObject({ len: 3, text: 'abc' });
    const big = 'x'.repeat(2000);
    expect(JSON.parse((await get(`${s.url}/`, { method: 'POST', body: big })).body)).toMatchObject({ len: null });
    // chunked, in pieces
    const chunked = await new Promise<string>((resolve, reject) => {
      const req = request(`${s.url}/`, { method: 'POST' }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.write('ab');
      setTimeout(() => req.end('cd'), 20);
    });
    expect(JSON.parse(chunked)).toMatchObject({ len: 4, text: 'abcd' });
  });
});
