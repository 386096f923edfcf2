// The journal's group commit (src/store/journal.ts): the appends of one turn of the event loop
// go out in one write; the file is opened O_DSYNC where the platform has it, so a write is
// durable when it returns and needs no fdatasync; a file system without that still gets one
// fdatasync per batch, and no append resolves before its batch is on disk.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APPEND_DURABLE, Journal, nodeFs, type JournalFs } from '../src/store/journal.ts';

function countingFs(durable: boolean | undefined) {
  const calls = { writes: 0, datasyncs: 0, log: [] as string[] };
  const fs: JournalFs = {
    ...nodeFs,
    open: async (path, flags, mode) => {
      const fh = await nodeFs.open(path, flags, mode);
      return {
        ...(durable === undefined ? {} : { durable }),
        write: (buf) => (calls.writes++, calls.log.push('write'), fh.write(buf)),
        datasync: () => (calls.datasyncs++, calls.log.push('datasync'), fh.datasync()),
        sync: () => fh.sync(),
        truncate: (n) => fh.truncate(n),
        close: () => fh.close(),
      };
    },
  };
  return { fs, calls };
}

const journalText = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('journal-')).map((f) => readFileSync(join(dir, f), 'utf8')).join('');

describe('journal group commit', () => {
  it('opens its file O_DSYNC on this platform: a write is durable, no fdatasync is added', async () => {
    if (process.platform !== 'linux') return;
    expect(typeof APPEND_DURABLE).toBe('number');
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    const fh = await nodeFs.open(join(dir, 'x'), APPEND_DURABLE, 0o600);
    expect(fh.durable).toBe(true);
    await fh.close();
    const plain = await nodeFs.open(join(dir, 'y'), 'a', 0o600);
    expect(plain.durable).toBe(false);
    await plain.close();
  });

  it('writes the appends of one turn in one write, in order, and resolves them after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    const { fs, calls } = countingFs(true);
    const j = new Journal(dir, fs);
    await j.load(() => {});
    const lines = Array.from({ length: 50 }, (_, i) => `{"i":${i}}\n`);
    await Promise.all(lines.map((l) => j.append(l)));
    expect(calls.writes).toBe(1);
    expect(calls.datasyncs).toBe(0); // durable writes
    expect(journalText(dir)).toBe(lines.join(''));
    await j.close();
  });

  it('a file that is not durable by itself gets one fdatasync per batch, after its write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    const { fs, calls } = countingFs(undefined);
    const j = new Journal(dir, fs);
    await j.load(() => {});
    await Promise.all([j.append('{"a":1}\n'), j.append('{"a":2}\n')]);
    await Promise.all([j.append('{"a":3}\n'), j.append('{"a":4}\n')]);
    expect(calls.log).toEqual(['write', 'datasync', 'write', 'datasync']);
    const seen: unknown[] = [];
    await j.close();
    await new Journal(dir, fs).load((r) => seen.push(r));
    expect(seen).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }, { a: 4 }]);
  });
});
