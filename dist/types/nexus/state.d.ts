export type StateField = 'agent' | 'cursor' | 'key' | 'server';
export interface SessionState {
    sessionId: string;
    agent?: string;
    cursor?: string;
    key?: string;
    server?: string;
}
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
    constructor(dir: string);
    private sessionDir;
    load(sid: string): Promise<SessionState>;
    save(sid: string, values: Partial<Record<StateField, string>>): Promise<void>;
    /**
     * Proves the state can be saved, before a request whose result must be saved (a claim spends
     * the pairing code; its key exists only in the answer). Creating and removing a probe file is
     * the only test that also holds for root, read-only mounts and paths under a regular file,
     * where permission bits say nothing. The session's own folder is probed when it exists.
     */
    assertWritable(sid?: string): Promise<void>;
    remove(sid: string): Promise<void>;
    list(): Promise<string[]>;
}
