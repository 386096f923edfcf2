// The messenger when Redis goes away: a private, throwaway redis-server (no persistence) is
// killed by PID and started again on the same port, so the shared test Redis is never
// disturbed. During the outage requests get 503 with a JSON error and /health says degraded;
// the process never crashes; afterwards delivery works again without a restart. Also the built
// `opennexus.mjs serve` on Redis, and its clear refusal to start when Redis cannot be reached.
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { messengerConfig } from '../src/opennexus/messenger/config.ts';
import { startMessenger, type RunningMessenger } from '../src/opennexus/messenger/server.ts';
import { postJson } from '../src/opennexus/transport.ts';
import { OPENNEXUS, runScript, spawnScript } from './helpers/cli.ts';
import { waitFor } from './helpers/http.ts';
import { counters, rawStream } from './helpers/raw-sse.ts';
import { deletePrefix, freePort, haveRedis, privateRedis, REDIS_URL, testPrefix } from './helpers/redis.ts';

const ok = await haveRedis();
const procs: ChildProcess[] = [];
const prefixes: string[] = [];
afterAll(async () => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  if (ok) await Promise.all(prefixes.map((p) => deletePrefix(p)));
});

async function startRedis(port: number): Promise<ChildProcess> {
  const p = await privateRedis(port);
  procs.push(p);
  return p;
}

const data = (to: string, n: number) => JSON.stringify({ protocol_version: '0.1.0', sender_id: 'S', receiver_id: to, type: 'data', session_id: 'x', ciphertext: `c${n}`, counter: n });
const post = (url: string, body: string) => postJson(`${url}/v1/messages`, body, { 'X-Agent-ID': 'S' }, 10_000);
const get = async (url: string, path: string, headers: Record<string, string> = {}) => {
  const r = await fetch(`${url}${path}`, { headers, signal: AbortSignal.timeout(10_000) });
  return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
};

describe.skipIf(!ok)('a Redis outage', () => {
  it('is reported (503 JSON, /health degraded, streams refused) and recovered from without a restart', async () => {
    const port = await freePort();
    let redis = await startRedis(port);
    const logs: string[] = [];
    const config = messengerConfig({ RATE_LIMIT: '0', REDIS_URL: `redis://127.0.0.1:${port}/0` }, { port: 0 });
    const one: RunningMessenger = await startMessenger(config, { log: (l) => logs.push(l) });
    const two: RunningMessenger = await startMessenger(config, { log: (l) => logs.push(l) });
    try {
      const before = await rawStream(two.url, 'X');
      expect((await post(one.url, data('X', 1))).status).toBe(200);
      await waitFor(() => counters(before.frames).includes(1), 5000, 'delivery before the outage');

      redis.kill('SIGKILL');
      await new Promise((r) => redis.once('exit', r));
      const refused = await waitFor(async () => {
        const r = await post(one.url, data('X', 2));
        return r.status === 503 ? r : null;
      }, 5000, 'a send refused');
      expect(JSON.parse(refused!.body)).toEqual({ error: 'redis unavailable' });
      for (const m of [one, two]) {
        await waitFor(async () => (await get(m.url, '/health')).status === 503, 5000, 'health degraded');
        expect((await get(m.url, '/health')).text).toBe('{"status":"degraded"}');
      }
      const stream = await get(one.url, '/v1/messages/stream', { 'X-Agent-ID': 'Y' });
      expect([stream.status, stream.type, stream.text]).toEqual([503, 'application/json; charset=utf-8', '{"error":"redis unavailable"}']);
      const beat = await postJson(`${two.url}/v1/presence/heartbeat`, '', { 'X-Agent-ID': 'Y' }, 5000);
      expect([beat.status, beat.body]).toEqual([503, '{"error":"redis unavailable"}']);
      expect((await get(two.url, '/v1/stats/public')).status).toBe(503);
      expect(JSON.parse((await get(two.url, '/info')).text)).toEqual({ local_agent_count: 1, server_id: expect.any(String) }); // not counted

      redis = await startRedis(port); // empty: no persistence, the scripts are loaded again
      for (const m of [one, two]) await waitFor(async () => (await get(m.url, '/health')).status === 200, 10_000, 'healthy again');
      // the subscription came back: streams that may have missed frames were closed to reconnect
      await waitFor(() => two.messenger.hub.streamCount('X') === 0, 10_000, 'the old stream closed');
      await before.ended;
      const after = await rawStream(two.url, 'X');
      await waitFor(async () => (await post(one.url, data('X', 3))).status === 200, 10_000, 'a send accepted');
      await waitFor(() => counters(after.frames).includes(3), 5000, 'delivery after the outage');
      after.close();
      expect(logs.some((l) => /redis \(commands\)/.test(l))).toBe(true); // reported, once per change
    } finally {
      await one.close();
      await two.close();
      redis.kill('SIGKILL');
    }
  }, 60_000);
});

describe.skipIf(!ok)('opennexus.mjs serve on Redis', () => {
  it('two processes share one Redis: a stream on one gets a message posted to the other', async () => {
    const prefix = testPrefix('msgr-cli');
    prefixes.push(prefix);
    const env = { REDIS_URL, REDIS_PREFIX: prefix, RATE_LIMIT: '0' };
    const procs2 = [spawnScript(OPENNEXUS, ['serve', '--port', '0'], env), spawnScript(OPENNEXUS, ['serve', '--port', '0'], env)];
    try {
      const [u1, u2] = await Promise.all(procs2.map(async (s) => JSON.parse(await s.waitLine((l) => l.includes('"listening"'))).url as string));
      const s = await rawStream(u2!, 'X');
      expect((await post(u1!, data('X', 1))).status).toBe(200);
      await waitFor(() => counters(s.frames).includes(1), 5000, 'cross-process delivery');
      s.close();
      expect(JSON.parse((await get(u1!, '/health')).text)).toEqual({ status: 'ok' });
    } finally {
      for (const s of procs2) s.proc.kill('SIGTERM');
      for (const s of procs2) expect((await s.proc).exitCode).toBe(0);
    }
  });

  it('kill -9 of an instance mid-traffic: every POST it answered 200 reaches the agent through the other', async () => {
    const prefix = testPrefix('msgr-kill');
    prefixes.push(prefix);
    const env = { REDIS_URL, REDIS_PREFIX: prefix, RATE_LIMIT: '0' };
    const procs2 = [spawnScript(OPENNEXUS, ['serve', '--port', '0'], env), spawnScript(OPENNEXUS, ['serve', '--port', '0'], env)];
    try {
      const [u1, u2] = await Promise.all(procs2.map(async (s) => JSON.parse(await s.waitLine((l) => l.includes('"listening"'))).url as string));
      // The agent is offline: what instance 1 answers 200 for waits in Redis.
      const answered: number[] = [];
      let n = 0;
      let killed = false;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (n < 300) {
            const i = ++n;
            const r = await post(u1!, data('OFF', i)).catch(() => null);
            if (r?.status === 200) answered.push(i);
            if (!killed && answered.length >= 60) {
              killed = true;
              procs2[0]!.proc.kill('SIGKILL');
            }
          }
        }),
      );
      expect(killed).toBe(true);
      const s = await rawStream(u2!, 'OFF');
      await waitFor(() => answered.every((i) => counters(s.frames).includes(i)), 10_000, 'every answered message on the other instance');
      expect(new Set(counters(s.frames)).size).toBe(counters(s.frames).length); // each once
      s.close();
    } finally {
      for (const s of procs2) if (s.proc.exitCode === null) s.proc.kill('SIGTERM');
    }
  });

  it('refuses to start when REDIS_URL cannot be reached, with a clear error', async () => {
    const port = await freePort();
    const r = await runScript(OPENNEXUS, ['serve', '--port', '0'], { REDIS_URL: `redis://:pw@127.0.0.1:${port}/0` });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/cannot connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0/);
  });
});
