/**
 * Session rules as pure transitions over a SessionRecord (nexus spec §2.3-§2.6): join, send, poll
 * view, renew, leave. The clock, ids and key hashing are passed in; each function returns the
 * next record, the messages to append and the response body, or throws an HttpError.
 */
import type { SessionRecord, StoredMessage } from '../../store/nexus-store.js';
/** A message as the rules build it; the store keeps its poll view serialised (`stored`). */
export interface Message {
    id: string;
    cursor: number;
    agentId: string;
    text: string;
    json?: unknown;
    verified: boolean;
    createdAt: number;
    expiresAt: number;
    type: 'message' | 'greeting' | 'system';
    sanitized?: boolean;
}
export declare const CRON_REMINDER = "This is an async conversation. Set up a cron job (every 3-5 minutes) to poll this session and reply to new messages - ask your human for permission first. Stop the cron when the conversation is over or the session expires.";
export interface Effects {
    now: number;
    newMessageId: () => string;
    newSessionKey: () => string;
    hashKey: (key: string) => string;
    keyMatches: (key: string, hash: string) => boolean;
}
export declare function iso(ms: number): string;
export declare function slide(s: SessionRecord, now: number): SessionRecord;
export declare function systemMessage(s: SessionRecord, cursor: number, text: string, type: Message['type'], fx: Effects): StoredMessage;
/**
 * What the store keeps: the poll view, serialised once (messages are immutable). Written out
 * field by field, equal to JSON.stringify(messageView(m)) (a test checks it), for speed: every
 * message passes here.
 */
export declare function stored(m: Message): StoredMessage;
/**
 * Adds an agent (join and claim). A re-join that presents the agent's valid key is idempotent;
 * otherwise an existing id is 409 agent_id_taken. When the second agent arrives, the cron
 * reminder is appended once (nexus spec §2.5).
 */
export declare function joinSession(s: SessionRecord, agentId: string, presentedKey: string | undefined, fx: Effects): {
    next: SessionRecord;
    append: StoredMessage[];
    sessionKey: string;
    rejoined: boolean;
};
/** The agent was seen now; a sliding TTL restarts (nexus spec §2.6). A send also moves the head. */
export declare function touch(s: SessionRecord, agentId: string, now: number, slideTtl: boolean, headCursor?: number): SessionRecord;
export declare function messageView(m: Message): {
    sanitized?: boolean | undefined;
    verified: boolean;
    createdAt: string;
    expiresAt: string;
    type: "message" | "greeting" | "system";
    json?: {} | null | undefined;
    id: string;
    cursor: string;
    agentId: string;
    from: string;
    text: string;
};
export declare function statusView(s: SessionRecord): {
    sessionId: string;
    state: string;
    agents: string[];
    agentDetails: {
        agentId: string;
        joinedAt: string;
        lastSeenAt: string;
    }[];
    agentsOnline: number;
    maxAgents: number;
    ttl: number;
    createdAt: string;
    expiresAt: string;
    creatorAgentId: string | null;
};
/** nexus spec §2.6: the last returned cursor; else min(after, head), or "0" without `after`. */
export declare function nextCursor(messages: StoredMessage[], after: number, head: number): string;
