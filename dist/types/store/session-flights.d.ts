/**
 * The order of the transitions on one session while their writes are in flight
 * (store/nexus-file-store.ts), so that a write is on disk before its change is applied and
 * answered, yet concurrent sends share one fdatasync (journal.ts group commit):
 *
 * - a message write (a send) does not wait: the transition runs at once on the state the
 *   transitions in flight will leave, its write is queued behind theirs, and it is applied
 *   after them, in the order the transitions ran (cursors ascend in the message log);
 * - a material write (create, join, leave, ...) waits until nothing is in flight, runs on what
 *   is stored, and every later transition waits for it: if its write fails it changes nothing,
 *   and nothing was computed on top of it;
 * - a transition with nothing to write (a lazily written slide) is applied in turn;
 * - after a failed message write, later transitions wait until the ones in flight are done and
 *   start again from what is stored.
 *
 * A transition `fn` may run twice (a material one found writes in flight: it runs again once
 * they are done), as the NexusStore contract allows (nexus-store.ts updateSession).
 */
import type { MaybePromise } from '../maybe-promise.js';
import type { SessionRecord, Update } from './nexus-store.js';
export type WriteKind = 'material' | 'message' | 'none';
type AnyUpdate = Update<unknown, SessionRecord>;
export interface FlightHooks {
    /** The applied record. */
    stored(id: string): SessionRecord | null;
    /** What must be on disk before `u` is applied (`base` is the record `u` was computed from). */
    kind(base: SessionRecord | null, u: AnyUpdate): WriteKind;
    write(id: string, base: SessionRecord | null, u: AnyUpdate, kind: WriteKind): Promise<void>;
    apply<T>(id: string, u: Update<T, SessionRecord>, kind: WriteKind): T;
}
export declare class SessionFlights {
    private readonly hooks;
    private readonly lanes;
    constructor(hooks: FlightHooks);
    /** Whether anything is in flight or waiting on this session (the sweep leaves it alone). */
    busy(id: string): boolean;
    /** Whether a material write (carrying the whole record) is in flight or others wait. */
    blocked(id: string): boolean;
    idle(): Promise<void>;
    /** At once when there is nothing to write and nothing in flight (a poll's slide); else a promise. */
    run<T>(id: string, fn: (s: SessionRecord | null) => Update<T, SessionRecord>): MaybePromise<T>;
    private wait;
    private step;
    /** Nothing in flight and nothing to write: applied now, and answered at once. */
    private now;
    private settle;
}
export {};
