/**
 * What the session server keeps (nexus spec §2.2): the records and the store interface. An
 * interface so a shared (Redis) implementation can serve several instances.
 * MemoryNexusStore (memory-nexus-store.ts) keeps everything in memory, with the indexes a sweep
 * needs (expiry order, pairing codes by session) so nothing scans every session;
 * FileNexusStore (nexus-file-store.ts) adds a journal under DATA_DIR so sessions, cursors and
 * messages survive a restart (beyond the reference, which keeps messages in memory only).
 */
import { CodedError } from '../errors.ts';
import type { StoredMessage } from './message-log.ts';
import type { MaybePromise } from '../maybe-promise.ts';

export type { MessageBudget, StoredMessage } from './message-log.ts';

export interface AgentRecord {
  agentId: string;
  joinedAt: number;
  lastSeenAt: number;
  /** SHA-256 (hex) of the agent's session key; the key itself is never stored. */
  keyHash: string;
  /**
   * Where this agent must present its key, learnt from the agent itself: `send` once it sent
   * a valid key with a message, `all` once it did so on a poll or renew (auth.ts).
   */
  keyRequired?: 'send' | 'all';
}

export interface SessionRecord {
  sessionId: string;
  ttl: number;
  maxAgents: number;
  createdAt: number;
  expiresAt: number;
  creatorAgentId: string | null;
  greeting: string | null;
  agents: AgentRecord[];
  /** Highest cursor ever assigned; cursors continue above it after a restart (nexus spec §2.2). */
  headCursor: number;
  cronReminderSent: boolean;
  /** An end-to-end session (docs/spec/nexus-e2e.md §10): its messages and greeting are envelopes. Set at create, never changed. */
  e2e?: true;
  /** Set when the creator closed the session (nexus/server/close.ts): it is then expired, kept only until swept. */
  closedAt?: number;
}

export interface PairRecord {
  code: string;
  sessionId: string;
  createdAt: number;
  expiresAt: number;
  claimedBy?: string;
  claimedAt?: number;
  /** Created by a member presenting its session key: anonymous creations never evict it. */
  keyed?: boolean;
}

export interface Update<T, R> {
  /** The new value; null deletes; undefined leaves it unchanged. */
  next?: R | null;
  result: T;
  /** Messages to append in the same atomic step (their cursors were assigned from `next`). */
  append?: StoredMessage[];
}

export interface StoreCounts {
  sessions: number;
  agents: number;
  messages: number;
}

/**
 * The store could not make a change durable (a full disk, a read-only or unwritable DATA_DIR);
 * `code` is the system's (ENOSPC, EROFS, ...). Nothing was changed; reads keep working and a
 * later write is tried again.
 */
export class StorageUnavailable extends CodedError {}


export interface NexusStore {
  getSession(id: string): Promise<SessionRecord | null>;
  /**
   * Atomic read-modify-write of one session. Answers (at once, or resolves) once the change is
   * as durable as the store makes it; throws or rejects with StorageUnavailable (and changes
   * nothing) when it cannot be, and with what `fn` threw.
   * `fn` may run MORE THAN ONCE: a shared backend runs it again when another instance changed
   * the record in between (optimistic concurrency), and keeps only the last run. So `fn` must
   * be pure: no clock, randomness or I/O inside (draw them before; nexus/server/sessions.ts),
   * nothing it changes outside its return value. What it throws rejects the update unchanged.
   */
  updateSession<T>(id: string, fn: (s: SessionRecord | null) => Update<T, SessionRecord>): MaybePromise<T>;
  /** Every session: for start-up bookkeeping only, never on a request path. */
  listSessions(): Promise<SessionRecord[]>;
  /** Messages with cursor > after, ascending, at most `limit` and about `maxBytes` (MessageLog.after). */
  messagesAfter(sessionId: string, after: number, limit: number, maxBytes: number): MaybePromise<{ messages: StoredMessage[]; more: boolean }>;
  /** Kept as counters as records change (stats, nexus spec §2.3): never a scan of every session. */
  counts(): Promise<StoreCounts>;
  /** Deletes up to `max` sessions expired at `t`, in expiry order; returns their ids and whether more are due. */
  deleteExpired(t: number, max: number): Promise<{ ids: string[]; more: boolean }>;
  getPair(code: string): Promise<PairRecord | null>;
  /** Atomic read-modify-write of one pairing code; `fn` may run more than once (as updateSession's). */
  updatePair<T>(code: string, fn: (p: PairRecord | null) => Update<T, PairRecord>): Promise<T>;
  /** The codes of one session, from an index: never a scan of every code. */
  pairsOf(sessionId: string): Promise<PairRecord[]>;
  /** Deletes up to `max` pairing codes with expiresAt <= t; returns how many and whether more are due. */
  deleteExpiredPairs(t: number, max: number): Promise<{ count: number; more: boolean }>;
  /** 'unavailable' after a failed write, until a write succeeds again. */
  health(): 'ok' | 'unavailable';
  close(): Promise<void>;
}
