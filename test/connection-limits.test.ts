// Both servers over real loopback sockets (src/http/node-adapter.ts, connection-guard.ts): one
// address cannot hold every connection, slow requests are cut, malformed URLs are 400, event
// streams are capped per address, and TRUST_PROXY cannot be dodged with a forged leftmost hop.
// Other clients are shown from 127.0.0.2: Linux routes all of 127.0.0.0/8 to loopback.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/http/node-adapter.ts';
import { nexusConfig } from '../src/nexus/server/config.ts';
import { startNexusServer } from '../src/nexus/server/server.ts';
import { messengerConfig } from '../src/opennexus/messenger/config.ts';
import { startMessenger } from '../src/opennexus/messenger/server.ts';
import { postJson } from '../src/opennexus/transport.ts';
import { nextMatching, stream, waitFor } from './helpers/http.ts';

type Kind = 'messenger' | 'nexus';
const KINDS: Kind[] = ['messenger', 'nexus'];

const servers: RunningServer[] = [];
const sockets = new Set<Socket>();
const timers: NodeJS.Timeout[] = [];

afterEach(async () => {
  for (const t of timers.splice(0)) clearInterval(t);
  for (const s of sockets) s.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(kind: Kind, env: Record<string, string>): Promise<RunningServer> {
  const s = kind === 'messenger' ? await startMessenger(messengerConfig(env, { port: 0 })) : await startNexusServer(nexusConfig(env, { dataDir: null, port: 0 }));
  servers.push(s);
  return s;
}

interface Raw {
  socket: Socket;
  /** Resolves when the socket closes: what the server sent, and how long after connecting. */
  closed: Promise<{ data: string; ms: number }>;
}

/** A raw TCP client that sends `send` (if any) and then stalls. */
function raw(port: number, opts: { from?: string; send?: string } = {}): Raw {
  const t0 = Date.now();
  const socket = netConnect({ port, host: '127.0.0.1', ...(opts.from ? { localAddress: opts.from } : {}) });
  sockets.add(socket);
  let data = '';
  socket.setEncoding('latin1');
  socket.on('data', (d: string) => (data += d));
  socket.on('error', () => {}); // refused sockets are reset; the close below reports it
  if (opts.send) socket.on('connect', () => socket.write(opts.send!));
  const closed = new Promise<{ data: string; ms: number }>((resolve) => socket.on('close', () => resolve({ data, ms: Date.now() - t0 })));
  return { socket, closed };
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTP request on its own connection, optionally from another loopback address. */
function get(url: string, path: string, opts: { from?: string; method?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method: opts.method ?? 'GET', agent: false, headers: opts.headers ?? {}, ...(opts.from ? { localAddress: opts.from } : {}) }, (res) => {
      if (res.headers['content-type'] === 'text/event-stream') {
        sockets.add(res.socket);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
        return;
      }
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Resolves with the error when a request gets no HTTP answer at all (refused at accept). */
const refused = (p: Promise<Answer>) =>
  p.then(
    (a) => {
      throw new Error(`expected a refusal, got HTTP ${a.status}`);
    },
    (e: NodeJS.ErrnoException) => e.code,
  );

describe.each(KINDS)('%s: slow clients', (kind) => {
  it('a slow-header flood from one address holds at most its cap; other addresses are served; the stalled are cut by the header timeout', async () => {
    const s = await start(kind, { MAX_CONNECTIONS_PER_IP: '20', HEADERS_TIMEOUT_MS: '3000', REQUEST_TIMEOUT_MS: '5000' });
    // what the server accepted: the guard's listener runs first and destroys refused sockets
    let seen = 0;
    let live = 0;
    let peak = 0;
    s.server.on('connection', (sock: Socket) => {
      seen++;
      if (sock.destroyed) return;
      peak = Math.max(peak, ++live);
      sock.once('close', () => live--);
    });
    const flood = Array.from({ length: 300 }, () => raw(s.port, { send: 'GET /health HTTP/1.1\r\nHost: x\r\n' }));
    // slowloris: keep adding header lines; the timeout counts from the request's start anyway
    timers.push(setInterval(() => flood.forEach((f) => f.socket.writable && f.socket.write('X-Slow: 1\r\n')), 100));
    await waitFor(() => seen === 300, 10_000, 'all 300 sockets reached the server');
    expect(peak).toBe(20);
    expect(s.connections().refusedPerIp).toBe(300 - 20);

    expect((await get(s.url, '/health', { from: '127.0.0.2' })).status).toBe(200);
    expect(await refused(get(s.url, '/health'))).toMatch(/ECONNRESET|EPIPE|socket hang up/);

    const results = await Promise.all(flood.map((f) => f.closed));
    const accepted = results.filter((r) => r.data !== '');
    expect(accepted).toHaveLength(20);
    for (const a of accepted) {
      expect(a.data).toMatch(/^HTTP\/1\.1 408 /);
      expect(a.ms).toBeGreaterThanOrEqual(2900);
      expect(a.ms).toBeLessThan(10_000); // node's defaults cut them after 60-90 s
    }
    await waitFor(() => s.connections().open === 0, 5000, 'all sockets closed');
    expect((await get(s.url, '/health')).status).toBe(200);
  });

  it('a slow body (headers complete, body trickling) is cut by the request timeout', async () => {
    const s = await start(kind, { HEADERS_TIMEOUT_MS: '500', REQUEST_TIMEOUT_MS: '1200' });
    const path = kind === 'messenger' ? '/v1/messages' : '/v1/sessions';
    const slow = raw(s.port, { send: `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Agent-ID: S\r\nContent-Length: 1000\r\n\r\n{` });
    timers.push(setInterval(() => slow.socket.writable && slow.socket.write(' '), 50));
    const r = await slow.closed;
    expect(r.data).toMatch(/^HTTP\/1\.1 408 /);
    expect(r.ms).toBeGreaterThanOrEqual(1100);
    expect(r.ms).toBeLessThan(8000); // node's default: 300-330 s
  });

  it('the total cap holds for every address together, and frees up when sockets close', async () => {
    const s = await start(kind, { MAX_CONNECTIONS: '30', MAX_CONNECTIONS_PER_IP: '0', HEADERS_TIMEOUT_MS: '20000' });
    const idle = Array.from({ length: 40 }, (_, i) => raw(s.port, { from: `127.0.0.${3 + (i % 4)}` }));
    await waitFor(() => s.connections().refusedTotal === 10, 10_000, '10 sockets dropped');
    expect(s.connections().open).toBe(30);
    expect(await refused(get(s.url, '/health', { from: '127.0.0.2' }))).toMatch(/ECONNRESET|EPIPE|socket hang up/);
    for (const r of idle) r.socket.destroy();
    await waitFor(() => s.connections().open === 0, 5000, 'sockets released');
    expect((await get(s.url, '/health', { from: '127.0.0.2' })).status).toBe(200);
  });
});

describe.each(KINDS)('%s: malformed URLs', (kind) => {
  const paths: Record<Kind, string[]> = {
    messenger: ['/%zz', '/v1/messages/stream?drain=%zz', '/v1/stats/public?%E0%A4%A', '/health%'],
    nexus: ['/v1/pair/%zz/status', '/p/%C0%AF', '/v1/sessions/abc/messages?after=%zz', '/v1/pair/%25zz/skill', '/p/%25E0%25A4'],
  };
  it('a bad percent-escape in the path or query is 400 with a JSON error, never 500', async () => {
    const s = await start(kind, {});
    for (const p of paths[kind]) {
      const r = await get(s.url, p, { headers: { 'X-Agent-ID': 'S' } });
      expect([p, r.status, r.headers['content-type']]).toEqual([p, 400, 'application/json; charset=utf-8']);
      expect(JSON.parse(r.body).error).toBe('bad_request');
    }
  });
});

describe('messenger: event streams', () => {
  it('an open stream outlives the request timeout (it limits receiving the request, not the response)', async () => {
    const s = await start('messenger', { HEADERS_TIMEOUT_MS: '300', REQUEST_TIMEOUT_MS: '600' });
    const sse = await stream(s.url, 'R');
    try {
      await nextMatching(sse, (e) => e.kind === 'data');
      // a slow body started after the stream is cut; by then the stream is older than the timeout
      const slow = raw(s.port, { send: 'POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n' });
      timers.push(setInterval(() => slow.socket.writable && slow.socket.write(' '), 50));
      expect((await slow.closed).data).toMatch(/^HTTP\/1\.1 408 /);
      const msg = { protocol_version: '0.1.0', sender_id: 'S', receiver_id: 'R', type: 'data', session_id: 'x', ciphertext: 'c', counter: 1 };
      expect((await postJson(`${s.url}/v1/messages`, JSON.stringify(msg), { 'X-Agent-ID': 'S' }, 5000)).status).toBe(200);
      const e = await nextMatching(sse, (x) => x.kind === 'data' && x.data.includes('"counter":1'));
      expect(e.kind).toBe('data');
    } finally {
      sse.close();
    }
  });

  it('open streams are capped per client address (429 JSON); other addresses and freed slots are served', async () => {
    const s = await start('messenger', { MAX_STREAMS_PER_IP: '3' });
    const path = '/v1/messages/stream?drain=0';
    const open = await Promise.all([0, 1, 2].map((i) => get(s.url, path, { headers: { 'X-Agent-ID': `A${i}` } })));
    expect(open.map((a) => a.status)).toEqual([200, 200, 200]);
    const over = await get(s.url, path, { headers: { 'X-Agent-ID': 'A3' } });
    expect([over.status, JSON.parse(over.body).error]).toEqual([429, 'too_many_streams']);
    expect((await get(s.url, path, { from: '127.0.0.2', headers: { 'X-Agent-ID': 'B' } })).status).toBe(200);
    // a closed stream frees its slot
    [...sockets].find((x) => x.localAddress === '127.0.0.1')!.destroy();
    await waitFor(async () => (await get(s.url, path, { headers: { 'X-Agent-ID': 'A4' } })).status === 200, 5000, 'a freed stream slot');
  });
});

describe('TRUST_PROXY cannot be dodged with a forged leftmost X-Forwarded-For hop', () => {
  const forged = (i: number) => `${(i * 37) % 256}.${i % 256}.${(i * 7) % 256}.1`;

  it('session server: pairing-code guesses from one client behind one proxy are refused after PAIR_FAIL_LIMIT', async () => {
    const s = await start('nexus', { TRUST_PROXY: '1', PAIR_FAIL_LIMIT: '5' });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const r = await get(s.url, '/v1/pair/AAAA-BBBB-CCCCC/claim', { method: 'POST', headers: { 'X-Agent-ID': 'x', 'X-Forwarded-For': `${forged(i)}, 203.0.113.9` } });
      statuses.push(r.status);
    }
    expect(statuses.slice(0, 5)).toEqual([404, 404, 404, 404, 404]);
    expect(new Set(statuses.slice(5))).toEqual(new Set([429]));
    // another client (another address appended by the proxy) still has its own budget
    const other = await get(s.url, '/v1/pair/AAAA-BBBB-CCCCC/claim', { method: 'POST', headers: { 'X-Agent-ID': 'x', 'X-Forwarded-For': '203.0.113.10' } });
    expect(other.status).toBe(404);
  });

  it('messenger: the rate limit sees the proxy-appended client, whatever precedes it', async () => {
    const s = await start('messenger', { TRUST_PROXY: '1', RATE_LIMIT: '0.001', RATE_BURST: '3' });
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await get(s.url, '/health', { headers: { 'X-Forwarded-For': `${forged(i)}, 203.0.113.9` } })).status);
    expect(statuses.filter((x) => x === 200)).toHaveLength(3);
  });

  it('a proxy address list: only the listed peer is believed, and only it is exempt from the per-address cap', async () => {
    const s = await start('nexus', { TRUST_PROXY: '127.0.0.1', PAIR_FAIL_LIMIT: '2', MAX_CONNECTIONS_PER_IP: '5', HEADERS_TIMEOUT_MS: '20000' });
    const claim = (from: string, xff: string) => get(s.url, '/v1/pair/AAAA-BBBB-CCCCC/claim', { from, method: 'POST', headers: { 'X-Agent-ID': 'x', 'X-Forwarded-For': xff } });
    // a direct client (127.0.0.2 is not a proxy) writing its own header is keyed by its socket
    const direct = [];
    for (let i = 0; i < 4; i++) direct.push((await claim('127.0.0.2', forged(i))).status);
    expect(direct).toEqual([404, 404, 429, 429]);
    // through the proxy, the client is the hop the proxy appended
    expect((await claim('127.0.0.1', `${forged(9)}, 203.0.113.9`)).status).toBe(404);
    // the proxy may hold more connections than one address's cap; a plain peer may not
    await waitFor(() => s.connections().open === 0, 5000, 'earlier requests closed');
    for (let i = 0; i < 10; i++) raw(s.port);
    for (let i = 0; i < 10; i++) raw(s.port, { from: '127.0.0.2' });
    await waitFor(() => s.connections().refusedPerIp === 5, 5000, '5 direct sockets refused');
    await waitFor(() => s.connections().open === 15, 5000, '10 proxy + 5 direct sockets open');
  });
});

describe('plain responses leave in one piece', () => {
  it('headers and body go out in one socket write with a Content-Length (no chunked framing)', async () => {
    for (const kind of KINDS) {
      const s = await start(kind, {});
      const writes: number[][] = [];
      s.server.prependListener('connection', (socket: Socket) => {
        const sock = socket as Socket & { _write: Function; _writev: Function };
        const w = sock._write.bind(sock);
        const wv = sock._writev?.bind(sock);
        sock._write = (chunk: Buffer | string, enc: BufferEncoding, cb: () => void) => (writes.push([Buffer.byteLength(chunk)]), w(chunk, enc, cb));
        sock._writev = (chunks: Array<{ chunk: Buffer | string }>, cb: () => void) => (writes.push(chunks.map((c) => Buffer.byteLength(c.chunk)).filter((n) => n > 0)), wv!(chunks, cb));
      });
      const r = await get(s.url, '/health');
      expect(r.status).toBe(200);
      expect(r.headers['content-length']).toBe(String(Buffer.byteLength(r.body)));
      expect(r.headers['transfer-encoding']).toBeUndefined();
      expect(writes, kind).toHaveLength(1);
      expect(writes[0]!.filter((n) => n > 0), kind).toHaveLength(1);
    }
  });
});
