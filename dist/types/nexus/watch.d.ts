import type { NexusClient } from './client.js';
export type Body = Record<string, unknown>;
export interface WatchOptions {
    timeoutMs: number;
    /** Stop after this many messages that are not the watcher's own. */
    maxMessages?: number;
    /** Where to start (exclusive); undefined: from the beginning of the session. */
    after?: string;
    key?: string;
    /** Handed each message; awaited before its cursor is saved (at-least-once: a crash in between repeats it). */
    /** `false`: the message was not handed on (an E2E key check, e2e spec §5): it is not counted. */
    onMessage: (m: Body) => void | boolean | Promise<void | boolean>;
    /** Saves the cursor of each message once onMessage has taken it. */
    saveCursor?: (cursor: string) => Promise<void>;
    /** Pause before opening a dropped stream again (the server's `retry:` is 2 s). */
    retryMs?: number;
    /** Ends the watch early (as a timeout). */
    signal?: AbortSignal;
}
export interface WatchResult {
    /**
     * timeout and max_messages: the watch's bounds, met while it was connected. unreachable: no
     * stream was ever open; disconnected: the stream dropped and could not be opened again before
     * the deadline (so "no new messages" would not be true: watch again, from `cursor`). closed:
     * the creator ended the session.
     */
    ended: 'timeout' | 'max_messages' | 'expired' | 'closed' | 'refused' | 'unreachable' | 'disconnected';
    messages: number;
    fromOthers: number;
    cursor: string | null;
    reconnects: number;
    /** The server's answer when it refused the stream (or ended it with an error event). */
    error?: Body;
}
export declare function watchSession(client: NexusClient, sessionId: string, agentId: string, opts: WatchOptions): Promise<WatchResult>;
