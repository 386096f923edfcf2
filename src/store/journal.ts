/**
 * An append-only journal with group commit, and the snapshot that compacts it: the durable
 * half of FileNexusStore. Lines are JSON records, applied in order on load; every record is a
 * whole state (idempotent), so replaying a record twice or a snapshot taken while writes go on
 * ends in the same state.
 *
 * Files in the directory: `snapshot.ndjson` (first line `{"gen":G}`: it includes every journal
 * older than G) and `journal-<gen>.ndjson`. `append` resolves only after the line is written
 * and on disk (the file is opened O_DSYNC where the platform has it: the write returns once the
 * data is durable, one system call; else write + fdatasync). A batch starts after the current
 * turn of the event loop, so every append made while the requests that arrived together are
 * handled goes out in one write; lines queued while a write is in flight go out together in the
 * next one. A failed write is cut off again (or its file abandoned
 * for a new generation) and every waiter gets StorageUnavailable; the next append tries again,
 * so the journal recovers by itself once the disk takes writes.
 */
import { join } from 'node:path';
import { WRITE_DURABLE, ZEROED, ZEROS, nodeFs, parse, replay, untilNul, writeAll, type JournalFile, type JournalFs } from './journal-files.ts';
import { StorageUnavailable } from './nexus-store.ts';

export { WRITE_DURABLE, ZEROED, nodeFs, type JournalFile, type JournalFs } from './journal-files.ts';

const SNAPSHOT = 'snapshot.ndjson';
const JOURNAL = /^journal-(\d{1,15})\.ndjson$/;

/** Lines waiting for the next write; every append of a batch shares its one promise. */
interface Batch {
  lines: string[];
  done: Promise<void>;
  resolve: () => void;
  reject: (e: unknown) => void;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { lines: [], done, resolve, reject };
}

const nextTurn = () => new Promise<void>((r) => setImmediate(r));

function storageError(e: unknown): StorageUnavailable {
  if (e instanceof StorageUnavailable) return e;
  const code = (e as NodeJS.ErrnoException)?.code ?? 'EIO';
  return new StorageUnavailable(code, `the server cannot write its data directory (${code})`);
}

export class Journal {
  private fh: JournalFile | null = null;
  private gen = 0;
  /** Bytes of the current journal file known to be complete. */
  private size = 0;
  /** Bytes of the current file zeroed and durable (lines go below this). */
  private zeroed = 0;
  private next: Batch | null = null;
  private writing: Promise<void> | null = null;
  private ok = true;
  /** Journal bytes written since the last snapshot (decides when to compact). */
  bytesSinceSnapshot = 0;
  snapshotBytes = 0;

  constructor(
    private readonly dir: string,
    private readonly fs: JournalFs = nodeFs,
  ) {}

  get available(): boolean {
    return this.ok;
  }

  /**
   * Reads the snapshot and every journal it does not include, calling `apply` per record in
   * order (a torn or unreadable line is skipped), and removes leftover temp files.
   */
  async load(apply: (record: unknown) => void): Promise<void> {
    await this.fs.mkdir(this.dir);
    const names = await this.fs.readdir(this.dir);
    // Best effort: a read-only or full disk must not keep the server from starting.
    for (const f of names) if (f.endsWith('.tmp')) await this.fs.rm(join(this.dir, f), { force: true }).catch(() => {});
    let covered = 0;
    if (names.includes(SNAPSHOT)) {
      const text = await this.fs.readFile(join(this.dir, SNAPSHOT));
      this.snapshotBytes = Buffer.byteLength(text);
      const lines = text.split('\n');
      const head = parse(lines[0] ?? '') as { gen?: unknown } | null;
      covered = typeof head?.gen === 'number' ? head.gen : 0;
      for (const line of lines.slice(1)) replay(line, apply);
    }
    const gens = names.flatMap((f) => (JOURNAL.exec(f) ? [Number(JOURNAL.exec(f)![1])] : [])).sort((a, b) => a - b);
    for (const g of gens) {
      const path = join(this.dir, `journal-${g}.ndjson`);
      if (g < covered) {
        await this.fs.rm(path, { force: true }).catch(() => {});
        continue;
      }
      const text = untilNul(await this.fs.readFile(path));
      this.bytesSinceSnapshot += Buffer.byteLength(text);
      for (const line of text.split('\n')) replay(line, apply);
    }
    // A fresh file: an old one may end in a torn line.
    this.gen = Math.max(covered, ...gens, 0) + 1;
  }

  /** Appends lines (each ending in "\n") and resolves once they are on disk. */
  append(data: string): Promise<void> {
    const batch = (this.next ??= newBatch());
    batch.lines.push(data);
    if (!this.writing) this.writing = this.pump();
    return batch.done;
  }

  private async pump(): Promise<void> {
    // Each batch starts after the current turn of the event loop: the rest of this turn's
    // appends (the other requests read with this one, or with the last write's completion) join it.
    while ((await nextTurn(), this.next)) {
      const batch = this.next;
      this.next = null;
      const buf = Buffer.from(batch.lines.length === 1 ? batch.lines[0]! : batch.lines.join(''));
      try {
        if (!this.fh) await this.openCurrent();
        if (this.size + buf.length > this.zeroed) await this.zeroAhead(this.size + buf.length);
        for (let off = 0; off < buf.length; ) off += (await this.fh!.write(buf.subarray(off), this.size + off)).bytesWritten;
        if (!this.fh!.durable) await this.fh!.datasync();
        this.size += buf.length;
        this.bytesSinceSnapshot += buf.length;
        this.ok = true;
        batch.resolve();
      } catch (e) {
        this.ok = false;
        await this.cutOff();
        batch.reject(storageError(e));
      }
    }
    this.writing = null;
  }

  private async openCurrent(): Promise<void> {
    this.fh = await this.fs.open(join(this.dir, `journal-${this.gen}.ndjson`), WRITE_DURABLE, 0o600);
    this.size = 0;
    this.zeroed = 0;
  }

  /**
   * Zeroes the file from its end to past `need` (ZEROED more), durably. Best effort: a disk
   * too full for the zeros may still take the lines, written at the file's end as usual.
   */
  private async zeroAhead(need: number): Promise<void> {
    const fh = this.fh!;
    const end = need + ZEROED;
    try {
      // from the end of what is there: lines written past an earlier failed zeroing are kept
      for (let at = Math.max(this.zeroed, this.size); at < end; ) at += (await fh.write(ZEROS.subarray(0, Math.min(ZEROS.length, end - at)), at)).bytesWritten;
      if (!fh.durable) await fh.datasync();
      this.zeroed = end;
    } catch {
      await fh.truncate(this.size).catch(() => {}); // no zeros past the lines; the write below says what the disk takes
      this.zeroed = this.size;
    }
  }

  /**
   * After a failed write: cut the file back to its last complete line (what lay beyond is
   * zeroed again before the next write), or start a new one.
   */
  private async cutOff(): Promise<void> {
    if (!this.fh) return;
    try {
      await this.fh.truncate(this.size);
      this.zeroed = this.size;
    } catch {
      await this.fh.close().catch(() => {});
      this.fh = null;
      this.gen++;
    }
  }

  /** Waits until nothing is being written. */
  async idle(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /**
   * Writes a snapshot of `lines()` (an async iterable, so a large state is produced in slices;
   * called synchronously at the switch of files) and drops the journals it includes. New appends go to a new journal file from the moment
   * this starts, so the snapshot (taken while writes go on) plus that journal is complete.
   * Throws StorageUnavailable on failure, leaving every journal in place.
   */
  async compact(lines: () => AsyncIterable<string>): Promise<void> {
    // Switch files with no write in flight, in one synchronous step (no await in between).
    while (this.writing) await this.writing;
    const covered = this.gen + 1;
    const old = this.fh;
    this.fh = null;
    this.gen = covered;
    this.size = 0;
    this.bytesSinceSnapshot = 0;
    // Asked for in the same step: a store may capture its state here, which then holds exactly
    // what the older journals hold (messenger-file-store.ts).
    const source = lines();
    await old?.close().catch(() => {});
    const tmp = join(this.dir, `${SNAPSHOT}.${process.pid}.${Date.now()}.tmp`);
    let written = 0;
    try {
      const fh = await this.fs.open(tmp, 'w', 0o600);
      try {
        let chunk = `${JSON.stringify({ gen: covered })}\n`;
        for await (const line of source) {
          chunk += line;
          if (chunk.length >= 1 << 20) {
            written += await writeAll(fh, chunk);
            chunk = '';
          }
        }
        written += await writeAll(fh, chunk);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await this.fs.rename(tmp, join(this.dir, SNAPSHOT));
      await this.syncDir();
    } catch (e) {
      await this.fs.rm(tmp, { force: true }).catch(() => {});
      throw storageError(e);
    }
    this.snapshotBytes = written;
    for (const f of await this.fs.readdir(this.dir).catch(() => [] as string[])) {
      const m = JOURNAL.exec(f);
      if (m && Number(m[1]) < covered) await this.fs.rm(join(this.dir, f), { force: true }).catch(() => {});
    }
  }

  /** Makes the rename itself durable (best effort: not every file system allows it). */
  private async syncDir(): Promise<void> {
    try {
      const d = await this.fs.open(this.dir, 'r');
      await d.sync().finally(() => d.close());
    } catch {
      // ignore
    }
  }

  async close(): Promise<void> {
    await this.idle();
    if (this.fh) this.gen++; // an append after this goes to a fresh file, never over this one
    await this.fh?.close().catch(() => {});
    this.fh = null;
  }
}
