/**
 * How sessions and messages look on the wire (nexus spec §2.1 timestamps, §2.3 status, §2.4
 * message object, §2.6 poll): pure functions from records to response bodies.
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
    /** A greeting names the agent that created the session (its `agentId` stays "system"). */
    creatorAgentId?: string;
}
export declare function iso(ms: number): string;
/**
 * JSON.stringify(text), in a third of the time for a text with nothing to escape (the usual
 * message): one scan for a character it would escape, else the text between quotes.
 */
export declare function jsonString(text: string): string;
/**
 * What the store keeps: the poll view, serialised once (messages are immutable). Written out
 * field by field, equal to JSON.stringify(messageView(m)) (a test checks it), for speed: every
 * message passes here.
 */
export declare function stored(m: Message): StoredMessage;
/**
 * A stored message as one reader sees it: `mine` says whether it is the reader's own (its own
 * message, or the greeting of the session it created), so an agent never answers itself.
 */
export declare function wireFor(m: StoredMessage, reader: string): string;
export declare function messageView(m: Message): {
    creatorAgentId?: string | undefined;
    sanitized?: boolean | undefined;
    verified: boolean;
    createdAt: string;
    expiresAt: string;
    type: "message" | "system" | "greeting";
    json?: {} | null | undefined;
    id: string;
    cursor: string;
    agentId: string;
    from: string;
    text: string;
};
export declare function statusView(s: SessionRecord): {
    e2e?: boolean | undefined;
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
/**
 * The poll answer (nexus spec §2.6). Messages are stored serialised (store/message-log.ts), so
 * the answer only joins them, each marked `mine` for `reader`; `members` lists the agents when
 * the client asked for them.
 */
export declare function pollBody(page: StoredMessage[], more: boolean, after: number, s: SessionRecord, members: boolean, reader: string): string;
/** The answer to a send (nexus spec §2.3); the last three only when something was redacted. */
export interface SendResult {
    ok: true;
    id: string;
    messageId: string;
    cursor: string;
    expiresAt: string;
    verified: boolean;
    redacted?: true;
    redactions?: {
        type: string;
        count: number;
    }[];
    warning?: string;
}
/** JSON.stringify(r), written out for the usual answer (nothing redacted): every send passes here. */
export declare function sendBody(r: SendResult): string;
