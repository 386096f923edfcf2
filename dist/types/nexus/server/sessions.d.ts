/**
 * The session transitions (nexus spec §2.3-§2.6): create, join, claim, post, poll, renew, leave.
 * Each takes the current record, the request's data and what it needs from outside (the time,
 * fresh ids and keys, drawn before it runs) and returns a store Update: the next record, the
 * messages to append and, as `result`, the response body; or it throws an HttpError. No I/O,
 * clock or randomness inside: a shared store may run a transition more than once
 * (store/nexus-store.ts updateSession).
 */
import type { AgentRecord, SessionRecord, StoredMessage, Update } from '../../store/nexus-store.js';
import { type Message, type SendResult } from './views.js';
export declare const CRON_REMINDER = "This is an async conversation. Set up a cron job (every 3-5 minutes) to poll this session and reply to new messages - ask your human for permission first - unless you can wait in a call: GET .../messages?after=CURSOR&wait=50 answers the moment a message arrives, and .../messages/stream sends each one as an event. Stop when the conversation is over or the session expires.";
/** Drawn before a transition runs, used or not: the time and a message id. */
export interface Fresh {
    now: number;
    /** For the one message a transition may append: a send, the greeting or the cron reminder. */
    messageId: string;
}
/** For transitions that may add an agent: its session key. */
export interface FreshAgent extends Fresh {
    sessionKey: string;
}
export interface FreshSession extends FreshAgent {
    sessionId: string;
}
export type Transition<B> = Update<B, SessionRecord> & {
    next: SessionRecord;
};
/** The record, if it is live at `now`; else 404 (nexus spec §2.6: an expired session is gone). */
export declare function alive(s: SessionRecord | null, now: number): SessionRecord;
export declare function slide(s: SessionRecord, now: number): SessionRecord;
/** The server's messages; a greeting also names the session's creator (`agentId` stays "system" for old clients). */
export declare function systemMessage(s: SessionRecord, cursor: number, text: string, type: Message['type'], fx: Fresh): StoredMessage;
/** The agent was seen now; a sliding TTL restarts (nexus spec §2.6). A send also moves the head. */
export declare function touch(s: SessionRecord, agentId: string, now: number, slideTtl: boolean, headCursor?: number): SessionRecord;
export interface CreateInput {
    ttl: number;
    maxAgents: number;
    /** Already sanitised (nexus spec §2.7). */
    greeting: string | null;
    creator: string | undefined;
    /** docs/spec/nexus-e2e.md §10: the greeting is then an envelope, kept as it is. */
    e2e?: boolean;
}
/** nexus spec §2.3 create: the greeting is message 0; a named creator joins at once. */
export declare function createSession(input: CreateInput, fx: FreshSession): {
    next: SessionRecord;
    append: StoredMessage[];
    result: {
        creatorAgentId?: string | undefined;
        agentId?: string | undefined;
        sessionKey?: string | undefined;
        e2e?: boolean | undefined;
        sessionId: string;
        ttl: number;
        maxAgents: number;
        state: string;
        createdAt: string;
        expiresAt: string;
        greeting: string | null;
        agentsOnline: number;
    };
};
export declare function joinSession(s: SessionRecord, agentId: string, presentedKey: string | undefined, fx: FreshAgent): {
    next: SessionRecord;
    append: StoredMessage[];
    result: {
        rejoined?: boolean | undefined;
        status: string;
        sessionId: string;
        agentId: string;
        agentsOnline: number;
        sessionKey: string;
        ttl: number;
        expiresAt: string;
    };
};
/** nexus spec §2.3 claim: a join through a pairing code (pairing.ts reserves the code). */
export declare function claimSession(s: SessionRecord, agentId: string, presentedKey: string | undefined, fx: FreshAgent): {
    next: SessionRecord;
    append: StoredMessage[];
    result: {
        sessionId: string;
        status: string;
        agentId: string;
        sessionKey: string;
        agentsOnline: number;
        ttl: number;
        expiresAt: string;
    };
};
export interface PostInput {
    agentId: string;
    key: string | undefined;
    /** Already sanitised (nexus spec §2.7), with what was redacted. */
    text: string;
    /** The text as sent when it is an envelope: an E2E session keeps it as it is (e2e spec §10), and takes nothing else. */
    sealed?: string;
    /** Set when the sealed text is longer than a plain text may be: a plain session refuses it as too long. */
    tooLong?: number;
    json: unknown;
    redactions: {
        type: string;
        count: number;
    }[];
    /** STRICT_SESSION_KEY (auth.ts). */
    strict: boolean;
}
/** nexus spec §2.3 send: the message takes the next cursor and the TTL slides. */
export declare function postMessage(s: SessionRecord, input: PostInput, fx: Fresh): {
    next: SessionRecord;
    append: StoredMessage[];
    result: SendResult;
};
/** nexus spec §2.6 poll: the reader was seen (and with SLIDE_ON_POLL the TTL slides); the result is the record, for the answer. */
export declare function pollSession(s: SessionRecord, agentId: string, key: string | undefined, now: number, slideTtl: boolean): Transition<SessionRecord>;
/** nexus spec §2.3 renew: the TTL restarts, optionally with a new length (auth.ts checkRenewTtl). */
export declare function renewSession(s: SessionRecord, agentId: string, key: string | undefined, ttl: number | undefined, now: number): {
    next: SessionRecord;
    result: {
        sessionId: string;
        state: string;
        ttl: number;
        expiresAt: string;
        agents: string[];
    };
};
/** nexus spec §2.3 leave: an agent removes itself with its key; the creator stays. */
export declare function leaveSession(s: SessionRecord, agentId: string, key: string): {
    next: {
        agents: AgentRecord[];
        sessionId: string;
        ttl: number;
        maxAgents: number;
        createdAt: number;
        expiresAt: number;
        creatorAgentId: string | null;
        greeting: string | null;
        headCursor: number;
        cronReminderSent: boolean;
        e2e?: true;
        closedAt?: number;
    };
    result: {
        ok: boolean;
        status: string;
        sessionId: string;
        agentId: string;
        message: string;
    };
};
