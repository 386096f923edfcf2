import type { Quota } from '../nexus/server/budgets.js';
import type { RedisConn } from './connection.js';
export declare class RedisStorageQuota implements Quota {
    private readonly redis;
    private readonly perIp;
    private readonly max;
    readonly ready: Promise<void>;
    private readonly P;
    constructor(redis: RedisConn, perIp: number, max: number);
    charge(ip: string, sid: string, bytes: number): Promise<void>;
    /** Idempotent; the store's delete script releases too, so a lost call here costs nothing for long. */
    release(sid: string): void;
}
