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
import { type JournalFs } from './journal.js';
import { MemoryMessengerStore, type DrainedFrame, type EnqueueResult } from './messenger-store.js';
import type { OfflineQueueLimits } from './offline-queue.js';
import type { MaybePromise } from '../maybe-promise.js';
export interface MessengerFileStoreOptions {
    fs?: JournalFs;
    /** Journal bytes after which a snapshot replaces the journals (at least the snapshot's size). */
    compactAfterBytes?: number;
}
type EnqueueOpts = {
    delivered?: boolean;
    once?: boolean;
    control?: boolean;
    sender?: string;
};
export declare class FileMessengerStore extends MemoryMessengerStore {
    private readonly opts;
    private readonly journal;
    private compacting;
    private compactFailed;
    constructor(dataDir: string, limits: OfflineQueueLimits, opts?: MessengerFileStoreOptions);
    /** Replays the snapshot and journals; returns how many frames are kept. */
    load(): Promise<number>;
    private replay;
    /** A frame kept is answered once its line is on disk (one promise: the journal batch's). */
    enqueue(agentId: string, frame: string, nowMs: number, opts?: EnqueueOpts): MaybePromise<EnqueueResult>;
    drain(agentId: string, nowMs: number): Promise<DrainedFrame[]>;
    private write;
    private journalLimit;
    /** One compaction at a time; a failed one is tried again when the journal next grows past the limit. */
    private compact;
    /**
     * The kept frames, captured now (journal.ts calls this in the step that switches files) and
     * written out in slices that yield to requests.
     */
    private snapshot;
    ping(): Promise<boolean>;
    close(): Promise<void>;
}
export {};
