// The shared Redis connection (src/redis/connection.ts): prefixing, scripts, pub/sub, and a
// Redis that cannot be reached reported as RedisUnavailable, never a crash or a hang.
import { afterAll, describe, expect, it } from 'vitest';
import { RedisConn, RedisUnavailable, redact } from '../src/redis/connection.ts';
import { deletePrefix, haveRedis, REDIS_URL, testPrefix } from './helpers/redis.ts';

const prefix = testPrefix('conn');
const ok = await haveRedis();

describe.skipIf(!ok)('RedisConn', () => {
  afterAll(() => deletePrefix(prefix));

  it('prefixes keys, runs scripts (loading them after SCRIPT FLUSH) and delivers published messages', async () => {
    const conn = await RedisConn.open({ url: REDIS_URL, prefix });
    try {
      expect(conn.key('s', 'abc')).toBe(`${prefix}s:abc`);
      const lua = "return redis.call('INCRBY', KEYS[1], ARGV[1])";
      expect(await conn.script(lua, [conn.key('n')], [2])).toBe(2);
      await conn.call((c) => c.scriptFlush());
      expect(await conn.script(lua, [conn.key('n')], [3])).toBe(5);
      const got = new Promise<string>((resolve) => void conn.subscribe('wake', resolve));
      // the subscription is in place once subscribe() resolved; publish until it is heard
      const deadline = Date.now() + 5_000;
      let heard: string | undefined;
      void got.then((m) => (heard = m));
      while (!heard && Date.now() < deadline) {
        await conn.publish('wake', 'hello');
        await new Promise((r) => setImmediate(r));
      }
      expect(await got).toBe('hello');
      expect(conn.ready).toBe(true);
    } finally {
      await conn.close();
    }
  });
});

describe('RedisConn without Redis', () => {
  it('open() rejects with RedisUnavailable and a redacted URL', async () => {
    const e = await RedisConn.open({ url: 'redis://:secret@127.0.0.1:1/0' }).catch((x) => x);
    expect(e).toBeInstanceOf(RedisUnavailable);
    expect(e.code).toBe('redis_unavailable');
    expect(String(e.message)).not.toContain('secret');
    expect(redact('redis://u:pw@h:1/2')).toBe('redis://u:***@h:1/2');
  });
});

describe.skipIf(!ok)('RedisConn errors', () => {
  it('a script error is an error from Redis (a bug: 500), not an outage (503)', async () => {
    const conn = await RedisConn.open({ url: REDIS_URL, prefix });
    try {
      const e = await conn.script("return redis.call('NOSUCHCOMMAND')", [], []).catch((x) => x);
      expect(e).toBeInstanceOf(Error);
      expect(e).not.toBeInstanceOf(RedisUnavailable);
    } finally {
      await conn.close();
    }
  });
});
