import { RedisRelay } from '../../redis/messenger-relay.js';
import { RedisMessengerStore } from '../../redis/messenger-store.js';
import { RedisStreamSlots } from '../../redis/stream-slots.js';
import { RedisTokenBuckets } from '../../redis/token-buckets.js';
import { type MessengerConfig } from './config.js';
import type { Hub } from './hub.js';
export interface MessengerBackend {
    store: RedisMessengerStore;
    relay: (hub: Hub) => RedisRelay;
    /** The request rate limit and the stream cap per address, counted by every instance together. */
    limiter: RedisTokenBuckets;
    streamSlots: RedisStreamSlots;
    close(): Promise<void>;
}
/** Rejects with RedisUnavailable when Redis cannot be reached at start (a clear error, no silent local fallback). */
export declare function redisBackend(config: MessengerConfig, now: () => number, log: (line: string) => void): Promise<MessengerBackend>;
