/**
 * The file operations of the journal (journal.ts): a raw descriptor driven with node's callback
 * API, opened O_DSYNC where the platform has it, and the zeroed-ahead layout its lines go in.
 * Tests pass a JournalFs that fails on demand.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';

/** The few file operations the journal uses; tests pass one that fails on demand. */
export interface JournalFile {
  /** Set when a write returns only once its data is on disk (O_DSYNC): no datasync is needed. */
  readonly durable?: boolean;
  /** Writes at `position` (a journal's own bytes are placed, never appended: see ZEROED). */
  write(data: Buffer, position?: number): Promise<{ bytesWritten: number }>;
  datasync(): Promise<void>;
  sync(): Promise<void>;
  truncate(len: number): Promise<void>;
  close(): Promise<void>;
}

export interface JournalFs {
  open(path: string, flags: string | number, mode?: number): Promise<JournalFile>;
  readFile(path: string): Promise<string>;
  readdir(path: string): Promise<string[]>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, opts?: { recursive?: boolean; force?: boolean }): Promise<void>;
  mkdir(path: string): Promise<void>;
}

const done = (resolve: () => void, reject: (e: unknown) => void) => (e: unknown) => (e ? reject(e) : resolve());

/** A file descriptor driven with node's callback API: lighter than a FileHandle on every write. */
function fdFile(fd: number, durable: boolean): JournalFile {
  return {
    durable,
    write: (data, position) => new Promise((resolve, reject) => fs.write(fd, data, 0, data.length, position ?? null, (e, n) => (e ? reject(e) : resolve({ bytesWritten: n })))),
    datasync: () => new Promise((resolve, reject) => fs.fdatasync(fd, done(resolve, reject))),
    sync: () => new Promise((resolve, reject) => fs.fsync(fd, done(resolve, reject))),
    truncate: (len) => new Promise((resolve, reject) => fs.ftruncate(fd, len, done(resolve, reject))),
    close: () => new Promise((resolve, reject) => fs.close(fd, done(resolve, reject))),
  };
}

/**
 * Create, write, and (where there is one) O_DSYNC: every write is durable when it returns.
 * Not O_APPEND: lines are written at their place in a file zeroed ahead of them (ZEROED).
 */
export const WRITE_DURABLE: string | number =
  fs.constants.O_DSYNC === undefined ? 'w' : fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_DSYNC;

/**
 * A journal file is zeroed this far ahead of its lines (written and made durable once), so a
 * line's durable write changes no file size or block map: the file system writes the data and
 * commits no metadata, about a third less work per batch (as databases do with their WAL
 * segments). A reader stops at the first NUL: JSON lines never hold one.
 */
export const ZEROED = 1 << 20;
export const ZEROS = Buffer.alloc(64 * 1024);

export const nodeFs: JournalFs = {
  open: (path, flags, mode) =>
    new Promise((resolve, reject) =>
      fs.open(path, flags, mode, (e, fd) => (e ? reject(e) : resolve(fdFile(fd, typeof flags === 'number' && fs.constants.O_DSYNC !== undefined && (flags & fs.constants.O_DSYNC) !== 0)))),
    ),
  readFile: (path) => fsp.readFile(path, 'utf8'),
  readdir: (path) => fsp.readdir(path),
  rename: (a, b) => fsp.rename(a, b),
  rm: (path, opts) => fsp.rm(path, opts),
  mkdir: async (path) => void (await fsp.mkdir(path, { recursive: true, mode: 0o700 })),
};

export async function writeAll(fh: JournalFile, text: string): Promise<number> {
  const buf = Buffer.from(text);
  for (let off = 0; off < buf.length; ) off += (await fh.write(buf.subarray(off))).bytesWritten;
  return buf.length;
}

/** A journal's lines: its text up to the zeroed rest of the file (ZEROED). */
export function untilNul(text: string): string {
  const end = text.indexOf('\0');
  return end < 0 ? text : text.slice(0, end);
}

export function parse(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}

export function replay(line: string, apply: (record: unknown) => void): void {
  if (!line) return;
  const r = parse(line);
  if (r && typeof r === 'object') apply(r);
}
