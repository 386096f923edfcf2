/**
 * The periodic sweep (nexus spec §2.6 expiry, §2.2 pairing-code tombstones): deletes what is due in
 * expiry order, in slices, yielding to the event loop between them, so requests keep being
 * served while a large backlog expires. Work per slice is bounded by `slice` index steps,
 * never by the number of sessions or codes.
 */
import type { NexusStore } from '../../store/nexus-store.js';
import type { Quota } from './budgets.js';
/** How long an expired or claimed code still answers with its precise state (nexus spec §2.2). */
export declare const PAIR_TOMBSTONE_MS = 3600000;
export declare function sweepExpired(store: NexusStore, t: number, onSessionGone: (id: string) => void, slice?: number): Promise<void>;
/**
 * The sweep as the server runs it (periodically, from server.ts): one at a time (a call while
 * one runs gets that one), after the quota has counted the sessions that existed at start-up,
 * giving back each deleted session's quota and telling `onGone` (its waiters answer 404 at once).
 */
export declare function sweeper(store: NexusStore, now: () => number, quota: Quota, onGone?: (id: string) => void): () => Promise<void>;
