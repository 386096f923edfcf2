// Defects of E2E sessions found by a user-level check (issue 21 follow-up; docs/spec/nexus-e2e.md
// §2, §6, §9): each case here failed before its fix.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runScript, spawnScript } from './helpers/cli.ts';

const NEXUS = `${ROOT}scripts/nexus.mjs`;
type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let server: ReturnType<typeof spawnScript>;
let url = '';
beforeAll(async () => {
  server = spawnScript(NEXUS, ['serve', '--port', '0'], {});
  url = (JSON.parse(await server.waitLine((l) => l.includes('"listening"'))) as J).url;
});
afterAll(async () => {
  server.proc.kill('SIGTERM');
  await server.proc;
});

function agent(name: string) {
  const dir = mkdtempSync(join(tmpdir(), `nexus-e2efix-${name}-`));
  const env = {
    NEXUS_STATE_DIR: dir,
    get NEXUS_URL() {
      return url;
    },
  };
  const run = async (...args: string[]) => {
    const r = await runScript(NEXUS, args, { ...env });
    return { code: r.exitCode, json: JSON.parse(r.stdout.trim().split('\n').at(-1)!) as J, stdout: r.stdout, stderr: r.stderr };
  };
  return Object.assign(run, { env, dir });
}

async function session(greeting?: string, ...more: string[]) {
  const A = agent('a');
  const c = await A('create', '--e2e', ...(greeting ? ['--greeting', greeting] : []), '--creator-agent-id', 'alice', ...more);
  const pair = await A('pair', c.json.sessionId);
  return { A, sid: c.json.sessionId as string, link: pair.json.url as string, code: pair.json.code as string };
}

describe('E2E defects (issue 21 follow-up)', () => {
  it('1: a used link claimed with its key says code_already_claimed, not not_e2e_session', async () => {
    const s = await session('hi');
    expect((await agent('b')('claim', s.link, '--agent-id', 'bob')).code).toBe(0);
    const again = await agent('x')('claim', s.link, '--agent-id', 'xavier');
    expect([again.code, again.json.error]).toEqual([1, 'code_already_claimed']);
  });

  it('2: an agent without the key never sees ciphertext as text, is warned at join, and cannot send', async () => {
    const s = await session('hi', '--max-agents', '3');
    expect((await agent('b')('claim', s.link, '--agent-id', 'bob')).code).toBe(0);
    await s.A('send', s.sid, 'secret words');
    const X = agent('x');
    const j = await X('join', s.sid, '--agent-id', 'xavier');
    expect(j.json).toMatchObject({ e2e: true, e2eKey: 'missing' });
    expect(j.stderr).toMatch(/end-to-end encrypted/);
    const p = await X('poll', s.sid);
    const msgs = (p.json.messages as J[]).filter((m) => m.type !== 'system');
    expect(msgs.length).toBe(2);
    for (const m of msgs) {
      expect(m).toMatchObject({ e2e: 'failed', reason: 'no_key' });
      expect(m.text).toBeUndefined();
    }
    expect(p.stdout).not.toContain('e2e1.');
    expect(p.stderr).toContain('no key');
    const w = await runScript(NEXUS, ['watch', s.sid, '--after', '0', '--timeout', '3'], { ...X.env });
    expect(w.stdout).not.toContain('e2e1.');
    expect(w.stdout.split('\n').filter((l) => l.includes('"no_key"'))).toHaveLength(2);
    const send = await X('send', s.sid, 'hello');
    expect([send.code, send.json.error]).toEqual([2, 'e2e_no_key']);
  });

  it('2: an empty saved e2e key file is treated as no key', async () => {
    const s = await session('hi');
    const B = agent('b');
    expect((await B('claim', s.link, '--agent-id', 'bob')).code).toBe(0);
    writeFileSync(join(B.dir, 'nexus', 'sessions', s.sid, 'e2e'), '');
    const p = await B('poll', s.sid);
    expect(p.stdout).not.toContain('e2e1.');
    expect(p.json.messages[0]).toMatchObject({ e2e: 'failed', reason: 'no_key' });
  });

  it('3: without a greeting, a wrong key is refused before claiming; the key check is not shown', async () => {
    const s = await session();
    const B = agent('b');
    const wrong = await B('claim', `${s.link.split('#')[0]}#k=${'A'.repeat(42)}E`, '--agent-id', 'bob');
    expect(wrong.json.error).toBe('e2e_bad_key');
    expect((await B('pair-status', s.code)).json.state).toBe('pending');
    expect((await B('claim', s.link, '--agent-id', 'bob')).code).toBe(0);
    await s.A('send', s.sid, 'first');
    const p = await B('poll', s.sid);
    expect((p.json.messages as J[]).filter((m) => m.type !== 'system').map((m) => m.text)).toEqual(['first']);
    expect((await s.A('poll', s.sid, '--after', '0')).json.messages.map((m: J) => m.type)).not.toContain('greeting');
  });

  it('4: the E2E HTML page copies the link with its fragment and says so', async () => {
    const s = await session('hi');
    const html = await (await fetch(`${url}/p/${s.code}`, { headers: { accept: 'text/html' } })).text();
    expect(html).toContain('location.hash');
    expect(html).not.toContain('Copy code');
    expect(html).toMatch(/including the part after/);
    const plain = agent('p');
    const c = await plain('create', '--creator-agent-id', 'carol');
    const pp = await plain('pair', c.json.sessionId);
    const plainHtml = await (await fetch(`${url}/p/${pp.json.code}`, { headers: { accept: 'text/html' } })).text();
    expect(plainHtml).toContain('Copy code');
    const csp = (await fetch(`${url}/p/${s.code}`, { headers: { accept: 'text/html' } })).headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'sha256-/);
  });

  it('5: sealed json keeps the payload limits of a plain session', async () => {
    const s = await session('hi');
    const many = JSON.stringify(Object.fromEntries(Array.from({ length: 1200 }, (_, i) => [`k${i}`, i])));
    const big = JSON.stringify({ s: 'x'.repeat(70_000) });
    const r1 = await s.A('send', s.sid, '--json', many);
    expect([r1.code, r1.json.error]).toEqual([1, 'invalid_request']);
    expect(r1.json.message).toMatch(/at most 1000 values/);
    const r2 = await s.A('send', s.sid, '--json', big);
    expect([r2.code, r2.json.error]).toEqual([1, 'invalid_request']);
    expect(r2.json.message).toMatch(/at most 64 KiB/);
    const huge = await runScript(NEXUS, ['send', s.sid, '-', '--json'], { ...s.A.env }, { input: JSON.stringify({ s: 'x'.repeat(2_000_000) }) });
    expect([huge.exitCode, JSON.parse(huge.stdout).error]).toEqual([1, 'payload_too_large']);
  });

  it('6: a bad key is a usage error (2) either way; a long sealed text fails like a plain one', async () => {
    const s = await session('hi');
    const B = agent('b');
    const wrong = await B('claim', `${s.link.split('#')[0]}#k=${'A'.repeat(42)}E`, '--agent-id', 'bob');
    expect([wrong.code, wrong.json.error]).toEqual([2, 'e2e_bad_key']);
    const long = await s.A('send', s.sid, 'x'.repeat(16_001));
    const P = agent('p');
    const c = await P('create', '--creator-agent-id', 'carol');
    const plainLong = await P('send', c.json.sessionId, 'x'.repeat(16_001));
    expect([long.code, long.json.error]).toEqual([plainLong.code, plainLong.json.error]);
    expect(long.json.details).toEqual(plainLong.json.details);
  });

  it('9: /health advertises e2e; sessions marks E2E sessions on stderr', async () => {
    const h = (await (await fetch(`${url}/health`)).json()) as J;
    expect(h.capabilities.e2e).toMatchObject({ version: 1 });
    const s = await session('hi');
    const list = await s.A('sessions');
    expect(list.stderr).toMatch(new RegExp(`${s.sid}.*🔐`));
  });
});
