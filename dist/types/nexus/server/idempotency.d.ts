/**
 * Idempotent sends (nexus spec §2.3 send, `Idempotency-Key`): a client that retries a send it
 * never got an answer for (a timeout, a dropped connection) must not post the message twice.
 * A repeat of (session, agent, key) gets the first answer, status and body, while it is kept.
 * A repeat with a different message is refused (422 idempotency_key_reused) rather than
 * answered with the first message's success: the client meant to send something else.
 *
 * Bounded memory: the last `perSession` keys of a session, at most `total` in all (the oldest
 * go first), and a session's keys go with the session. A send still in flight is shared: a
 * repeat that arrives meanwhile waits for the first one's answer. Only answers are kept; a send
 * that failed (an error was thrown) is forgotten, so its retry runs again.
 */
import type { HttpResponse } from '../../http/types.js';
export declare const IDEMPOTENCY_KEY: RegExp;
/** The header's value, checked: visible ASCII, 1-128 characters; undefined when absent. */
export declare function idempotencyKey(v: string | undefined): string | undefined;
/** The same key again, for another message: an error of the client's, not a replay. */
export declare const keyReused: () => import("../../http/errors.ts").HttpError;
/** Where first answers are kept: this process (IdempotentSends) or Redis (redis/idempotency.ts). */
export interface IdempotencyStore {
    /**
     * The first answer for (session, agent, key), or runs `send` and keeps its answer; `message`
     * identifies what is sent (a repeat with another one is keyReused).
     */
    run(sessionId: string, agentId: string, key: string, message: string, send: () => Promise<HttpResponse>): Promise<HttpResponse>;
    /** The session is gone: so are its keys. */
    drop(sessionId: string): void;
}
/** A kept answer given again. */
export declare const replayed: (first: HttpResponse) => HttpResponse;
export declare class IdempotentSends implements IdempotencyStore {
    private readonly perSession;
    private readonly total;
    /** Insertion order is age order: the first entry is the oldest. */
    private readonly entries;
    private readonly bySession;
    constructor(perSession?: number, total?: number);
    /** The first answer for this key, or runs `send` and keeps its answer. */
    run(sessionId: string, agentId: string, key: string, message: string, send: () => Promise<HttpResponse>): Promise<HttpResponse>;
    /** The session is gone: so are its keys. */
    drop(sessionId: string): void;
    get size(): number;
    private keep;
    private forget;
}
