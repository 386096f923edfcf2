/**
 * The session store on disk (nexus spec §2.2: session metadata and the head cursor survive a
 * restart; messages do not). Memory is the working copy; a journal (journal.ts) makes changes
 * durable BEFORE they are applied and answered, so `kill -9` loses nothing acknowledged:
 *
 * - material changes (create, join, claim, leave, a new TTL, key requirements) are written and
 *   fdatasync'ed first (group commit), then applied; a failed write changes nothing and the
 *   caller answers 503;
 * - cursors are reserved in blocks: the journal holds a ceiling `c` >= every cursor handed out,
 *   and a restart after a crash continues above it (a gap in cursors is harmless, a reused one
 *   makes clients skip messages). Only the send that crosses a ceiling waits for the disk;
 * - slides of the inactivity TTL and lastSeenAt are written lazily, once a minute (a crash may
 *   expire a session up to a minute early).
 *
 * Transitions on one session are serialised while a write for it is in flight.
 */
import { join } from 'node:path';
import { Journal, nodeFs, type JournalFs } from './journal.ts';
import { MemoryNexusStore } from './memory-nexus-store.ts';
import type { MessageBudget, SessionRecord, Update } from './nexus-store.ts';
import { materialChange, replayLine, upsertLine, validSession } from './nexus-journal-lines.ts';

/** Cursors reserved per durable write; after a crash a session's cursors jump by at most this. */
export const CURSOR_BLOCK = 256;
const SLICE = 500;

export interface FileStoreOptions {
  budget?: Partial<MessageBudget>;
  /** File operations (tests inject failures). */
  fs?: JournalFs;
  /** How often lazy changes are written and the journal compacted (ms). */
  flushEveryMs?: number;
  /** Journal bytes after which a snapshot replaces the journals (at least the snapshot's size). */
  compactAfterBytes?: number;
}

const yieldNow = () => new Promise<void>((r) => setImmediate(r));
const noop = () => {};

export class FileNexusStore extends MemoryNexusStore {
  private readonly journal: Journal;
  private readonly fs: JournalFs;
  private readonly ceilings = new Map<string, number>();
  private readonly locks = new Map<string, Promise<void>>();
  private readonly dirty = new Set<string>();
  private maintaining: Promise<void> | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly opts: FileStoreOptions = {},
  ) {
    super(opts.budget);
    this.fs = opts.fs ?? nodeFs;
    this.journal = new Journal(dataDir, this.fs);
  }

  /** Loads every unexpired session, cleans leftovers, compacts; returns how many were loaded. */
  async load(now: number): Promise<number> {
    const loaded = new Map<string, SessionRecord>();
    const legacy = join(this.dataDir, 'sessions');
    await this.loadLegacy(legacy, loaded);
    await this.journal.load((r) => replayLine(loaded, r));
    for (const s of loaded.values()) {
      if (s.expiresAt <= now) continue;
      this.apply(s.sessionId, { next: s, result: null });
      this.ceilings.set(s.sessionId, s.headCursor);
    }
    try {
      await this.journal.compact(() => this.snapshotLines(false));
      await this.fs.rm(legacy, { recursive: true, force: true });
    } catch {
      // A full or read-only disk: serve from the journals; compaction is tried again later.
    }
    this.timer = setInterval(() => void this.maintain(), this.opts.flushEveryMs ?? 60_000);
    this.timer.unref();
    return this.sessions.size;
  }

  /** `sessions/<id>.json`, the layout before the journal; removed once a snapshot holds it. */
  private async loadLegacy(dir: string, into: Map<string, SessionRecord>): Promise<void> {
    let names: string[];
    try {
      names = await this.fs.readdir(dir);
    } catch {
      return;
    }
    for (const f of names) {
      if (!/^[0-9a-f]{16,128}\.json$/.test(f)) continue;
      try {
        const s = JSON.parse(await this.fs.readFile(join(dir, f))) as unknown;
        if (validSession(s)) into.set(s.sessionId, s);
      } catch {
        // unreadable: skipped
      }
    }
  }

  override updateSession<T>(id: string, fn: (s: SessionRecord | null) => Update<T, SessionRecord>): Promise<T> {
    const held = this.locks.get(id);
    if (!held) return this.step(id, fn);
    const p = held.then(() => this.step(id, fn));
    this.hold(id, p);
    return p;
  }

  /** Later transitions on `id` wait for `p`. */
  private hold(id: string, p: Promise<unknown>): void {
    const guard = p.then(noop, noop);
    this.locks.set(id, guard);
    void guard.then(() => {
      if (this.locks.get(id) === guard) this.locks.delete(id);
    });
  }

  private step<T>(id: string, fn: (s: SessionRecord | null) => Update<T, SessionRecord>): Promise<T> {
    const prev = this.sessions.get(id) ?? null;
    let u: Update<T, SessionRecord>;
    try {
      u = fn(prev);
    } catch (e) {
      return Promise.reject(e);
    }
    const next = u.next;
    const ceiling = this.ceilings.get(id) ?? -1;
    if (!next || (prev && next.headCursor <= ceiling && !materialChange(prev, next))) {
      const r = this.apply(id, u);
      if (next) this.dirty.add(id);
      return Promise.resolve(r);
    }
    const reserve = next.headCursor + CURSOR_BLOCK;
    const p = this.journal.append(upsertLine(next, reserve, !prev)).then(() => {
      this.ceilings.set(id, reserve);
      return this.apply(id, u);
    });
    this.hold(id, p);
    return p;
  }

  protected override apply<T>(id: string, u: Update<T, SessionRecord>): T {
    if (u.next === null && this.sessions.has(id)) {
      this.ceilings.delete(id);
      this.dirty.add(id); // written lazily: an expired session is dropped on load anyway
    }
    return super.apply(id, u);
  }

  protected override deletable(id: string): boolean {
    return !this.locks.has(id);
  }

  /** Writes lazy changes, then compacts when the journals outgrow the snapshot. */
  private maintain(): Promise<void> {
    this.maintaining ??= (async () => {
      try {
        await this.flushDirty();
        const limit = Math.max(this.opts.compactAfterBytes ?? 8 << 20, this.journal.snapshotBytes);
        if (this.journal.bytesSinceSnapshot > limit) await this.journal.compact(() => this.snapshotLines(false));
      } catch {
        // Storage unavailable: the dirty set is kept and tried again next time.
      } finally {
        this.maintaining = null;
      }
    })();
    return this.maintaining;
  }

  private async flushDirty(): Promise<void> {
    const ids = [...this.dirty];
    this.dirty.clear();
    for (let i = 0; i < ids.length; i += SLICE) {
      let text = '';
      for (const id of ids.slice(i, i + SLICE)) {
        // A session with a write in flight gets its newer state from that write.
        if (this.locks.has(id)) continue;
        const s = this.sessions.get(id);
        text += s ? upsertLine(s, this.ceilings.get(id) ?? s.headCursor, false) : `${JSON.stringify({ d: id })}\n`;
      }
      try {
        if (text) await this.journal.append(text);
      } catch (e) {
        for (const id of ids.slice(i)) this.dirty.add(id);
        throw e;
      }
      await yieldNow();
    }
  }

  /**
   * Every session with its greeting, in slices. `exact`: the ceiling is the head itself (a
   * clean shutdown), so a restart continues at head + 1.
   */
  private async *snapshotLines(exact: boolean): AsyncIterable<string> {
    await yieldNow(); // let writes that just completed be applied first
    let chunk = '';
    let n = 0;
    for (const s of this.sessions.values()) {
      chunk += upsertLine(s, exact ? s.headCursor : (this.ceilings.get(s.sessionId) ?? s.headCursor), true);
      if (++n % SLICE === 0) {
        yield chunk;
        chunk = '';
        await yieldNow();
      }
    }
    yield chunk;
  }

  override health(): 'ok' | 'unavailable' {
    return this.journal.available ? 'ok' : 'unavailable';
  }

  override async close(): Promise<void> {
    clearInterval(this.timer);
    while (this.locks.size) await Promise.all([...this.locks.values()]);
    await this.maintaining;
    try {
      await this.journal.compact(() => this.snapshotLines(true));
    } catch {
      await this.flushDirty().catch(noop);
    }
    await this.journal.close();
  }
}
