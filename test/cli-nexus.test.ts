// The built nexus.mjs and the session server over real loopback HTTP: the seed flow, errors and exit codes, saved state.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nexusConfig } from '../src/nexus/server/config.ts';
import { startNexusServer, type RunningNexus } from '../src/nexus/server/server.ts';
import { ROOT, runScript, spawnScript } from './helpers/cli.ts';

const NEXUS = `${ROOT}scripts/nexus.mjs`;
let servers: RunningNexus[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function start(dataDir: string | null = null, port = 0) {
  const s = await startNexusServer(nexusConfig({}, { dataDir, port }));
  servers.push(s);
  return s;
}

function agent(url: string) {
  const env = { NEXUS_STATE_DIR: mkdtempSync(join(tmpdir(), 'nexus-cli-')), NEXUS_URL: url };
  return async (...args: string[]) => {
    const r = await runScript(NEXUS, args, env);
    const lines = r.stdout.trim().split('\n');
    expect(lines, `stdout must be one JSON document: ${r.stdout}`).toHaveLength(1);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { code: r.exitCode, json: JSON.parse(r.stdout) as any, stderr: r.stderr };
  };
}

describe('nexus CLI: the seed flow against a local server (acceptance 1)', () => {
  it('create with greeting -> join A -> pair -> claim B -> greeting + cron reminder -> both ways -> third agent 409', async () => {
    const s = await start();
    const a = agent(s.url);
    const b = agent(s.url);
    const c = await a('create', '--greeting', 'Hello from A', '--ttl', '3660');
    expect(c.code).toBe(0);
    const sid = c.json.sessionId;
    expect(c.stderr).toContain('✅ Session created');
    expect((await a('join', sid, '--agent-id', 'agent-a')).json.status).toBe('joined');
    const pair = await a('pair', sid);
    expect(pair.stderr).toMatch(/📋 Send this to the other person: "Open http:\/\/127\.0\.0\.1:\d+\/p\/[A-Z]+-[A-Z]+-[0-9A-Z]{5} with your AI agent/);
    const claimed = await b('--agent-id', 'agent-b', 'claim', pair.json.code.toLowerCase()); // flags anywhere
    expect(claimed.code).toBe(0);
    expect(claimed.stderr).toContain('✅ Claimed!');
    const first = await b('poll', sid);
    expect(first.json.messages.map((m: { cursor: string; agentId: string }) => [m.cursor, m.agentId])).toEqual([['0', 'system'], ['1', 'system']]);
    expect(first.json.messages[0].text).toBe('Hello from A');
    expect(first.json.messages[1].text).toMatch(/^This is an async conversation\. Set up a cron job/);
    expect(first.stderr).toContain('💬 Received 2 message(s)');
    expect(first.stderr).toContain('💡 Tip:');
    expect((await a('send', sid, 'hi B')).json).toMatchObject({ ok: true, cursor: '2', verified: true });
    expect((await b('send', sid, '--agent-id', 'agent-b', 'hi A')).json.cursor).toBe('3');
    const pb = await b('poll', sid);
    expect(pb.json.messages.map((m: { text: string }) => m.text)).toEqual(['hi B', 'hi A']);
    expect(pb.json.nextCursor).toBe('3');
    expect((await b('poll', sid)).json.messages).toEqual([]);
    const pa = await a('poll', sid);
    expect(pa.json.messages.map((m: { cursor: string }) => m.cursor)).toEqual(['0', '1', '2', '3']);
    const replay = await a('poll', sid, '--after', '0');
    expect(replay.json.messages[0].cursor).toBe('0');
    expect((await a('poll', sid)).json.messages).toEqual([]); // --after did not move the saved cursor
    const third = await agent(s.url)('join', sid, '--agent-id', 'agent-c');
    expect([third.code, third.json.error]).toEqual([1, 'session_full']);
    const list = await a('sessions');
    expect(list.json.sessions).toMatchObject([{ sessionId: sid, agentId: 'agent-a', status: 'active', cursor: '3' }]);
  });

  it('usage errors exit 2 with JSON; network errors exit 1 with JSON; --help everywhere', async () => {
    const a = agent('http://127.0.0.1:9');
    const bad = await a('poll');
    expect([bad.code, bad.json.error]).toEqual([2, 'usage']);
    const net = await a('status', 'abcdef');
    expect([net.code, net.json.error]).toEqual([1, 'network_error']);
    // Checked here, before any request (the server would refuse them, or ignore an empty key).
    for (const [args, what] of [
      [['send', 'abcdef', 'hi', '--agent-id', 'x', '--idempotency-key', ''], /--idempotency-key must be/],
      [['send', 'abcdef', 'hi', '--agent-id', 'x', '--idempotency-key', 'a\tb'], /--idempotency-key must be/],
      [['send', 'abcdef', 'hi', '--agent-id', 'x', '--idempotency-key', 'k'.repeat(129)], /--idempotency-key must be/],
      [['poll', 'abcdef', '--agent-id', 'x', '--after', 'x'], /--after must be a cursor/],
      [['watch', 'abcdef', '--agent-id', 'x', '--after', '-1'], /--after must be a cursor/],
      [['claim', 'https://host.example/p/', '--agent-id', 'b'], /is not a pairing link/],
    ] as const) {
      const r = await a(...args);
      expect([r.code, r.json.error, r.json.message], args.join(' ')).toEqual([2, 'usage', expect.stringMatching(what)]);
    }
    for (const c of ['create', 'status', 'join', 'pair', 'claim', 'pair-status', 'send', 'poll', 'renew', 'leave', 'sessions', 'serve']) {
      const r = await runScript(NEXUS, [c, '--help']);
      expect(r.exitCode, c).toBe(0);
      expect(r.stdout).toContain(`Usage: nexus ${c}`);
    }
  });
});

describe('raw HTTP over loopback on both path styles (acceptance 2)', () => {
  for (const P of ['/v1/session', '/v1/sessions']) {
    it(`${P}: create, join, pair, claim, poll, send, 409`, async () => {
      const s = await start();
      const call = async (method: string, path: string, agentId?: string, body?: unknown) => {
        const r = await fetch(s.url + path, { method, headers: { ...(agentId ? { 'x-agent-id': agentId } : {}), 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        return { status: r.status, json: (await r.json()) as any };
      };
      const c = await call('PUT', P, undefined, { greeting: 'g' });
      expect(c.status).toBe(201);
      const sid = c.json.sessionId;
      expect((await call('POST', `${P}/${sid}/join`, 'a')).status).toBe(200);
      const pair = await call('PUT', '/v1/pair', undefined, { sessionId: sid });
      expect(pair.status).toBe(201);
      expect((await call('POST', `/v1/pair/${pair.json.code}/claim`, 'b')).status).toBe(200);
      const poll = await call('GET', `${P}/${sid}/messages`, 'b');
      expect(poll.json.messages.map((m: { cursor: string }) => m.cursor)).toEqual(['0', '1']);
      expect((await call('POST', `${P}/${sid}/messages`, 'b', { text: 'x' })).status).toBe(201);
      expect((await call('POST', `${P}/${sid}/join`, 'c')).status).toBe(409);
    });
  }
});

describe('restart (acceptance 5)', () => {
  it('sessions and cursors survive; a client whose cursor was saved before sees new messages', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nexus-data-'));
    let s = await start(dataDir);
    const port = s.port;
    const a = agent(s.url);
    const b = agent(s.url);
    const sid = (await a('create', '--greeting', 'g', '--creator-agent-id', 'agent-a')).json.sessionId;
    const code = (await a('pair', sid)).json.code;
    await b('claim', code, '--agent-id', 'agent-b');
    await a('send', sid, 'before restart');
    const before = await b('poll', sid);
    expect(before.json.nextCursor).toBe('2');
    await s.close();
    servers = [];
    s = await start(dataDir, port);
    const st = await a('status', sid);
    expect(st.json).toMatchObject({ agents: ['agent-a', 'agent-b'] });
    const sent = await a('send', sid, 'after restart');
    expect(sent.json.cursor).toBe('3'); // continues from the persisted head cursor
    const after = await b('poll', sid);
    expect(after.json.messages.map((m: { text: string }) => m.text)).toEqual(['after restart']);
    expect(after.json.messages[0].verified).toBe(true); // key hashes survived too
  });

  it('serve: prints its URL as JSON, exits 0 on SIGTERM', async () => {
    const p = spawnScript(NEXUS, ['serve', '--port', '0'], { DATA_DIR: 'none' });
    const { url } = JSON.parse(await p.waitLine((l) => l.includes('"listening"')));
    expect(await (await fetch(`${url}/health`)).json()).toMatchObject({ status: 'ok', capabilities: { messageFormat: ['text', 'json'] } });
    p.proc.kill('SIGTERM');
    expect((await p.proc).exitCode).toBe(0);
  });
});
