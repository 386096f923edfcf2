// The creator closes a session (DELETE /v1/sessions/:id, src/nexus/server/close.ts) over real
// loopback HTTP: who may, parked polls and event streams woken with reason "closed", and the
// close kept by the file store (a restart) and by Redis (another instance's readers).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { nexusConfig } from '../src/nexus/server/config.ts';
import { startNexusServer, type RunningNexus } from '../src/nexus/server/server.ts';
import { jsonRequest, waitFor, type JsonRequestOptions } from './helpers/http.ts';
import { deletePrefix, haveRedis, REDIS_URL, testPrefix } from './helpers/redis.ts';

let running: RunningNexus[] = [];
afterEach(async () => {
  await Promise.all(running.map((s) => s.close()));
  running = [];
});

async function start(env: Record<string, string> = {}, dataDir: string | null = null, port = 0) {
  const s = await startNexusServer(nexusConfig(env, { dataDir, port }), { log: () => {} });
  running.push(s);
  return s;
}

const req = (s: RunningNexus, method: string, path: string, opts: JsonRequestOptions = {}) => jsonRequest(`${s.url}${path}`, method, opts);

async function pairOf(one: RunningNexus, two = one) {
  const c = await req(one, 'PUT', '/v1/sessions', { body: { creatorAgentId: 'a', greeting: 'hi' } });
  const sid = c.json.sessionId as string;
  const b = await req(two, 'POST', `/v1/sessions/${sid}/join`, { agent: 'b' });
  return { sid, ka: c.json.sessionKey as string, kb: b.json.sessionKey as string };
}

/** Reads an event stream until `done(text)` or the deadline. */
async function readStream(res: Response, done: (t: string) => boolean, ms = 10_000): Promise<string> {
  const reader = res.body!.getReader();
  let text = '';
  const deadline = Date.now() + ms;
  while (!done(text) && Date.now() < deadline) {
    const { value, done: end } = await reader.read();
    if (end) break;
    text += new TextDecoder().decode(value);
  }
  return text;
}

/** Closes on `closer` while a long-poll and a stream of b wait on `reader`; returns what they got. */
async function closeWhileWaiting(closer: RunningNexus, reader: RunningNexus) {
  const { sid, ka, kb } = await pairOf(closer, reader);
  const poll = req(reader, 'GET', `/v1/sessions/${sid}/messages?after=1&wait=30`, { agent: 'b', key: kb });
  const ac = new AbortController();
  const res = await fetch(`${reader.url}/v1/sessions/${sid}/messages/stream?after=1`, { headers: { 'x-agent-id': 'b', 'x-session-key': kb }, signal: ac.signal });
  expect(res.status).toBe(200);
  await waitFor(() => reader.waiters.count(sid) === 2, 5000, 'the poll and the stream to park');
  const t0 = Date.now();
  const closed = await req(closer, 'DELETE', `/v1/sessions/${sid}`, { agent: 'a', key: ka });
  expect([closed.status, closed.json]).toEqual([200, { ok: true, status: 'closed', sessionId: sid, closedBy: 'a' }]);
  const parked = await poll;
  const events = await readStream(res, (t) => t.includes('event: expired'));
  ac.abort();
  return { sid, ka, parked, events, wokeMs: Date.now() - t0 };
}

describe('close: the creator ends a session', () => {
  it('only the creator with its key; others get 403, a wrong key 401', async () => {
    const s = await start();
    const { sid, ka, kb } = await pairOf(s);
    expect((await req(s, 'DELETE', `/v1/sessions/${sid}`, { agent: 'b', key: kb })).json).toMatchObject({ error: 'forbidden' });
    expect((await req(s, 'DELETE', `/v1/sessions/${sid}`, { agent: 'b', key: kb })).status).toBe(403);
    expect((await req(s, 'DELETE', `/v1/sessions/${sid}`, { agent: 'z', key: kb })).status).toBe(403);
    expect((await req(s, 'DELETE', `/v1/sessions/${sid}`, { agent: 'a', key: kb })).status).toBe(401);
    expect((await req(s, 'DELETE', `/v1/sessions/${sid}`, { agent: 'a' })).status).toBe(401);
    expect((await req(s, 'GET', `/v1/sessions/${sid}`)).status).toBe(200); // still open
    expect((await req(s, 'DELETE', `/v1/session/${sid}`, { agent: 'a', key: ka })).status).toBe(200); // singular path too
    for (const [m, p] of [['GET', ''], ['GET', '/messages'], ['POST', '/join'], ['DELETE', '']] as const) {
      const r = await req(s, m, `/v1/sessions/${sid}${p}`, { agent: m === 'POST' ? 'c' : 'a', key: ka, ...(m === 'POST' ? { body: {} } : {}) });
      expect([p, r.status]).toEqual([p, 404]);
    }
    expect(await s.store.getSession(sid)).toBeNull(); // the first access after the close deleted it
  });

  it('wakes a parked long-poll (404, reason closed) and ends an event stream (reason closed) at once', async () => {
    const s = await start();
    const { parked, events, wokeMs } = await closeWhileWaiting(s, s);
    expect(parked.status).toBe(404);
    expect(parked.json).toMatchObject({ error: 'session_not_found', reason: 'closed' });
    expect(events).toMatch(/event: expired\ndata: \{[^\n]*"reason":"closed"/);
    expect(wokeMs).toBeLessThan(5000); // not the 30 s wait
  });

  it('is durable in the file store: after a restart the session is gone', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nexus-close-'));
    let s = await start({}, dataDir);
    const port = s.port;
    const { sid, ka } = await pairOf(s);
    expect((await req(s, 'DELETE', `/v1/sessions/${sid}`, { agent: 'a', key: ka })).status).toBe(200);
    await s.close();
    running = [];
    s = await start({}, dataDir, port);
    expect((await req(s, 'GET', `/v1/sessions/${sid}`)).status).toBe(404);
    expect((await req(s, 'GET', `/v1/sessions/${sid}/messages?after=0`, { agent: 'a', key: ka })).status).toBe(404);
  });
});

const redisOk = await haveRedis();
const prefixes: string[] = [];
afterAll(async () => {
  if (redisOk) await Promise.all(prefixes.map((p) => deletePrefix(p)));
});

describe.skipIf(!redisOk)('close on Redis, two instances', () => {
  it("closed on one instance: the other's parked poll and stream end with reason closed; the session is gone for both", async () => {
    const prefix = testPrefix('nexus-close');
    prefixes.push(prefix);
    const env = { REDIS_URL, REDIS_PREFIX: prefix, RATE_LIMIT_MAX: '100000' };
    const one = await start(env);
    const two = await start(env);
    const { sid, parked, events } = await closeWhileWaiting(one, two);
    expect(parked.json).toMatchObject({ error: 'session_not_found', reason: 'closed' });
    expect(events).toMatch(/"reason":"closed"/);
    expect((await req(two, 'GET', `/v1/sessions/${sid}`)).status).toBe(404);
    expect((await req(one, 'GET', `/v1/sessions/${sid}`)).status).toBe(404);
  });
});
