/**
 * The session server's shared backend (REDIS_URL): one Redis connection for the store, both
 * rate limiters, idempotent sends and the wake bus, so any instance can serve any request.
 * Imported by server.ts only when REDIS_URL is set.
 */
import { RedisConn } from '../../redis/connection.ts';
import { RedisIdempotency } from '../../redis/idempotency.ts';
import { RedisNexusStore } from '../../redis/nexus-store.ts';
import { RedisFixedWindows } from '../../redis/rate-limit.ts';
import { RedisStorageQuota } from '../../redis/quota.ts';
import { RedisWakeBus } from '../../redis/wake-bus.ts';
import type { MessageBudget } from '../../store/nexus-store.ts';
import type { NexusConfig } from './config.ts';
import type { SessionServerDeps } from './context.ts';
import type { Waiters } from './waiters.ts';

export interface SharedBackend {
  deps: Required<Pick<SessionServerDeps, 'store' | 'requestLimiter' | 'pairMissLimiter' | 'wakeBus' | 'idempotency' | 'quota'>>;
  /** Starts delivering other instances' wakes to this instance's waiters. */
  listen(waiters: Waiters): Promise<void>;
  close(): Promise<void>;
}

export async function redisBackend(config: NexusConfig, budget: MessageBudget, now: () => number, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<SharedBackend> {
  const redis = await RedisConn.open({ url: config.redisUrl!, prefix: config.redisPrefix, log });
  const windowMs = config.rateLimitWindowMs;
  const wakeBus = new RedisWakeBus(redis, log);
  return {
    deps: {
      store: new RedisNexusStore(redis, budget),
      requestLimiter: new RedisFixedWindows(redis, { name: 'req', max: config.rateLimitMax, windowMs, now }),
      pairMissLimiter: new RedisFixedWindows(redis, { name: 'pairmiss', max: config.pairFailLimit, windowMs, now }),
      wakeBus,
      idempotency: new RedisIdempotency(redis, now),
      quota: new RedisStorageQuota(redis, config.storagePerIp, config.storageTotal),
    },
    listen: (waiters) => wakeBus.subscribe((id) => waiters.wake(id), () => waiters.wakeAll()),
    close: () => redis.close(),
  };
}
