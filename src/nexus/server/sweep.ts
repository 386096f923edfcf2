/**
 * The periodic sweep (nexus spec §2.6 expiry, §2.2 pairing-code tombstones): deletes what is due in
 * expiry order, in slices, yielding to the event loop between them, so requests keep being
 * served while a large backlog expires. Work per slice is bounded by `slice` index steps,
 * never by the number of sessions or codes.
 */
import type { NexusStore } from '../../store/nexus-store.ts';
import type { Quota } from './budgets.ts';

/** How long an expired or claimed code still answers with its precise state (nexus spec §2.2). */
export const PAIR_TOMBSTONE_MS = 3_600_000;
const SLICE = 128;

const yieldNow = () => new Promise<void>((r) => setImmediate(r));

export async function sweepExpired(store: NexusStore, t: number, onSessionGone: (id: string) => void, slice = SLICE): Promise<void> {
  for (;;) {
    const { ids, more } = await store.deleteExpired(t, slice);
    for (const id of ids) onSessionGone(id);
    if (!more) break;
    await yieldNow();
  }
  // A code is pending until expiresAt and claimed before it, so expiresAt + tombstone is its end.
  for (;;) {
    const { more } = await store.deleteExpiredPairs(t - PAIR_TOMBSTONE_MS, slice);
    if (!more) break;
    await yieldNow();
  }
}

/**
 * The sweep as the server runs it (periodically, from server.ts): one at a time (a call while
 * one runs gets that one), after the quota has counted the sessions that existed at start-up,
 * giving back each deleted session's quota and telling `onGone` (its waiters answer 404 at once).
 */
export function sweeper(store: NexusStore, now: () => number, quota: Quota, onGone: (id: string) => void = () => {}): () => Promise<void> {
  let running: Promise<void> | null = null;
  const release = (id: string) => {
    quota.release(id);
    onGone(id);
  };
  return () => (running ??= quota.ready.then(() => sweepExpired(store, now(), release)).finally(() => (running = null)));
}
