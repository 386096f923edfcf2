/**
 * The session store on disk (nexus spec §2.2: session metadata and the head cursor survive a
 * restart; beyond the spec, where the reference keeps messages in memory only, messages do
 * too). Memory is the working copy; a journal (journal.ts) makes changes durable BEFORE they
 * are applied and answered, so `kill -9` loses nothing acknowledged:
 *
 * - material changes (create, join, claim, leave, a new TTL, key requirements) are written and
 *   fdatasync'ed first (group commit), then applied; a failed write changes nothing and the
 *   caller answers 503. Later transitions on that session wait for it.
 * - each message is a journal line (message-journal.ts), on disk before its send is applied and
 *   answered. Sends on one session do not wait for each other's write: each runs on the state
 *   the writes in flight will leave, its line joins their group commit, and they are applied in
 *   order as their writes complete (session-flights.ts). A send whose write fails is answered
 *   503 and never stored; one already computed on top of it leaves a gap in the cursors
 *   (harmless: a reused cursor would make clients skip messages, a gap does not).
 * - every cursor comes with a message, so a restart continues above the highest on disk.
 * - slides of the inactivity TTL by polls and renews, and lastSeenAt, are written lazily, once
 *   a minute (a crash may expire a session up to a minute early; a send's line carries its slide).
 *
 * The disk stays bounded: the journals are folded into a snapshot of what is live (sessions,
 * and the messages the budgets keep) once they outgrow it, or once the messages dropped since
 * (budget, expiry) are half of what is on disk.
 */
import { join } from 'node:path';
import { Journal, nodeFs, type JournalFs } from './journal.ts';
import { MemoryNexusStore } from './memory-nexus-store.ts';
import { emptyReplay, liveAfterReplay, messageLine, replayRecord } from './message-journal.ts';
import type { MaybePromise } from '../maybe-promise.ts';
import type { MessageBudget, SessionRecord, Update } from './nexus-store.ts';
import { materialChange, upsertLine, validSession } from './nexus-journal-lines.ts';
import { SessionFlights, type WriteKind } from './session-flights.ts';

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
  private readonly flights = new SessionFlights({
    stored: (id) => this.sessions.get(id) ?? null,
    kind: (base, u) => this.writeKind(base, u),
    write: (id, base, u, kind) => this.write(id, base, u, kind),
    apply: (id, u, kind) => {
      // A material line holds the whole record; a send's line only the message and the slide.
      if (kind !== 'material' && u.next) this.dirty.add(id);
      return this.apply(id, u);
    },
  });
  private readonly dirty = new Set<string>();
  /** MessageLog.droppedBytes when the last snapshot was taken. */
  private droppedAtSnapshot = 0;
  /** The last compaction failed: the next is tried by the timer, not by every write. */
  private compactFailed = false;
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

  /**
   * Loads every unexpired session and its messages (in stored order, through the same budgets
   * as in memory), cleans leftovers, compacts; returns how many sessions were loaded.
   */
  async load(now: number): Promise<number> {
    const replayed = emptyReplay();
    const legacy = join(this.dataDir, 'sessions');
    await this.loadLegacy(legacy, replayed.sessions);
    await this.journal.load((r) => replayRecord(replayed, r));
    const live = liveAfterReplay(replayed, now);
    for (const s of live.sessions) this.apply(s.sessionId, { next: s, result: null });
    for (const { sid, m } of live.messages) this.log.append(sid, [m]);
    try {
      await this.compact();
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

  override updateSession<T>(id: string, fn: (s: SessionRecord | null) => Update<T, SessionRecord>): MaybePromise<T> {
    return this.flights.run(id, fn);
  }

  /** What must be on disk before a change is applied (session-flights.ts). */
  private writeKind(base: SessionRecord | null, u: Update<unknown, SessionRecord>): WriteKind {
    const next = u.next;
    if (next && (!base || materialChange(base, next))) return 'material';
    if (next !== null && u.append?.length) return 'message';
    return 'none'; // a slide or a deletion: written lazily
  }

  /** A material change writes the whole record (the greeting only when new); each message its line. */
  private write(id: string, base: SessionRecord | null, u: Update<unknown, SessionRecord>, kind: WriteKind): Promise<void> {
    const s = u.next ?? base;
    let text = kind === 'material' && u.next ? upsertLine(u.next, u.next.headCursor, !base) : '';
    for (const m of u.append ?? []) text += messageLine(id, m, s?.expiresAt);
    const written = this.journal.append(text);
    // Messages make the journal grow fast: compact when it is due, not only once a minute.
    if (!this.compactFailed && this.journal.bytesSinceSnapshot > this.journalLimit()) void this.maintain();
    return written;
  }

  /** Journal bytes after which a snapshot replaces the journals. */
  private journalLimit(): number {
    return Math.max(this.opts.compactAfterBytes ?? 8 << 20, this.journal.snapshotBytes);
  }

  protected override apply<T>(id: string, u: Update<T, SessionRecord>): T {
    // Written lazily: an expired session is dropped on load anyway, and its messages with it.
    if (u.next === null && this.sessions.has(id)) this.dirty.add(id);
    return super.apply(id, u);
  }

  protected override deletable(id: string): boolean {
    return !this.flights.busy(id);
  }

  /** Writes lazy changes, then compacts when the journals outgrow the snapshot or are mostly dead. */
  private maintain(): Promise<void> {
    this.maintaining ??= (async () => {
      try {
        await this.flushDirty();
        const { bytesSinceSnapshot: journal, snapshotBytes: snapshot } = this.journal;
        const dead = this.log.droppedBytes - this.droppedAtSnapshot;
        const deadLimit = Math.max(this.opts.compactAfterBytes ?? 8 << 20, (snapshot + journal) / 2);
        if (journal > this.journalLimit() || dead > deadLimit) await this.compact();
      } catch {
        // Storage unavailable: the dirty set is kept and tried again next time.
      } finally {
        this.maintaining = null;
      }
    })();
    return this.maintaining;
  }

  private async compact(): Promise<void> {
    const dropped = this.log.droppedBytes;
    this.compactFailed = true;
    await this.journal.compact(() => this.snapshotLines());
    this.compactFailed = false;
    this.droppedAtSnapshot = dropped;
  }

  private async flushDirty(): Promise<void> {
    const ids = [...this.dirty];
    this.dirty.clear();
    for (let i = 0; i < ids.length; i += SLICE) {
      let text = '';
      for (const id of ids.slice(i, i + SLICE)) {
        // A material change in flight writes the newer state itself.
        if (this.flights.blocked(id)) continue;
        const s = this.sessions.get(id);
        text += s ? upsertLine(s, s.headCursor, false) : `${JSON.stringify({ d: id })}\n`;
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
   * Every session with its greeting, then every message the budgets keep (MessageLog.entries:
   * session by session, each with its arrival number), in slices that yield to requests.
   */
  private async *snapshotLines(): AsyncIterable<string> {
    await yieldNow(); // let writes that just completed be applied first
    let chunk = '';
    let n = 0;
    for (const s of this.sessions.values()) {
      chunk += upsertLine(s, s.headCursor, true);
      if (++n % SLICE === 0) {
        yield chunk;
        chunk = '';
        await yieldNow();
      }
    }
    for (const session of this.log.entries()) {
      for (const { sid, m, seq } of session) {
        if (!this.sessions.has(sid)) break; // deleted since
        chunk += messageLine(sid, m, undefined, seq);
        n++;
      }
      if (chunk.length >= 1 << 20 || n >= SLICE) {
        yield chunk;
        chunk = '';
        n = 0;
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
    await this.flights.idle();
    await this.maintaining;
    // Every change but the lazy ones is on disk already; a snapshot is only taken when due.
    await this.maintain().catch(noop);
    await this.journal.close();
  }
}
