// The session server in-process (nexus spec §2): the seed flow on both path styles, errors, TTL,
// pairing, pages.
import { describe, expect, it } from 'vitest';
import { createSessionServer } from '../src/nexus/server/app.ts';
import { nexusConfig } from '../src/nexus/server/config.ts';
import { CRON_REMINDER } from '../src/nexus/server/sessions.ts';
import { MemoryNexusStore } from '../src/store/memory-nexus-store.ts';
import { call } from './helpers/http.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

function server(env: Record<string, string> = {}) {
  const clock = { t: Date.UTC(2026, 10, 21, 12, 0, 0) };
  const config = nexusConfig(env, { dataDir: null, port: 3000 });
  const app = createSessionServer({ config, store: new MemoryNexusStore(), now: () => clock.t });
  const req = async (method: string, path: string, opts: { agent?: string; key?: string; body?: unknown; headers?: Record<string, string>; ip?: string } = {}) => {
    const headers: Record<string, string> = { host: 'hub.test', ...(opts.headers ?? {}) };
    if (opts.agent) headers['x-agent-id'] = opts.agent;
    if (opts.key) headers['x-session-key'] = opts.key;
    const r = await call(app.handler, method, path, { headers, body: opts.body === undefined ? '' : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body), ...(opts.ip ? { ip: opts.ip } : {}) });
    const text = String(r.body ?? '');
    let json: Any = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: r.status, headers: r.headers ?? {}, json, text };
  };
  return { app, req, clock, config };
}

for (const P of ['/v1/session', '/v1/sessions']) {
  describe(`seed flow over raw HTTP on ${P}`, () => {
    it('create with greeting -> join A -> pair -> claim B -> greeting + cron reminder -> both ways -> third agent 409', async () => {
      const { req } = server();
      const c = await req('PUT', P, { body: { greeting: 'Hi <b>there</b>', ttl: 3660 } });
      expect(c.status).toBe(201);
      expect(c.json).toMatchObject({ ttl: 3660, maxAgents: 2, state: 'active', agentsOnline: 0 });
      expect(c.json.sessionId).toMatch(/^[0-9a-f]{48}$/);
      const sid = c.json.sessionId;
      const j = await req('POST', `${P}/${sid}/join`, { agent: 'agent-a' });
      expect(j.status).toBe(200);
      expect(j.json).toMatchObject({ status: 'joined', agentsOnline: 1, sessionId: sid });
      expect(j.json.sessionKey).toMatch(/^[0-9a-f]{64}$/);
      const pair = await req('PUT', '/v1/pair', { body: { sessionId: sid } });
      expect(pair.status).toBe(201);
      expect(pair.json.code).toMatch(/^[A-Z]+-[A-Z]+-[0-9A-HJKMNP-TV-Z]{5}$/);
      expect(pair.json.url).toBe(`http://hub.test/p/${pair.json.code}`);
      const cl = await req('POST', `/v1/pair/${pair.json.code.toLowerCase()}/claim`, { agent: 'agent-b' });
      expect(cl.status).toBe(200);
      expect(cl.json).toMatchObject({ sessionId: sid, status: 'claimed', agentsOnline: 2 });
      const first = await req('GET', `${P}/${sid}/messages`, { agent: 'agent-b' });
      expect(first.status).toBe(200);
      expect(first.json.messages.map((m: Any) => [m.cursor, m.agentId, m.type])).toEqual([['0', 'system', 'greeting'], ['1', 'system', 'system']]);
      expect(first.json.messages[0].text).toBe('Hi <b>there</b>');
      expect(first.json.messages[1].text).toBe(CRON_REMINDER);
      expect(first.json.nextCursor).toBe('1');
      const s1 = await req('POST', `${P}/${sid}/messages`, { agent: 'agent-a', key: j.json.sessionKey, body: { text: 'hello B' } });
      expect(s1.status).toBe(201);
      expect(s1.json).toMatchObject({ ok: true, cursor: '2', verified: true });
      const s2 = await req('POST', `${P}/${sid}/messages`, { agent: 'agent-b', body: { text: 'hello A' } });
      expect(s2.json).toMatchObject({ cursor: '3', verified: false });
      const pb = await req('GET', `${P}/${sid}/messages?after=1`, { agent: 'agent-b' });
      expect(pb.json.messages.map((m: Any) => m.text)).toEqual(['hello B', 'hello A']);
      expect(pb.json.nextCursor).toBe('3');
      const pa = await req('GET', `${P}/${sid}/messages?after=3`, { agent: 'agent-a' });
      expect(pa.json).toMatchObject({ messages: [], nextCursor: '3' });
      const third = await req('POST', `${P}/${sid}/join`, { agent: 'agent-c' });
      expect([third.status, third.json.error]).toEqual([409, 'session_full']);
      const st = await req('GET', `${P}/${sid}`);
      expect(st.json).toMatchObject({ sessionId: sid, agents: ['agent-a', 'agent-b'], maxAgents: 2, ttl: 3660 });
    });
  });
}

describe('session rules', () => {
  it('cursors are strings, after is exclusive, c_ and negative forms, garbage is 400, limit pages', async () => {
    const { req } = server();
    const sid = (await req('PUT', '/v1/sessions', { body: { greeting: 'g', creatorAgentId: 'a' } })).json.sessionId;
    for (let i = 0; i < 5; i++) await req('POST', `/v1/sessions/${sid}/messages`, { agent: 'a', body: { text: `m${i}` } });
    const cursors = async (q: string) => (await req('GET', `/v1/sessions/${sid}/messages${q}`, { agent: 'a' })).json;
    expect((await cursors('')).messages.map((m: Any) => m.cursor)).toEqual(['0', '1', '2', '3', '4', '5']);
    expect((await cursors('?after=0')).messages[0].cursor).toBe('1');
    expect((await cursors('?after=c_00000004')).messages.map((m: Any) => m.cursor)).toEqual(['5']);
    expect((await cursors('?after=-1')).messages[0].cursor).toBe('0');
    const paged = await cursors('?after=0&limit=2');
    expect(paged).toMatchObject({ nextCursor: '2', hasMore: true });
    expect((await cursors('?after=99')).nextCursor).toBe('5');
    const bad = await req('GET', `/v1/sessions/${sid}/messages?after=abc`, { agent: 'a' });
    expect([bad.status, bad.json.error]).toEqual([400, 'invalid_request']);
  });

  it('creator: via body or header, conflict is 400, creator cannot leave; members and leave with key', async () => {
    const { req } = server();
    const conflict = await req('PUT', '/v1/sessions', { agent: 'x', body: { creatorAgentId: 'y' } });
    expect([conflict.status, conflict.json.error]).toEqual([400, 'creator_identity_conflict']);
    const c = await req('PUT', '/v1/sessions', { agent: 'boss', body: {} });
    expect(c.json).toMatchObject({ creatorAgentId: 'boss', agentsOnline: 1 });
    const sid = c.json.sessionId;
    const j = await req('POST', `/v1/sessions/${sid}/join`, { agent: 'helper' });
    const polled = await req('GET', `/v1/sessions/${sid}/messages?members=true`, { agent: 'helper' });
    expect(polled.json.members.map((m: Any) => m.agentId)).toEqual(['boss', 'helper']);
    expect((await req('DELETE', `/v1/sessions/${sid}/agents/boss`, { agent: 'boss', key: c.json.sessionKey })).json.error).toBe('forbidden');
    expect((await req('DELETE', `/v1/sessions/${sid}/agents/helper`, { agent: 'helper' })).status).toBe(401);
    expect((await req('DELETE', `/v1/sessions/${sid}/agents/helper`, { agent: 'helper', key: 'f'.repeat(64) })).json.error).toBe('invalid_session_key');
    expect((await req('DELETE', `/v1/sessions/${sid}/agents/helper`, { agent: 'other', key: j.json.sessionKey })).json.error).toBe('forbidden');
    const left = await req('DELETE', `/v1/sessions/${sid}/agents/helper`, { agent: 'helper', key: j.json.sessionKey });
    expect(left.json).toMatchObject({ ok: true, status: 'removed' });
    expect((await req('DELETE', `/v1/sessions/${sid}/agents/helper`, { agent: 'helper', key: j.json.sessionKey })).json.error).toBe('agent_not_found');
    const again = await req('POST', `/v1/sessions/${sid}/join`, { agent: 'helper' });
    expect(again.status).toBe(200);
  });

  it('re-join with the valid key is idempotent; without it 409 agent_id_taken; wrong key on send is 403', async () => {
    const { req } = server();
    const sid = (await req('PUT', '/v1/sessions', {})).json.sessionId;
    const j = await req('POST', `/v1/sessions/${sid}/join`, { agent: 'a' });
    expect((await req('POST', `/v1/sessions/${sid}/join`, { agent: 'a' })).json.error).toBe('agent_id_taken');
    const re = await req('POST', `/v1/sessions/${sid}/join`, { agent: 'a', key: j.json.sessionKey });
    expect(re.json).toMatchObject({ status: 'joined', sessionKey: j.json.sessionKey, rejoined: true });
    const wrong = await req('POST', `/v1/sessions/${sid}/messages`, { agent: 'a', key: 'bad', body: { text: 'x' } });
    expect([wrong.status, wrong.json.error]).toEqual([403, 'invalid_session_key']);
    const outsider = await req('POST', `/v1/sessions/${sid}/messages`, { agent: 'z', body: { text: 'x' } });
    expect([outsider.status, outsider.json.error]).toEqual([403, 'forbidden']);
    const notIn = await req('GET', `/v1/sessions/${sid}/messages`, { agent: 'z' });
    expect([notIn.status, notIn.json.error]).toEqual([403, 'agent_not_in_session']);
  });

  it('sliding TTL with an injected clock: send, poll, join and renew slide it; status does not; expired is 404 everywhere', async () => {
    const { req, clock } = server();
    const c = await req('PUT', '/v1/sessions', { body: { ttl: 120, creatorAgentId: 'a' } });
    const sid = c.json.sessionId;
    const at = async () => Date.parse((await req('GET', `/v1/sessions/${sid}`)).json.expiresAt);
    const t0 = clock.t;
    expect(await at()).toBe(t0 + 120_000);
    clock.t += 100_000;
    await req('GET', `/v1/sessions/${sid}`);
    expect(await at()).toBe(t0 + 120_000); // public status does not slide
    await req('POST', `/v1/sessions/${sid}/messages`, { agent: 'a', body: { text: 'x' } });
    expect(await at()).toBe(clock.t + 120_000);
    clock.t += 100_000;
    await req('GET', `/v1/sessions/${sid}/messages`, { agent: 'a' });
    expect(await at()).toBe(clock.t + 120_000);
    clock.t += 100_000;
    const r = await req('POST', `/v1/sessions/${sid}/renew`, { agent: 'a' }); // empty body accepted
    expect(r.status).toBe(200);
    expect(Date.parse(r.json.expiresAt)).toBe(clock.t + 120_000);
    const code = (await req('PUT', '/v1/pair', { body: { sessionId: sid } })).json.code;
    clock.t += 120_000;
    for (const [m, p, agent] of [['GET', `/v1/sessions/${sid}`], ['GET', `/v1/sessions/${sid}/messages`, 'a'], ['POST', `/v1/sessions/${sid}/messages`, 'a'], ['POST', `/v1/sessions/${sid}/join`, 'b'], ['POST', `/v1/sessions/${sid}/renew`, 'a'], ['PUT', '/v1/pair']] as const) {
      const res = await req(m, p, { ...(agent ? { agent } : {}), body: p === '/v1/pair' ? { sessionId: sid } : { text: 'x' } });
      expect([res.status, res.json.error], `${m} ${p}`).toEqual([404, 'session_not_found']);
    }
    const claim = await req('POST', `/v1/pair/${code}/claim`, { agent: 'b' });
    expect(claim.status).toBe(404);
  });

  it('pairing: single use, case-insensitive, 600 s TTL, failed join does not consume, status', async () => {
    const { req, clock } = server();
    const sid = (await req('PUT', '/v1/sessions', { body: { maxAgents: 2 } })).json.sessionId;
    await req('POST', `/v1/sessions/${sid}/join`, { agent: 'a' });
    const { code } = (await req('PUT', '/v1/pair', { body: { sessionId: sid } })).json;
    const taken = await req('POST', `/v1/pair/${code}/claim`, { agent: 'a' });
    expect([taken.status, taken.json.error]).toEqual([409, 'agent_id_taken']);
    expect((await req('GET', `/v1/pair/${code}/status`)).json.state).toBe('pending');
    expect((await req('POST', `/v1/pair/${code.toLowerCase()}/claim`, { agent: 'b' })).status).toBe(200);
    expect((await req('GET', `/v1/pair/${code}/status`)).json.state).toBe('claimed');
    const reuse = await req('POST', `/v1/pair/${code}/claim`, { agent: 'c' });
    expect(reuse.json).toMatchObject({ error: 'code_already_claimed', legacyError: 'code_expired_or_used' });
    expect(reuse.status).toBe(409);
    const sid2 = (await req('PUT', '/v1/sessions', {})).json.sessionId;
    const late = (await req('PUT', '/v1/pair', { body: { sessionId: sid2 } })).json;
    expect(Date.parse(late.expiresAt) - clock.t).toBe(600_000);
    clock.t += 600_000;
    const expired = await req('POST', `/v1/pair/${late.code}/claim`, { agent: 'x' });
    expect([expired.status, expired.json.error]).toEqual([410, 'code_expired']);
    const unknown = await req('POST', '/v1/pair/NOPE-NOPE-AAAAA/claim', { agent: 'x' });
    expect([unknown.status, unknown.json.error]).toEqual([404, 'code_not_found']);
  });
});
