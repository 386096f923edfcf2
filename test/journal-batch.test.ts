// The journal's group commit (src/store/journal.ts): the appends of one turn of the event loop
// go out in one write; the file is opened O_DSYNC where the platform has it, so a write is
// durable when it returns and needs no fdatasync; a file system without that still gets one
// fdatasync per batch, and no append resolves before its batch is on disk.
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WRITE_DURABLE, Journal, ZEROED, nodeFs, type JournalFs } from '../src/store/journal.ts';

function countingFs(durable: boolean | undefined) {
  const calls = { writes: 0, datasyncs: 0, log: [] as string[] };
  const fs: JournalFs = {
    ...nodeFs,
    open: async (path, flags, mode) => {
      const fh = await nodeFs.open(path, flags, mode);
      return {
        ...(durable === undefined ? {} : { durable }),
        write: (buf, position) => (calls.writes++, calls.log.push(buf.every((b) => b === 0) ? 'zeros' : 'write'), fh.write(buf, position)),
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
    expect(typeof WRITE_DURABLE).toBe('number');
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    const fh = await nodeFs.open(join(dir, 'x'), WRITE_DURABLE, 0o600);
    expect(fh.durable).toBe(true);
    await fh.close();
    const plain = await nodeFs.open(join(dir, 'y'), 'w', 0o600);
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
    expect(calls.log.filter((c) => c === 'write')).toEqual(['write']);
    expect(calls.datasyncs).toBe(0); // durable writes
    expect(journalText(dir).replace(/\0+$/, '')).toBe(lines.join(''));
    await j.close();
  });

  it('a file that is not durable by itself gets one fdatasync per batch, after its write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    const { fs, calls } = countingFs(undefined);
    const j = new Journal(dir, fs);
    await j.load(() => {});
    await Promise.all([j.append('{"a":1}\n'), j.append('{"a":2}\n')]);
    await Promise.all([j.append('{"a":3}\n'), j.append('{"a":4}\n')]);
    // the file is zeroed ahead once (ZEROED), made durable, then each batch is written and synced
    expect(calls.log.filter((c) => c !== 'zeros')).toEqual(['datasync', 'write', 'datasync', 'write', 'datasync']);
    const seen: unknown[] = [];
    await j.close();
    await new Journal(dir, fs).load((r) => seen.push(r));
    expect(seen).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }, { a: 4 }]);
  });

  it('zeroes its file ahead of the lines; a reload reads up to the zeros, and a torn line before them is skipped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    const j = new Journal(dir);
    await j.load(() => {});
    await j.append('{"a":1}\n');
    await j.append('{"a":2}\n');
    const name = readdirSync(dir).find((f) => f.startsWith('journal-'))!;
    expect(statSync(join(dir, name)).size).toBeGreaterThanOrEqual(ZEROED);
    // `kill -9` mid-write: a torn line, then the zeros
    const text = readFileSync(join(dir, name));
    const end = text.indexOf(0);
    writeFileSync(join(dir, name), Buffer.concat([text.subarray(0, end), Buffer.from('{"a":3,"f":"to'), text.subarray(end + 14)]));
    const seen: unknown[] = [];
    const again = new Journal(dir);
    await again.load((r) => seen.push(r));
    expect(seen).toEqual([{ a: 1 }, { a: 2 }]);
    expect(again.bytesSinceSnapshot).toBe(end + 14);
    // the reload writes a fresh file, so the torn one is never appended to
    await again.append('{"a":4}\n');
    const seen2: unknown[] = [];
    await new Journal(dir).load((r) => seen2.push(r));
    expect(seen2).toEqual([{ a: 1 }, { a: 2 }, { a: 4 }]);
  });

  it('a disk too full for the zeros still takes the lines, and zeroing later never covers them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    const state = { failZeros: true };
    const fs: JournalFs = {
      ...nodeFs,
      open: async (path, flags, mode) => {
        const fh = await nodeFs.open(path, flags, mode);
        return {
          durable: fh.durable,
          write: (buf, position) => (state.failZeros && buf.every((b) => b === 0) ? Promise.reject(Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' })) : fh.write(buf, position)),
          datasync: () => fh.datasync(),
          sync: () => fh.sync(),
          truncate: (n) => fh.truncate(n),
          close: () => fh.close(),
        };
      },
    };
    const j = new Journal(dir, fs);
    await j.load(() => {});
    await j.append('{"a":1}\n');
    await j.append('{"a":2}\n');
    state.failZeros = false;
    await j.append('{"a":3}\n');
    await j.append('{"a":4}\n');
    await j.close();
    const seen: unknown[] = [];
    await new Journal(dir).load((r) => seen.push(r));
    expect(seen).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }, { a: 4 }]);
  });
});
