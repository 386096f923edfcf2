/**
 * Tests against the real Redis (.ci/run starts one at 127.0.0.1:6379). Each test file works
 * under its own key prefix in database 15 and deletes its keys afterwards (never FLUSHALL).
 * Without Redis the tests are skipped locally and FAIL in CI (CI=true).
 */
import { createConnection } from 'node:net';
import { randomBytes } from 'node:crypto';
import { createClient } from '@redis/client';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/15';

function reachable(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = createConnection({ host: u.hostname, port: Number(u.port || 6379) });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1_000, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** True when Redis answers; throws in CI when it does not (a test that needs it must not skip there). */
export async function haveRedis(): Promise<boolean> {
  const ok = await reachable(REDIS_URL);
  if (!ok && process.env.CI === 'true') throw new Error(`Redis is required in CI and is not reachable at ${REDIS_URL}`);
  return ok;
}

/** A fresh key prefix for one test file or test. */
export const testPrefix = (name: string) => `test:${name}:${randomBytes(4).toString('hex')}:`;

/** Deletes every key under the prefix (SCAN + UNLINK; never FLUSHALL). */
export async function deletePrefix(prefix: string, url = REDIS_URL): Promise<void> {
  const c = createClient({ url });
  await c.connect();
  try {
    for await (const keys of c.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length) await c.unlink(keys);
    }
  } finally {
    await c.close();
  }
}
