/**
 * Loads the official Redis client (@redis/client: node-redis without its module commands,
 * which we do not use) on first use. In the bundled scripts it is a separate file,
 * scripts/vendor-redis.mjs (build.mjs), so a CLI start never parses it.
 */
import type { createClient } from '@redis/client';
export type RedisClient = ReturnType<typeof createClient>;
export declare function loadRedisDriver(): Promise<{
    createClient: typeof createClient;
}>;
