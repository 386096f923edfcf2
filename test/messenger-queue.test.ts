// The messenger's per-agent store (src/store/offline-queue.ts): byte budgets counted as stored,
// the TTL for messages that found no stream, the grace period for delivered ones, and HELLOs
// that are never replayed. Pure logic with an injected clock.
import { describe, expect, it } from 'vitest';
import { AGENT_OVERHEAD, ENTRY_OVERHEAD, OfflineQueue } from '../src/store/offline-queue.ts';
import { MemoryMessengerStore } from '../src/store/messenger-store.ts';
import { limits, MIN, sizeOf, T0, text } from './helpers/offline-queue.ts';


describe('offline queue: retention', () => {
  it('a drain returns everything kept, oldest first, and a second drain returns it again, marked as a replay', () => {
    const q = new OfflineQueue(limits());
    for (const f of ['a', 'b']) q.add('X', f, T0);
    const first = q.drain('X', T0 + 1);
    expect(text(first)).toEqual(['a', 'b']);
    expect(first.map((f) => f.replay)).toEqual([false, false]);
    expect(q.waiting('X', T0 + 1)).toBe(0);
    expect(q.retained('X', T0 + 1)).toBe(2);
    q.add('X', 'c', T0 + 2);
    q.add('X', 'live', T0 + 2, { delivered: true });
    const second = q.drain('X', T0 + 3);
    expect(text(second)).toEqual(['a', 'b', 'c', 'live']);
    expect(second.map((f) => f.replay)).toEqual([true, true, false, true]);
  });

  it('a message that found no stream lives for the TTL even once delivered; a live-delivered one for the grace period', () => {
    const q = new OfflineQueue(limits());
    q.add('X', 'queued', T0);
    q.drain('X', T0 + MIN); // delivered at +1 min
    q.add('X', 'live', T0 + MIN, { delivered: true });
    expect(text(q.drain('X', T0 + 10 * MIN))).toEqual(['queued', 'live']);
    expect(text(q.drain('X', T0 + 11 * MIN))).toEqual(['queued']); // grace of `live` over
    expect(text(q.drain('X', T0 + 60 * MIN - 1))).toEqual(['queued']);
    expect(q.drain('X', T0 + 60 * MIN)).toEqual([]); // TTL over
    expect(q.usage()).toMatchObject({ bytes: 0, messages: 0 });
  });

  it('a drain late in the TTL still keeps the message for the grace period after it', () => {
    const q = new OfflineQueue(limits());
    q.add('X', 'm', T0);
    q.drain('X', T0 + 59 * MIN);
    expect(text(q.drain('X', T0 + 68 * MIN))).toEqual(['m']);
    expect(q.drain('X', T0 + 69 * MIN)).toEqual([]);
  });

  it('a HELLO is delivered once: not kept when delivered live, removed when drained', () => {
    const q = new OfflineQueue(limits());
    expect(q.add('X', 'hello-live', T0, { delivered: true, once: true })).toBe('off');
    q.add('X', 'hello', T0, { once: true });
    q.add('X', 'data', T0);
    expect(text(q.drain('X', T0))).toEqual(['hello', 'data']);
    expect(text(q.drain('X', T0))).toEqual(['data']);
  });

  it('with no grace period a drain takes everything and nothing delivered is kept (the old behaviour)', () => {
    const q = new OfflineQueue(limits({ graceMs: 0 }));
    expect(q.add('X', 'live', T0, { delivered: true })).toBe('off');
    q.add('X', 'a', T0);
    expect(text(q.drain('X', T0))).toEqual(['a']);
    expect(q.drain('X', T0)).toEqual([]);
    expect(q.usage().bytes).toBe(0);
  });

  it('OFFLINE_QUEUE_MAX 0 disables the queue', () => {
    const q = new OfflineQueue(limits({ maxPerAgent: 0 }));
    expect(q.add('X', 'a', T0)).toBe('off');
    expect(q.drain('X', T0)).toEqual([]);
  });
});

describe('offline queue: byte budgets', () => {
  // 65,000 `<` escaped Go-style: a frame of ~390 KB from a body under 64 KiB
  const big = (n: number) => `data: {"n":${n},"ciphertext":"${'\\u003c'.repeat(65_000)}"}\n\n\n`;
  const frameBytes = Buffer.byteLength(big(10)) + ENTRY_OVERHEAD;

  it('counts the bytes as stored and keeps each agent within its budget, oldest first', () => {
    const q = new OfflineQueue(limits({ maxBytesPerAgent: 2 << 20 }));
    for (let i = 10; i < 60; i++) expect(q.add('X', big(i), T0)).toBe('stored');
    const kept = q.drain('X', T0);
    expect(sizeOf(kept)).toBeLessThanOrEqual(2 << 20);
    expect(q.usage().bytes).toBeLessThanOrEqual(2 << 20);
    const ns = text(kept).map((f) => Number(/"n":(\d+)/.exec(f)![1]));
    expect(ns).toEqual(Array.from({ length: ns.length }, (_, i) => 60 - ns.length + i)); // the newest, in order
    expect(ns.length).toBe(Math.floor(((2 << 20) - AGENT_OVERHEAD - 2) / frameBytes));
  });

  it('a full total evicts retained (delivered) messages first, then refuses new ones', () => {
    const total = 6 * frameBytes + 4 * (AGENT_OVERHEAD + 2);
    const q = new OfflineQueue(limits({ maxBytesTotal: total, maxBytesPerAgent: 8 << 20 }));
    q.add('A', big(10), T0);
    q.add('A', big(11), T0);
    q.drain('A', T0); // both delivered: retained
    for (let i = 0; i < 4; i++) expect(q.add('B', big(20 + i), T0)).toBe('stored');
    // room for two more only by evicting A's retained messages
    expect(q.add('C', big(30), T0)).toBe('stored');
    expect(q.add('C', big(31), T0)).toBe('stored');
    expect(q.retained('A', T0)).toBe(0);
    expect(q.add('C', big(32), T0)).toBe('full');
    expect(q.waiting('B', T0)).toBe(4); // nothing waiting was dropped to make room
    expect(q.usage()).toMatchObject({ messages: 6, refused: 1, dropped: 2 });
    expect(q.usage().bytes).toBeLessThanOrEqual(total);
  });

  it('a frame larger than an agent budget is refused, not stored', () => {
    const q = new OfflineQueue(limits({ maxBytesPerAgent: 100_000 }));
    expect(q.add('X', big(1), T0)).toBe('full');
    expect(q.usage().bytes).toBe(0);
  });

  it('an agent id costs its length: a flood of long ids stays within the total', () => {
    const q = new OfflineQueue(limits({ maxBytesTotal: 1 << 20 }));
    let stored = 0;
    for (let i = 0; i < 200; i++) if (q.add(`${i}-${'x'.repeat(15_000)}`, 'm', T0) === 'stored') stored++;
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(200);
    expect(q.usage().bytes).toBeLessThanOrEqual(1 << 20);
  });

  it('agents that never come back are swept whole once everything of theirs has expired', () => {
    const q = new OfflineQueue(limits());
    for (let i = 0; i < 1000; i++) q.add(`agent-${i}`, 'm', T0);
    expect(q.usage().messages).toBe(1000);
    q.add('late', 'm', T0 + 60 * MIN);
    expect(q.usage()).toMatchObject({ messages: 1, bytes: AGENT_OVERHEAD + 2 * 'late'.length + 1 + ENTRY_OVERHEAD });
  });
});

describe('presence (heartbeats)', () => {
  it('is pruned as heartbeats arrive, without anyone reading the stats, and capped', async () => {
    const s = new MemoryMessengerStore(limits(), 500);
    for (let i = 0; i < 400; i++) await s.heartbeat(`old-${i}`, T0);
    expect(s.presenceEntries).toBe(400);
    await s.heartbeat('new', T0 + 61_000);
    expect(s.presenceEntries).toBe(1);
    for (let i = 0; i < 2000; i++) await s.heartbeat(`flood-${i}`, T0 + 62_000);
    expect(s.presenceEntries).toBe(500);
    expect(await s.activeAgents(T0 + 62_000, 60_000)).toBe(500);
    // a repeated heartbeat moves an agent to the fresh end
    await s.heartbeat('flood-0', T0 + 63_000);
    expect(await s.activeAgents(T0 + 122_500, 60_000)).toBe(1);
  });
});
