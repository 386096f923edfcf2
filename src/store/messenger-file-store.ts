/**
 * The messenger's offline queue and drain retention on disk (DATA_DIR), so a restart or
 * `kill -9` loses no message the messenger answered 200 for. The reference keeps nothing
 * (opennexus spec §6.1 drops messages for offline agents); ours queues them (offline-queue.ts),
 * and a queue that forgets on restart would let a sender's `sent` turn into a loss reported as
 * `delivered` once the peer answers on the same session.
 *
 * Memory is the working copy. Each change is applied to it and, in the same synchronous step,
 * appended to a journal (journal.ts: group commit, fdatasync) as an operation:
 *   {"a":agent,"t":ms,"o":opts,"f":frame}   a frame kept (waiting, or delivered and retained)
 *   {"d":agent,"t":ms}                        a draining stream took the agent's frames
 * The queue is deterministic given its operations and their times, so replaying them rebuilds
 * it, budgets, evictions and expiry included. A POST is answered only once its line is on disk;
 * a failed write takes the frame back (it is answered 503 and sent again).
 *
 * Compaction writes what is kept as a snapshot ({"p":...} lines) once the journals outgrow it.
 * The snapshot is captured in the same synchronous step as the journal switches files
 * (journal.ts compact), so snapshot + newer journal hold every operation exactly once.
 */
import { Journal, nodeFs, type JournalFs } from './journal.ts';
import { MemoryMessengerStore, type DrainedFrame, type EnqueueResult } from './messenger-store.ts';
import type { KeptFrame, OfflineQueueLimits } from './offline-queue.ts';
import type { MaybePromise } from '../maybe-promise.ts';

export interface MessengerFileStoreOptions {
  fs?: JournalFs;
  /** Journal bytes after which a snapshot replaces the journals (at least the snapshot's size). */
  compactAfterBytes?: number;
}

type EnqueueOpts = { delivered?: boolean; once?: boolean; control?: boolean; sender?: string };

const yieldNow = () => new Promise<void>((r) => setImmediate(r));

export class FileMessengerStore extends MemoryMessengerStore {
  private readonly journal: Journal;
  private compacting: Promise<void> | null = null;
  private compactFailed = false;

  constructor(
    dataDir: string,
    limits: OfflineQueueLimits,
    private readonly opts: MessengerFileStoreOptions = {},
  ) {
    super(limits);
    this.journal = new Journal(dataDir, opts.fs ?? nodeFs);
  }

  /** Replays the snapshot and journals; returns how many frames are kept. */
  async load(): Promise<number> {
    await this.journal.load((r) => this.replay(r as Record<string, unknown>));
    await this.compact().catch(() => {}); // a full disk must not keep the messenger from starting
    return this.queue.usage().messages;
  }

  private replay(r: Record<string, unknown>): void {
    const frame = typeof r.f === 'string' ? r.f : null;
    if (typeof r.a === 'string' && typeof r.t === 'number' && frame !== null) {
      this.queue.add(r.a, frame, r.t, typeof r.o === 'object' && r.o ? (r.o as EnqueueOpts) : {});
    } else if (typeof r.d === 'string' && typeof r.t === 'number') {
      this.queue.drain(r.d, r.t);
    } else if (typeof r.p === 'string' && typeof r.t === 'number' && frame !== null) {
      const l = typeof r.l === 'number' ? r.l : null;
      this.queue.restore({ agentId: r.p, frame: Buffer.from(frame, 'utf8'), at: r.t, queued: r.q === 1, deliveredAt: l, once: r.o === 1, control: r.c === 1, ...(typeof r.s === 'string' ? { sender: r.s } : {}) });
    } else if (typeof r.n === 'number' && Number.isSafeInteger(r.n)) {
      this.total = r.n;
    }
  }

  /** A frame kept is answered once its line is on disk (one promise: the journal batch's). */
  override enqueue(agentId: string, frame: string, nowMs: number, opts: EnqueueOpts = {}): MaybePromise<EnqueueResult> {
    const result = this.queue.add(agentId, frame, nowMs, opts);
    if (result !== 'stored') return result;
    return this.write(`{"a":${JSON.stringify(agentId)},"t":${nowMs},"o":${JSON.stringify(opts)},"f":${JSON.stringify(frame)}}\n`).then(
      () => result,
      (e: unknown) => {
        // Not on disk: not accepted. The sender gets 503 and sends it again, so it must not also
        // stay here to be delivered twice (unless a stream already took it).
        this.queue.withdraw(agentId, frame);
        throw e;
      },
    );
  }

  override async drain(agentId: string, nowMs: number): Promise<DrainedFrame[]> {
    const out = this.queue.drain(agentId, nowMs); // applied before any await (relay.ts attach)
    if (!out.length) return out;
    // Awaited (a stream's start waits one sync) so a HELLO taken now is not handed out again
    // after a crash; a failure still delivers: at worst a frame comes twice, clients drop replays.
    await this.write(`{"d":${JSON.stringify(agentId)},"t":${nowMs}}\n`).catch(() => {});
    return out;
  }

  private write(line: string): Promise<void> {
    const written = this.journal.append(line);
    if (!this.compactFailed && this.journal.bytesSinceSnapshot > this.journalLimit()) void this.compact().catch(() => {});
    return written;
  }

  private journalLimit(): number {
    return Math.max(this.opts.compactAfterBytes ?? 8 << 20, this.journal.snapshotBytes);
  }

  /** One compaction at a time; a failed one is tried again when the journal next grows past the limit. */
  private compact(): Promise<void> {
    this.compacting ??= (async () => {
      this.compactFailed = true;
      try {
        await this.journal.compact(() => this.snapshot());
        this.compactFailed = false;
      } finally {
        this.compacting = null;
      }
    })();
    return this.compacting;
  }

  /**
   * The kept frames, captured now (journal.ts calls this in the step that switches files) and
   * written out in slices that yield to requests.
   */
  private snapshot(): AsyncIterable<string> {
    const kept: KeptFrame[] = [...this.queue.kept()];
    const total = this.total;
    return (async function* () {
      let chunk = `{"n":${total}}\n`;
      for (const k of kept) {
        const s = k.sender === undefined ? '' : `,"s":${JSON.stringify(k.sender)}`;
        chunk += `{"p":${JSON.stringify(k.agentId)},"t":${k.at},"q":${k.queued ? 1 : 0},"l":${k.deliveredAt ?? 'null'},"o":${k.once ? 1 : 0},"c":${k.control ? 1 : 0}${s},"f":${JSON.stringify(k.frame.toString('utf8'))}}\n`;
        if (chunk.length >= 1 << 20) {
          yield chunk;
          chunk = '';
          await yieldNow();
        }
      }
      yield chunk;
    })();
  }

  override async ping(): Promise<boolean> {
    return this.journal.available;
  }

  override async close(): Promise<void> {
    await this.compacting?.catch(() => {});
    await this.journal.close();
  }
}
