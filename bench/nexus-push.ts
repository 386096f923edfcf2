/**
 * Push delivery on the session server (nexus spec §2.6): send→wake latency, p50/p99, for a
 * parked long-poll (`wait=`) and for the event stream, against the baseline every agent had
 * before: polling every interval. All three run in this process against one loopback server, in
 * the same run; CPU (process.cpuUsage, server and client together) is per delivered message.
 * Target: wake p99 ≤ 50 ms for both.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { openSse } from '../src/http/client.ts';
import { nexusConfig } from '../src/nexus/server/config.ts';
import { startNexusServer, type RunningNexus } from '../src/nexus/server/server.ts';
import { pct } from './stats.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

function http(url: string, method: string, headers: Record<string, string>, body?: unknown): Promise<Any> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent, headers: { ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve(JSON.parse(text)));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const until = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setImmediate(r));
};

const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} ms, p99 ${pct(xs, 99).toFixed(1)} ms`;

interface Pair {
  hub: RunningNexus;
  sid: string;
  a: Record<string, string>;
  b: Record<string, string>;
}

async function session(hub: RunningNexus): Promise<Pair> {
  const c = await http(`${hub.url}/v1/sessions`, 'POST', {}, { creatorAgentId: 'a' });
  const j = await http(`${hub.url}/v1/sessions/${c.sessionId}/join`, 'POST', { 'x-agent-id': 'b' }, {});
  return { hub, sid: c.sessionId, a: { 'x-agent-id': 'a', 'x-session-key': c.sessionKey }, b: { 'x-agent-id': 'b', 'x-session-key': j.sessionKey } };
}

const send = (p: Pair, text: string) => http(`${p.hub.url}/v1/sessions/${p.sid}/messages`, 'POST', p.a, { text });

/** b parks a poll; a sends once b is parked; latency = answer - send. */
async function longPoll(p: Pair, n: number): Promise<number[]> {
  const out: number[] = [];
  let cursor = (await http(`${p.hub.url}/v1/sessions/${p.sid}/messages`, 'GET', p.b)).nextCursor as string;
  for (let i = 0; i < n; i++) {
    const answer = http(`${p.hub.url}/v1/sessions/${p.sid}/messages?after=${cursor}&wait=30`, 'GET', p.b);
    await until(() => p.hub.waiters.count(p.sid) === 1);
    const t = performance.now();
    await send(p, `m${i}`);
    const b = await answer;
    out.push(performance.now() - t);
    cursor = b.nextCursor;
  }
  return out;
}

/** b keeps one event stream open; latency = event arrival - send. */
async function stream(p: Pair, n: number): Promise<number[]> {
  const out: number[] = [];
  const cursor = (await http(`${p.hub.url}/v1/sessions/${p.sid}/messages`, 'GET', p.b)).nextCursor as string;
  const s = await openSse(`${p.hub.url}/v1/sessions/${p.sid}/messages/stream?after=${cursor}`, { headers: p.b, connectTimeoutMs: 5000 });
  await until(() => p.hub.waiters.count(p.sid) === 1);
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await send(p, `m${i}`);
    for (;;) {
      const e = await s.events.next();
      if (e.done) throw new Error('stream ended');
      if (e.value.kind === 'data') break;
    }
    out.push(performance.now() - t);
  }
  s.close();
  return out;
}

/** b polls every `intervalMs`; a sends at a random moment; latency = the poll that saw it - send. */
async function interval(p: Pair, n: number, intervalMs: number): Promise<number[]> {
  const out: number[] = [];
  let cursor = (await http(`${p.hub.url}/v1/sessions/${p.sid}/messages`, 'GET', p.b)).nextCursor as string;
  let sentAt = 0;
  let pending = false;
  let done = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(async () => {
      const b = await http(`${p.hub.url}/v1/sessions/${p.sid}/messages?after=${cursor}`, 'GET', p.b);
      if (b.messages.length && pending) {
        out.push(performance.now() - sentAt);
        pending = false;
        cursor = b.nextCursor;
        if (++done === n) {
          clearInterval(timer);
          resolve();
          return;
        }
        // the next send at a random phase of the polling interval
        setTimeout(() => {
          sentAt = performance.now();
          pending = true;
          void send(p, 'x');
        }, Math.random() * intervalMs);
      }
    }, intervalMs);
    sentAt = performance.now();
    pending = true;
    void send(p, 'first');
  });
  return out;
}

async function measure(fn: () => Promise<number[]>): Promise<{ lat: number[]; cpuMs: number }> {
  const c = process.cpuUsage();
  const lat = await fn();
  const d = process.cpuUsage(c);
  return { lat, cpuMs: (d.user + d.system) / 1000 / lat.length };
}

export async function benchNexusPush(n = 300, baselineMs = 250, baselineN = 40): Promise<void> {
  const hub = await startNexusServer(nexusConfig({ RATE_LIMIT_MAX: '1000000' }, { dataDir: null, port: 0 }));
  try {
    await longPoll(await session(hub), 20); // warm-up
    const lp = await measure(async () => longPoll(await session(hub), n));
    const sse = await measure(async () => stream(await session(hub), n));
    const base = await measure(async () => interval(await session(hub), baselineN, baselineMs));
    const ok = (xs: number[]) => (pct(xs, 99) <= 50 ? 'meets p99 ≤ 50 ms' : 'MISSES p99 ≤ 50 ms');
    const basePer = pct(base.lat, 50);
    console.log(`nexus push    send→wake, ${n} messages each (CPU per message, server + client):`);
    console.log(`              long-poll (wait=30): ${fmt(lp.lat)}, ${lp.cpuMs.toFixed(2)} ms CPU (${ok(lp.lat)}; ${(basePer / pct(lp.lat, 50)).toFixed(0)}x faster than the baseline's p50)`);
    console.log(`              event stream:        ${fmt(sse.lat)}, ${sse.cpuMs.toFixed(2)} ms CPU (${ok(sse.lat)}; ${(basePer / pct(sse.lat, 50)).toFixed(0)}x faster)`);
    console.log(`              baseline, a poll every ${baselineMs} ms (${baselineN} messages): ${fmt(base.lat)}, ${base.cpuMs.toFixed(2)} ms CPU; latency scales with the interval: ~${(pct(base.lat, 50) * (1000 / baselineMs)).toFixed(0)} ms at 1 s, minutes with a 3-5 minute cron`);
  } finally {
    agent.destroy();
    await hub.close();
  }
}
