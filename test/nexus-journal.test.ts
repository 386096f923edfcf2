// The session store's journal (store/journal.ts, store/nexus-file-store.ts; nexus spec §2.2):
// cursors after a crash and after a clean shutdown, compaction into a snapshot, and the
// stored (serialised) message view.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jsonString, messageView, stored, type Message } from '../src/nexus/server/views.ts';
import { FileNexusStore } from '../src/store/nexus-file-store.ts';
import type { SessionRecord } from '../src/store/nexus-store.ts';
import { waitFor } from './helpers/http.ts';

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);

function session(id: string, head = 0): SessionRecord {
  const agents = [{ agentId: 'a', joinedAt: T0, lastSeenAt: T0, keyHash: 'f'.repeat(64) }];
  return { sessionId: id, ttl: 3600, maxAgents: 2, createdAt: T0, expiresAt: T0 + 3_600_000, creatorAgentId: 'a', greeting: 'hello', agents, headCursor: head, cronReminderSent: false };
}

/** Sends `n` messages the way the app does: the head moves, a message is appended. */
async function send(store: FileNexusStore, id: string, n: number): Promise<number> {
  let last = 0;
  for (let i = 0; i < n; i++) {
    last = await store.updateSession(id, (s) => {
      const next = { ...s!, headCursor: s!.headCursor + 1 };
      return { next, append: [{ cursor: next.headCursor, wire: `{"cursor":"${next.headCursor}"}` }], result: next.headCursor };
    });
  }
  return last;
}

describe('cursors', () => {
  it('after a crash cursors continue above every cursor handed out, and after a clean close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-journal-'));
    const a = new FileNexusStore(dir);
    await a.load(T0);
    await a.updateSession('s1', () => ({ next: session('s1'), result: null }));
    const acked = await send(a, 's1', 300);
    // `a` is abandoned without close(), as if killed: only what reached the journal counts.
    // Every cursor comes with a message on disk, so the head is exactly the last one answered.
    const b = new FileNexusStore(dir);
    await b.load(T0);
    expect((await b.getSession('s1'))!.headCursor).toBe(acked);
    expect(await send(b, 's1', 1)).toBe(acked + 1);
    await b.close();
    const c = new FileNexusStore(dir);
    await c.load(T0);
    expect((await c.getSession('s1'))!.headCursor).toBe(acked + 1);
    expect((await c.getSession('s1'))!.greeting).toBe('hello');
    await c.close();
  });
});

describe('the layout before the journal', () => {
  it('sessions/<id>.json files are loaded once, then folded into the snapshot and removed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-journal-'));
    const id = 'ab'.repeat(24);
    mkdirSync(join(dir, 'sessions'));
    writeFileSync(join(dir, 'sessions', `${id}.json`), JSON.stringify(session(id, 7)));
    writeFileSync(join(dir, 'sessions', `${id}.json.123.abc.tmp`), '{"half":');
    const store = new FileNexusStore(dir);
    await store.load(T0);
    expect((await store.getSession(id))?.headCursor).toBe(7);
    expect(existsSync(join(dir, 'sessions'))).toBe(false);
    await store.close();
    const again = new FileNexusStore(dir);
    await again.load(T0);
    expect((await again.getSession(id))?.greeting).toBe('hello');
    await again.close();
  });
});

describe('compaction', () => {
  it('lazy changes are written, journals fold into a snapshot, and a restart reads it back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-journal-'));
    const store = new FileNexusStore(dir, { flushEveryMs: 5, compactAfterBytes: 1 });
    await store.load(T0);
    for (let i = 0; i < 20; i++) await store.updateSession(`s${i}`, () => ({ next: session(`s${i}`), result: null }));
    // Slides are lazy: not written before they are answered, but by the next maintenance round,
    // which then folds the journals into a new snapshot once they outgrow it.
    for (let i = 0; i < 20; i++) await store.updateSession(`s${i}`, (s) => ({ next: { ...s!, expiresAt: T0 + (i === 3 ? 7_200_000 : 5_000_000) }, result: null }));
    const inSnapshot = () => {
      const lines = readFileSync(join(dir, 'snapshot.ndjson'), 'utf8').split('\n').filter(Boolean);
      return lines.length === 21 && lines.some((l) => JSON.parse(l).s?.sessionId === 's3' && JSON.parse(l).s.expiresAt === T0 + 7_200_000);
    };
    await waitFor(inSnapshot, 5000, 'a snapshot with the slide');
    expect(readdirSync(dir).filter((f) => f.startsWith('journal-')).length).toBeLessThanOrEqual(1);
    await store.close();
    const again = new FileNexusStore(dir);
    await again.load(T0);
    expect((await again.listSessions()).length).toBe(20);
    expect((await again.getSession('s3'))!.expiresAt).toBe(T0 + 7_200_000);
    expect((await again.getSession('s3'))!.greeting).toBe('hello');
    await again.close();
  });
});

describe('the stored message view', () => {
  it('equals JSON.stringify(messageView(m)) for awkward texts and payloads', () => {
    const texts = ['', 'plain', 'quote " backslash \\ newline \n tab \t', '\u0000\u001f\u2028\u2029', 'émoji 😀 lone \ud800 surrogate', '<script>'];
    for (const [i, text] of texts.entries()) {
      const m: Message = {
        id: `msg_${i}`,
        cursor: i,
        agentId: i % 2 ? 'agent-"x"' : 'system',
        text,
        ...(i % 3 === 0 ? { json: { a: [1, 'two', null, { b: text }] } } : {}),
        verified: i % 2 === 0,
        createdAt: T0 + i * 1234,
        expiresAt: T0 + 3_600_000 + i,
        type: i === 0 ? 'greeting' : 'message',
        ...(i % 2 ? { sanitized: true } : {}),
      };
      expect(stored(m).wire).toBe(JSON.stringify(messageView(m)));
    }
  });

  it('quotes a string exactly as JSON.stringify does (property)', () => {
    const awkward = fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', ' ', '\u007f', '\u2028', '\ud800', '\udc00', '😀', 'é', 'a');
    const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.array(awkward).map((a) => a.join('')));
    fc.assert(
      fc.property(text, (t) => {
        expect(jsonString(t)).toBe(JSON.stringify(t));
      }),
      { numRuns: 5000 },
    );
  });
});
