// The built nexus.mjs against hostile servers and unwritable state dirs: every outcome is
// bounded in time and memory, prints exactly one JSON document, no stack trace, no raw
// terminal escapes, and saves nothing a server made up.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nexusConfig } from '../src/nexus/server/config.ts';
import { startNexusServer, type RunningNexus } from '../src/nexus/server/server.ts';
import { ROOT, runScript } from './helpers/cli.ts';
import { tempDir } from './helpers/agents.ts';
import { startHostile, type Handler, type HostileServer } from './helpers/hostile-server.ts';

const NEXUS = `${ROOT}scripts/nexus.mjs`;
const SID = 'hostile-sid';
const MiB = 1 << 20;
let closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

async function hostile(handler: Handler): Promise<HostileServer> {
  const s = await startHostile(handler);
  closers.push(() => s.close());
  return s;
}

/** A state dir holding session SID for agent-a, with a saved key and cursor 5. */
function seededState(): { dir: string; session: string } {
  const dir = tempDir('nexus-hostile-');
  const session = join(dir, 'nexus', 'sessions', SID);
  mkdirSync(session, { recursive: true });
  for (const [f, v] of [['agent', 'agent-a'], ['key', 'k'.repeat(64)], ['cursor', '5']]) writeFileSync(join(session, f!), `${v}\n`);
  return { dir, session };
}

async function nexus(args: string[], env: Record<string, string>) {
  const t0 = Date.now();
  const r = await runScript(NEXUS, args, env);
  const ms = Date.now() - t0;
  const lines = r.stdout.split('\n').filter((l) => l !== '');
  expect(lines, `stdout must be exactly one JSON document: ${r.stdout.slice(0, 500)}`).toHaveLength(1);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const json = JSON.parse(lines[0]!) as any;
  expect(r.stderr, 'no stack trace').not.toMatch(/^\s+at /m);
  expect(r.stderr, 'no raw terminal escape on stderr').not.toMatch(/[\u001b\u0007\u009b\u202e]/);
  expect(r.stdout, 'no raw terminal escape on stdout').not.toMatch(/[\u001b\u0007\u009b\u202e]/);
  return { code: r.exitCode, json, stderr: r.stderr, ms };
}

const cursorOf = (session: string) => readFileSync(join(session, 'cursor'), 'utf8');

describe('nexus CLI against a hostile server: bounded time and memory', () => {
  it('a 1 GiB-style endless body ends as too_large, in a 64 MB heap, and the server stops writing', async () => {
    const s = await hostile((_req, res, h) => h.stream(res, { head: '{"messages":[{"text":"', chunk: 'a'.repeat(64 * 1024) }));
    const { dir, session } = seededState();
    const env = { NEXUS_STATE_DIR: dir, NEXUS_URL: s.url, NEXUS_HTTP_TIMEOUT: '20', NODE_OPTIONS: '--max-old-space-size=64' };
    for (const [cmd, cap] of [['status', 1], ['poll', 16]] as const) {
      const before = s.sent;
      const r = await nexus([cmd, SID], env);
      expect([r.code, r.json.error, r.json.reason], cmd).toEqual([1, 'network_error', 'too_large']);
      expect(r.ms, cmd).toBeLessThan(10_000);
      if (cmd === 'poll') expect(r.stderr).toContain('--limit');
      await s.drained();
      expect(s.sent - before, `${cmd} read about its cap, not the whole body`).toBeLessThan((cap + 32) * MiB);
    }
    expect(cursorOf(session)).toBe('5\n');
  });

  it('an error status with an endless body is too_large as well', async () => {
    const s = await hostile((_req, res, h) => h.stream(res, { status: 500, head: '{"error":"', chunk: 'e'.repeat(64 * 1024) }));
    const r = await nexus(['claim', 'PEARL-FOCAL-S5SJV', '--agent-id', 'b'], { NEXUS_STATE_DIR: tempDir(), NEXUS_URL: s.url, NEXUS_HTTP_TIMEOUT: '20' });
    expect([r.code, r.json.error, r.json.reason]).toEqual([1, 'network_error', 'too_large']);
    await s.drained();
  });

  const slow: Array<[string, Handler, string[]]> = [
    ['an endless line without a newline (1 KiB every 20 ms)', (_q, res, h) => h.stream(res, { head: '{"ok":"', chunk: 'x'.repeat(1024), everyMs: 20 }), ['send', SID, 'hi']],
    ['a byte every 400 ms, never finishing', (_q, res, h) => h.stream(res, { head: '{', chunk: ' ', everyMs: 400 }), ['poll', SID]],
    ['headers, then nothing', (_q, res, h) => h.stream(res, { chunk: ' ', everyMs: 60_000 }), ['status', SID]],
    ['no answer at all', (_q, res, h) => h.silent(res), ['claim', 'PEARL-FOCAL-S5SJV', '--agent-id', 'b']],
  ];
  for (const [what, handler, args] of slow) {
    it(`${what}: ${args[0]} gives up at its total deadline`, async () => {
      const s = await hostile(handler);
      const { dir, session } = seededState();
      const r = await nexus(args, { NEXUS_STATE_DIR: dir, NEXUS_URL: s.url, NEXUS_HTTP_TIMEOUT: '1' });
      expect([r.code, r.json.error, r.json.reason]).toEqual([1, 'network_error', 'timeout']);
      expect(r.ms).toBeLessThan(6000); // 1 s deadline + node start-up, generously
      expect(s.requests).toHaveLength(1);
      await s.drained();
      expect(cursorOf(session)).toBe('5\n');
      expect(readdirSync(join(dir, 'nexus', 'sessions'))).toEqual([SID]);
    });
  }
});

describe('nexus watch never says "no new messages" for a watch that did not happen', () => {
  it('a server that never answers the stream: unreachable, exit 1', async () => {
    const s = await hostile((_q, res, h) => h.silent(res));
    const { dir } = seededState();
    const r = await nexus(['watch', SID, '--timeout', '2'], { NEXUS_STATE_DIR: dir, NEXUS_URL: s.url });
    expect([r.code, r.json.event, r.json.reason, r.json.error]).toEqual([1, 'end', 'unreachable', 'unreachable']);
    expect(r.stderr).toMatch(/could not open the stream before the deadline/);
    expect(r.stderr).not.toMatch(/No new messages/);
    expect(r.ms).toBeLessThan(8000);
  });

  it('a stream that drops and cannot be opened again: disconnected, exit 1, with the cursor to resume from', async () => {
    let n = 0;
    const s = await hostile((_q, res, h) => {
      if (n++ > 0) return h.silent(res);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('id: 6\ndata: {"cursor":"6","agentId":"b","text":"hello","mine":false}\n\n');
    });
    const { dir } = seededState();
    const r = await runScript(NEXUS, ['watch', SID, '--timeout', '3'], { NEXUS_STATE_DIR: dir, NEXUS_URL: s.url });
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.text ?? l.reason)).toEqual(['hello', 'disconnected']);
    expect(r.exitCode).toBe(1);
    expect(lines.at(-1)).toMatchObject({ cursor: '6', messages: 1, error: 'disconnected' });
    expect(r.stderr).toMatch(/lost the stream and could not open it again before the deadline.*Watch again to resume from cursor 6/);
  });
});

describe('nexus CLI against a hostile server: values it must not trust', () => {
  it('a nextCursor that is not a plain decimal cursor is never saved (exit 1, one document)', async () => {
    let cursor: unknown;
    const s = await hostile((_req, res, h) => h.json(res, 200, { messages: [], nextCursor: cursor }));
    const { dir, session } = seededState();
    const env = { NEXUS_STATE_DIR: dir, NEXUS_URL: s.url };
    for (const bad of ['../../x', '1\u001b[2J', 'x'.repeat(10_000), '9'.repeat(21), '-1', '1\n2', 7]) {
      cursor = bad;
      const r = await nexus(['poll', SID], env);
      expect([r.code, r.json.error], String(bad).slice(0, 20)).toEqual([1, 'invalid_server_value']);
      expect(r.json.stateError).toMatch(/nextCursor/);
      expect(r.json.nextCursor).toEqual(bad); // the server's answer is still there, as it was
      expect(cursorOf(session)).toBe('5\n');
    }
    expect(s.requests.every((q) => q.url.endsWith('?after=5'))).toBe(true);
    cursor = '12345678901234567890';
    expect((await nexus(['poll', SID], env)).code).toBe(0);
    expect(cursorOf(session)).toBe('12345678901234567890\n');
  });

  it('a claim answer with an unsafe sessionId or sessionKey saves nothing', async () => {
    let body: unknown;
    const s = await hostile((_req, res, h) => h.json(res, 200, body));
    const dir = tempDir();
    for (const bad of [{ sessionId: '../../etc', sessionKey: 'k' }, { sessionId: 'ok-sid', sessionKey: 'a\nb' }, { sessionId: 'ok-sid', sessionKey: 'x'.repeat(600) }]) {
      body = bad;
      const r = await nexus(['claim', 'PEARL-FOCAL-S5SJV', '--agent-id', 'b'], { NEXUS_STATE_DIR: dir, NEXUS_URL: s.url });
      expect([r.code, r.json.error]).toEqual([1, 'invalid_server_value']);
      expect(readdirSync(join(dir, 'nexus', 'sessions'))).toEqual([]);
    }
    expect(existsSync(join(dir, 'etc'))).toBe(false);
  });

  it('server text on stderr is escaped: messages, member ids, links, errors, non-JSON bodies', async () => {
    const evil = 'red\u001b[31m bell\u0007 csi\u009b2J rtl\u202eexe.txt';
    const s = await hostile((req, res, h) => {
      if (req.url!.startsWith('/v1/pair')) return h.json(res, 201, { code: evil, url: `http://x/${evil}`, ttl: 600 });
      if (req.url!.includes('/renew')) return h.json(res, 403, { error: 'forbidden', message: evil });
      if (req.url!.includes('/join')) return h.json(res, 502, `<html>${evil}</html>`, 'text/html');
      h.json(res, 200, { messages: [{ cursor: '6', agentId: evil, text: `line1\n💡 Tip: ${evil}` }], nextCursor: '6', members: [{ agentId: evil, lastSeenAt: evil }] });
    });
    const { dir } = seededState();
    const env = { NEXUS_STATE_DIR: dir, NEXUS_URL: s.url };
    const poll = await nexus(['poll', SID, '--members'], env);
    expect(poll.code).toBe(0);
    expect(poll.json.messages[0].agentId).toBe(evil); // stdout keeps the exact text, escaped as JSON
    expect(poll.stderr).toContain('red\\u001b[31m bell\\u0007 csi\\u009b2J rtl\\u202eexe.txt');
    expect(poll.stderr).toMatch(/\n {6}💡 Tip: red/); // a second line of a message cannot pose as a hint
    const pair = await nexus(['pair', SID], env);
    expect([pair.code, pair.stderr]).toEqual([0, expect.stringContaining('\\u001b')]);
    const renew = await nexus(['renew', SID], env);
    expect([renew.code, renew.json.error, renew.stderr]).toEqual([1, 'forbidden', expect.stringContaining('\\u001b')]);
    const join_ = await nexus(['join', SID], env);
    expect([join_.code, join_.json.error, join_.stderr]).toEqual([1, 'non_json_response', expect.stringContaining('\\u001b')]);
  });

  it('state that cannot be saved after the server said yes: one document with the answer and the local error', async () => {
    const dir = tempDir();
    const sessions = join(dir, 'nexus', 'sessions');
    const s = await hostile((_req, res, h) => {
      // Between the pre-check and the save, the sessions folder becomes a regular file.
      rmSync(sessions, { recursive: true, force: true });
      writeFileSync(sessions, 'not a folder');
      h.json(res, 200, { sessionId: 'ok-sid', agentId: 'b', sessionKey: 'f'.repeat(64), status: 'claimed' });
    });
    const r = await nexus(['claim', 'PEARL-FOCAL-S5SJV', '--agent-id', 'b'], { NEXUS_STATE_DIR: dir, NEXUS_URL: s.url });
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ sessionId: 'ok-sid', sessionKey: 'f'.repeat(64), error: 'state_not_saved', stateError: expect.stringContaining('ENOTDIR') });
    expect(r.stderr).toContain('keep it');
  });
});

describe('nexus CLI with a state dir it cannot write: refuses before touching the server', () => {
  const root = process.getuid?.() === 0;

  /** Unwritable for anyone, root included: the state dir would live under a regular file. */
  function underAFile(): string {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, '');
    return join(file, 'state');
  }

  it('create, join, claim and poll refuse with state_dir_not_writable; the server sees no request', async () => {
    const s = await hostile((_req, res, h) => h.json(res, 200, { sessionId: 'x', sessionKey: 'k', nextCursor: '1', messages: [] }));
    const env = { NEXUS_STATE_DIR: underAFile(), NEXUS_URL: s.url };
    for (const args of [['create', '--creator-agent-id', 'a'], ['join', SID, '--agent-id', 'a'], ['claim', 'PEARL-FOCAL-S5SJV', '--agent-id', 'b'], ['poll', SID, '--agent-id', 'a']]) {
      const r = await nexus(args, env);
      expect([r.code, r.json.error], args[0]).toEqual([1, 'state_dir_not_writable']);
      expect(r.stderr).toContain('NEXUS_STATE_DIR');
      expect(r.stderr).toContain(env.NEXUS_STATE_DIR);
    }
    expect(s.requests).toEqual([]);
    // Commands that save nothing still work from such a dir.
    expect((await nexus(['status', SID], env)).code).toBe(0);
    expect(s.requests).toHaveLength(1);
  });

  it.skipIf(root)('a read-only (0500) sessions folder: join, poll and leave of a saved session refuse too', async () => {
    const s = await hostile((_req, res, h) => h.json(res, 200, { ok: true }));
    const { dir, session } = seededState();
    const { chmodSync } = await import('node:fs');
    chmodSync(session, 0o500);
    chmodSync(join(session, '..'), 0o500);
    closers.push(async () => (chmodSync(join(session, '..'), 0o700), chmodSync(session, 0o700)));
    for (const args of [['join', SID], ['poll', SID], ['leave', SID]]) {
      const r = await nexus(args, { NEXUS_STATE_DIR: dir, NEXUS_URL: s.url });
      expect([r.code, r.json.error], args[0]).toEqual([1, 'state_dir_not_writable']);
    }
    expect(s.requests).toEqual([]);
  });

  it('claim against the real session server: the pairing code stays claimable by another agent', async () => {
    const server: RunningNexus = await startNexusServer(nexusConfig({}, { dataDir: null, port: 0 }));
    closers.push(() => server.close());
    const a = { NEXUS_STATE_DIR: tempDir(), NEXUS_URL: server.url };
    const sid = (await nexus(['create', '--greeting', 'hi', '--creator-agent-id', 'agent-a'], a)).json.sessionId;
    const code = (await nexus(['pair', sid], a)).json.code;
    const refused = await nexus(['claim', code, '--agent-id', 'agent-b'], { NEXUS_STATE_DIR: underAFile(), NEXUS_URL: server.url });
    expect([refused.code, refused.json.error]).toEqual([1, 'state_dir_not_writable']);
    expect((await nexus(['pair-status', code], a)).json.state).toBe('pending');
    const c = { NEXUS_STATE_DIR: tempDir(), NEXUS_URL: server.url };
    const claimed = await nexus(['claim', code, '--agent-id', 'agent-c'], c);
    expect([claimed.code, claimed.json.sessionId]).toEqual([0, sid]);
    expect((await nexus(['status', sid], a)).json.agents).toEqual(['agent-a', 'agent-c']);
    expect(readFileSync(join(c.NEXUS_STATE_DIR, 'nexus', 'sessions', sid, 'key'), 'utf8')).toMatch(/^\S+\n$/);
  });
});
