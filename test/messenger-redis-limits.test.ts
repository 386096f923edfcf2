// Limits shared by every instance on one Redis (issue 19, item 6), attack first: one client
// address spreads its requests and streams over two instances. Before, each instance counted
// its own, so two instances allowed twice RATE_BURST and twice MAX_STREAMS_PER_IP; now the
// address is limited once. Two messengers in this process, over real loopback HTTP, on the
// shared test Redis under their own prefix (deleted afterwards).
import { afterAll, describe, expect, it } from 'vitest';
import { messengerConfig } from '../src/opennexus/messenger/config.ts';
import { startMessenger, type RunningMessenger } from '../src/opennexus/messenger/server.ts';
import { waitFor } from './helpers/http.ts';
import { deletePrefix, haveRedis, REDIS_URL, testPrefix } from './helpers/redis.ts';

const ok = await haveRedis();
const running: RunningMessenger[] = [];
const prefixes: string[] = [];
const aborts: AbortController[] = [];

afterAll(async () => {
  for (const a of aborts) a.abort();
  await Promise.all(running.map((m) => m.close()));
  if (ok) await Promise.all(prefixes.map((p) => deletePrefix(p)));
});

async function pair(env: Record<string, string>): Promise<[RunningMessenger, RunningMessenger]> {
  const prefix = testPrefix('limits');
  prefixes.push(prefix);
  const config = messengerConfig({ ...env, REDIS_URL, REDIS_PREFIX: prefix }, { port: 0 });
  const one = await startMessenger(config, { log: () => {} });
  const two = await startMessenger(config, { log: () => {} });
  running.push(one, two);
  return [one, two];
}

const health = async (url: string) => (await fetch(`${url}/health`)).status;

/** Opens a stream and returns its status (200 streams stay open until `close` or the end). */
async function openStream(url: string, agent: string): Promise<{ status: number; close: () => void }> {
  const ctl = new AbortController();
  aborts.push(ctl);
  const r = await fetch(`${url}/v1/messages/stream`, { headers: { 'X-Agent-ID': agent }, signal: ctl.signal });
  if (r.status !== 200) await r.text();
  return { status: r.status, close: () => ctl.abort() };
}

describe.skipIf(!ok)('limits counted across instances (Redis)', () => {
  it("one address's requests share one token bucket on every instance", async () => {
    // a bucket of 6 that refills one token in 1,000 s: nothing refills during the test
    const [one, two] = await pair({ RATE_LIMIT: '0.001', RATE_BURST: '6' });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push(await health(i % 2 ? two.url : one.url));
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    expect(await health(one.url)).toBe(429);
    expect(await health(two.url)).toBe(429);
    const r = await fetch(`${two.url}/health`);
    expect(await r.json()).toEqual({ error: 'rate limit exceeded' });
  });

  it("one address's open streams are capped once across instances, and a closed one frees its place", async () => {
    const [one, two] = await pair({ RATE_LIMIT: '0', MAX_STREAMS_PER_IP: '2' });
    const a = await openStream(one.url, 'A');
    const b = await openStream(two.url, 'B');
    expect([a.status, b.status]).toEqual([200, 200]);
    expect((await openStream(one.url, 'C')).status).toBe(429);
    expect((await openStream(two.url, 'C')).status).toBe(429);
    a.close();
    await waitFor(async () => {
      const s = await openStream(two.url, 'D');
      return s.status === 200;
    }, 15_000, 'a place freed by the closed stream');
  });
});
