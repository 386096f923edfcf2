// The session server on Redis as real processes: `kill -9` of one instance mid-traffic loses
// no answered send (the other instance serves them all, in order, once), and a Redis that is
// killed and restarted under load is reported (503 JSON, /health 503) and recovered from
// without restarting the servers.
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, spawnScript } from './helpers/cli.ts';
import { tempDir } from './helpers/agents.ts';
import { jsonRequest, waitFor } from './helpers/http.ts';
import { deletePrefix, freePort, haveRedis, privateRedis, REDIS_URL, testPrefix } from './helpers/redis.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const ok = await haveRedis();
const procs: Array<Pick<ChildProcess, 'exitCode' | 'signalCode' | 'kill'>> = [];
const prefixes: string[] = [];

afterAll(async () => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  if (ok) await Promise.all(prefixes.map((p) => deletePrefix(p)));
});

/** A private redis-server that fsyncs every write to `dir` (so a restart keeps the data). */
async function startRedis(port: number, dir: string) {
  const p = await privateRedis(port, dir);
  procs.push(p);
  return p;
}

/** `nexus.mjs serve` on port 0; resolves with its URL once it listens. */
async function serve(env: Record<string, string>) {
  const s = spawnScript(`${ROOT}scripts/nexus.mjs`, ['serve', '--port', '0'], { RATE_LIMIT_MAX: '1000000', ...env });
  procs.push(s.proc);
  const { url } = JSON.parse(await s.waitLine((l) => l.includes('"listening"'))) as { url: string };
  return { url, proc: s.proc };
}

const req = (url: string, method: string, path: string, opts: { agent?: string; key?: string; body?: unknown } = {}) => jsonRequest(`${url}${path}`, method, { ...opts, signal: AbortSignal.timeout(10_000) });

async function session(one: string, two: string) {
  const c = await req(one, 'PUT', '/v1/sessions', { body: { creatorAgentId: 'a' } });
  const sid = c.json.sessionId as string;
  const b = await req(two, 'POST', `/v1/sessions/${sid}/join`, { agent: 'b' });
  return { sid, ka: c.json.sessionKey as string, kb: b.json.sessionKey as string };
}

/** Every message of the session after the greeting, by paging the poll. */
async function allTexts(url: string, sid: string, agent: string, key: string): Promise<{ texts: string[]; cursors: number[] }> {
  const texts: string[] = [];
  const cursors: number[] = [];
  let after = 0;
  for (;;) {
    const r = await req(url, 'GET', `/v1/sessions/${sid}/messages?after=${after}&limit=100`, { agent, key });
    for (const m of r.json.messages) {
      texts.push(m.text);
      cursors.push(Number(m.cursor));
    }
    if (!r.json.messages.length) return { texts, cursors };
    after = Number(r.json.nextCursor);
  }
}

describe.skipIf(!ok)('session server instances on Redis, as processes', () => {
  it('kill -9 of one instance mid-traffic: every send it answered 201 is on the other, in order, once', async () => {
    const prefix = testPrefix('kill');
    prefixes.push(prefix);
    const env = { REDIS_URL, REDIS_PREFIX: prefix };
    const [one, two] = await Promise.all([serve(env), serve(env)]);
    const { sid, ka, kb } = await session(one.url, two.url);
    const answered: string[] = [];
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (next < 400) {
        const text = `m${next++}`;
        try {
          const r = await req(one.url, 'POST', `/v1/sessions/${sid}/messages`, { agent: 'a', key: ka, body: { text } });
          if (r.status === 201) answered.push(text);
        } catch {
          // the connection died with the instance: not answered, so not promised
        }
        if (!killed && answered.length >= 60) {
          killed = true;
          one.proc.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    expect(killed).toBe(true);
    expect(answered.length).toBeGreaterThanOrEqual(60);
    const { texts, cursors } = await allTexts(two.url, sid, 'b', kb);
    for (const t of answered) expect(texts).toContain(t);
    expect(new Set(texts).size).toBe(texts.length);
    expect(cursors).toEqual([...cursors].sort((x, y) => x - y));
    two.proc.kill('SIGTERM');
  });

  it('Redis killed and restarted under load: 503 JSON meanwhile, then both instances recover by themselves', async () => {
    const port = await freePort();
    const dir = tempDir('redis-restart-');
    let redis = await startRedis(port, dir);
    const url = `redis://127.0.0.1:${port}/0`;
    const env = { REDIS_URL: url, REDIS_PREFIX: 'restart:' };
    const [one, two] = await Promise.all([serve(env), serve(env)]);
    const { sid, ka, kb } = await session(one.url, two.url);
    const answered: string[] = [];
    const refused: Any[] = [];
    let stop = false;
    let i = 0;
    const load = (async () => {
      while (!stop) {
        const text = `r${i++}`;
        const r = await req(i % 2 ? one.url : two.url, 'POST', `/v1/sessions/${sid}/messages`, { agent: 'a', key: ka, body: { text } }).catch(() => null);
        if (r?.status === 201) answered.push(text);
        else if (r) refused.push(r);
        await new Promise((res) => setImmediate(res));
      }
    })();
    await waitFor(() => answered.length >= 20, 10_000, 'traffic before the outage');
    redis.kill('SIGKILL');
    await new Promise((r) => redis.once('exit', r));
    await waitFor(() => refused.length >= 5, 10_000, 'sends refused during the outage');
    expect(refused.every((r) => r.status === 503 && r.json?.error === 'storage_unavailable')).toBe(true);
    expect((await req(one.url, 'GET', '/health')).status).toBe(503);
    const before = answered.length;
    redis = await startRedis(port, dir);
    await waitFor(() => answered.length >= before + 20, 15_000, 'sends answered again after Redis returned');
    // and wakes flow again: a poll parked on instance 2 is woken by a send on instance 1
    const head = (await req(two.url, 'GET', `/v1/sessions/${sid}/messages?after=0&limit=1000`, { agent: 'b', key: kb })).json;
    stop = true;
    await load;
    let cursor = head.nextCursor;
    for (;;) {
      const r = (await req(two.url, 'GET', `/v1/sessions/${sid}/messages?after=${cursor}&limit=1000`, { agent: 'b', key: kb })).json;
      if (!r.messages.length) break;
      cursor = r.nextCursor;
    }
    // Parked on the other process, or not yet: either way the message must come back at once.
    const parked = req(two.url, 'GET', `/v1/sessions/${sid}/messages?after=${cursor}&wait=20`, { agent: 'b', key: kb });
    const t0 = Date.now();
    await req(one.url, 'POST', `/v1/sessions/${sid}/messages`, { agent: 'a', key: ka, body: { text: 'after the outage' } });
    expect((await parked).json.messages.map((m: Any) => m.text)).toEqual(['after the outage']);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect((await req(one.url, 'GET', '/health')).json).toMatchObject({ status: 'ok', storage: 'ok' });
    const { texts } = await allTexts(one.url, sid, 'a', ka);
    for (const t of answered) expect(texts).toContain(t);
    for (const p of [one, two]) expect(p.proc.exitCode).toBe(null);
    redis.kill('SIGKILL');
    for (const p of [one, two]) p.proc.kill('SIGTERM');
  }, 60_000);
});

describe.skipIf(!ok)('wakes across instances after Redis restarts', () => {
  it('the subscription comes back by itself: a poll parked on instance 2 is woken by a send on instance 1', async () => {
    const { nexusConfig } = await import('../src/nexus/server/config.ts');
    const { startNexusServer } = await import('../src/nexus/server/server.ts');
    const port = await freePort();
    const dir = tempDir('redis-wake-');
    let redis = await startRedis(port, dir);
    const config = nexusConfig({ RATE_LIMIT_MAX: '100000', REDIS_URL: `redis://127.0.0.1:${port}/0` }, { dataDir: null, port: 0 });
    const [one, two] = [await startNexusServer(config, { log: () => {} }), await startNexusServer(config, { log: () => {} })];
    try {
      const { sid, ka, kb } = await session(one.url, two.url);
      redis.kill('SIGKILL');
      await new Promise((r) => redis.once('exit', r));
      redis = await startRedis(port, dir);
      // Until both connections are back, a send is refused (503) and retried here.
      await waitFor(async () => (await req(one.url, 'GET', '/health')).status === 200 && (await req(two.url, 'GET', '/health')).status === 200, 15_000, 'both instances healthy again');
      const head = (await req(two.url, 'GET', `/v1/sessions/${sid}/messages?after=0`, { agent: 'b', key: kb })).json.nextCursor;
      // Parked before the send; a wake lost while the subscription reconnects is made up by
      // waking every local waiter when it is back (redis/wake-bus.ts), so either way it answers
      // long before its wait ends.
      const parked = req(two.url, 'GET', `/v1/sessions/${sid}/messages?after=${head}&wait=20`, { agent: 'b', key: kb });
      await waitFor(() => two.waiters.count(sid) === 1, 5000, 'the poll to park');
      const t0 = Date.now();
      await req(one.url, 'POST', `/v1/sessions/${sid}/messages`, { agent: 'a', key: ka, body: { text: 'after restart' } });
      const r = await parked;
      expect(r.json.messages.map((m: Any) => m.text)).toEqual(['after restart']);
      const woken = Date.now() - t0 < 5_000;
      expect(woken).toBe(true);
    } finally {
      await one.close();
      await two.close();
      redis.kill('SIGKILL');
    }
  }, 60_000);
});
