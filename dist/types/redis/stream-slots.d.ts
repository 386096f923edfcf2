/**
 * Open event streams per client address counted in Redis, so MAX_STREAMS_PER_IP holds across
 * every instance (issue 19, item 6: before, each instance counted its own). Each open stream
 * is a member of the address's sorted set, scored by when its lease ends; an instance renews
 * its streams' leases in one batch every REFRESH_MS, so the streams of an instance that dies
 * stop counting within LEASE_MS. This instance also counts its own (http/limits.ts OpenCounts):
 * a refusal it can make alone costs no round trip, and when Redis does not answer that count
 * is what holds (the cap of before, per instance), rather than refusing every stream.
 *
 * Keys: <prefix>ss:<address> zset: "<instance>:<n>" -> lease end (ms). The refresh names keys
 * from its arguments (several addresses in one script): one Redis, not a cluster, as for the
 * messenger's store (messenger-lua.ts).
 */
import { type Slots } from '../http/limits.js';
import type { RedisConn } from './connection.js';
export declare const LEASE_MS = 60000;
export declare class RedisStreamSlots implements Slots {
    private readonly redis;
    private readonly cap;
    private readonly opts;
    private readonly local;
    /** Address -> tokens this instance holds in Redis for it. */
    private readonly held;
    private readonly pending;
    private next;
    private timer;
    constructor(redis: RedisConn, cap: number, opts: {
        now: () => number;
        instance: string;
    });
    start(): void;
    acquire(address: string): Promise<boolean>;
    release(address: string): void;
    /** Stops renewing and waits for the releases in flight (the streams were ended first). */
    close(): Promise<void>;
    private key;
    private renew;
}
