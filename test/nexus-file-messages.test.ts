// Messages on disk in the embedded store (store/nexus-file-store.ts, store/message-journal.ts,
// store/session-flights.ts; beyond nexus spec §2.2, where the reference keeps them in memory
// only): after a crash or a clean close the same messages come back with the same cursors, in
// the same order, through the same budgets; concurrent sends share an fdatasync; a failed write
// stores nothing; dropped messages (budget, expiry) leave the disk at the next compaction.
import { appendFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stored } from '../src/nexus/server/views.ts';
import { nodeFs, type JournalFs } from '../src/store/journal.ts';
import { FileNexusStore, type FileStoreOptions } from '../src/store/nexus-file-store.ts';
import { StorageUnavailable, type SessionRecord, type StoredMessage } from '../src/store/nexus-store.ts';
import { waitFor } from './helpers/http.ts';

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);
const HOUR = 3_600_000;

function session(id: string, expiresAt = T0 + HOUR): SessionRecord {
  const agents = [{ agentId: 'a', joinedAt: T0, lastSeenAt: T0, keyHash: 'f'.repeat(64) }];
  return { sessionId: id, ttl: 3600, maxAgents: 3, createdAt: T0, expiresAt, creatorAgentId: 'a', greeting: `hello ${id}`, agents, headCursor: 0, cronReminderSent: false };
}

const msg = (cursor: number, text: string, agentId = 'a', type: 'message' | 'greeting' = 'message') =>
  stored({ id: `msg_${cursor}_${text.length}`, cursor, agentId: type === 'greeting' ? 'system' : agentId, text, verified: true, createdAt: T0, expiresAt: T0 + HOUR, type, ...(type === 'greeting' ? { creatorAgentId: agentId } : {}) });

function create(store: FileNexusStore, id: string, expiresAt?: number): Promise<null> {
  const s = session(id, expiresAt);
  return Promise.resolve(store.updateSession(id, () => ({ next: s, append: [msg(0, s.greeting!, 'a', 'greeting')], result: null })));
}

/** A send as the app makes it: the head moves, the TTL slides, one message is appended. */
function send(store: FileNexusStore, id: string, text: string): Promise<number> {
  return Promise.resolve(
    store.updateSession(id, (s) => {
      const next = { ...s!, headCursor: s!.headCursor + 1 };
      return { next, append: [msg(next.headCursor, text)], result: next.headCursor };
    }),
  );
}

async function open(dir: string, opts: FileStoreOptions = {}, now = T0): Promise<FileNexusStore> {
  const store = new FileNexusStore(dir, opts);
  await store.load(now);
  return store;
}

/** What a reader sees of every session: heads and messages (cursor, wire, author). */
async function view(store: FileNexusStore, ids: string[]) {
  const out: Record<string, { head: number | undefined; messages: StoredMessage[] }> = {};
  for (const id of ids) out[id] = { head: (await store.getSession(id))?.headCursor, messages: (await store.messagesAfter(id, -1, 10_000, 1 << 30)).messages };
  return out;
}

/** The real file system, counting fdatasyncs; `failNext` makes the next journal write fail once. */
function countingFs() {
  const state = { datasyncs: 0, failNext: false };
  const fs: JournalFs = {
    ...nodeFs,
    open: async (path, flags, mode) => {
      const fh = await nodeFs.open(path, flags, mode);
      return {
        write: (buf, position) => {
          if (!state.failNext) return fh.write(buf, position);
          state.failNext = false;
          return Promise.reject(Object.assign(new Error('ENOSPC: injected'), { code: 'ENOSPC' }));
        },
        datasync: () => (state.datasyncs++, fh.datasync()),
        sync: () => fh.sync(),
        truncate: (n) => fh.truncate(n),
        close: () => fh.close(),
      };
    },
  };
  return { fs, state };
}

const files = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.ndjson'));
const onDisk = (dir: string, needle: string) => files(dir).some((f) => readFileSync(join(dir, f), 'utf8').includes(needle));

describe('messages survive a restart', () => {
  it('after a crash and after a clean close: the same messages, cursors and order; concurrent sends share fdatasyncs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-msgs-'));
    const { fs, state } = countingFs();
    const a = await open(dir, { fs });
    await Promise.all([create(a, 's1'), create(a, 's2')]);
    const texts = ['plain', 'quote " backslash \\ newline \n', 'émoji 😀 lone \ud800', '{"not":"json"}', '</script>'];
    const before = state.datasyncs;
    const sends = Array.from({ length: 60 }, (_, i) => send(a, i % 3 ? 's1' : 's2', `${texts[i % texts.length]} #${i}`));
    const cursors = await Promise.all(sends);
    // Concurrent sends on one session do not wait for each other's fdatasync (group commit).
    expect(state.datasyncs - before).toBeLessThanOrEqual(3);
    expect(cursors.filter((_, i) => i % 3).join()).toBe(Array.from({ length: 40 }, (_, i) => i + 1).join());
    const expected = await view(a, ['s1', 's2']);
    // `a` is abandoned without close(), as if killed.
    const b = await open(dir);
    expect(await view(b, ['s1', 's2'])).toEqual(expected);
    expect((await b.counts()).messages).toBe(62);
    await b.close();
    const c = await open(dir);
    expect(await view(c, ['s1', 's2'])).toEqual(expected);
    expect(await send(c, 's1', 'after')).toBe(41);
    await c.close();
  });

  it('budget eviction survives a reload: the same messages are kept, per session and globally oldest first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-msgs-'));
    const budget = { maxPerSession: 7, maxBytesPerSession: 1 << 20, maxBytesTotal: 4000 };
    const a = await open(dir, { budget });
    const ids = ['s1', 's2', 's3'];
    for (const id of ids) await create(a, id);
    for (let i = 0; i < 45; i++) await send(a, ids[(i * 7) % 5 % 3]!, `message ${i} ${'x'.repeat(i * 5)}`);
    const expected = await view(a, ids);
    const kept = Object.values(expected).reduce((n, v) => n + v.messages.length, 0);
    expect(kept).toBeLessThan(48); // the budgets dropped some
    const b = await open(dir, { budget });
    expect(await view(b, ids)).toEqual(expected);
    await b.close();
    const c = await open(dir, { budget });
    expect(await view(c, ids)).toEqual(expected);
    await c.close();
  });

  it("a session's messages leave the disk once it expires (the snapshot after the sweep is mostly dead)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-msgs-'));
    const a = await open(dir);
    await create(a, 'gone', T0 + 60_000);
    await create(a, 'kept');
    for (let i = 0; i < 40; i++) await send(a, i % 8 ? 'gone' : 'kept', `text ${i} ${'y'.repeat(1000)}`);
    await a.close();
    // Loading folds everything into one snapshot; the journal after it stays small, so only the
    // dropped messages can make the next compaction due.
    const b = await open(dir, { flushEveryMs: 5, compactAfterBytes: 4096 }, T0 + 1000);
    const sizeBefore = files(dir).reduce((n, f) => n + readFileSync(join(dir, f)).length, 0);
    expect(onDisk(dir, 'gone')).toBe(true);
    expect((await b.deleteExpired(T0 + 61_000, 100)).ids).toEqual(['gone']);
    await waitFor(() => !onDisk(dir, 'gone'), 5000, 'the compaction that drops the expired session');
    expect(files(dir).reduce((n, f) => n + readFileSync(join(dir, f)).length, 0)).toBeLessThan(sizeBefore / 3);
    const keptView = await view(b, ['kept']);
    await b.close();
    const c = await open(dir, {}, T0 + 61_000);
    expect(await c.getSession('gone')).toBeNull();
    expect(await view(c, ['kept'])).toEqual(keptView);
    await c.close();
  });
});

describe('the disk stays bounded', () => {
  it('a growing journal is folded into a snapshot as it grows, without waiting for the timer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-msgs-'));
    const a = await open(dir, { compactAfterBytes: 8192 });
    await create(a, 's1');
    for (let i = 0; i < 30; i++) await send(a, 's1', `m${i} ${'z'.repeat(1000)}`);
    // The first journal (m0 onwards) is gone once a snapshot holds what it held.
    const inJournals = (text: string) => files(dir).some((f) => f.startsWith('journal-') && readFileSync(join(dir, f), 'utf8').includes(text));
    await waitFor(() => readFileSync(join(dir, 'snapshot.ndjson'), 'utf8').includes('m20 ') && !inJournals('m0 '), 5000, 'a compaction');
    const expected = await view(a, ['s1']);
    const b = await open(dir);
    expect(await view(b, ['s1'])).toEqual(expected);
    await b.close();
  });
});

describe('what a crash leaves behind', () => {
  it('a torn last line is ignored; a message of an unknown session and a repeated cursor are dropped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-msgs-'));
    const a = await open(dir);
    await create(a, 's1');
    for (let i = 0; i < 5; i++) await send(a, 's1', `m${i}`);
    const expected = await view(a, ['s1']);
    const journal = join(dir, files(dir).find((f) => f.startsWith('journal-'))!);
    appendFileSync(journal, `{"m":"ghost","n":1,"w":${msg(1, 'ghost').wire}}\n`);
    appendFileSync(journal, `{"m":"s1","n":3,"w":${msg(3, 'again').wire}}\n`);
    appendFileSync(journal, `{"m":"s1","n":6,"w":{"id":"msg_torn","cur`);
    const b = await open(dir);
    expect(await view(b, ['s1'])).toEqual(expected);
    expect(await b.getSession('ghost')).toBeNull();
    expect(await send(b, 's1', 'next')).toBe(6);
    await b.close();
    expect(onDisk(dir, 'ghost')).toBe(false);
  });
});

describe('sends and failed writes', () => {
  it('a failed write rejects its send and stores nothing; sends already under way land after it, in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-msgs-'));
    const { fs, state } = countingFs();
    const a = await open(dir, { fs });
    await create(a, 's1');
    await send(a, 's1', 'first');
    state.failNext = true;
    const lost = send(a, 's1', 'lost'); // its write is in flight when the next two run
    await new Promise((r) => setImmediate(r)); // a batch goes out on the next turn of the event loop (journal.ts)
    const [b, c] = [send(a, 's1', 'second'), send(a, 's1', 'third')];
    await expect(lost).rejects.toBeInstanceOf(StorageUnavailable);
    expect([await b, await c]).toEqual([3, 4]); // cursor 2 is a gap: never answered, never stored
    expect(a.health()).toBe('ok');
    expect(await send(a, 's1', 'fourth')).toBe(5);
    const texts = async (s: FileNexusStore) => (await s.messagesAfter('s1', 0, 100, 1 << 20)).messages.map((m) => JSON.parse(m.wire).text);
    expect(await texts(a)).toEqual(['first', 'second', 'third', 'fourth']);
    const again = await open(dir);
    expect(await texts(again)).toEqual(['first', 'second', 'third', 'fourth']);
    await again.close();
  });

  it('a material change waits for the sends in flight, and the sends after it wait for it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-msgs-'));
    const a = await open(dir);
    await create(a, 's1');
    let runs = 0;
    const addB = () =>
      a.updateSession('s1', (s) => {
        runs++;
        const next = { ...s!, agents: [...s!.agents, { agentId: 'b', joinedAt: T0, lastSeenAt: T0, keyHash: 'e'.repeat(64) }] };
        return { next, result: next.headCursor };
      });
    // m1 and m2 are in flight when the join runs: it runs again once they are stored, and m3 waits for it.
    const all = [send(a, 's1', 'm1'), send(a, 's1', 'm2'), addB(), send(a, 's1', 'm3')];
    expect(await Promise.all(all)).toEqual([1, 2, 2, 3]);
    expect(runs).toBe(2);
    const again = await open(dir);
    expect((await again.getSession('s1'))!.agents.map((x) => x.agentId)).toEqual(['a', 'b']);
    expect((await again.messagesAfter('s1', 0, 100, 1 << 20)).messages.map((m) => m.cursor)).toEqual([1, 2, 3]);
    await again.close();
  });
});

describe('a snapshot written session by session', () => {
  it('keeps arrival order across sessions: after a compaction and a reload the globally oldest still goes first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-snap-order-'));
    const text = 'y'.repeat(400);
    // Room for about six of these messages in all: the seventh evicts the globally oldest.
    const budget = { maxPerSession: 100, maxBytesPerSession: 1 << 20, maxBytesTotal: 6 * 560 };
    let store = await open(dir, { budget, compactAfterBytes: 1 });
    await create(store, 'A');
    await create(store, 'B');
    for (const [id, t] of [['A', 'a1'], ['B', 'b1'], ['A', 'a2'], ['B', 'b2'], ['A', 'a3']] as const) await send(store, id, `${t}${text}`);
    await store.close(); // compacts into a snapshot (written per session: A's, then B's)
    expect(readdirSync(dir).some((f) => f.startsWith('snapshot'))).toBe(true);
    store = await open(dir, { budget });
    await send(store, 'B', `b3${text}`);
    await send(store, 'B', `b4${text}`);
    const v = await view(store, ['A', 'B']);
    const texts = (id: 'A' | 'B') => v[id]!.messages.filter((m) => m.cursor > 0).map((m) => JSON.parse(m.wire).text.slice(0, 2));
    // a1 and b1 were the oldest arrivals; a2 is older than b2 and must not have gone before it
    expect([texts('A'), texts('B')]).toEqual([['a2', 'a3'], ['b2', 'b3', 'b4']]);
    await store.close();
  });
});
