/**
 * Idempotent sends shared by every instance (nexus/server/idempotency.ts): a retry that lands
 * on another instance still gets the first answer. The first request for (session, agent, key)
 * claims the key in the session's hash with a `pending` mark (one script: exactly one wins), runs
 * the send and stores its answer; a repeat meanwhile waits for that answer. A failed send
 * removes its mark, so its retry runs again; a mark whose instance died is taken over after
 * PENDING_STALE_MS. The hash (and the sorted set of its keys' ages) is deleted and expires with
 * its session (redis/nexus-scripts.ts); beyond PER_SESSION keys the oldest goes, as in memory.
 * The mark and the answer carry the message's fingerprint: a repeat with another message is
 * keyReused.
 */
import { randomHex } from '../opennexus/core/crypto.ts';
import type { HttpResponse } from '../http/types.ts';
import { keyReused, replayed, type IdempotencyStore } from '../nexus/server/idempotency.ts';
import { StorageUnavailable } from '../store/nexus-store.ts';
import type { RedisConn } from './connection.ts';

const PER_SESSION = 100;
const PENDING_STALE_MS = 30_000;
const WAIT_MS = 15_000;

/**
 * Claims the field: 1 claimed, 0 taken, 2 taken by another message (a stale mark of another
 * message is not taken over: that would post a different message under the key).
 * KEYS: the answers (hash), their ages (zset). ARGV: field, mark, stale-before, cap, now, message.
 * A mark is `pending <ms> <hex> <message>`; one written before marks named their message has no
 * last part and matches any (a rolling upgrade must not refuse honest retries).
 */
const CLAIM = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if not cur then
  while redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) do
    local oldest = redis.call('ZPOPMIN', KEYS[2])[1]
    redis.call('HDEL', KEYS[1], oldest)
  end
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
  return 1
end
local at, msg = string.match(cur, '^pending (%d+) %x+ ?(%x*)$')
if at and msg ~= '' and msg ~= ARGV[6] then return 2 end
if at and tonumber(at) < tonumber(ARGV[3]) then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  return 1
end
return 0
`;

/** Stores the answer or drops the mark, only if the mark is still ours. KEYS as CLAIM's. */
const SETTLE = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
if ARGV[3] == '' then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
end
return 1
`;

export class RedisIdempotency implements IdempotencyStore {
  constructor(
    private readonly redis: RedisConn,
    private readonly now: () => number = Date.now,
  ) {}

  async run(sessionId: string, agentId: string, key: string, message: string, send: () => Promise<HttpResponse>): Promise<HttpResponse> {
    const P = this.redis.key('nx:');
    const keys = [`${P}i:${sessionId}`, `${P}io:${sessionId}`]; // the store's keys of it (nexus-scripts.ts)
    const hash = keys[0]!;
    const field = `${agentId}\n${key}`;
    const deadline = this.now() + WAIT_MS;
    for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
      const mark = `pending ${this.now()} ${randomHex(6)} ${message}`;
      const claimed = await this.redis.script<number>(CLAIM, keys, [field, mark, this.now() - PENDING_STALE_MS, PER_SESSION, this.now(), message]);
      if (claimed === 1) return this.settle(keys, field, mark, message, send);
      if (claimed === 2) throw keyReused();
      const kept = await this.redis.call((c) => c.hGet(hash, field));
      if (kept && !kept.startsWith('pending ')) {
        const first = JSON.parse(kept) as HttpResponse & { message?: string };
        // An answer kept before answers named their message matches any.
        if (first.message !== undefined && first.message !== message) throw keyReused();
        const { message: _m, ...answer } = first;
        return replayed(answer);
      }
      if (this.now() > deadline) throw new StorageUnavailable('idempotency_pending', 'a send with this Idempotency-Key is still in progress; retry later');
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  private async settle(keys: string[], field: string, mark: string, message: string, send: () => Promise<HttpResponse>): Promise<HttpResponse> {
    let answer: HttpResponse;
    try {
      answer = await send();
    } catch (e) {
      await this.redis.script(SETTLE, keys, [field, mark, '']).catch(() => {});
      throw e;
    }
    const body = typeof answer.body === 'string' ? answer.body : answer.body ? Buffer.from(answer.body).toString('utf8') : undefined;
    await this.redis.script(SETTLE, keys, [field, mark, JSON.stringify({ status: answer.status, headers: answer.headers, body, message })]).catch(() => {});
    return answer;
  }

  /** Deleted with the session by the store's scripts. */
  drop(): void {}
}
