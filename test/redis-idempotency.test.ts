// Idempotency-Key answers in Redis (src/redis/idempotency.ts): a key names one message. The
// marks and answers written before they named their message still match any (rolling upgrade).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpResponse } from '../src/http/types.ts';
import { RedisConn } from '../src/redis/connection.ts';
import { RedisIdempotency } from '../src/redis/idempotency.ts';
import { deletePrefix, haveRedis, REDIS_URL, testPrefix } from './helpers/redis.ts';

const ok = await haveRedis();
const prefix = testPrefix('idempotency');
const M1 = 'a'.repeat(64);
const M2 = 'b'.repeat(64);

describe.skipIf(!ok)('RedisIdempotency', () => {
  let conn: RedisConn;
  let now = 1_000_000;
  beforeAll(async () => {
    conn = await RedisConn.open({ url: REDIS_URL, prefix });
  });
  afterAll(async () => {
    await conn.close();
    await deletePrefix(prefix);
  });
  const answer = (body: string): (() => Promise<HttpResponse>) => async () => ({ status: 201, headers: {}, body });
  /** The session's answers, where the store keeps them (redis/nexus-scripts.ts: P i:<id>). */
  const hash = (sid: string) => `${conn.key('nx:')}i:${sid}`;

  it('a repeat with the same message is replayed; with another it is 422, also over a stale mark of the first', async () => {
    const store = new RedisIdempotency(conn, () => now);
    expect((await store.run('s1', 'a', 'k', M1, answer('first'))).body).toBe('first');
    const again = await store.run('s1', 'a', 'k', M1, answer('second'));
    expect([again.body, again.headers?.['idempotent-replayed']]).toEqual(['first', 'true']);
    await expect(store.run('s1', 'a', 'k', M2, answer('other'))).rejects.toMatchObject({ status: 422 });
    // A mark left by a dead instance for M1: M2 may not take it over, M1 may.
    await conn.call((c) => c.hSet(hash('s2'), 'a\nk', `pending ${now - 60_000} abcdef ${M1}`));
    await expect(store.run('s2', 'a', 'k', M2, answer('other'))).rejects.toMatchObject({ status: 422 });
    expect((await store.run('s2', 'a', 'k', M1, answer('taken over'))).body).toBe('taken over');
  });

  it('marks and answers from before they named their message match any message', async () => {
    const store = new RedisIdempotency(conn, () => now);
    await conn.call((c) => c.hSet(hash('s3'), 'a\nk', JSON.stringify({ status: 201, headers: {}, body: 'old answer' })));
    expect((await store.run('s3', 'a', 'k', M2, answer('x'))).body).toBe('old answer');
    await conn.call((c) => c.hSet(hash('s4'), 'a\nk', `pending ${now - 60_000} abcdef`));
    expect((await store.run('s4', 'a', 'k', M2, answer('after the old mark'))).body).toBe('after the old mark');
  });
});
