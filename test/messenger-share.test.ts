// The offline queue's fair shares (issue 19, item 4), attack first: one client address posts
// big frames to many offline receivers until the messenger refuses it. Before the shares, that
// filled the whole queue and every other sender got `503 offline queue full` for up to a TTL;
// now the flooder is stopped at its own share (429) and everyone else is still served. Over
// real loopback HTTP, the embedded store and Redis (its own prefix, deleted afterwards); the
// accounting itself is in messenger-redis-store.test.ts, for both stores.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { messengerConfig } from '../src/opennexus/messenger/config.ts';
import { startMessenger, type RunningMessenger } from '../src/opennexus/messenger/server.ts';
import { postJson } from '../src/opennexus/transport.ts';
import { deletePrefix, haveRedis, REDIS_URL, testPrefix } from './helpers/redis.ts';

const redis = await haveRedis();
const prefixes: string[] = [];
let m: RunningMessenger | undefined;
afterEach(async () => {
  await m?.close();
  m = undefined;
});
afterAll(async () => {
  if (redis) await Promise.all(prefixes.map((p) => deletePrefix(p)));
});

/** A DATA body of about 16 KiB for `to`. */
const big = (to: string, n: number) =>
  JSON.stringify({ protocol_version: '0.1.0', type: 'data', sender_id: 'S', receiver_id: to, session_id: 'x', counter: n, ciphertext: 'A'.repeat(16_000) });

/** A POST as seen from `from` (TRUST_PROXY=1: the messenger believes one X-Forwarded-For hop). */
const postFrom = (url: string, from: string, body: string) => postJson(`${url}/v1/messages`, body, { 'X-Agent-ID': 'S', 'X-Forwarded-For': from }, 10_000);

const QUEUE_ENV = { RATE_LIMIT: '0', TRUST_PROXY: '1', OFFLINE_QUEUE_TOTAL_BYTES: String(1 << 20), OFFLINE_QUEUE_BYTES: String(128 << 10) };

async function start(env: Record<string, string>): Promise<RunningMessenger> {
  m = await startMessenger(messengerConfig({ ...QUEUE_ENV, ...env }, { port: 0 }), { log: () => {} });
  return m;
}

const backends: Array<[string, () => Record<string, string>]> = [
  ['embedded', () => ({})],
  ...(redis
    ? [
        [
          'Redis',
          () => {
            const prefix = testPrefix('share');
            prefixes.push(prefix);
            return { REDIS_URL, REDIS_PREFIX: prefix };
          },
        ] as [string, () => Record<string, string>],
      ]
    : []),
];

describe.each(backends)('the offline queue shares (%s store)', (_name, backend) => {
  it('one address that floods offline receivers is refused at its share (429); another address is still queued', async () => {
    const { url, store } = await start(backend());
    let status = 200;
    let posted = 0;
    // 1 MiB in all: without shares about 64 frames of 16 KiB to 16 receivers fill it
    for (; posted < 200 && status === 200; posted++) status = (await postFrom(url, '203.0.113.7', big(`R${posted % 16}`, posted))).status;
    expect(status).toBe(429);
    expect(posted).toBeLessThan(20); // default share: 1/16 of the total, 64 KiB: four frames
    const refused = await postFrom(url, '203.0.113.7', big('R0', 999));
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body)).toEqual({ error: 'offline queue share full for this address' });
    // another address, to an agent with no stream, and to one the flooder filled
    expect((await postFrom(url, '198.51.100.1', big('V', 1))).status).toBe(200);
    expect((await postFrom(url, '198.51.100.1', big('R0', 2))).status).toBe(200);
    expect(await store.queued('V', Date.now())).toBe(1);
  });

  it('OFFLINE_QUEUE_ADDRESS_BYTES sets the share; a drain gives it back', async () => {
    const { url } = await start({ ...backend(), OFFLINE_QUEUE_ADDRESS_BYTES: String(40_000) });
    expect((await postFrom(url, '203.0.113.9', big('D', 1))).status).toBe(200);
    expect((await postFrom(url, '203.0.113.9', big('D', 2))).status).toBe(200);
    expect((await postFrom(url, '203.0.113.9', big('D', 3))).status).toBe(429);
    const s = await fetch(`${url}/v1/messages/stream`, { headers: { 'X-Agent-ID': 'D' } });
    const reader = s.body!.getReader();
    let seen = '';
    while (!seen.includes('"counter":2')) seen += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    // delivered frames are evictable (retained), so they no longer count against the sender
    expect((await postFrom(url, '203.0.113.9', big('E', 3))).status).toBe(200);
  });
});

