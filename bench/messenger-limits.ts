/**
 * What the limits shared across instances cost (issue 19, item 6): two messengers on one Redis,
 * POSTs on A delivered to streams on B, with RATE_LIMIT=0 (no limit, the baseline) and with a
 * limit too high to refuse anything (so every request takes a token from the bucket in Redis:
 * one more script per request, src/redis/token-buckets.ts), in the same run, alternated.
 * Also streams opened and closed per second with and without MAX_STREAMS_PER_IP counted in
 * Redis (src/redis/stream-slots.ts: one script to open, one ZREM to close).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { openSse } from '../src/opennexus/transport.ts';
import { deletePrefix } from '../test/helpers/redis.ts';
import { rate, reachable, serve, type Server } from './messenger-redis.ts';

/** Streams opened (connected event read) and closed per second, `concurrency` at a time. */
async function streamRate(url: string, tag: string, total = 2000, concurrency = 16): Promise<number> {
  let next = 0;
  const t = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      const s = await openSse(`${url}/v1/messages/stream?drain=0`, { 'X-Agent-ID': `${tag}${next++}` });
      await s.events.next();
      s.close();
    }
  }));
  return total / ((performance.now() - t) / 1000);
}

export async function benchMessengerLimits(redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/15'): Promise<void> {
  if (!(await reachable(redisUrl))) {
    console.log(`messenger/limits skipped: no Redis at ${redisUrl} (set BENCH_REDIS_URL)`);
    return;
  }
  const prefixes = [0, 1].map(() => `bench:lim:${randomBytes(4).toString('hex')}:`);
  const servers: Server[] = [];
  try {
    const off = { REDIS_URL: redisUrl, REDIS_PREFIX: prefixes[0]!, RATE_LIMIT: '0', MAX_STREAMS_PER_IP: '0' };
    const on = { REDIS_URL: redisUrl, REDIS_PREFIX: prefixes[1]!, RATE_LIMIT: '1000000000', RATE_BURST: '1000000000', MAX_STREAMS_PER_IP: '1000000' };
    const [a0, b0, a1, b1] = [await serve(off), await serve(off), await serve(on), await serve(on)];
    servers.push(a0, b0, a1, b1);
    await rate(a0.url, b0.url, 'W', 20, 2000);
    await rate(a1.url, b1.url, 'W', 20, 2000);
    const msgs = { off: [] as number[], on: [] as number[] };
    const streams = { off: [] as number[], on: [] as number[] };
    for (let round = 0; round < 3; round++) {
      msgs.off.push(await rate(a0.url, b0.url, `O${round}-`, 20, 5000));
      msgs.on.push(await rate(a1.url, b1.url, `N${round}-`, 20, 5000));
      streams.off.push(await streamRate(b0.url, `SO${round}-`));
      streams.on.push(await streamRate(b1.url, `SN${round}-`));
    }
    const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const [mOff, mOn, sOff, sOn] = [med(msgs.off), med(msgs.on), med(streams.off), med(streams.on)];
    console.log(
      `messenger/limits on Redis, POST(A)->SSE(B): shared rate limit ${Math.round(mOn)} msgs/s | no limit ${Math.round(mOff)} msgs/s (${(mOn / mOff).toFixed(2)}x) | ` +
        `stream open+close: shared cap ${Math.round(sOn)}/s | no cap ${Math.round(sOff)}/s (${(sOn / sOff).toFixed(2)}x) (medians of 3)`,
    );
  } finally {
    for (const s of servers) s.proc.kill('SIGTERM');
    for (const p of prefixes) await deletePrefix(p, redisUrl).catch(() => {});
  }
}
