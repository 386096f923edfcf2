// The messenger's store on Redis (src/redis/messenger-store.ts, the Lua in messenger-scripts.ts)
// keeps the embedded store's rules: the same scenarios run against both and must agree (byte
// budgets counted as stored, TTL, grace, HELLOs never replayed, eviction of retained frames
// first, the sweep, presence pruned and capped), with an injected clock.
import { afterAll, describe, expect, it } from 'vitest';
import { RedisConn } from '../src/redis/connection.ts';
import { RedisMessengerStore } from '../src/redis/messenger-store.ts';
import { MemoryMessengerStore, type MessengerStore } from '../src/store/messenger-store.ts';
import { AGENT_OVERHEAD, ENTRY_OVERHEAD, type OfflineQueueLimits } from '../src/store/offline-queue.ts';
import { limits, MIN, sizeOf, T0, text } from './helpers/offline-queue.ts';
import { deletePrefix, haveRedis, REDIS_URL, testPrefix } from './helpers/redis.ts';

const ok = await haveRedis();

const conns: RedisConn[] = [];
const prefixes: string[] = [];
afterAll(async () => {
  await Promise.all(conns.map((c) => c.close()));
  if (ok) await Promise.all(prefixes.map((p) => deletePrefix(p)));
});

type Make = (l: OfflineQueueLimits, presenceMax?: number) => Promise<MessengerStore & { senderBytes(sender: string): Promise<number> }>;
const memory: Make = async (l, presenceMax) => new MemoryMessengerStore(l, presenceMax);
const redis: Make = async (l, presenceMax) => {
  const prefix = testPrefix('msgr-store');
  prefixes.push(prefix);
  const conn = await RedisConn.open({ url: REDIS_URL, prefix });
  conns.push(conn);
  return new RedisMessengerStore(conn, l, presenceMax);
};
const stores: Array<[string, Make]> = ok ? [['memory', memory], ['redis', redis]] : [['memory', memory]];

describe.each(stores)('%s store: retention', (_, make) => {
  it('a drain returns everything kept, oldest first; a second drain returns it again, marked as a replay', async () => {
    const q = await make(limits());
    for (const f of ['a', 'b']) await q.enqueue('X', f, T0);
    const first = await q.drain('X', T0 + 1);
    expect(text(first)).toEqual(['a', 'b']);
    expect(first.map((f) => f.replay)).toEqual([false, false]);
    expect(await q.queued('X', T0 + 1)).toBe(0);
    expect(await q.retained('X', T0 + 1)).toBe(2);
    await q.enqueue('X', 'c', T0 + 2);
    await q.enqueue('X', 'live', T0 + 2, { delivered: true });
    const second = await q.drain('X', T0 + 3);
    expect(text(second)).toEqual(['a', 'b', 'c', 'live']);
    expect(second.map((f) => f.replay)).toEqual([true, true, false, true]);
  });

  it('a queued message lives for the TTL even once delivered; a live-delivered one for the grace period', async () => {
    const q = await make(limits());
    await q.enqueue('X', 'queued', T0);
    await q.drain('X', T0 + MIN);
    await q.enqueue('X', 'live', T0 + MIN, { delivered: true });
    expect(text(await q.drain('X', T0 + 10 * MIN))).toEqual(['queued', 'live']);
    expect(text(await q.drain('X', T0 + 11 * MIN))).toEqual(['queued']);
    expect(text(await q.drain('X', T0 + 60 * MIN - 1))).toEqual(['queued']);
    expect(await q.drain('X', T0 + 60 * MIN)).toEqual([]);
    expect(await q.usage()).toMatchObject({ bytes: 0, messages: 0 });
  });

  it('a HELLO is delivered once; with no grace period nothing delivered is kept; max 0 disables the queue', async () => {
    const q = await make(limits());
    expect(await q.enqueue('X', 'hello-live', T0, { delivered: true, once: true })).toBe('off');
    await q.enqueue('X', 'hello', T0, { once: true });
    await q.enqueue('X', 'data', T0);
    expect(text(await q.drain('X', T0))).toEqual(['hello', 'data']);
    expect(text(await q.drain('X', T0))).toEqual(['data']);
    const g = await make(limits({ graceMs: 0 }));
    expect(await g.enqueue('X', 'live', T0, { delivered: true })).toBe('off');
    await g.enqueue('X', 'a', T0);
    expect(text(await g.drain('X', T0))).toEqual(['a']);
    expect(await g.drain('X', T0)).toEqual([]);
    expect((await g.usage()).bytes).toBe(0);
    const off = await make(limits({ maxPerAgent: 0 }));
    expect(await off.enqueue('X', 'a', T0)).toBe('off');
  });

  it('a watch stream is shown waiting control frames, which stay', async () => {
    const q = await make(limits());
    await q.enqueue('X', 'data', T0);
    await q.enqueue('X', 'ack', T0, { control: true });
    expect(text(await q.peekControl('X', T0))).toEqual(['ack']);
    expect(await q.queued('X', T0)).toBe(2);
    expect(text(await q.drain('X', T0))).toEqual(['data', 'ack']);
    expect(await q.peekControl('X', T0)).toEqual([]);
  });
});

describe.each(stores)('%s store: byte budgets', (_, make) => {
  const big = (n: number) => `data: {"n":${n},"ciphertext":"${'\\u003c'.repeat(65_000)}"}\n\n\n`;
  const frameBytes = Buffer.byteLength(big(10)) + ENTRY_OVERHEAD;

  it('keeps each agent within its budget, the newest frames, in order', async () => {
    const q = await make(limits({ maxBytesPerAgent: 2 << 20 }));
    for (let i = 10; i < 30; i++) expect(await q.enqueue('X', big(i), T0)).toBe('stored');
    const kept = await q.drain('X', T0);
    expect(sizeOf(kept)).toBeLessThanOrEqual(2 << 20);
    const ns = text(kept).map((f) => Number(/"n":(\d+)/.exec(f)![1]));
    expect(ns.length).toBe(Math.floor(((2 << 20) - AGENT_OVERHEAD - 2) / frameBytes));
    expect(ns).toEqual(Array.from({ length: ns.length }, (_, i) => 30 - ns.length + i));
  });

  it('a full total evicts retained messages first, then refuses new ones', async () => {
    const total = 6 * frameBytes + 4 * (AGENT_OVERHEAD + 2);
    const q = await make(limits({ maxBytesTotal: total, maxBytesPerAgent: 8 << 20 }));
    await q.enqueue('A', big(10), T0);
    await q.enqueue('A', big(11), T0);
    await q.drain('A', T0);
    for (let i = 0; i < 4; i++) expect(await q.enqueue('B', big(20 + i), T0)).toBe('stored');
    expect(await q.enqueue('C', big(30), T0)).toBe('stored');
    expect(await q.enqueue('C', big(31), T0)).toBe('stored');
    expect(await q.retained('A', T0)).toBe(0);
    expect(await q.enqueue('C', big(32), T0)).toBe('full');
    expect(await q.queued('B', T0)).toBe(4);
    expect(await q.usage()).toMatchObject({ messages: 6, refused: 1, dropped: 2 });
    expect((await q.usage()).bytes).toBeLessThanOrEqual(total);
  });

  it('a frame larger than an agent budget is refused; long agent ids cost their length', async () => {
    const q = await make(limits({ maxBytesPerAgent: 100_000, maxBytesTotal: 1 << 20 }));
    expect(await q.enqueue('X', big(1), T0)).toBe('full');
    expect((await q.usage()).bytes).toBe(0);
    let stored = 0;
    for (let i = 0; i < 100; i++) if ((await q.enqueue(`${i}-${'x'.repeat(15_000)}`, 'm', T0)) === 'stored') stored++;
    expect(stored).toBe(Math.floor((1 << 20) / (AGENT_OVERHEAD + 2 * 15_003 + 1 + ENTRY_OVERHEAD)));
    expect((await q.usage()).bytes).toBeLessThanOrEqual(1 << 20);
  });

  it('agents that never come back are swept whole once everything of theirs has expired', async () => {
    const q = await make(limits());
    for (let i = 0; i < 20; i++) await q.enqueue(`agent-${i}`, 'm', T0);
    expect((await q.usage()).messages).toBe(20);
    await q.enqueue('late', 'm', T0 + 60 * MIN);
    expect(await q.usage()).toMatchObject({ messages: 1, bytes: AGENT_OVERHEAD + 2 * 'late'.length + 1 + ENTRY_OVERHEAD });
  });
});

describe.each(stores)('%s store: presence and counter', (_, make) => {
  it('heartbeats are pruned by age and capped; the counter counts', async () => {
    const s = await make(limits(), 50);
    for (let i = 0; i < 40; i++) await s.heartbeat(`old-${i}`, T0);
    expect(await s.activeAgents(T0, 60_000)).toBe(40);
    await s.heartbeat('new', T0 + 61_000);
    expect(await s.activeAgents(T0 + 61_000, 60_000)).toBe(1);
    for (let i = 0; i < 80; i++) await s.heartbeat(`flood-${i}`, T0 + 62_000);
    expect(await s.activeAgents(T0 + 62_000, 60_000)).toBe(50);
    await s.heartbeat('flood-0', T0 + 63_000);
    expect(await s.activeAgents(T0 + 122_500, 60_000)).toBe(1);
    for (let i = 0; i < 3; i++) await s.countMessage();
    expect(await s.messagesTotal()).toBe(3);
    expect(await s.ping()).toBe(true);
  });
});

describe.skipIf(!ok)('redis store: bounded steps', () => {
  it('the sweep removes a bounded number of expired agents per call, each step exact', async () => {
    const q = await redis(limits());
    for (let i = 0; i < 100; i++) await q.enqueue(`agent-${i}`, 'm', T0);
    await q.enqueue('late', 'm', T0 + 60 * MIN);
    const left = (await q.usage()).messages;
    expect(left).toBeGreaterThan(1); // not every agent in one script run
    for (let i = 0; i < 4; i++) await q.enqueue('late', 'm', T0 + 60 * MIN);
    expect(await q.usage()).toMatchObject({ messages: 5, bytes: AGENT_OVERHEAD + 2 * 'late'.length + 5 * (1 + ENTRY_OVERHEAD) });
  });
});

describe.each(stores)('%s store: the per-sender share', (_, make) => {
  it('counts only frames still waiting, and gives bytes back when they are drained, dropped or expire', async () => {
    const q = await make(limits({ maxBytesPerSender: 1000, maxPerAgent: 2 }));
    const f = 'x'.repeat(300);
    const one = 300 + ENTRY_OVERHEAD;
    expect(await q.enqueue('A', f, T0, { sender: 'ip1' })).toBe('stored');
    expect(await q.enqueue('B', f, T0, { sender: 'ip1' })).toBe('stored');
    expect(await q.enqueue('C', f, T0, { sender: 'ip1' })).toBe('share');
    expect(await q.enqueue('C', f, T0, { sender: 'ip2' })).toBe('stored');
    expect(await q.enqueue('C', f, T0, { delivered: true, sender: 'ip1' })).toBe('stored'); // delivered: not charged
    expect(await q.senderBytes('ip1')).toBe(2 * one);
    await q.drain('A', T0 + 1);
    expect(await q.senderBytes('ip1')).toBe(one);
    expect(await q.enqueue('D', f, T0 + 2, { sender: 'ip1' })).toBe('stored');
    await q.enqueue('D', f, T0 + 3, { sender: 'ip2' });
    expect(await q.enqueue('D', f, T0 + 3, { sender: 'ip2' })).toBe('share'); // C and D hold 856 of its 1000
    expect(await q.enqueue('D', f, T0 + 3, { sender: 'ip3' })).toBe('stored'); // two per agent: ip1's goes
    expect(await q.senderBytes('ip1')).toBe(one);
    expect(await q.senderBytes('ip2')).toBe(2 * one);
    expect(await q.senderBytes('ip3')).toBe(one);
    await q.drain('Z', T0 + 61 * MIN); // the sweep: every agent past its TTL goes whole
    expect(await q.senderBytes('ip1')).toBe(0);
    expect(await q.senderBytes('ip2')).toBe(0);
    expect(await q.senderBytes('ip3')).toBe(0);
    expect((await q.usage()).bytes).toBe(0);
  });
});
