import { type Files } from '../store/files.js';
export type StateField = 'agent' | 'cursor' | 'key' | 'server' | 'e2e';
export interface SessionState {
    sessionId: string;
    /** The agent this state is for: the one asked for, or the only one saved. */
    agent?: string;
    cursor?: string;
    key?: string;
    server?: string;
    /** An end-to-end session's secret, base64url (docs/spec/nexus-e2e.md §2): kept 0600, never sent to the server. */
    e2e?: string;
    /** Every agent saved for this session in this state dir. */
    agents?: string[];
}
/** Agent ids become directory names: the server's own rule (nexus spec §1.2(9)). */
export declare function safeAgentId(id: string): boolean;
/** A value from the server that must not be saved (the server misbehaved). */
export declare class InvalidServerValue extends Error {
    constructor(message: string);
}
/** The state dir cannot be written: found before any request that would need it. */
export declare class StateDirError extends Error {
    readonly dir: string;
    constructor(dir: string, reason: string);
}
/** Session ids become directory names: refuse anything that could escape the folder. */
export declare function safeSessionId(id: string): boolean;
/** Cursors are plain decimal strings (nexus spec §2.6); 20 digits hold any u64. */
export declare function validCursor(c: unknown): c is string;
/**
 * A session key from the server, checked before it is saved: one token of visible ASCII (it
 * goes back in the X-Session-Key header; nexus spec §2.1 says 256 bits, ours are 64 hex digits).
 * Absent or empty means "no key".
 */
export declare function serverKey(k: unknown): {
    key?: string;
};
/** A session id from the server, checked before it becomes a directory name. */
export declare function serverSessionId(sid: unknown): string;
export declare class NexusState {
    readonly dir: string;
    /** Who does the file work (store/files.ts): inline for one-shot CLI commands, else the thread pool. */
    private readonly files;
    constructor(dir: string, 
    /** Who does the file work (store/files.ts): inline for one-shot CLI commands, else the thread pool. */
    files?: Files);
    private sessionDir;
    private agentDir;
    /** The state of `agent` in session `sid` (or of the only agent saved, when none is named). */
    load(sid: string, agent?: string): Promise<SessionState>;
    /**
     * Saves values of session `sid`: `server` for the session; `cursor` and `key` for `agent`
     * (`values.agent`, else the `agent` argument), in its own folder unless it is the session's
     * first agent.
     */
    save(sid: string, values: Partial<Record<StateField, string>>, agent?: string): Promise<void>;
    /**
     * Proves the state can be saved, before a request whose result must be saved (a claim spends
     * the pairing code; its key exists only in the answer). Creating and removing a probe file is
     * the only test that also holds for root, read-only mounts and paths under a regular file,
     * where permission bits say nothing. The session's own folder is probed when it exists.
     */
    assertWritable(sid?: string): Promise<void>;
    /** Where `agent`'s own files of session `sid` live: the session's folder for its first agent. */
    private ownDir;
    /** The msgids `agent` has opened in session `sid`, with their cursors (e2e spec §6 replays). */
    loadSeen(sid: string, agent: string): Promise<string>;
    saveSeen(sid: string, agent: string, text: string): Promise<void>;
    remove(sid: string): Promise<void>;
    list(): Promise<string[]>;
}
