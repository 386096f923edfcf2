/**
 * Closing a session (our decision, docs/spec "Our decisions": the creator ends a session): the
 * creator, with its session key, ends the session for everyone. The record is not deleted at
 * once but marked: it expires now, keeps no agents and says `closedAt`, so every reader woken
 * by the change (a parked poll, an event stream, on this instance or through the wake bus on
 * another) can answer "closed" rather than "expired". To every route it is gone (404, as an
 * expired session); the next access or the sweep deletes it with its messages and codes.
 * Pure transition here; the route in routes-close.ts.
 */
import type { SessionRecord } from '../../store/nexus-store.js';
export declare const CLOSED_MESSAGE = "the session was closed by its creator";
export declare function closeSession(s: SessionRecord, agentId: string, key: string | undefined, now: number): {
    next: SessionRecord;
    result: {
        ok: boolean;
        status: string;
        sessionId: string;
        closedBy: string;
    };
};
