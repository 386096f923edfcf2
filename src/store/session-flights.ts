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
import type { MaybePromise } from '../maybe-promise.ts';
import type { SessionRecord, Update } from './nexus-store.ts';

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

interface Lane {
  /** The record once every transition in flight is applied: the next one runs on it. */
  state: SessionRecord | null;
  inFlight: number;
  /** Settles once every transition started so far is applied or failed; never rejects. */
  tail: Promise<void>;
  /** Later transitions wait: a material write is in flight, or a failed write drains. */
  blocked: boolean;
  waiting: (() => void)[];
}

const noop = () => {};

export class SessionFlights {
  private readonly lanes = new Map<string, Lane>();

  constructor(private readonly hooks: FlightHooks) {}

  /** Whether anything is in flight or waiting on this session (the sweep leaves it alone). */
  busy(id: string): boolean {
    return this.lanes.has(id);
  }

  /** Whether a material write (carrying the whole record) is in flight or others wait. */
  blocked(id: string): boolean {
    return this.lanes.get(id)?.blocked ?? false;
  }

  async idle(): Promise<void> {
    while (this.lanes.size) await Promise.all([...this.lanes.values()].map((l) => l.tail));
  }

  /** At once when there is nothing to write and nothing in flight (a poll's slide); else a promise. */
  run<T>(id: string, fn: (s: SessionRecord | null) => Update<T, SessionRecord>): MaybePromise<T> {
    const lane = this.lanes.get(id);
    if (lane && (lane.blocked || lane.waiting.length)) return this.wait(lane, id, fn, false);
    return this.step(id, fn);
  }

  private wait<T>(lane: Lane, id: string, fn: (s: SessionRecord | null) => Update<T, SessionRecord>, first: boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const go = () => {
        try {
          void Promise.resolve(this.step(id, fn)).then(resolve, reject);
        } catch (e) {
          reject(e);
        }
      };
      if (first) lane.waiting.unshift(go);
      else lane.waiting.push(go);
    });
  }

  private step<T>(id: string, fn: (s: SessionRecord | null) => Update<T, SessionRecord>): MaybePromise<T> {
    let lane = this.lanes.get(id);
    const base = lane ? lane.state : this.hooks.stored(id);
    let u: Update<T, SessionRecord>;
    try {
      u = fn(base);
    } catch (e) {
      return Promise.reject(e);
    }
    const kind = this.hooks.kind(base, u);
    if (!lane || lane.inFlight === 0) {
      if (kind === 'none') return this.now(id, u);
    } else if (kind === 'material') {
      // Computed on changes not on disk yet: run again once they are.
      lane.blocked = true;
      return this.wait(lane, id, fn, true);
    }
    if (!lane) this.lanes.set(id, (lane = { state: base, inFlight: 0, tail: Promise.resolve(), blocked: false, waiting: [] }));
    const l = lane;
    if (u.next !== undefined) l.state = u.next;
    if (kind === 'material') l.blocked = true;
    const written = kind === 'none' ? null : this.hooks.write(id, base, u, kind);
    // What runs next must not build on a change that failed: it waits, then starts again from
    // what is stored.
    written?.catch(() => (l.blocked = true));
    const before = l.tail;
    const p = (written ?? before).then(() => before).then(() => this.hooks.apply(id, u, kind));
    l.inFlight++;
    // In order: a failure is answered at once, but counted off after the transitions before it.
    l.tail = before.then(() => p.then(noop, noop)).then(() => this.settle(id, l));
    return p;
  }

  /** Nothing in flight and nothing to write: applied now, and answered at once. */
  private now<T>(id: string, u: Update<T, SessionRecord>): T {
    return this.hooks.apply(id, u, 'none');
  }

  private settle(id: string, l: Lane): void {
    if (--l.inFlight > 0) return;
    l.blocked = false;
    l.state = this.hooks.stored(id);
    while (l.waiting.length && !l.blocked) l.waiting.shift()!();
    if (l.inFlight === 0 && !l.waiting.length && this.lanes.get(id) === l) this.lanes.delete(id);
  }
}
