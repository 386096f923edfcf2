// The session server on Redis (REDIS_URL): two instances in this process sharing one Redis
// under a test prefix, over real loopback HTTP. Every step of the seed flow on the other
// instance; wakes, event streams, pairing races, shared limits and idempotent sends across
// instances; budgets and expiry kept by the Redis scripts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nexusConfig } from '../src/nexus/server/config.ts';
import { startNexusServer, type RunningNexus } from '../src/nexus/server/server.ts';
import { CRON_REMINDER } from '../src/nexus/server/sessions.ts';
import { deletePrefix, haveRedis, REDIS_URL, testPrefix } from './helpers/redis.ts';
import { jsonRequest, waitFor, type JsonRequestOptions } from './helpers/http.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const ok = await haveRedis();
const prefixes: string[] = [];
const running: RunningNexus[] = [];

async function instances(n: number, env: Record<string, string> = {}, now?: () => number): Promise<RunningNexus[]> {
  const prefix = testPrefix('nexus');
  prefixes.push(prefix);
  const config = nexusConfig({ RATE_LIMIT_MAX: '100000', ...env, REDIS_URL, REDIS_PREFIX: prefix }, { dataDir: null, port: 0 });
  const out: RunningNexus[] = [];
  for (let i = 0; i < n; i++) out.push(await startNexusServer(config, { log: () => {}, ...(now ? { now } : {}) }));
  running.push(...out);
  return out;
}

const req = (base: RunningNexus, method: string, path: string, opts: JsonRequestOptions = {}) => jsonRequest(`${base.url}${path}`, method, opts);

/** A session with agents a and b, made across both instances. */
async function pairOf(one: RunningNexus, two: RunningNexus, body: Record<string, unknown> = {}) {
  const c = await req(one, 'PUT', '/v1/sessions', { body: { creatorAgentId: 'a', greeting: 'hi', ...body } });
  const sid = c.json.sessionId as string;
  const b = await req(two, 'POST', `/v1/sessions/${sid}/join`, { agent: 'b' });
  return { sid, ka: c.json.sessionKey as string, kb: b.json.sessionKey as string };
}

afterAll(async () => {
  await Promise.all(running.map((r) => r.close()));
  if (ok) await Promise.all(prefixes.map((p) => deletePrefix(p)));
});

describe.skipIf(!ok)('the session server on Redis, two instances', () => {
  let one: RunningNexus;
  let two: RunningNexus;
  beforeAll(async () => {
    [one, two] = (await instances(2)) as [RunningNexus, RunningNexus];
  });

  it('the seed flow with every step on the other instance', async () => {
    const c = await req(one, 'PUT', '/v1/sessions', { body: { greeting: 'Hi there', ttl: 3660 } });
    expect(c.status).toBe(201);
    const sid = c.json.sessionId;
    const j = await req(two, 'POST', `/v1/sessions/${sid}/join`, { agent: 'agent-a' });
    expect(j.json).toMatchObject({ status: 'joined', agentsOnline: 1 });
    const pair = await req(one, 'PUT', '/v1/pair', { body: { sessionId: sid } });
    expect(pair.status).toBe(201);
    const cl = await req(two, 'POST', `/v1/pair/${pair.json.code}/claim`, { agent: 'agent-b' });
    expect(cl.json).toMatchObject({ sessionId: sid, status: 'claimed', agentsOnline: 2 });
    const first = await req(one, 'GET', `/v1/sessions/${sid}/messages`, { agent: 'agent-b' });
    expect(first.json.messages.map((m: Any) => [m.cursor, m.type, m.text])).toEqual([['0', 'greeting', 'Hi there'], ['1', 'system', CRON_REMINDER]]);
    const s1 = await req(two, 'POST', `/v1/sessions/${sid}/messages`, { agent: 'agent-a', key: j.json.sessionKey, body: { text: 'hello B' } });
    expect(s1.json).toMatchObject({ ok: true, cursor: '2', verified: true });
    const s2 = await req(one, 'POST', `/v1/sessions/${sid}/messages`, { agent: 'agent-b', key: cl.json.sessionKey, body: { text: 'hello A' } });
    expect(s2.json).toMatchObject({ cursor: '3' });
    const pb = await req(two, 'GET', `/v1/sessions/${sid}/messages?after=1`, { agent: 'agent-b', key: cl.json.sessionKey });
    expect(pb.json.messages.map((m: Any) => [m.text, m.mine])).toEqual([['hello B', false], ['hello A', true]]);
    expect(pb.json.nextCursor).toBe('3');
    const third = await req(one, 'POST', `/v1/sessions/${sid}/join`, { agent: 'agent-c' });
    expect([third.status, third.json.error]).toEqual([409, 'session_full']);
    expect((await req(two, 'GET', `/v1/sessions/${sid}`)).json).toMatchObject({ agents: ['agent-a', 'agent-b'] });
    const st = (await req(one, 'GET', '/v1/stats')).json;
    expect(st.activeSessions).toBeGreaterThanOrEqual(1);
    expect((await req(two, 'GET', '/health')).json).toMatchObject({ status: 'ok', storage: 'ok' });
  });

  it('a long-poll parked on instance 2 answers as soon as instance 1 stores a send', async () => {
    const { sid, ka, kb } = await pairOf(one, two);
    const head = (await req(two, 'GET', `/v1/sessions/${sid}/messages`, { agent: 'b', key: kb })).json.nextCursor;
    const t0 = Date.now();
    const parked = req(two, 'GET', `/v1/sessions/${sid}/messages?after=${head}&wait=30`, { agent: 'b', key: kb });
    await waitFor(() => two.waiters.count(sid) === 1, 5000, 'the poll to park');
    await req(one, 'POST', `/v1/sessions/${sid}/messages`, { agent: 'a', key: ka, body: { text: 'wake up' } });
    const r = await parked;
    expect(r.json.messages.map((m: Any) => m.text)).toEqual(['wake up']);
    expect(Date.now() - t0).toBeLessThan(10_000); // far below wait=30: woken, not timed out
    expect(two.waiters.count(sid)).toBe(0);
  });

  it('an event stream on instance 2 gets messages sent on instance 1, in order', async () => {
    const { sid, ka, kb } = await pairOf(one, two);
    const ac = new AbortController();
    const res = await fetch(`${two.url}/v1/sessions/${sid}/messages/stream?after=1`, { headers: { 'x-agent-id': 'b', 'x-session-key': kb }, signal: ac.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    await waitFor(() => two.waiters.count(sid) === 1, 5000, 'the stream to register');
    for (const t of ['one', 'two', 'three']) await req(one, 'POST', `/v1/sessions/${sid}/messages`, { agent: 'a', key: ka, body: { text: t } });
    const deadline = Date.now() + 10_000;
    while ((text.match(/^data: /gm) ?? []).length < 3 && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    ac.abort();
    const events = [...text.matchAll(/^id: (\d+)\ndata: (.*)$/gm)].map((m) => [m[1], JSON.parse(m[2]!).text]);
    expect(events).toEqual([['2', 'one'], ['3', 'two'], ['4', 'three']]);
  });

  it('a pairing code claimed on both instances at once has exactly one winner', async () => {
    for (let round = 0; round < 8; round++) {
      const c = await req(one, 'PUT', '/v1/sessions', { body: { creatorAgentId: 'host' } });
      const code = (await req(two, 'PUT', '/v1/pair', { body: { sessionId: c.json.sessionId } })).json.code;
      const [x, y] = await Promise.all([req(one, 'POST', `/v1/pair/${code}/claim`, { agent: 'x' }), req(two, 'POST', `/v1/pair/${code}/claim`, { agent: 'y' })]);
      expect([x.status, y.status].sort()).toEqual([200, 409].sort());
      const members = (await req(one, 'GET', `/v1/sessions/${c.json.sessionId}`)).json.agents;
      expect(members.length).toBe(2);
    }
  });

  it('an Idempotency-Key repeated on the other instance gets the first answer, and one message', async () => {
    const { sid, ka } = await pairOf(one, two);
    const send = (s: RunningNexus) => req(s, 'POST', `/v1/sessions/${sid}/messages`, { agent: 'a', key: ka, body: { text: 'once' }, headers: { 'idempotency-key': 'k-1' } });
    const [x, y] = await Promise.all([send(one), send(two)]);
    expect(x.json.cursor).toBe(y.json.cursor);
    const again = await send(two);
    expect([again.json.cursor, again.headers.get('idempotent-replayed')]).toEqual([x.json.cursor, 'true']);
    const reused = await req(one, 'POST', `/v1/sessions/${sid}/messages`, { agent: 'a', key: ka, body: { text: 'another' }, headers: { 'idempotency-key': 'k-1' } });
    expect([reused.status, reused.json.error]).toEqual([422, 'idempotency_key_reused']);
    const texts = (await req(one, 'GET', `/v1/sessions/${sid}/messages?after=1`, { agent: 'a', key: ka })).json.messages.map((m: Any) => m.text);
    expect(texts).toEqual(['once']);
  });
});

describe.skipIf(!ok)('limits and budgets shared through Redis', () => {
  it('the per-address request limit counts requests on both instances together', async () => {
    const [one, two] = (await instances(2, { RATE_LIMIT_MAX: '6' })) as [RunningNexus, RunningNexus];
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await req(one, 'GET', '/v1/stats')).status, (await req(two, 'GET', '/v1/stats')).status);
    expect(codes.filter((c) => c === 200).length).toBe(6);
    expect(codes.slice(6)).toEqual([429, 429]);
  });

  it('unknown pairing codes count against one limit on both instances', async () => {
    const [one, two] = (await instances(2, { PAIR_FAIL_LIMIT: '3' })) as [RunningNexus, RunningNexus];
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await req(i % 2 ? two : one, 'POST', `/v1/pair/NO-SUCH-ZZZZ${i}/claim`, { agent: 'x' })).status);
    expect(statuses.every((s) => s === 404)).toBe(true);
    expect((await req(two, 'POST', '/v1/pair/NO-SUCH-ZZZZ9/claim', { agent: 'x' })).status).toBe(429);
  });

  it('per-session budgets drop the oldest; the greeting stays; cursors keep rising', async () => {
    const [one, two] = (await instances(2, { MAX_MESSAGES_PER_SESSION: '10' })) as [RunningNexus, RunningNexus];
    const { sid, ka } = await pairOf(one, two);
    for (let i = 0; i < 15; i++) await req(i % 2 ? two : one, 'POST', `/v1/sessions/${sid}/messages`, { agent: 'a', key: ka, body: { text: `m${i}` } });
    const all = (await req(two, 'GET', `/v1/sessions/${sid}/messages?limit=100`, { agent: 'a', key: ka })).json;
    const texts = all.messages.map((m: Any) => m.text);
    expect(texts[0]).toBe('hi');
    expect(texts.slice(1)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i + 5}`));
    const cursors = all.messages.map((m: Any) => Number(m.cursor));
    expect(cursors).toEqual([...cursors].sort((a, b) => a - b));
  });

  it('an expired session is swept on any instance: 404 on both, its keys gone, parked polls answered', async () => {
    const clock = { t: Date.now() };
    const [one, two] = (await instances(2, {}, () => clock.t)) as [RunningNexus, RunningNexus];
    const { sid, kb } = await pairOf(one, two, { ttl: 60 });
    const parked = req(two, 'GET', `/v1/sessions/${sid}/messages?after=1&wait=30`, { agent: 'b', key: kb });
    await waitFor(() => two.waiters.count(sid) === 1, 5000, 'the poll to park');
    clock.t += 61_000;
    await one.sweep();
    expect((await parked).status).toBe(404);
    expect((await req(two, 'GET', `/v1/sessions/${sid}`)).status).toBe(404);
    expect((await req(one, 'GET', '/v1/stats')).json.activeSessions).toBe(0);
  });
});

describe.skipIf(!ok)('Redis bookkeeping that must not drift', () => {
  it('a session whose keys Redis expired on its own costs the others nothing: bytes, agents and quota come back', async () => {
    const clock = { t: Date.now() };
    const [one, two] = (await instances(2, { MAX_MESSAGE_BYTES_TOTAL: '6000', SESSION_STORAGE_PER_IP: '4096' }, () => clock.t)) as [RunningNexus, RunningNexus];
    const prefix = prefixes.at(-1)!;
    const text = 'x'.repeat(600);
    const gone = await pairOf(one, two, { ttl: 60 });
    for (let i = 0; i < 3; i++) await req(one, 'POST', `/v1/sessions/${gone.sid}/messages`, { agent: 'a', key: gone.ka, body: { text } });
    // Redis expires the session's keys before any sweep (as after an hour with no instance up).
    const { createClient } = await import('@redis/client');
    const c = createClient({ url: REDIS_URL });
    await c.connect();
    await c.unlink([`${prefix}nx:s:${gone.sid}`, `${prefix}nx:m:${gone.sid}`]);
    const live = await pairOf(two, one, { ttl: 3600 });
    for (let i = 0; i < 4; i++) await req(two, 'POST', `/v1/sessions/${live.sid}/messages`, { agent: 'a', key: live.ka, body: { text: `${i}${text}` } });
    const kept = (await req(one, 'GET', `/v1/sessions/${live.sid}/messages?after=1`, { agent: 'a', key: live.ka })).json.messages;
    expect(kept.length).toBe(4); // the dead session's bytes were given back, not taken from this one
    clock.t += 61_000;
    await two.sweep();
    expect((await req(one, 'GET', '/v1/stats')).json).toMatchObject({ activeSessions: 1, totalAgents: 2 });
    // its quota came back too: this address can create again up to the limit
    expect(Number(await c.hGet(`${prefix}nx:quota`, '127.0.0.1'))).toBeLessThan(4096);
    expect(await c.hGet(`${prefix}nx:qs`, gone.sid)).toBeNull();
    await c.close();
  });

  it('Idempotency-Keys beyond 100 in a session evict the oldest: a retry of a recent one still gets the first answer', async () => {
    const [one, two] = (await instances(2)) as [RunningNexus, RunningNexus];
    const { sid, ka } = await pairOf(one, two);
    const send = (s: RunningNexus, k: string) => req(s, 'POST', `/v1/sessions/${sid}/messages`, { agent: 'a', key: ka, body: { text: k }, headers: { 'idempotency-key': k } });
    for (let i = 0; i < 105; i++) await send(i % 2 ? one : two, `k${i}`);
    const retry = await send(one, 'k104');
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const texts = (await req(two, 'GET', `/v1/sessions/${sid}/messages?after=1&limit=1000`, { agent: 'a', key: ka })).json.messages.map((m: Any) => m.text);
    expect(texts.filter((t: string) => t === 'k104')).toHaveLength(1);
  });

  it('the storage quota is one count for all instances: a session swept on one frees room on the other', async () => {
    const clock = { t: Date.now() };
    const [one, two] = (await instances(2, { SESSION_STORAGE_PER_IP: '4096' }, () => clock.t)) as [RunningNexus, RunningNexus];
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await req(i % 2 ? one : two, 'PUT', '/v1/sessions', { body: { ttl: 60, maxAgents: 2 } })).status);
    expect(statuses.filter((s) => s === 201).length).toBe(4); // 4 x 1024 bytes, across both instances
    expect(statuses.at(-1)).toBe(429);
    clock.t += 61_000;
    await two.sweep();
    expect((await req(one, 'PUT', '/v1/sessions', { body: { ttl: 60 } })).status).toBe(201);
  });
});
