// The seams a shared backend plugs into (store/nexus-store.ts, http/rate-limit.ts): every store
// callback the routes pass is pure, so a store that runs each one again (as a shared backend
// does on a conflict) serves the same answers; and the rate limiters are replaceable, also by
// ones that answer with a promise.
import { describe, expect, it } from 'vitest';
import type { RateDecision, RateLimiter } from '../src/http/rate-limit.ts';
import { createSessionServer } from '../src/nexus/server/app.ts';
import { nexusConfig } from '../src/nexus/server/config.ts';
import { MemoryNexusStore } from '../src/store/memory-nexus-store.ts';
import type { MaybePromise } from '../src/maybe-promise.ts';
import type { NexusStore, PairRecord, SessionRecord, Update } from '../src/store/nexus-store.ts';
import { call } from './helpers/http.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);

/** Runs every callback twice on the same record, checks both runs agree, keeps the second. */
class RetryingStore extends MemoryNexusStore {
  reruns = 0;

  private twice<R, T>(fn: (r: R | null) => Update<T, R>): (r: R | null) => Update<T, R> {
    return (r) => {
      let first: Update<T, R> | undefined;
      let firstError: unknown;
      try {
        first = fn(r);
      } catch (e) {
        firstError = e;
      }
      this.reruns++;
      let second: Update<T, R>;
      try {
        second = fn(r);
      } catch (e) {
        expect(e).toEqual(firstError);
        throw e;
      }
      expect(second).toEqual(first);
      return second;
    };
  }

  override updateSession<T>(id: string, fn: (s: SessionRecord | null) => Update<T, SessionRecord>): MaybePromise<T> {
    return super.updateSession(id, this.twice(fn));
  }

  override updatePair<T>(code: string, fn: (p: PairRecord | null) => Update<T, PairRecord>): Promise<T> {
    return super.updatePair(code, this.twice(fn));
  }
}

function server(store: NexusStore, limiters: { requestLimiter?: RateLimiter; pairMissLimiter?: RateLimiter } = {}) {
  const clock = { t: T0 };
  const app = createSessionServer({ config: nexusConfig({ RATE_LIMIT_MAX: '100000' }, { dataDir: null }), store, now: () => clock.t, ...limiters });
  const req = async (method: string, path: string, opts: { agent?: string; key?: string; body?: unknown } = {}) => {
    const headers: Record<string, string> = {};
    if (opts.agent) headers['x-agent-id'] = opts.agent;
    if (opts.key) headers['x-session-key'] = opts.key;
    const r = await call(app.handler, method, path, { headers, body: JSON.stringify(opts.body ?? {}) });
    return { status: r.status, headers: r.headers ?? {}, json: JSON.parse(String(r.body)) as Any };
  };
  return { req, clock };
}

describe('a store that runs every update twice (a shared backend retrying on conflict)', () => {
  it('serves the whole flow with the same answers: every callback is pure', async () => {
    const store = new RetryingStore();
    const { req, clock } = server(store);
    const c = await req('PUT', '/v1/sessions', { body: { creatorAgentId: 'a', greeting: 'hi', ttl: 600 } });
    expect(c.status).toBe(201);
    const sid = c.json.sessionId;
    const a = { agent: 'a', key: c.json.sessionKey };
    const code = (await req('PUT', '/v1/pair', { ...a, body: { sessionId: sid } })).json.code;
    expect((await req('POST', `/v1/pair/${code}/claim`, { agent: 'a' })).json.error).toBe('agent_id_taken'); // the code is released
    const b = await req('POST', `/v1/pair/${code}/claim`, { agent: 'b' });
    expect(b.json).toMatchObject({ status: 'claimed', agentsOnline: 2 });
    const bk = { agent: 'b', key: b.json.sessionKey };
    const sent = await req('POST', `/v1/sessions/${sid}/messages`, { ...a, body: { text: 'one' } });
    expect(sent.json).toMatchObject({ ok: true, cursor: '2', verified: true });
    const polled = await req('GET', `/v1/sessions/${sid}/messages?after=0`, bk);
    expect(polled.json.messages.map((m: Any) => [m.cursor, m.id])).toEqual([['1', expect.any(String)], ['2', sent.json.id]]);
    expect((await req('POST', `/v1/sessions/${sid}/renew`, { ...bk, body: { ttl: 1200 } })).json).toMatchObject({ ttl: 1200, agents: ['a', 'b'] });
    expect((await req('POST', `/v1/sessions/${sid}/renew`, { ...bk, body: { ttl: 60 } })).json.error).toBe('ttl_shorten_forbidden');
    expect((await req('DELETE', `/v1/sessions/${sid}/agents/b`, bk)).json.status).toBe('removed');
    expect((await req('POST', `/v1/sessions/${sid}/join`, { agent: 'c' })).json).toMatchObject({ status: 'joined', agentsOnline: 2 });
    clock.t += 1_200_001;
    expect((await req('GET', `/v1/sessions/${sid}`)).json.error).toBe('session_not_found');
    expect(await store.getSession(sid)).toBeNull(); // dropped on the way, by a rerun-safe callback
    expect(store.reruns).toBeGreaterThanOrEqual(10);
  });
});

describe('rate limiters behind RateLimiter', () => {
  /** Allows `max` hits per key, answering with a promise like a shared backend would. */
  const counting = (max: number): RateLimiter & { hits: number } => {
    const seen = new Map<string, number>();
    const decision = (n: number): RateDecision => ({ ok: n <= max, remaining: Math.max(0, max - n), retryAfterSec: 7, resetAt: T0 + 7000 });
    return {
      hits: 0,
      async hit(key) {
        this.hits++;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        return decision(seen.get(key)!);
      },
      async peek(key) {
        return { ...decision(seen.get(key) ?? 0), ok: (seen.get(key) ?? 0) < max };
      },
    };
  };

  it('an injected request limiter decides, with the 429 headers; /health is never limited', async () => {
    const limiter = counting(2);
    const { req } = server(new MemoryNexusStore(), { requestLimiter: limiter });
    expect((await req('GET', '/v1/stats')).status).toBe(200);
    expect((await req('GET', '/v1/stats')).status).toBe(200);
    const refused = await req('GET', '/v1/stats');
    expect(refused.status).toBe(429);
    expect(refused.json).toMatchObject({ error: 'rate_limit_exceeded', retryAfter: 7 });
    expect(refused.headers).toMatchObject({ 'retry-after': '7', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil((T0 + 7000) / 1000)) });
    expect((await req('GET', '/health')).status).toBe(200);
    expect(limiter.hits).toBe(3);
  });

  it('an injected pairing-miss limiter counts unknown codes only', async () => {
    const misses = counting(1);
    const { req } = server(new MemoryNexusStore(), { pairMissLimiter: misses });
    const sid = (await req('PUT', '/v1/sessions', { body: {} })).json.sessionId;
    const code = (await req('PUT', '/v1/pair', { body: { sessionId: sid } })).json.code;
    expect((await req('GET', `/v1/pair/${code}/status`)).status).toBe(200);
    expect((await req('GET', '/v1/pair/NO-SUCH-CODE/status')).json.error).toBe('code_not_found');
    expect(misses.hits).toBe(1);
    expect((await req('GET', `/v1/pair/${code}/status`)).json.error).toBe('rate_limit_exceeded');
  });
});
