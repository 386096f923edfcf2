// The entry of scripts/vendor-redis.mjs (build.mjs VENDOR): the Redis client, bundled alone.
export { createClient } from '@redis/client';
