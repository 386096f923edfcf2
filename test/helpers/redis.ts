/**
 * Tests against the real Redis (.ci/run starts one at 127.0.0.1:6379). Each test file works
 * under its own key prefix in database 15 and deletes its keys afterwards (never FLUSHALL).
 * Without Redis the tests are skipped locally and FAIL in CI (CI=true).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
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

/** A free loopback port (closed again at once; the caller binds it next). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = createConnection({ host: '127.0.0.1', port });
    c.once('connect', () => (c.destroy(), resolve(true)));
    c.once('error', () => resolve(false));
  });
}

/**
 * A private, throwaway redis-server on `port` for outage tests (killed by PID; the shared test
 * Redis is never disturbed). With `dir`, every write is fsync'ed to an append-only file there,
 * so a restart keeps the data; without, it keeps nothing. Resolves once it listens.
 */
export async function privateRedis(port: number, dir?: string): Promise<ChildProcess> {
  const persistence = dir ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir] : ['--appendonly', 'no'];
  const p = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence], { stdio: 'ignore' });
  const deadline = Date.now() + 5000;
  while (!(await canConnect(port))) {
    if (Date.now() > deadline || p.exitCode !== null) throw new Error(`redis-server did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return p;
}
