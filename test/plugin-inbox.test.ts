// The channel's durable inbox (src/plugin/inbox.ts): what is pending, told or done survives a
// reload; a done id is refused again, before and after the file is compacted; a torn last line
// (a crash mid-write) is ignored; the byte bounds refuse, per conversation and in total.
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Inbox, InboxFull, type InboxEntry } from '../src/plugin/inbox.ts';
import { tempDir } from './helpers/agents.ts';

const entry = (i: number, conv = 'nexus:s'): InboxEntry => ({ id: `${conv}:${i}`, conv, kind: 'message', from: 'peer', text: `m${i}`, at: i });

describe('Inbox', () => {
  it('keeps pending, told and done across a reload and a compaction; refuses a done id again', async () => {
    const dir = tempDir('inbox-');
    const a = new Inbox(dir);
    await a.load();
    for (let i = 0; i < 1100; i++) {
      expect(await a.add(entry(i))).toBe(true);
      if (i < 1096) await a.markDone([entry(i).id]);
    }
    await a.markTold([entry(1096).id], 'notify-only');
    await a.close();
    // 1100 adds + 1096 dones + 1 told: past 2000 lines, the file was compacted to what matters
    expect(readFileSync(join(dir, 'inbox.ndjson'), 'utf8').split('\n').length).toBeLessThan(200);
    appendFileSync(join(dir, 'inbox.ndjson'), '{"add":{"id":"torn'); // a crash mid-write
    const b = new Inbox(dir);
    await b.load();
    expect(b.pending().map((e) => e.id)).toEqual([1097, 1098, 1099].map((i) => entry(i).id));
    expect(b.told().map((e) => [e.id, e.told])).toEqual([[entry(1096).id, 'notify-only']]);
    expect(await b.add(entry(5))).toBe(false); // done before the compaction: still refused
    expect(await b.add(entry(1099))).toBe(false); // pending: not twice
    await b.close();
  });

  it('refuses past its byte bounds, per conversation and in total, and a done entry frees its share', async () => {
    const b = new Inbox(tempDir('inbox-'), { maxBytes: 600, maxBytesPerConversation: 400, rememberDone: 10 });
    await b.load();
    const big = (i: number, conv: string): InboxEntry => ({ ...entry(i, conv), text: 'x'.repeat(100) });
    await b.add(big(1, 'nexus:a'));
    await b.add(big(2, 'nexus:a'));
    await expect(b.add(big(3, 'nexus:a'))).rejects.toBeInstanceOf(InboxFull);
    await b.add(big(4, 'nexus:b'));
    await expect(b.add(big(5, 'nexus:c'))).rejects.toThrow(/the inbox is full \(600 bytes pending\)/);
    await b.markDone([big(1, 'nexus:a').id]);
    expect(await b.add(big(3, 'nexus:a'))).toBe(true);
    await b.close();
  });
});
