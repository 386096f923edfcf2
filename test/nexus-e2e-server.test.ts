// The session server and end-to-end sessions (docs/spec/nexus-e2e.md §10), in every store
// (memory, DATA_DIR, Redis): the flag is stored, survives sends, polls and a restart, and is
// shown; sealed messages are kept byte for byte, anything unsealed is refused (e2e_required);
// reference clients get the header and a plain notice; plain sessions are unchanged.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seal } from '../src/nexus/e2e.ts';
import { nexusConfig } from '../src/nexus/server/config.ts';
import { startNexusServer, type RunningNexus } from '../src/nexus/server/server.ts';
import { jsonRequest, type JsonRequestOptions } from './helpers/http.ts';
import { deletePrefix, haveRedis, REDIS_URL, testPrefix } from './helpers/redis.ts';

const haveIt = await haveRedis();
const running: RunningNexus[] = [];
const prefixes: string[] = [];
afterAll(async () => {
  await Promise.all(running.map((r) => r.close()));
  if (haveIt) await Promise.all(prefixes.map((p) => deletePrefix(p)));
});

const secret = new Uint8Array(32).fill(4);
let n = 0;
const fresh = () => ({ msgid: new Uint8Array(16).fill(++n % 256), nonce: new Uint8Array(12).fill(n % 256) });
const greetingEnvelope = () => seal(secret, { kind: 'greeting', sessionId: '', sender: '' }, { t: 'text', j: 'hello' }, fresh());
const envelope = (sid: string, sender: string, text = 'x') => seal(secret, { kind: 'msg', sessionId: sid, sender }, { t: 'text', j: text }, fresh());
/** Our clients' requests say they read E2E sessions. */
const OURS = { 'x-nexus-e2e': '1' };

async function start(kind: 'memory' | 'disk' | 'redis', dataDir?: string): Promise<RunningNexus> {
  const env: Record<string, string> = { RATE_LIMIT_MAX: '100000' };
  if (kind === 'redis') {
    const prefix = testPrefix('nexus-e2e');
    prefixes.push(prefix);
    Object.assign(env, { REDIS_URL, REDIS_PREFIX: prefix });
  }
  const s = await startNexusServer(nexusConfig(env, { dataDir: kind === 'disk' ? (dataDir ?? mkdtempSync(join(tmpdir(), 'nexus-e2e-srv-'))) : null, port: 0 }), { log: () => {} });
  running.push(s);
  return s;
}
const req = (s: RunningNexus, method: string, path: string, opts: JsonRequestOptions = {}) => jsonRequest(`${s.url}${path}`, method, opts);

async function flow(s: RunningNexus) {
  const g = greetingEnvelope();
  const c = await req(s, 'PUT', '/v1/sessions', { body: { e2e: true, greeting: g, creatorAgentId: 'a' } });
  expect(c.status).toBe(201);
  expect(c.json).toMatchObject({ e2e: true, greeting: g });
  const sid = c.json.sessionId as string;
  const ka = c.json.sessionKey as string;
  const kb = (await req(s, 'POST', `/v1/sessions/${sid}/join`, { agent: 'b', headers: OURS })).json.sessionKey as string;
  const sealed = envelope(sid, 'a', 'secret 1 api_key=sk_live_0123456789abcdefghijklmnop');
  const sent = await req(s, 'POST', `/v1/sessions/${sid}/messages`, { agent: 'a', key: ka, body: { text: sealed }, headers: OURS });
  expect(sent.status).toBe(201);
  expect(sent.json.redacted).toBeUndefined();
  for (const body of [{ text: 'in clear' }, { json: { a: 1 } }, { text: sealed, json: { b: 1 } }]) {
    const r = await req(s, 'POST', `/v1/sessions/${sid}/messages`, { agent: 'a', key: ka, body, headers: OURS });
    expect([r.status, r.json.error]).toEqual([400, 'e2e_required']);
    // Said once, not twice.
    expect(String(r.json.message).match(/end-to-end encrypted/gi)).toHaveLength(1);
  }
  const p = await req(s, 'GET', `/v1/sessions/${sid}/messages`, { agent: 'b', key: kb, headers: OURS });
  expect(p.headers.get('x-nexus-e2e')).toBe('1');
  expect(p.json.notice).toBeUndefined();
  expect(p.json.messages.map((m: { text: string }) => m.text)).toEqual([g, expect.stringMatching(/^This is an async conversation/), sealed]);
  return { sid, ka, kb, sealed, g };
}

const st = async (s: RunningNexus, sid: string) => (await req(s, 'GET', `/v1/sessions/${sid}`, { headers: OURS })).json;

describe('e2e sessions on the server', () => {
  it('memory: the flag is stored and shown, sealed messages kept as sent, unsealed ones refused', async () => {
    const s = await start('memory');
    const { sid } = await flow(s);
    expect(await st(s, sid)).toMatchObject({ e2e: true, agents: ['a', 'b'] });
  });

  it('DATA_DIR: the flag and the envelopes survive a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-e2e-srv-'));
    const s = await start('disk', dir);
    const { sid, kb, sealed, g } = await flow(s);
    await s.close();
    running.splice(running.indexOf(s), 1);
    const again = await start('disk', dir);
    expect(await st(again, sid)).toMatchObject({ e2e: true });
    const p = await req(again, 'GET', `/v1/sessions/${sid}/messages`, { agent: 'b', key: kb, headers: OURS });
    expect(p.json.messages.map((m: { text: string }) => m.text)).toEqual([g, expect.any(String), sealed]);
    const r = await req(again, 'POST', `/v1/sessions/${sid}/messages`, { agent: 'b', key: kb, body: { text: 'plain' } });
    expect(r.json.error).toBe('e2e_required');
  });

  it.skipIf(!haveIt)('Redis: the flag is stored and kept through sends and polls', async () => {
    const s = await start('redis');
    const { sid, ka } = await flow(s);
    for (let i = 0; i < 3; i++) await req(s, 'POST', `/v1/sessions/${sid}/messages`, { agent: 'a', key: ka, body: { text: envelope(sid, 'a') }, headers: OURS });
    expect(await st(s, sid)).toMatchObject({ e2e: true });
    const other = await start('redis');
    expect((await req(other, 'GET', '/v1/sessions/' + sid)).status).toBe(404); // its own prefix
  });

  it('reference clients get the header and a plain notice; the pairing status and page say so; our clients no notice', async () => {
    const s = await start('memory');
    const { sid, ka, kb } = await flow(s);
    const p = await req(s, 'GET', `/v1/sessions/${sid}/messages`, { agent: 'b', key: kb });
    expect(p.headers.get('x-nexus-e2e')).toBe('1');
    expect(p.json.notice).toMatch(/end-to-end encrypted; nexus\.sh cannot read it/);
    const status = await req(s, 'GET', `/v1/sessions/${sid}`);
    expect(status.json).toMatchObject({ e2e: true, notice: expect.stringContaining('nexus.sh') });
    const pair = await req(s, 'PUT', '/v1/pair', { agent: 'a', key: ka, body: { sessionId: sid } });
    // the session is full (2 agents): a 3-agent session shows the page
    expect(pair.json.error).toBe('session_full');
    const c = await req(s, 'PUT', '/v1/sessions', { body: { e2e: true, greeting: greetingEnvelope(), maxAgents: 3 } });
    const code = (await req(s, 'PUT', '/v1/pair', { body: { sessionId: c.json.sessionId } })).json.code;
    const ps = await req(s, 'GET', `/v1/pair/${code}/status`, { headers: OURS });
    expect(ps.json).toMatchObject({ state: 'pending', e2e: true, greeting: expect.stringMatching(/^e2e1\./) });
    const md = await fetch(`${s.url}/p/${code}`, { headers: { accept: 'text/markdown' } }).then((r) => r.text());
    expect(md).toContain('end-to-end encrypted');
    expect(md).toContain('The key is the part of the link after `#`');
    expect(md).not.toContain('e2e1.'); // the sealed greeting is not shown as text
    expect(md).not.toContain('curl -sS -X POST');
  });

  it('create: e2e must be a boolean, and an E2E greeting must be sealed', async () => {
    const s = await start('memory');
    expect((await req(s, 'PUT', '/v1/sessions', { body: { e2e: 'yes' } })).status).toBe(400);
    const r = await req(s, 'PUT', '/v1/sessions', { body: { e2e: true, greeting: 'in clear' } });
    expect([r.status, r.json.error]).toEqual([400, 'e2e_required']);
    expect((await req(s, 'PUT', '/v1/sessions', { body: { e2e: true } })).json.e2e).toBe(true);
  });

  it('plain sessions are unchanged: no flag, no header, no notice, text sanitised as before', async () => {
    const s = await start('memory');
    const c = await req(s, 'PUT', '/v1/sessions', { body: { greeting: 'hi', creatorAgentId: 'a' } });
    const sid = c.json.sessionId as string;
    expect(c.json.e2e).toBeUndefined();
    const sealedLike = envelope(sid, 'a');
    await req(s, 'POST', `/v1/sessions/${sid}/messages`, { agent: 'a', key: c.json.sessionKey, body: { text: 'plain text' } });
    await req(s, 'POST', `/v1/sessions/${sid}/messages`, { agent: 'a', key: c.json.sessionKey, body: { json: { a: 1 } } });
    const p = await req(s, 'GET', `/v1/sessions/${sid}/messages`, { agent: 'a', key: c.json.sessionKey });
    expect(p.headers.get('x-nexus-e2e')).toBeNull();
    expect(p.json.notice).toBeUndefined();
    expect(p.json.messages.map((m: { text: string }) => m.text)).toEqual(['hi', 'plain text', '']);
    expect((await req(s, 'GET', `/v1/sessions/${sid}`)).json.e2e).toBeUndefined();
    const long = await req(s, 'POST', `/v1/sessions/${sid}/messages`, { agent: 'a', key: c.json.sessionKey, body: { text: `${sealedLike}${'A'.repeat(16_001)}` } });
    expect(long.status).toBe(400);
  });
});
