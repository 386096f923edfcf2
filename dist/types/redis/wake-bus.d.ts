import type { WakeBus } from '../nexus/server/waiters.js';
import type { RedisConn } from './connection.js';
export declare class RedisWakeBus implements WakeBus {
    private readonly redis;
    private readonly log;
    /** Our own wakes come back from Redis too; they were already delivered locally. */
    private readonly self;
    constructor(redis: RedisConn, log?: (line: string) => void);
    publish(sessionId: string): void;
    subscribe(onWake: (sessionId: string) => void, onMissed: () => void): Promise<void>;
}
