/**
 * The session server on Redis beside the embedded default (DATA_DIR on disk), in the same run:
 * delivered messages per second and server CPU per delivered message under the nexus-cpu.ts
 * load (20 senders + 20 back-to-back pollers), one server process at a time, alternating, the
 * median of `rounds`; and the cross-instance wake: a poll parked on instance 2, a send on
 * instance 1, time until the poll answers (p50/p99). Redis's own CPU is not counted (it is
 * another process, shared). Targets: Redis keeps >= half the embedded throughput; wake p99
 * <= 100 ms. Keys live under a bench prefix in database 15 and are deleted afterwards.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { nexusConfig } from '../src/nexus/server/config.ts';
import { startNexusServer } from '../src/nexus/server/server.ts';
import { load, oursWith, PAIRS, PER_SENDER, type Measured } from './nexus-cpu.ts';
import { median, pct } from './stats.ts';
import { deletePrefix } from '../test/helpers/redis.ts';

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/15';


async function throughput(nexusScript: string, env: Record<string, string>): Promise<Measured & { perSec: number }> {
  const p = await oursWith(nexusScript, env);
  try {
    const t = performance.now();
    const m = await load(p);
    const seconds = (performance.now() - t) / 1000;
    return { ...m, perSec: (PAIRS * PER_SENDER) / seconds };
  } finally {
    p.server.proc.kill('SIGTERM');
  }
}

async function crossInstanceWake(prefix: string, n: number): Promise<number[]> {
  const config = nexusConfig({ RATE_LIMIT_MAX: '100000000', REDIS_URL, REDIS_PREFIX: prefix }, { dataDir: null, port: 0 });
  const one = await startNexusServer(config, { log: () => {} });
  const two = await startNexusServer(config, { log: () => {} });
  const post = (url: string, path: string, headers: Record<string, string>, body: unknown) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<Record<string, string>>);
  try {
    const c = await post(one.url, '/v1/sessions', {}, { creatorAgentId: 'a' });
    const j = await post(two.url, `/v1/sessions/${c.sessionId}/join`, { 'x-agent-id': 'b' }, {});
    const a = { 'x-agent-id': 'a', 'x-session-key': c.sessionKey! };
    const b = { 'x-agent-id': 'b', 'x-session-key': j.sessionKey! };
    let cursor = '1';
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const parked = fetch(`${two.url}/v1/sessions/${c.sessionId}/messages?after=${cursor}&wait=30`, { headers: b }).then((r) => r.json() as Promise<{ nextCursor: string }>);
      while (two.waiters.count(c.sessionId!) === 0) await new Promise((r) => setImmediate(r));
      const t = performance.now();
      await post(one.url, `/v1/sessions/${c.sessionId}/messages`, a, { text: `m${i}` });
      cursor = (await parked).nextCursor;
      out.push(performance.now() - t);
    }
    return out;
  } finally {
    await one.close();
    await two.close();
  }
}

export async function benchNexusRedis(nexusScript: string, rounds = 3): Promise<void> {
  const prefix = `bench:nexus:${process.pid}:`;
  try {
    const ratios: number[] = [];
    const runs: { embedded: Measured & { perSec: number }; redis: Measured & { perSec: number } }[] = [];
    for (let r = 0; r < rounds; r++) {
      const embedded = await throughput(nexusScript, { DATA_DIR: mkdtempSync(join(tmpdir(), 'nexus-bench-redis-')) });
      const redis = await throughput(nexusScript, { REDIS_URL, REDIS_PREFIX: `${prefix}${r}:` });
      runs.push({ embedded, redis });
      ratios.push(redis.perSec / embedded.perSec);
    }
    const m = runs[ratios.indexOf(median(ratios))]!;
    const fmt = (x: Measured & { perSec: number }) => `${Math.round(x.perSec)} msgs/s, ${x.cpuPerMessage.toFixed(1)} µs CPU/msg`;
    const wake = await crossInstanceWake(`${prefix}wake:`, 200);
    console.log(
      `nexus/redis   delivered: Redis ${fmt(m.redis)} vs embedded (DATA_DIR) ${fmt(m.embedded)}: ${median(ratios).toFixed(2)}x the throughput (median of ${rounds}; target >= 0.5) | cross-instance wake p50 ${pct(wake, 50).toFixed(1)} ms, p99 ${pct(wake, 99).toFixed(1)} ms (target p99 <= 100 ms)`,
    );
  } finally {
    await deletePrefix(prefix, REDIS_URL);
  }
}
