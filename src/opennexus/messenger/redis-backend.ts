/**
 * The messenger's shared backend (REDIS_URL): one Redis connection (plus its subscription
 * connection) for the store and the relay, so any instance serves any agent. Imported by
 * server.ts only when REDIS_URL is set; the client itself loads only then (src/redis/driver.ts).
 */
import { hostname } from 'node:os';
import { randomHex } from '../core/crypto.ts';
import { RedisConn } from '../../redis/connection.ts';
import { RedisRelay } from '../../redis/messenger-relay.ts';
import { RedisMessengerStore } from '../../redis/messenger-store.ts';
import { RedisStreamSlots } from '../../redis/stream-slots.ts';
import { RedisTokenBuckets } from '../../redis/token-buckets.ts';
import { queueLimits, type MessengerConfig } from './config.ts';
import type { Hub } from './hub.ts';

export interface MessengerBackend {
  store: RedisMessengerStore;
  relay: (hub: Hub) => RedisRelay;
  /** The request rate limit and the stream cap per address, counted by every instance together. */
  limiter: RedisTokenBuckets;
  streamSlots: RedisStreamSlots;
  close(): Promise<void>;
}

/** Rejects with RedisUnavailable when Redis cannot be reached at start (a clear error, no silent local fallback). */
export async function redisBackend(config: MessengerConfig, now: () => number, log: (line: string) => void): Promise<MessengerBackend> {
  const redis = await RedisConn.open({ url: config.redisUrl!, prefix: config.redisPrefix, log });
  const store = new RedisMessengerStore(redis, queueLimits(config));
  const instance = `${hostname()}/${process.pid}/${randomHex(4)}`;
  const streamSlots = new RedisStreamSlots(redis, config.limits.maxStreamsPerIp, { now, instance });
  streamSlots.start();
  return {
    store,
    relay: (hub) => new RedisRelay(hub, store, redis, { now, log, instance }),
    limiter: new RedisTokenBuckets(redis, { rate: config.rateLimit, burst: config.rateBurst, now }),
    streamSlots,
    close: async () => {
      await streamSlots.close();
      await redis.close();
    },
  };
}
