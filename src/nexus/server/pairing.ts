/**
 * Pairing-code rules (nexus spec §2.2, §2.3 pair/claim/status, §2.9) as pure functions over
 * PairRecords: a code's state, which codes a new one evicts, issuing, reserving and releasing
 * a code. Store callbacks built from them may run more than once (store/nexus-store.ts).
 */
import type { HttpError } from '../../http/errors.ts';
import type { PairRecord, Update } from '../../store/nexus-store.ts';
import { apiError } from './rules.ts';
import { iso } from './views.ts';

export type CodeState = 'pending' | 'claimed' | 'expired';
/** What a code's page and status say: a pending code whose session has filled up is `full`. */
export type ShownCodeState = CodeState | 'full';

/** nexus spec §2.3: the session has its maxAgents (a join, a claim, or now a new code). */
export function sessionFull(maxAgents: number): HttpError {
  return apiError(409, 'session_full', `this session is full (${maxAgents} agents): no one else can join it, so no pairing link is made`);
}

export function codeState(p: PairRecord, t: number): CodeState {
  return p.claimedBy ? 'claimed' : p.expiresAt <= t ? 'expired' : 'pending';
}

export function codeError(state: CodeState | 'unknown'): HttpError {
  if (state === 'unknown') return apiError(404, 'code_not_found', 'no such pairing code');
  if (state === 'expired') return apiError(410, 'code_expired', 'this pairing code has expired', { legacyError: 'code_expired_or_used' });
  return apiError(409, 'code_already_claimed', 'this pairing code has already been used', { legacyError: 'code_expired_or_used' });
}

/**
 * The pending codes of one class (keyed or anonymous, auth.ts pairCreator) that a new code
 * evicts, oldest first, so the class keeps at most `max` pending codes: never a lock-out.
 */
export function codesToEvict(pairs: PairRecord[], keyed: boolean, t: number, max: number): PairRecord[] {
  const pending = pairs.filter((p) => !p.claimedBy && p.expiresAt > t && !!p.keyed === keyed).sort((a, b) => a.createdAt - b.createdAt);
  return pending.slice(0, Math.max(0, pending.length - max + 1));
}

export function newPair(code: string, sessionId: string, t: number, ttlSec: number, keyed: boolean): PairRecord {
  return { code, sessionId, createdAt: t, expiresAt: t + ttlSec * 1000, ...(keyed ? { keyed } : {}) };
}

/** Stores `fresh` under its code unless the code is taken (result: whether it was stored). */
export function issueCode(p: PairRecord | null, fresh: PairRecord): Update<boolean, PairRecord> {
  return p ? { result: false } : { next: fresh, result: true };
}

/** nexus spec §2.3 claim: a pending code is reserved for `agentId` before the join, so two claimers cannot both join. */
export function reserveCode(p: PairRecord | null, agentId: string, t: number): Update<'ok' | CodeState | 'unknown', PairRecord> {
  if (!p) return { result: 'unknown' };
  const st = codeState(p, t);
  if (st !== 'pending') return { result: st };
  return { next: { ...p, claimedBy: agentId, claimedAt: t }, result: 'ok' };
}

/** A failed join does not consume the code (nexus spec §2.3): it is pending again. */
export function releaseCode(p: PairRecord | null): Update<null, PairRecord> {
  if (!p) return { result: null };
  return { next: { code: p.code, sessionId: p.sessionId, createdAt: p.createdAt, expiresAt: p.expiresAt, ...(p.keyed ? { keyed: true } : {}) }, result: null };
}

export function newCodeBody(p: PairRecord, url: string, ttlSec: number) {
  return { code: p.code, url, expiresAt: iso(p.expiresAt), ttl: ttlSec, expiresIn: ttlSec };
}
