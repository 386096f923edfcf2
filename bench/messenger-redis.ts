/**
 * The messenger on Redis against the embedded default, in the same run: delivered messages/s
 * (POST -> arrival on an SSE stream; on Redis the POSTs go to instance A and the streams are on
 * instance B) and the cross-instance delivery latency p50/p99 (one message at a time). Every
 * server is a `scripts/opennexus.mjs serve` process on loopback; counts and time are bounded.
 * Targets (issue): Redis keeps at least half the embedded throughput; cross-instance p99 <= 100 ms.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { openSse, type SseStream } from '../src/opennexus/transport.ts';
import { deletePrefix } from '../test/helpers/redis.ts';
import { pct } from './stats.ts';

const script = `${process.cwd()}/scripts/opennexus.mjs`;
const DEADLINE_MS = 90_000;

export interface Server {
  url: string;
  proc: ChildProcess;
}

export async function serve(env: Record<string, string>): Promise<Server> {
  const proc = spawn('node', [script, 'serve', '--port', '0'], { env: { ...process.env, RATE_LIMIT: '0', ...env }, stdio: ['ignore', 'pipe', 'ignore'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const line = out.split('\n').find((l) => l.includes('"listening"'));
      if (line) resolve(JSON.parse(line).url);
    });
    proc.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
  return { url, proc };
}

export function reachable(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = connect(Number(u.port || 6379), u.hostname);
    s.setTimeout(1000, () => (s.destroy(), resolve(false)));
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

function post(agent: Agent, url: string, receiver: string, counter: number): Promise<void> {
  const body = `{"protocol_version":"0.1.0","type":"data","sender_id":"S","receiver_id":"${receiver}","session_id":"c2Vzc2lvbg==","counter":${counter},"ciphertext":"Y2lwaGVydGV4dA=="}`;
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/messages`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-agent-id': 'S', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Calls `onCounter` for every relayed frame of the stream. */
function listen(s: SseStream, onCounter: (n: number) => void): void {
  void (async () => {
    for await (const e of s.events) {
      const m = e.kind === 'data' ? /"counter":(\d+)/.exec(e.data) : null;
      if (m) onCounter(Number(m[1]));
    }
  })().catch(() => {});
}

function withDeadline<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: over ${DEADLINE_MS} ms`)), DEADLINE_MS)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** Messages/s from POSTs on `to` to arrivals on 20 streams on `from`. */
export async function rate(to: string, from: string, tag: string, receivers = 20, total = 10_000, concurrency = 32): Promise<number> {
  const streams = await Promise.all(Array.from({ length: receivers }, (_, i) => openSse(`${from}/v1/messages/stream`, { 'X-Agent-ID': `${tag}${i}` })));
  let delivered = 0;
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  for (const s of streams) listen(s, () => ++delivered === total && done());
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const t = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      const i = next++;
      await post(agent, to, `${tag}${i % receivers}`, i);
    }
  }));
  await all;
  const perS = total / ((performance.now() - t) / 1000);
  for (const s of streams) s.close();
  agent.destroy();
  return perS;
}

/** p50/p99 in ms of POST on `to` -> arrival on a stream on `from`, one message at a time. */
async function latency(to: string, from: string, tag: string, n = 400): Promise<[number, number]> {
  const s = await openSse(`${from}/v1/messages/stream`, { 'X-Agent-ID': tag });
  const arrived = new Map<number, () => void>();
  listen(s, (c) => arrived.get(c)?.());
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const got = new Promise<void>((r) => arrived.set(i, r));
    const t = performance.now();
    await post(agent, to, tag, i);
    await got;
    ms.push(performance.now() - t);
    arrived.delete(i);
  }
  s.close();
  agent.destroy();
  return [pct(ms, 50), pct(ms, 99)];
}

export async function benchMessengerRedis(redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/15'): Promise<void> {
  if (!(await reachable(redisUrl))) {
    console.log(`messenger/redis skipped: no Redis at ${redisUrl} (set BENCH_REDIS_URL)`);
    return;
  }
  const prefix = `bench:msgr:${randomBytes(4).toString('hex')}:`;
  const servers: Server[] = [];
  try {
    const embedded = await serve({});
    servers.push(embedded);
    const env = { REDIS_URL: redisUrl, REDIS_PREFIX: prefix };
    const a = await serve(env);
    const b = await serve(env);
    servers.push(a, b);
    const run = async () => {
      // warm both sides up (JIT, connection pools) before measuring either
      await rate(embedded.url, embedded.url, 'W', 20, 2000);
      await rate(a.url, b.url, 'W', 20, 2000);
      const local = await rate(embedded.url, embedded.url, 'E');
      const shared = await rate(a.url, b.url, 'R');
      const [lp50, lp99] = await latency(embedded.url, embedded.url, 'LE');
      const [p50, p99] = await latency(a.url, b.url, 'LR');
      return { local, shared, lp50, lp99, p50, p99 };
    };
    const r = await withDeadline(run(), 'messenger/redis bench');
    console.log(
      `messenger/redis POST(A)->SSE(B), 20 receivers: ${Math.round(r.shared)} msgs/s | embedded, one instance: ${Math.round(r.local)} msgs/s (${(r.shared / r.local).toFixed(2)}x) | ` +
        `cross-instance delivery p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms (embedded p50 ${r.lp50.toFixed(2)} ms, p99 ${r.lp99.toFixed(2)} ms)`,
    );
  } finally {
    for (const s of servers) s.proc.kill('SIGTERM');
    await deletePrefix(prefix, redisUrl).catch(() => {});
  }
}
