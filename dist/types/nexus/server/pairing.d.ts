/**
 * Pairing-code rules (nexus spec §2.2, §2.3 pair/claim/status, §2.9) as pure functions over
 * PairRecords: a code's state, which codes a new one evicts, issuing, reserving and releasing
 * a code. Store callbacks built from them may run more than once (store/nexus-store.ts).
 */
import type { HttpError } from '../../http/errors.js';
import type { PairRecord, Update } from '../../store/nexus-store.js';
export type CodeState = 'pending' | 'claimed' | 'expired';
/** What a code's page and status say: a pending code whose session has filled up is `full`. */
export type ShownCodeState = CodeState | 'full';
/** nexus spec §2.3: the session has its maxAgents (a join, a claim, or now a new code). */
export declare function sessionFull(maxAgents: number): HttpError;
export declare function codeState(p: PairRecord, t: number): CodeState;
export declare function codeError(state: CodeState | 'unknown'): HttpError;
/**
 * The pending codes of one class (keyed or anonymous, auth.ts pairCreator) that a new code
 * evicts, oldest first, so the class keeps at most `max` pending codes: never a lock-out.
 */
export declare function codesToEvict(pairs: PairRecord[], keyed: boolean, t: number, max: number): PairRecord[];
export declare function newPair(code: string, sessionId: string, t: number, ttlSec: number, keyed: boolean): PairRecord;
/** Stores `fresh` under its code unless the code is taken (result: whether it was stored). */
export declare function issueCode(p: PairRecord | null, fresh: PairRecord): Update<boolean, PairRecord>;
/** nexus spec §2.3 claim: a pending code is reserved for `agentId` before the join, so two claimers cannot both join. */
export declare function reserveCode(p: PairRecord | null, agentId: string, t: number): Update<'ok' | CodeState | 'unknown', PairRecord>;
/** A failed join does not consume the code (nexus spec §2.3): it is pending again. */
export declare function releaseCode(p: PairRecord | null): Update<null, PairRecord>;
export declare function newCodeBody(p: PairRecord, url: string, ttlSec: number): {
    code: string;
    url: string;
    expiresAt: string;
    ttl: number;
    expiresIn: number;
};
