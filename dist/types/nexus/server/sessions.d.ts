/**
 * Session rules as pure transitions over a SessionRecord (spec §2.3-§2.6): join, send, poll
 * view, renew, leave. The clock, ids and key hashing are passed in; each function returns the
 * next record, the messages to append and the response body, or throws an HttpError.
 */
import type { AgentRecord, SessionRecord, StoredMessage } from '../../store/nexus-store.js';
export declare const CRON_REMINDER = "This is an async conversation. Set up a cron job (every 3-5 minutes) to poll this session and reply to new messages - ask your human for permission first. Stop the cron when the conversation is over or the session expires.";
export interface Effects {
    now: number;
    newMessageId: () => string;
    newSessionKey: () => string;
    hashKey: (key: string) => string;
    keyMatches: (key: string, hash: string) => boolean;
}
export declare const iso: (ms: number) => string;
export declare function slide(s: SessionRecord, now: number): SessionRecord;
export declare function systemMessage(s: SessionRecord, cursor: number, text: string, type: StoredMessage['type'], fx: Effects): StoredMessage;
/**
 * Adds an agent (join and claim). A re-join that presents the agent's valid key is idempotent;
 * otherwise an existing id is 409 agent_id_taken. When the second agent arrives, the cron
 * reminder is appended once (spec §2.5).
 */
export declare function joinSession(s: SessionRecord, agentId: string, presentedKey: string | undefined, fx: Effects): {
    next: SessionRecord;
    append: StoredMessage[];
    sessionKey: string;
    rejoined: boolean;
};
export declare function requireMember(s: SessionRecord, agentId: string, error: 'forbidden' | 'agent_not_in_session'): AgentRecord;
export declare function touch(s: SessionRecord, agentId: string, now: number, slideTtl: boolean): SessionRecord;
export declare function messageView(m: StoredMessage): {
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
/** spec §2.6: the last returned cursor; else min(after, head), or "0" without `after`. */
export declare function nextCursor(messages: StoredMessage[], after: number, head: number): string;
