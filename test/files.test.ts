// Both ways of doing the stores' file work (src/store/files.ts) keep one contract: the stores
// (session cache, its lock, key files) cannot tell them apart.
import { existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inlineFiles, poolFiles, type Files } from '../src/store/files.ts';
import { readTextOrNull, writeFileAtomic } from '../src/store/atomic-file.ts';
import { tempDir } from './helpers/agents.ts';

const codeOf = async (p: Promise<unknown>) => ((await p.then(() => null, (e: NodeJS.ErrnoException) => e)) as NodeJS.ErrnoException | null)?.code;

describe.each([
  ['poolFiles', poolFiles],
  ['inlineFiles', inlineFiles],
] as [string, Files][])('%s', (_name, files) => {
  it('reads and writes text, with the mode asked for; a missing file is ENOENT, as a rejection', async () => {
    const dir = tempDir();
    const f = join(dir, 'a');
    await files.write(f, 'héllo', { mode: 0o600 });
    expect(await files.readText(f)).toBe('héllo');
    expect(statSync(f).mode & 0o777).toBe(0o600);
    await files.write(f, 'again', { mode: 0o600, durable: true });
    expect(readFileSync(f, 'utf8')).toBe('again');
    const missing = files.readText(join(dir, 'none'));
    expect(missing).toBeInstanceOf(Promise); // never a synchronous throw
    expect(await codeOf(missing)).toBe('ENOENT');
  });

  it('an exclusive write and a link fail with EEXIST when the name is taken, leaving it as it was', async () => {
    const dir = tempDir();
    const f = join(dir, 'g');
    await files.write(f, 'first', { mode: 0o600, exclusive: true });
    expect(await codeOf(files.write(f, 'second', { mode: 0o600, exclusive: true }))).toBe('EEXIST');
    writeFileSync(join(dir, 'tmp'), 'other');
    expect(await codeOf(files.link(join(dir, 'tmp'), f))).toBe('EEXIST');
    expect(readFileSync(f, 'utf8')).toBe('first');
    await files.link(join(dir, 'tmp'), join(dir, 'h'));
    expect(readFileSync(join(dir, 'h'), 'utf8')).toBe('other');
  });

  it('makes folders with their parents, lists, renames, removes (a missing file is no error), reads mtimes', async () => {
    const dir = tempDir();
    const deep = join(dir, 'x', 'y');
    await files.makeDirs(deep, 0o700);
    await files.makeDirs(deep, 0o700); // again: no error
    expect(statSync(deep).mode & 0o777).toBe(0o700);
    await files.checkWritable(deep);
    writeFileSync(join(deep, 'a'), '1');
    await files.rename(join(deep, 'a'), join(deep, 'b'));
    expect(await files.list(deep)).toEqual(['b']);
    utimesSync(join(deep, 'b'), 1000, 1000);
    expect(await files.mtimeMs(join(deep, 'b'))).toBe(1_000_000);
    await files.remove(join(deep, 'b'));
    await files.remove(join(deep, 'b'));
    expect(existsSync(join(deep, 'b'))).toBe(false);
    expect(await codeOf(files.list(join(dir, 'none')))).toBe('ENOENT');
    expect(await files.exists(deep)).toBe(true);
    expect(await files.exists(join(dir, 'none'))).toBe(false);
    writeFileSync(join(deep, 'c'), '');
    await files.removeTree(join(dir, 'x'));
    await files.removeTree(join(dir, 'x'));
    expect(await files.exists(join(dir, 'x'))).toBe(false);
    writeFileSync(join(dir, 'file'), '');
    expect(await codeOf(files.makeDirs(join(dir, 'file', 'sub'), 0o700))).toBe('ENOTDIR');
  });

  it('writeFileAtomic replaces a file whole and leaves no temp file, also when the rename fails', async () => {
    const dir = tempDir();
    const f = join(dir, 'state', 'cache.json');
    await writeFileAtomic(f, '{"v":1}', { files });
    await writeFileAtomic(f, '{"v":2}', { files, dirExists: true });
    expect(await readTextOrNull(f, files)).toBe('{"v":2}');
    expect(await readTextOrNull(join(dir, 'none'), files)).toBeNull();
    expect(await files.list(join(dir, 'state'))).toEqual(['cache.json']);
    // The target is a folder: the rename fails, the temp file goes, the error is the file system's.
    mkdirSync(join(dir, 'state', 'taken'));
    writeFileSync(join(dir, 'state', 'taken', 'x'), '');
    expect(await codeOf(writeFileAtomic(join(dir, 'state', 'taken'), 'text', { files, dirExists: true }))).toMatch(/^E(ISDIR|NOTEMPTY|EXIST)$/);
    expect((await files.list(join(dir, 'state'))).sort()).toEqual(['cache.json', 'taken']);
  });

  it('a durable writeFileAtomic fsyncs the file, renames, then fsyncs the folder (so a power cut cannot undo the rename)', async () => {
    const dir = tempDir();
    const calls: string[] = [];
    const traced: Files = {
      ...files,
      write: (path, text, o) => (calls.push(`write durable=${o.durable === true}`), files.write(path, text, o)),
      rename: (from, to) => (calls.push('rename'), files.rename(from, to)),
      syncDir: (path) => (calls.push(`syncDir ${path === dir}`), files.syncDir(path)),
    };
    await writeFileAtomic(join(dir, 'c.json'), '{}', { files: traced, dirExists: true });
    expect(calls).toEqual(['write durable=true', 'rename', 'syncDir true']);
    calls.length = 0;
    await writeFileAtomic(join(dir, 'c.json'), '{}', { files: traced, dirExists: true, sync: false });
    expect(calls).toEqual(['write durable=false', 'rename']);
    await files.syncDir(dir); // a real folder fsync works with both
  });

  it('writeFileAtomic removes its temp file when the write itself fails (a full disk), and reports that error', async () => {
    const dir = tempDir();
    const full: Files = {
      ...files,
      async write(path, _text, o) {
        await files.write(path, '', o); // the file exists, its text could not be written
        throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      },
    };
    await files.write(join(dir, 'cache.json'), 'old', { mode: 0o600 });
    expect(await codeOf(writeFileAtomic(join(dir, 'cache.json'), 'new', { files: full }))).toBe('ENOSPC');
    expect(await files.list(dir)).toEqual(['cache.json']);
    expect(await files.readText(join(dir, 'cache.json'))).toBe('old');
  });
});
