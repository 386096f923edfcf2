// The messenger on Redis (REDIS_URL): two instances in this process sharing one Redis under a
// test prefix, over real loopback HTTP. Delivery across instances, the offline queue drained
// exactly once when streams connect at once on both, the connect/relay race, presence and
// stats of both, HELLOs never replayed, and the stream byte budget losing nothing.
import type { ServerResponse } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { messengerConfig } from '../src/opennexus/messenger/config.ts';
import { startMessenger, type RunningMessenger } from '../src/opennexus/messenger/server.ts';
import { postJson } from '../src/opennexus/transport.ts';
import { waitFor } from './helpers/http.ts';
import { counters, rawStream, type RawStream } from './helpers/raw-sse.ts';
import { deletePrefix, haveRedis, REDIS_URL, testPrefix } from './helpers/redis.ts';

const ok = await haveRedis();
const running: RunningMessenger[] = [];
const prefixes: string[] = [];

afterAll(async () => {
  await Promise.all(running.map((m) => m.close()));
  if (ok) await Promise.all(prefixes.map((p) => deletePrefix(p)));
});

/** Two instances on one Redis prefix. */
async function pair(env: Record<string, string> = {}): Promise<[RunningMessenger, RunningMessenger]> {
  const prefix = testPrefix('msgr');
  prefixes.push(prefix);
  const config = messengerConfig({ RATE_LIMIT: '0', ...env, REDIS_URL, REDIS_PREFIX: prefix }, { port: 0 });
  const one = await startMessenger(config, { log: () => {} });
  const two = await startMessenger(config, { log: () => {} });
  running.push(one, two);
  return [one, two];
}

const base = { protocol_version: '0.1.0', sender_id: 'S' };
const data = (to: string, n: number) => ({ ...base, receiver_id: to, type: 'data', session_id: 'x', ciphertext: `c${n}`, counter: n });
const hello = (to: string) => ({ ...base, receiver_id: to, type: 'hello', sender_public_key: 'p', ephemeral_public_key: 'e', signature: 's', sender_messenger_url: 'http://x' });
const post = (url: string, body: object | string) => postJson(`${url}/v1/messages`, typeof body === 'string' ? body : JSON.stringify(body), { 'X-Agent-ID': 'S' }, 10_000);
const send = async (url: string, body: object) => (await post(url, body)).status;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const getJson = async (url: string, path: string): Promise<any> => (await fetch(`${url}${path}`)).json();

async function got(s: RawStream, n: number): Promise<number[]> {
  await waitFor(() => counters(s.frames).length >= n, 5000, `${n} frames`);
  return counters(s.frames);
}
/** Waits for the frame with this counter; everything before it (the backlog) has then arrived. */
const until = (s: RawStream, n: number) => waitFor(() => counters(s.frames).includes(n), 5000, `frame ${n}`);
const fresh = (s: RawStream) => counters(s.frames.filter((f) => f.startsWith('data: ')));
const replays = (s: RawStream) => counters(s.frames.filter((f) => f.startsWith(': replay\n')));
const types = (s: RawStream) => s.frames.slice(1).map((f) => /"type":"(\w+)"/.exec(f)![1]);
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe.skipIf(!ok)('the messenger on Redis, two instances', () => {
  it('a stream on instance 1 receives a message posted to instance 2, live; watch streams see it too', async () => {
    const [one, two] = await pair();
    const s = await rawStream(one.url, 'X');
    const watch = await rawStream(two.url, 'X', '?drain=0');
    expect(await send(two.url, data('X', 1))).toBe(200);
    expect(await got(s, 1)).toEqual([1]);
    expect(await got(watch, 1)).toEqual([1]);
    expect(s.frames[1]).toMatch(/^data: \{"id":"[0-9a-f-]{36}","protocol_version":"0\.1\.0","type":"data"/);
    expect(await send(one.url, data('X', 2))).toBe(200); // and from its own instance
    expect(await got(s, 2)).toEqual([1, 2]);
    // the instance whose draining stream took them marks them delivered: kept for the grace period
    await waitFor(async () => (await one.store.queued('X', Date.now())) === 0, 5000, 'acknowledged');
    expect(await two.store.retained('X', Date.now())).toBe(2);
    s.close();
    watch.close();
  });

  it('an offline queue filled via instance 1 is handed out once, though two streams connect at once on both instances', async () => {
    for (const grace of ['600', '0']) {
      const [one, two] = await pair({ DRAIN_GRACE: grace });
      for (let round = 0; round < 6; round++) {
        const agent = `Q${round}`;
        for (let i = 1; i <= 5; i++) expect(await send(one.url, data(agent, i))).toBe(200);
        const [a, b] = await Promise.all([rawStream(one.url, agent), rawStream(two.url, agent)]);
        expect(await send(two.url, data(agent, 6))).toBe(200); // live to both, after any backlog
        await Promise.all([until(a, 6), until(b, 6)]);
        const firstTime = [...fresh(a), ...fresh(b)].filter((n) => n <= 5);
        expect(sorted(firstTime)).toEqual([1, 2, 3, 4, 5]); // each once, to one stream or the other
        const again = [...replays(a), ...replays(b)].filter((n) => n <= 5);
        expect(sorted(again)).toEqual(grace === '0' ? [] : [1, 2, 3, 4, 5]); // the other got replays
        a.close();
        b.close();
      }
    }
  });

  it('a stream connecting on instance 2 while instance 1 relays gets the frame exactly once, live or from the queue', async () => {
    for (const grace of ['0', '600']) {
      const [one, two] = await pair({ DRAIN_GRACE: grace });
      for (let round = 0; round < 20; round++) {
        const agent = `R${round}`;
        // vary which goes first: the stream's drain or the relay
        const [s] = await Promise.all([rawStream(two.url, agent), turns(round % 5).then(() => send(one.url, data(agent, 1)))]);
        expect(await send(one.url, data(agent, 2))).toBe(200);
        await until(s, 2);
        expect(counters(s.frames)).toEqual([1, 2]);
        expect(replays(s)).toEqual([]);
        s.close();
      }
      await waitFor(async () => (await one.store.usage()).messages === (grace === '0' ? 0 : 40), 5000, 'all acknowledged');
      expect(await one.store.queued('R0', Date.now())).toBe(0);
    }
  });

  it('presence, /info and /v1/stats/public count agents on both instances; messages_total is shared', async () => {
    const [one, two] = await pair({ PUBLIC_STATS_DEBUG: '1' });
    const beat = (url: string, id: string) => postJson(`${url}/v1/presence/heartbeat`, '', { 'X-Agent-ID': id }, 5000);
    expect((await beat(one.url, 'A')).status).toBe(200);
    expect((await beat(two.url, 'B')).status).toBe(200);
    for (let i = 0; i < 3; i++) await send(one.url, data('nobody', i));
    await send(two.url, data('nobody', 9));
    for (const m of [one, two]) expect(await getJson(m.url, '/v1/stats/public')).toMatchObject({ connected_agents: 2, messages_total: 4 });
    const x1 = await rawStream(one.url, 'X');
    const x2 = await rawStream(one.url, 'X');
    const y = await rawStream(two.url, 'Y');
    await waitFor(async () => (await getJson(one.url, '/info')).redis_agents === 2, 5000, 'both agents counted');
    expect(await getJson(one.url, '/info')).toMatchObject({ local_agent_count: 1, redis_agents: 2 });
    expect(await getJson(two.url, '/info')).toMatchObject({ local_agent_count: 1, redis_agents: 2 });
    expect(await getJson(two.url, '/v1/stats/public')).toMatchObject({ local_agents: 1, redis_agents: 2 });
    y.close();
    await waitFor(async () => (await getJson(one.url, '/info')).redis_agents === 1, 5000, 'Y gone everywhere');
    x1.close(); // X still streams on instance 1
    await waitFor(() => one.messenger.hub.streamCount('X') === 1, 5000, 'one X stream closed');
    expect((await getJson(two.url, '/info')).redis_agents).toBe(1);
    x2.close();
    await waitFor(async () => (await getJson(two.url, '/info')).redis_agents === 0, 5000, 'X gone');
  });

  it('a HELLO is delivered once across instances and never replayed', async () => {
    const [one, two] = await pair();
    expect(await send(one.url, hello('X'))).toBe(200);
    expect(await send(one.url, data('X', 1))).toBe(200);
    const a = await rawStream(two.url, 'X');
    await until(a, 1);
    expect(types(a)).toEqual(['hello', 'data']);
    a.close();
    await waitFor(() => two.messenger.hub.streamCount('X') === 0, 5000, 'first stream gone');
    const b = await rawStream(one.url, 'X');
    expect(await send(two.url, data('X', 2))).toBe(200);
    await until(b, 2);
    expect(types(b)).toEqual(['data', 'data']); // 1 replayed, 2 live; no HELLO
    expect(await send(two.url, hello('X'))).toBe(200); // live this time
    await waitFor(() => types(b).length === 3, 5000, 'the live hello');
    await waitFor(async () => (await one.store.queued('X', Date.now())) === 0, 5000, 'acknowledged');
    b.close();
    await waitFor(() => one.messenger.hub.streamCount('X') === 0, 5000, 'second stream gone');
    const c = await rawStream(two.url, 'X');
    expect(await send(one.url, data('X', 3))).toBe(200);
    await until(c, 3);
    expect(types(c)).toEqual(['data', 'data', 'data']);
    c.close();
  });

  it('a full store refuses messages for offline agents (503) but still delivers to an agent streaming on another instance', async () => {
    const [one, two] = await pair({ OFFLINE_QUEUE_TOTAL_BYTES: '20000', OFFLINE_QUEUE_ADDRESS_BYTES: '0' });
    let status = 200;
    for (let i = 1; status === 200 && i < 200; i++) status = (await post(one.url, data('OFF', i))).status;
    expect(status).toBe(503);
    const s = await rawStream(two.url, 'X');
    await waitFor(async () => (await getJson(one.url, '/info')).redis_agents === 1, 5000, 'X registered as streaming');
    const r = await post(one.url, data('X', 1));
    expect(r.status).toBe(200);
    expect(await got(s, 1)).toEqual([1]);
    s.close();
  });

  it('a stream over its byte budget is closed; its next stream, on the other instance, gets every message in order', async () => {
    const [one, two] = await pair({ STREAM_BUFFER_BYTES: String(1 << 20), OFFLINE_QUEUE_BYTES: String(256 << 20), OFFLINE_QUEUE_MAX: '1000' });
    const responses: ServerResponse[] = [];
    two.server.on('request', (req, res) => {
      if (req.url?.startsWith('/v1/messages/stream')) responses.push(res);
    });
    const slow = await rawStream(two.url, 'SLOW');
    slow.res.pause();
    const shell = JSON.stringify({ ...data('SLOW', 0), ciphertext: '' });
    const maxBody = (n: number) => shell.replace('"counter":0', `"counter":${n}`).replace('"ciphertext":""', `"ciphertext":"${'<'.repeat(65536 - shell.length - 4)}"`);
    let posted = 0;
    let worst = 0;
    while (two.messenger.hub.streamCount('SLOW') > 0 && posted < 200) {
      expect((await post(one.url, maxBody(++posted))).status).toBe(200);
      worst = Math.max(worst, two.messenger.hub.maxStreamBytes(), responses[0]!.writableLength);
    }
    await waitFor(() => two.messenger.hub.streamCount('SLOW') === 0, 5000, 'the slow stream closed');
    expect(worst).toBeLessThanOrEqual(1 << 20);
    for (let i = 0; i < 3; i++) expect((await post(one.url, maxBody(++posted))).status).toBe(200);
    slow.close();
    const next = await rawStream(one.url, 'SLOW');
    await waitFor(() => counters(next.frames).length >= posted, 20_000, `${posted} frames`);
    expect(counters(next.frames)).toEqual(Array.from({ length: posted }, (_, i) => i + 1));
    next.close();
  }, 60_000);
});
