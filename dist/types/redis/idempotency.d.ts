import type { HttpResponse } from '../http/types.js';
import { type IdempotencyStore } from '../nexus/server/idempotency.js';
import type { RedisConn } from './connection.js';
export declare class RedisIdempotency implements IdempotencyStore {
    private readonly redis;
    private readonly now;
    constructor(redis: RedisConn, now?: () => number);
    run(sessionId: string, agentId: string, key: string, message: string, send: () => Promise<HttpResponse>): Promise<HttpResponse>;
    private settle;
    /** Deleted with the session by the store's scripts. */
    drop(): void;
}
