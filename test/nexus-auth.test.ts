// NexusMessaging authorization (nexus spec §2.3 X-Session-Key, auth.ts): an agent that has
// presented its key cannot be impersonated by someone who only knows its id; reference-vintage
// clients that never send a key keep working; a renew cannot shorten a session for everyone;
// nobody can lock the owner out of pairing codes.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSessionServer } from '../src/nexus/server/app.ts';
import { nexusConfig } from '../src/nexus/server/config.ts';
import { startNexusServer, type RunningNexus } from '../src/nexus/server/server.ts';
import { MemoryNexusStore } from '../src/store/memory-nexus-store.ts';
import { ROOT, runScript } from './helpers/cli.ts';
import { call } from './helpers/http.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

function server(env: Record<string, string> = {}) {
  const clock = { t: Date.UTC(2026, 10, 21, 12, 0, 0) };
  const app = createSessionServer({ config: nexusConfig({ RATE_LIMIT_MAX: '100000', ...env }, { dataDir: null }), store: new MemoryNexusStore(), now: () => clock.t });
  const req = async (method: string, path: string, opts: { agent?: string; key?: string; body?: unknown } = {}) => {
    const headers: Record<string, string> = {};
    if (opts.agent) headers['x-agent-id'] = opts.agent;
    if (opts.key) headers['x-session-key'] = opts.key;
    const r = await call(app.handler, method, path, { headers, body: JSON.stringify(opts.body ?? {}) });
    return { status: r.status, json: JSON.parse(String(r.body)) as Any };
  };
  /** A session created by `owner` (with its key) that `guest` joined (with its key). */
  const pairOfAgents = async (ttl = 3600, maxAgents = 2) => {
    const c = await req('PUT', '/v1/sessions', { body: { creatorAgentId: 'owner', ttl, maxAgents } });
    const sid = c.json.sessionId as string;
    const j = await req('POST', `/v1/sessions/${sid}/join`, { agent: 'guest' });
    return { sid, ownerKey: c.json.sessionKey as string, guestKey: j.json.sessionKey as string };
  };
  return { req, clock, pairOfAgents };
}

const WRONG = 'f'.repeat(64);

describe('impersonation of an agent that presented its key (acceptance 5)', () => {
  it('our clients present the key on poll: from then on poll, send and renew without it are 401, with a wrong one 403', async () => {
    const { req, pairOfAgents } = server();
    const { sid, guestKey } = await pairOfAgents();
    const P = `/v1/sessions/${sid}`;
    expect((await req('GET', `${P}/messages`, { agent: 'guest', key: guestKey })).status).toBe(200);
    const attempts = [
      ['GET', `${P}/messages?after=-1`, {}],
      ['POST', `${P}/messages`, { text: 'I am guest, trust me' }],
      ['POST', `${P}/renew`, { ttl: 60 }],
    ] as const;
    for (const [method, path, body] of attempts) {
      const none = await req(method, path, { agent: 'guest', body });
      expect([none.status, none.json.error], `${method} ${path} without a key`).toEqual([401, 'missing_session_key']);
      const wrong = await req(method, path, { agent: 'guest', key: WRONG, body });
      expect([wrong.status, wrong.json.error], `${method} ${path} with a wrong key`).toEqual([403, 'invalid_session_key']);
    }
    // Nothing got through: no message from the impostor, the TTL is untouched.
    const p = await req('GET', `${P}/messages?after=-1`, { agent: 'guest', key: guestKey });
    expect(p.json.messages.map((m: Any) => m.text)).not.toContain('I am guest, trust me');
    expect((await req('GET', P)).json.ttl).toBe(3600);
  });

  it('reference clients from V3 on send the key with messages only: send is protected from then on, poll keeps working', async () => {
    const { req, pairOfAgents } = server();
    const { sid, guestKey } = await pairOfAgents();
    const P = `/v1/sessions/${sid}`;
    expect((await req('POST', `${P}/messages`, { agent: 'guest', key: guestKey, body: { text: 'hi' } })).json.verified).toBe(true);
    const forged = await req('POST', `${P}/messages`, { agent: 'guest', body: { text: 'forged' } });
    expect([forged.status, forged.json.error]).toEqual([401, 'missing_session_key']);
    expect((await req('GET', `${P}/messages`, { agent: 'guest' })).status).toBe(200);
    expect((await req('POST', `${P}/renew`, { agent: 'guest' })).status).toBe(200);
  });

  it('seed-era clients that never send a key keep working: join, poll, send, renew by agent id', async () => {
    const { req } = server();
    const sid = (await req('PUT', '/v1/session', { body: { ttl: 3660 } })).json.sessionId;
    const P = `/v1/session/${sid}`;
    expect((await req('POST', `${P}/join`, { agent: 'v1-a' })).status).toBe(200);
    expect((await req('POST', `${P}/join`, { agent: 'v1-b' })).status).toBe(200);
    const sent = await req('POST', `${P}/messages`, { agent: 'v1-a', body: { text: 'hello' } });
    expect([sent.status, sent.json.verified]).toEqual([201, false]);
    const polled = await req('GET', `${P}/messages?after=1`, { agent: 'v1-b' }); // 1: the cron reminder
    expect(polled.json.messages.map((m: Any) => m.text)).toEqual(['hello']);
    expect((await req('POST', `${P}/renew`, { agent: 'v1-b', body: { ttl: 7200 } })).status).toBe(200);
  });
});

describe('renew', () => {
  it('a member can keep or extend the TTL but not shorten it; the creator with its key can', async () => {
    const { req, pairOfAgents } = server();
    const { sid, ownerKey, guestKey } = await pairOfAgents(3600);
    const renew = (agent: string, key: string | undefined, ttl: number) => req('POST', `/v1/sessions/${sid}/renew`, { agent, ...(key ? { key } : {}), body: { ttl } });
    for (const [agent, key] of [['guest', guestKey], ['guest', undefined], ['owner', undefined]] as const) {
      const r = await renew(agent, key, 60);
      expect([r.status, r.json.error], `${agent} ${key ? 'with' : 'without'} key`).toEqual([403, 'ttl_shorten_forbidden']);
    }
    expect((await renew('guest', guestKey, 7200)).json.ttl).toBe(7200);
    expect((await renew('guest', guestKey, 7200)).status).toBe(200);
    const shortened = await renew('owner', ownerKey, 60);
    expect([shortened.status, shortened.json.ttl]).toEqual([200, 60]);
  });
});

describe('pairing codes cannot lock the owner out', () => {
  it('30 anonymous PUT /v1/pair are all answered; the owner keeps its code and still gets new ones', async () => {
    const { req, pairOfAgents } = server();
    // Room for a third agent: a full session gets no codes at all (routes-pairing.ts).
    const { sid, ownerKey } = await pairOfAgents(3600, 3);
    const owners = await req('PUT', '/v1/pair', { agent: 'owner', key: ownerKey, body: { sessionId: sid } });
    expect(owners.status).toBe(201);
    const flood: string[] = [];
    for (let i = 0; i < 30; i++) {
      const r = await req('PUT', '/v1/pair', { body: { sessionId: sid } });
      expect(r.status).toBe(201); // never refused: the oldest anonymous code gives way
      flood.push(r.json.code);
    }
    expect((await req('GET', `/v1/pair/${flood[0]}/status`)).json.error).toBe('code_not_found');
    expect((await req('GET', `/v1/pair/${flood[29]}/status`)).json.state).toBe('pending');
    expect((await req('GET', `/v1/pair/${owners.json.code}/status`)).json.state).toBe('pending');
    const again = await req('PUT', '/v1/pair', { agent: 'owner', key: ownerKey, body: { sessionId: sid } });
    expect(again.status).toBe(201);
    const forged = await req('PUT', '/v1/pair', { agent: 'owner', key: WRONG, body: { sessionId: sid } });
    expect([forged.status, forged.json.error]).toEqual([403, 'invalid_session_key']);
  });
});

describe('the CLI (built nexus.mjs) against the real server', () => {
  let running: RunningNexus | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('presents its key on poll (so its id alone no longer reads as it) and marks unverified messages', async () => {
    running = await startNexusServer(nexusConfig({}, { dataDir: null, port: 0 }));
    const url = running.url;
    const env = { NEXUS_STATE_DIR: mkdtempSync(join(tmpdir(), 'nexus-auth-')), NEXUS_URL: url };
    const nexus = async (...args: string[]) => {
      const r = await runScript(`${ROOT}scripts/nexus.mjs`, args, env);
      return { code: r.exitCode, json: JSON.parse(r.stdout) as Any, stderr: r.stderr };
    };
    const sid = (await nexus('create', '--creator-agent-id', 'alice')).json.sessionId;
    const raw = async (method: string, path: string, agent: string, body?: unknown) => {
      const r = await fetch(url + path, { method, headers: { 'x-agent-id': agent, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
      return { status: r.status, json: (await r.json()) as Any };
    };
    expect((await raw('POST', `/v1/sessions/${sid}/join`, 'bob')).status).toBe(200);
    expect((await raw('POST', `/v1/sessions/${sid}/messages`, 'bob', { text: 'hi from bob, no key' })).status).toBe(201);
    const polled = await nexus('poll', sid);
    expect(polled.code).toBe(0);
    expect(polled.stderr).toMatch(/bob ⚠️ \(unverified\): hi from bob, no key/);
    expect(polled.stderr).toContain("sent without the agent's session key");
    expect(polled.stderr).not.toMatch(/system ⚠️/);
    const impostor = await raw('GET', `/v1/sessions/${sid}/messages?after=-1`, 'alice');
    expect([impostor.status, impostor.json.error]).toEqual([401, 'missing_session_key']);
    expect((await nexus('send', sid, 'verified hello')).json.verified).toBe(true);
    expect((await nexus('renew', sid)).code).toBe(0);
  });
});
