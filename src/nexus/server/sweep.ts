/**
 * The periodic sweep (nexus spec §2.6 expiry, §2.2 pairing-code tombstones): deletes what is due in
 * expiry order, in slices, yielding to the event loop between them, so requests keep being
 * served while a large backlog expires. Work per slice is bounded by `slice` index steps,
 * never by the number of sessions or codes.
 */
import type { NexusStore } from '../../store/nexus-store.ts';

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
