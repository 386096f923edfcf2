// Byte budgets of the session server (DESIGN: every buffer has a byte budget): a message's
// JSON payload, the bytes kept per session and in total, each poll answer, the greeting, and
// the session storage per client address and in total.
import { describe, expect, it } from 'vitest';
import { createSessionServer } from '../src/nexus/server/app.ts';
import { nexusConfig } from '../src/nexus/server/config.ts';
import { MemoryNexusStore } from '../src/store/memory-nexus-store.ts';
import { call } from './helpers/http.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

function server(env: Record<string, string> = {}) {
  const clock = { t: Date.UTC(2026, 10, 21, 12, 0, 0) };
  const config = nexusConfig({ RATE_LIMIT_MAX: '100000', ...env }, { dataDir: null });
  const store = new MemoryNexusStore({ maxPerSession: config.maxMessagesPerSession, maxBytesPerSession: config.maxSessionMessageBytes, maxBytesTotal: config.maxMessageBytesTotal });
  const app = createSessionServer({ config, store, now: () => clock.t });
  const req = async (method: string, path: string, opts: { agent?: string; body?: unknown; ip?: string } = {}) => {
    const r = await call(app.handler, method, path, { headers: opts.agent ? { 'x-agent-id': opts.agent } : {}, body: JSON.stringify(opts.body ?? {}), ...(opts.ip ? { ip: opts.ip } : {}) });
    const text = String(r.body ?? '');
    return { status: r.status, headers: r.headers ?? {}, json: JSON.parse(text) as Any, bytes: Buffer.byteLength(text) };
  };
  const session = async (ip?: string) => (await req('PUT', '/v1/sessions', { body: { creatorAgentId: 'a' }, ...(ip ? { ip } : {}) })).json.sessionId as string;
  return { req, session, clock, app };
}

const big = (i: number) => `${i}:`.padEnd(16_000, 'x'); // the largest text a message may have

describe('per message', () => {
  it('a json payload of 21k nodes is refused (it cost ~1 MiB of heap); 1,000 nodes pass', async () => {
    const { req, session } = server();
    const sid = await session();
    const flood = { a: Array.from({ length: 21_000 }, () => []) }; // ~64 KiB of `[],`
    const r = await req('POST', `/v1/sessions/${sid}/messages`, { agent: 'a', body: { text: 'x', json: flood } });
    expect([r.status, r.json.error, r.json.details[0].path]).toEqual([400, 'invalid_request', 'json']);
    const ok = await req('POST', `/v1/sessions/${sid}/messages`, { agent: 'a', body: { json: { a: Array.from({ length: 998 }, (_, i) => i) } } });
    expect(ok.status).toBe(201);
  });
});

describe('per session and in total', () => {
  it('a session keeps at most 2 MiB of messages: the oldest go, the newest stay', async () => {
    const { req, session } = server();
    const sid = await session();
    for (let i = 0; i < 200; i++) expect((await req('POST', `/v1/sessions/${sid}/messages`, { agent: 'a', body: { text: big(i) } })).status).toBe(201);
    const kept: Any[] = [];
    let after = '-1';
    for (let more = true; more; ) {
      const p = await req('GET', `/v1/sessions/${sid}/messages?after=${after}&limit=500`, { agent: 'a' });
      kept.push(...p.json.messages);
      after = p.json.nextCursor;
      more = p.json.hasMore;
    }
    const bytes = kept.reduce((n, m) => n + Buffer.byteLength(JSON.stringify(m)), 0);
    expect(bytes).toBeLessThanOrEqual(2 << 20);
    expect(kept.length).toBeLessThan(200);
    expect(kept.at(-1).text).toBe(big(199));
    expect(Number(kept[0].cursor)).toBeGreaterThan(1); // the oldest were dropped
  });

  it('all sessions together keep at most MAX_MESSAGE_BYTES_TOTAL: the globally oldest go first', async () => {
    const { req, session } = server({ MAX_MESSAGE_BYTES_TOTAL: String(1 << 20) });
    const [s1, s2] = [await session(), await session()];
    for (let i = 0; i < 40; i++) await req('POST', `/v1/sessions/${s1}/messages`, { agent: 'a', body: { text: big(i) } });
    for (let i = 0; i < 40; i++) await req('POST', `/v1/sessions/${s2}/messages`, { agent: 'a', body: { text: big(100 + i) } });
    const all = async (sid: string) => (await req('GET', `/v1/sessions/${sid}/messages?limit=500`, { agent: 'a' })).json.messages as Any[];
    const [m1, m2] = [await all(s1), await all(s2)];
    expect((m1.length + m2.length) * 16_000).toBeLessThanOrEqual(1 << 20);
    expect(m2.map((m) => m.text)).toEqual(Array.from({ length: 40 }, (_, i) => big(100 + i)));
    // s1's messages were the oldest: its first ones went, its last ones stay.
    expect(m1.length).toBeLessThan(40);
    expect(m1.at(-1).text).toBe(big(39));
  });
});

describe('per poll answer', () => {
  it('?limit=500 of 16k-char messages answers about 1 MiB, and nextCursor continues without gaps or repeats', async () => {
    const { req, session } = server();
    const sid = await session();
    for (let i = 0; i < 120; i++) await req('POST', `/v1/sessions/${sid}/messages`, { agent: 'a', body: { text: big(i) } });
    const first = await req('GET', `/v1/sessions/${sid}/messages?after=0&limit=500`, { agent: 'a' });
    expect(first.bytes).toBeLessThanOrEqual((1 << 20) + 20_000); // the budget, plus at most one message
    expect(first.json.hasMore).toBe(true);
    expect(first.json.nextCursor).toBe(first.json.messages.at(-1).cursor);
    const seen = first.json.messages.map((m: Any) => m.text);
    let after = first.json.nextCursor;
    for (let more = true; more; ) {
      const p = await req('GET', `/v1/sessions/${sid}/messages?after=${after}&limit=500`, { agent: 'a' });
      expect(p.bytes).toBeLessThanOrEqual((1 << 20) + 20_000);
      seen.push(...p.json.messages.map((m: Any) => m.text));
      after = p.json.nextCursor;
      more = p.json.hasMore;
    }
    expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => big(i)));
  });
});

describe('greetings and session storage', () => {
  it('a greeting is at most MAX_GREETING_CHARS (2,000)', async () => {
    const { req } = server();
    expect((await req('PUT', '/v1/sessions', { body: { greeting: 'g'.repeat(2000) } })).status).toBe(201);
    const r = await req('PUT', '/v1/sessions', { body: { greeting: 'g'.repeat(2001) } });
    expect([r.status, r.json.error, r.json.details[0].path]).toEqual([400, 'invalid_request', 'greeting']);
  });

  it('sessions from one address hold at most SESSION_STORAGE_PER_IP; others are not affected; expiry gives it back', async () => {
    const { req, clock, app } = server({ SESSION_STORAGE_PER_IP: '65536', SESSION_STORAGE_TOTAL: '190000' });
    const create = (ip: string) => req('PUT', '/v1/sessions', { body: { greeting: 'g'.repeat(2000), ttl: 60 }, ip });
    let made = 0;
    let r = await create('10.0.0.1');
    for (; r.status === 201 && made < 100; r = await create('10.0.0.1')) made++;
    // Each costs 512 + 2 x 256 + 2,000 bytes: 21 fit in 64 KiB.
    expect([made, r.status, r.json.error, r.headers['retry-after']]).toEqual([21, 429, 'storage_quota_exceeded', '60']);
    expect((await create('10.0.0.2')).status).toBe(201);
    for (const ip of ['10.0.0.3', '10.0.0.4']) while ((await create(ip)).status === 201);
    const full = await create('10.0.0.5');
    expect([full.status, full.json.error]).toEqual([503, 'storage_full']);
    clock.t += 61_000;
    await app.sweep();
    expect((await create('10.0.0.1')).status).toBe(201);
  });

  it('sessions that exist at start-up count towards SESSION_STORAGE_TOTAL', async () => {
    const t = Date.UTC(2026, 10, 21, 12, 0, 0);
    const store = new MemoryNexusStore();
    for (const id of ['a', 'b', 'c']) {
      const s = { sessionId: id, ttl: 3600, maxAgents: 2, createdAt: t, expiresAt: t + 3_600_000, creatorAgentId: null, greeting: 'g'.repeat(2000), agents: [], headCursor: 0, cronReminderSent: false };
      await store.updateSession(id, () => ({ next: s, result: null }));
    }
    // Each costs 3,024 bytes: three exist, a fourth fits in 12,500, a fifth does not.
    const app = createSessionServer({ config: nexusConfig({ SESSION_STORAGE_TOTAL: '12500' }, { dataDir: null }), store, now: () => t });
    const create = async () => (await call(app.handler, 'PUT', '/v1/sessions', { body: JSON.stringify({ greeting: 'g'.repeat(2000) }) })).status;
    expect([await create(), await create()]).toEqual([201, 503]);
  });
});
