import { type RedisClient } from './driver.js';
export { RedisUnavailable } from './errors.js';
export interface RedisOptions {
    url: string;
    /** Put before every key and channel, so several deployments (or tests) share one Redis. */
    prefix?: string;
    /** Deadline of one command, ms. */
    commandTimeoutMs?: number;
    log?: (line: string) => void;
}
export declare const DEFAULT_PREFIX = "nexus:";
export declare class RedisConn {
    private readonly cmd;
    private readonly opts;
    readonly prefix: string;
    private sub;
    private readonly shas;
    private lastError;
    private closed;
    private constructor();
    /** Connects; rejects with RedisUnavailable when Redis cannot be reached at start. */
    static open(opts: RedisOptions): Promise<RedisConn>;
    private watch;
    /** Whether commands can run now (the /health of both servers). */
    get ready(): boolean;
    key(...parts: string[]): string;
    /** Runs one command through the client; a lost or slow connection becomes RedisUnavailable. */
    call<T>(fn: (c: RedisClient) => Promise<T>): Promise<T>;
    /** Runs a Lua script by its SHA-1, loading it on first use or after a Redis restart. */
    script<T = unknown>(lua: string, keys: string[], args: (string | number)[]): Promise<T>;
    /**
     * Subscribes to one channel (prefixed) on the subscription connection; the client
     * re-subscribes by itself after a reconnect. `onReconnect` runs each time it does, so a
     * caller can re-read what it may have missed (a wake is a hint, the store is the truth).
     */
    subscribe(channel: string, onMessage: (message: string) => void, onReconnect?: () => void): Promise<void>;
    publish(channel: string, message: string): Promise<void>;
    close(): Promise<void>;
}
/** The URL without its password, for logs. */
export declare function redact(url: string): string;
