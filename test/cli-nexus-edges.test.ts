// A newcomer's rough edges of nexus.mjs (issue 20, Build 2), each reproduced against the built
// script and a session server over real loopback HTTP: pairing a full session, invalid UTF-8 on
// stdin, watch against a closed port, `create --ttl abc`, `close`, `sessions --prune`.
import { mkdtempSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
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

async function start() {
  const s = await startNexusServer(nexusConfig({}, { dataDir: null, port: 0 }));
  servers.push(s);
  return s;
}

function agent(url: string, stateDir = mkdtempSync(join(tmpdir(), 'nexus-edges-'))) {
  const env = { NEXUS_STATE_DIR: stateDir, NEXUS_URL: url };
  const run = async (args: string[], input?: string | Uint8Array) => {
    const r = await runScript(NEXUS, args, env, input === undefined ? {} : { input: input as string });
    const lines = r.stdout.trim().split('\n');
    expect(lines, `stdout must be one JSON document: ${r.stdout}`).toHaveLength(1);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { code: r.exitCode, json: JSON.parse(r.stdout) as any, stderr: r.stderr };
  };
  return Object.assign((...args: string[]) => run(args), { stdin: (input: string | Uint8Array, ...args: string[]) => run(args, input), stateDir });
}

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('pair on a full session', () => {
  it('is refused with 409 session_full (exit 1, a clear error), and an older code of a now full session says so', async () => {
    const s = await start();
    const a = agent(s.url);
    const sid = (await a('create', '--creator-agent-id', 'agent-a')).json.sessionId;
    const early = await a('pair', sid); // issued while there was room
    expect(early.code).toBe(0);
    expect((await agent(s.url)('join', sid, '--agent-id', 'agent-b')).code).toBe(0);
    const full = await a('pair', sid);
    expect([full.code, full.json.error]).toEqual([1, 'session_full']);
    expect(full.stderr).toMatch(/full/);
    // The page of the early code: not "pending" but "this session is full".
    const page = await fetch(`${s.url}/p/${early.json.code}`, { headers: { accept: 'text/markdown' } });
    expect(page.status).toBe(409);
    const text = await page.text();
    expect(text).toMatch(/full/i);
    expect(text).not.toMatch(/pending/i);
    const status = await a('pair-status', early.json.code);
    expect(status.json.state).toBe('full');
  });
});

describe('send: invalid UTF-8 on stdin', () => {
  it('exits 2 with invalid_utf8 and sends nothing', async () => {
    const s = await start();
    const a = agent(s.url);
    const sid = (await a('create', '--creator-agent-id', 'agent-a')).json.sessionId;
    const bad = await a.stdin(new Uint8Array([0x68, 0x69, 0xff, 0xfe, 0x0a]), 'send', sid, '-');
    expect([bad.code, bad.json.error]).toEqual([2, 'invalid_utf8']);
    expect((await a('poll', sid, '--after', '0')).json.messages).toEqual([]);
    // Valid UTF-8 still goes through, as it was.
    expect((await a.stdin('héllo ✓\n', 'send', sid, '-')).json.ok).toBe(true);
    expect((await a('poll', sid)).json.messages.map((m: { text: string }) => m.text)).toEqual(['héllo ✓']);
  });
});

describe('watch against an unreachable server', () => {
  it('keeps trying until its bound, then ends with one line, reason unreachable, exit 1', async () => {
    const port = await closedPort();
    const a = agent(`http://127.0.0.1:${port}`);
    const t0 = Date.now();
    const r = await runScript(NEXUS, ['watch', 'abcdefgh', '--agent-id', 'agent-a', '--timeout', '2'], { NEXUS_STATE_DIR: a.stateDir, NEXUS_URL: `http://127.0.0.1:${port}` });
    const elapsed = Date.now() - t0;
    expect(r.exitCode).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ event: 'end', reason: 'unreachable', sessionId: 'abcdefgh', messages: 0 });
    expect(elapsed).toBeGreaterThanOrEqual(1900);
    expect(r.stderr).toMatch(/Watch again/);
  });
});

describe('create --ttl abc', () => {
  it('says what a TTL is, not a 16-digit maximum', async () => {
    const r = await agent('http://127.0.0.1:9')('create', '--ttl', 'abc');
    expect([r.code, r.json.error]).toEqual([2, 'usage']);
    expect(r.json.message).toBe('--ttl must be a whole number of seconds, at least 60');
    expect(r.json.message).not.toContain('9007199254740991');
  });
});

describe('close: the creator ends the session', () => {
  it('closes it (a watching member ends with reason closed); a non-creator gets 403; the state is forgotten', async () => {
    const s = await start();
    const a = agent(s.url);
    const b = agent(s.url);
    const sid = (await a('create', '--creator-agent-id', 'agent-a')).json.sessionId;
    await b('claim', (await a('pair', sid)).json.code, '--agent-id', 'agent-b');
    const notCreator = await b('close', sid);
    expect([notCreator.code, notCreator.json.error]).toEqual([1, 'forbidden']);
    const w = spawnScript(NEXUS, ['watch', sid, '--timeout', '30'], { NEXUS_STATE_DIR: b.stateDir, NEXUS_URL: s.url });
    await w.waitLine((l) => l.includes('"cursor":"1"')); // the cron reminder: the stream is open
    const closed = await a('close', sid);
    expect(closed.code).toBe(0);
    expect(closed.json).toMatchObject({ ok: true, status: 'closed', sessionId: sid });
    expect(closed.stderr).toMatch(/Closed/);
    const end = await w.waitLine((l) => l.includes('"event":"end"'));
    expect(JSON.parse(end)).toMatchObject({ reason: 'closed' });
    expect((await w.proc).exitCode).toBe(1);
    expect((await a('status', sid)).json.error).toBe('session_not_found');
    expect((await a('sessions')).json.sessions).toEqual([]); // the creator's local state went with it
  });

  it('--help lists close', async () => {
    const r = await runScript(NEXUS, ['close', '--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/creator/);
  });
});

describe('sessions --prune', () => {
  it('forgets the sessions the server no longer has, reports them, keeps the live ones', async () => {
    const s = await start();
    const a = agent(s.url);
    const live = (await a('create', '--creator-agent-id', 'agent-a')).json.sessionId;
    const dead = (await a('create', '--creator-agent-id', 'agent-a')).json.sessionId;
    // The session is gone on the server (as after an expiry): its store forgets it.
    await s.store.updateSession(dead, () => ({ next: null, result: null }));
    const listed = await a('sessions');
    expect(listed.json.sessions.map((x: { sessionId: string; status: string }) => [x.sessionId, x.status]).sort()).toEqual([[dead, 'not_found'], [live, 'active']].sort());
    const pruned = await a('sessions', '--prune');
    expect(pruned.code).toBe(0);
    expect(pruned.json.pruned).toEqual([dead]);
    expect(pruned.json.sessions.map((x: { sessionId: string }) => x.sessionId)).toEqual([live]);
    expect(pruned.stderr).toMatch(/Removed 1/);
    expect((await a('sessions')).json.sessions.map((x: { sessionId: string }) => x.sessionId)).toEqual([live]);
    expect(readdirSync(join(a.stateDir, 'nexus', 'sessions')).includes(dead)).toBe(false);
  });

  it('keeps a session whose server is unreachable (it may come back)', async () => {
    const s = await start();
    const a = agent(s.url);
    const sid = (await a('create', '--creator-agent-id', 'agent-a')).json.sessionId;
    await s.close();
    servers = [];
    const r = await a('sessions', '--prune');
    expect(r.json.sessions).toMatchObject([{ sessionId: sid, status: 'unreachable' }]);
    expect(r.json.pruned).toEqual([]);
    expect((await a('sessions')).json.sessions.map((x: { sessionId: string }) => x.sessionId)).toEqual([sid]);
  });
});
