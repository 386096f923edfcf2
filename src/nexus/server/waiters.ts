/**
 * Who is waiting for a session's next message: parked long-polls and open event streams
 * (nexus spec §2.6 poll). The store is the truth and a wake is only a hint: a woken waiter
 * reads the store again, so a lost or extra wake costs latency, never a message. That keeps
 * the registry swappable for a shared one (a pub/sub channel per session) without changing
 * the routes: `wake` is called after a change is stored, `add` before the store is re-read.
 *
 * Bounded: at most `perSession` waiters on one session and `perIp` from one client address
 * (429 beyond), so parked requests cannot pile up without limit.
 */
import { OpenCounts } from '../../http/limits.ts';

/**
 * Wakes across instances (a shared backend: redis/wake-bus.ts): `publish` after a change is
 * stored here; `subscribe` delivers other instances' wakes, and `onMissed` when some may have
 * been lost (a reconnect), so the caller wakes everything once.
 */
export interface WakeBus {
  publish(sessionId: string): void;
  subscribe(onWake: (sessionId: string) => void, onMissed: () => void): Promise<void>;
}

export interface WaiterLimits {
  perSession: number;
  perIp: number;
}

/** Removes the waiter; safe to call more than once. */
export type Unregister = () => void;

export class Waiters {
  private readonly bySession = new Map<string, Set<() => void>>();
  private readonly perIp: OpenCounts;
  private total = 0;

  constructor(private readonly limits: WaiterLimits) {
    this.perIp = new OpenCounts(limits.perIp);
  }

  /** Whether one more waiter for `sessionId` from `ip` would fit (checked before answering). */
  fits(sessionId: string, ip: string): boolean {
    const n = this.bySession.get(sessionId)?.size ?? 0;
    return n < this.limits.perSession && (this.limits.perIp === 0 || this.perIp.get(ip) < this.limits.perIp);
  }

  /** Registers `onWake` for the session's next change; null when a bound is reached. */
  add(sessionId: string, ip: string, onWake: () => void): Unregister | null {
    let set = this.bySession.get(sessionId);
    if ((set?.size ?? 0) >= this.limits.perSession || !this.perIp.acquire(ip)) return null;
    if (!set) this.bySession.set(sessionId, (set = new Set()));
    // A function may be registered twice (two streams sharing a callback): wrap it.
    const entry = () => onWake();
    set.add(entry);
    this.total++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.total--;
      this.perIp.release(ip);
      const s = this.bySession.get(sessionId);
      s?.delete(entry);
      if (s && !s.size) this.bySession.delete(sessionId);
    };
  }

  /** "Look again": every waiter of the session re-reads the store. */
  wake(sessionId: string): void {
    const set = this.bySession.get(sessionId);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        fn();
      } catch {
        // A waiter's failure is its own; the others are still woken.
      }
    }
  }

  /** Every waiter re-reads the store (wakes may have been missed). */
  wakeAll(): void {
    for (const id of [...this.bySession.keys()]) this.wake(id);
  }

  /** Waiters registered now: for one session, or in all (operators and tests). */
  count(sessionId?: string): number {
    return sessionId === undefined ? this.total : (this.bySession.get(sessionId)?.size ?? 0);
  }
}
