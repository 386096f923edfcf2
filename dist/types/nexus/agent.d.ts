/**
 * What an agent does with a NexusMessaging session, as workflows the CLI and the plugin share
 * (nexus spec §4.3): a request, then what its answer means for the agent's saved state. Claim
 * or join, then keep the agent id and key; poll from the saved cursor, then keep the new one;
 * send with the saved key. Commands that change server state check first that the state can
 * be saved (a claim spends the code, and its key exists only in the answer).
 */
import { NexusClient, type ApiResult } from './client.js';
import { type WatchOptions, type WatchResult } from './watch.js';
import { NexusState, type SessionState } from './state.js';
/** A server answer and, when the server said yes but the answer could not be saved, why. */
export interface AgentResult {
    r: ApiResult;
    stateError?: unknown;
}
/** The saved key belongs to the saved agent only. */
export declare const keyFor: (saved: SessionState, agentId: string) => string | undefined;
export interface PollOptions {
    /** Start after this cursor instead of the saved one (and do not save the new one). */
    after?: string;
    limit?: number;
    members?: boolean;
    /** Seconds the server may hold the poll until something arrives (nexus spec §2.6). */
    wait?: number;
    signal?: AbortSignal;
}
export declare class NexusAgent {
    readonly state: NexusState;
    /** The client for a session: its saved server unless the caller overrides it. */
    private readonly clientFor;
    /** The client for a given server (a pairing link names its own). */
    private readonly clientAt;
    constructor(state: NexusState, 
    /** The client for a session: its saved server unless the caller overrides it. */
    clientFor: (saved?: SessionState) => NexusClient, 
    /** The client for a given server (a pairing link names its own). */
    clientAt?: (url: string) => NexusClient);
    /**
     * Creates a session. `e2e`: an end-to-end session (docs/spec/nexus-e2e.md §2): a fresh secret,
     * kept in the session's state (0600) and never sent; the greeting goes out sealed.
     * `secretFits`: a secret that does not fit is drawn again (newSecret).
     */
    create(body: {
        ttl?: number;
        greeting?: string;
        maxAgents?: number;
        creatorAgentId?: string;
        e2e?: boolean;
    }, opts?: {
        secretFits?: (secret: string) => boolean;
    }): Promise<AgentResult>;
    /**
     * A pairing link for the session; for an end-to-end session its `url` carries the secret in
     * the fragment (e2e spec §2), which no HTTP request sends.
     */
    pair(saved: SessionState, agentId?: string): Promise<AgentResult>;
    /** e2e spec §7: the code both humans compare, from the secret and the members the server lists. */
    safety(saved: SessionState): Promise<Record<string, unknown>>;
    join(saved: SessionState, agentId: string): Promise<AgentResult>;
    /**
     * Claims a pairing code, or the pairing link itself (`https://host/p/CODE`): a link is claimed
     * on its own server, which is saved as this session's server (nexus spec §2.9).
     */
    claim(codeOrLink: string, agentId: string): Promise<AgentResult>;
    /** With an idempotency key, a send retried after a lost answer is posted once (nexus spec §2.3). */
    send(saved: SessionState, agentId: string, text: string, idempotencyKey?: string, json?: unknown): Promise<AgentResult>;
    /** The reader of an end-to-end session's messages for one agent (undefined for a plain session). */
    private reader;
    /**
     * Polls from the saved cursor (or `after`) and saves the new one. A cursor from the server
     * is saved only if it is a plain decimal (nexus spec §2.6): a hostile one is refused and the
     * next poll starts from the old cursor again.
     */
    poll(saved: SessionState, agentId: string, opts?: PollOptions): Promise<AgentResult>;
    /**
     * Watches the session from the saved cursor (or `after`, then nothing is saved) for a bounded
     * time, saving the cursor of each message as it arrives (watch.ts).
     */
    watch(saved: SessionState, agentId: string, opts: Omit<WatchOptions, 'key' | 'saveCursor'> & {
        explicitAfter?: boolean;
    }): Promise<WatchResult>;
    /** Leaves with the saved key; once the seat is gone on the server, the local copy goes too. */
    leave(saved: SessionState, agentId: string, key: string): Promise<AgentResult>;
    /** Closes the session as its creator; once it is gone on the server, the local copy goes too. */
    close(saved: SessionState, agentId: string, key: string): Promise<AgentResult>;
}
