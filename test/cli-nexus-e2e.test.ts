// End-to-end encrypted sessions through the built nexus.mjs and a spawned session server with a
// DATA_DIR (docs/spec/nexus-e2e.md; issue 21 acceptance 1-3): the conversation both ways (text and
// json, long-poll and watch), nothing readable on the server's disk, log or answers, the same
// safety code on both sides, and tampering, replays and a claim without the key refused.
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runScript, spawnScript } from './helpers/cli.ts';

const NEXUS = `${ROOT}scripts/nexus.mjs`;
type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let server: ReturnType<typeof spawnScript>;
let url = '';
let stderr = '';
const dataDir = mkdtempSync(join(tmpdir(), 'nexus-e2e-data-'));

beforeAll(async () => {
  server = spawnScript(NEXUS, ['serve', '--port', '0'], { DATA_DIR: dataDir });
  server.proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  url = (JSON.parse(await server.waitLine((l) => l.includes('"listening"'))) as J).url;
});
afterAll(async () => {
  server.proc.kill('SIGTERM');
  await server.proc;
});

function agent(name: string) {
  const dir = mkdtempSync(join(tmpdir(), `nexus-e2e-${name}-`));
  // The server's URL is known once it listens (beforeAll): read at each run.
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

/** A raw request, as a reference client (nexus.sh, curl) makes it: no E2E header. */
async function raw(method: string, path: string, headers: Record<string, string> = {}, body?: unknown) {
  const r = await fetch(url + path, { method, headers: { 'content-type': 'application/json', ...headers }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: r.status, headers: r.headers, text: await r.text() };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

async function e2eSession(a: ReturnType<typeof agent>, b: ReturnType<typeof agent>, greeting: string) {
  const c = await a('create', '--e2e', '--greeting', greeting, '--creator-agent-id', 'alice');
  expect([c.code, c.json.e2e]).toEqual([0, true]);
  const pair = await a('pair', c.json.sessionId);
  expect(pair.json.url).toMatch(/\/p\/[A-Z]+-[A-Z]+-[0-9A-Z]{5}#k=[A-Za-z0-9_-]{43}$/);
  expect(pair.stderr).toContain('Pass the WHOLE link, including the part after #');
  const claimed = await b('claim', pair.json.url, '--agent-id', 'bob');
  expect([claimed.code, claimed.json.e2e]).toEqual([0, true]);
  return { sid: c.json.sessionId as string, link: pair.json.url as string, secret: (pair.json.url as string).split('#k=')[1]! };
}

describe('nexus CLI: an end-to-end encrypted session (issue 21)', () => {
  const A = agent('a');
  const B = agent('b');
  const secrets = { greeting: 'Greetings: the vault code is ORCHID-7731', t1: 'Meet at the lighthouse, 9pm', t2: 'Bring the blue umbrella', t3: 'Confirmed, lighthouse it is', json: { plan: 'zeppelin-heist', n: 42 } };
  let sid = '';
  let secret = '';

  it('create --e2e, a claim without the key is refused (nothing claimed), the whole link claims', async () => {
    const c = await A('create', '--e2e', '--greeting', secrets.greeting, '--creator-agent-id', 'alice');
    expect(c.json).toMatchObject({ e2e: true, greeting: secrets.greeting });
    sid = c.json.sessionId;
    const pair = await A('pair', sid);
    const link = pair.json.url as string;
    secret = link.split('#k=')[1]!;
    const noKey = await B('claim', link.split('#')[0]!, '--agent-id', 'bob');
    expect([noKey.code, noKey.json.error]).toEqual([2, 'e2e_no_key']);
    expect(noKey.stderr).toContain('WHOLE link');
    expect((await B('pair-status', pair.json.code)).json.state).toBe('pending'); // still claimable
    const wrong = await B('claim', `${link.split('#')[0]}#k=${'A'.repeat(42)}E`, '--agent-id', 'bob');
    expect([wrong.code, wrong.json.error]).toEqual([2, 'e2e_bad_key']);
    const page = await raw('GET', `/p/${pair.json.code}`, { accept: 'text/markdown' });
    expect(page.text).toContain('end-to-end encrypted');
    expect(page.text).toContain('after `#`');
    const html = await raw('GET', `/p/${pair.json.code}`, { accept: 'text/html' });
    expect(html.text).toContain('end-to-end encrypted');
    const claimed = await B('claim', link, '--agent-id', 'bob');
    expect([claimed.code, claimed.json.e2e]).toEqual([0, true]);
    expect(claimed.stderr).toContain('safety');
  });

  it('messages both ways, text and json, through poll, long-poll and watch', async () => {
    const first = await B('poll', sid);
    expect(first.json.messages[0]).toMatchObject({ cursor: '0', type: 'greeting', text: secrets.greeting, e2e: true });
    // A long-polls (after reading what is there); B's message answers it.
    expect((await A('poll', sid)).json.messages.map((m: J) => m.cursor)).toEqual(['0', '1']);
    const waiting = runScript(NEXUS, ['poll', sid, '--wait', '30'], { ...A.env });
    await new Promise((r) => setTimeout(r, 700));
    expect((await B('send', sid, secrets.t1)).json).toMatchObject({ ok: true, e2e: true });
    const got = JSON.parse((await waiting).stdout) as J;
    expect(got.messages.map((m: J) => m.text)).toContain(secrets.t1);
    // A watches; B sends a text and a json value.
    const watch = spawnScript(NEXUS, ['watch', sid, '--max-messages', '2', '--timeout', '30'], { ...A.env });
    await new Promise((r) => setTimeout(r, 700));
    await B('send', sid, secrets.t2);
    expect((await B('send', sid, '--json', JSON.stringify(secrets.json))).code).toBe(0);
    await watch.waitLine((l) => l.includes('"event":"end"'), 20_000);
    const seen = watch.lines.map((l) => JSON.parse(l) as J).filter((m) => m.type === 'message');
    expect(seen.map((m) => m.text)).toEqual([secrets.t2, '']);
    expect(seen[1]!.json).toEqual(secrets.json);
    // And back.
    await A('send', sid, secrets.t3);
    await A('send', sid, '--json', JSON.stringify({ ok: secrets.json.plan }));
    const back = await B('poll', sid);
    expect(back.json.messages.filter((m: J) => !m.mine).map((m: J) => m.text ?? m.json)).toEqual([secrets.t3, '']);
    expect(back.json.messages.at(-1).json).toEqual({ ok: secrets.json.plan });
  });

  it('a retried send with the same idempotency key posts once; the sanitizer runs in the sending client', async () => {
    const one = await B('send', sid, 'retry me', '--idempotency-key', 'k-1');
    const two = await B('send', sid, 'retry me', '--idempotency-key', 'k-1');
    expect(two.json.cursor).toBe(one.json.cursor);
    const other = await B('send', sid, 'another text', '--idempotency-key', 'k-1');
    expect([other.code, other.json.error]).toEqual([1, 'idempotency_key_reused']);
    const leaked = await B('send', sid, 'my key is AKIAIOSFODNN7EXAMPLE');
    expect(leaked.json).toMatchObject({ ok: true, redacted: true, e2e: true });
    const read = await A('poll', sid);
    expect(read.json.messages.filter((m: J) => !m.mine).map((m: J) => m.text)).toEqual(['retry me', expect.stringMatching(/^my key is \[REDACTED:[a-z_]+\]$/)]);
  });

  it('both sides print the same safety code', async () => {
    const a = await A('safety', sid);
    const b = await B('safety', sid);
    expect(a.json.safetyCode).toMatch(/^\d{4} \d{4} \d{4}$/);
    expect(b.json).toEqual(a.json);
    expect(a.json.members).toEqual(['alice', 'bob']);
  });

  it('the server keeps, logs and answers no plaintext and no key', async () => {
    const key = readFileSync(join(B.dir, 'nexus', 'sessions', sid, 'key'), 'utf8').trim();
    const answers = [
      (await raw('GET', `/v1/sessions/${sid}/messages`, { 'x-agent-id': 'bob', 'x-session-key': key })).text,
      (await raw('GET', `/v1/sessions/${sid}`)).text,
    ];
    const hex = Buffer.from(secret, 'base64url').toString('hex');
    const everything = [...filesUnder(dataDir).map((f) => readFileSync(f, 'latin1')), server.lines.join('\n'), stderr, ...answers].join('\n');
    expect(everything).toContain(sid); // the scan does read the server's data
    for (const needle of [secrets.greeting, secrets.t1, secrets.t2, secrets.t3, 'zeppelin-heist', 'ORCHID', secret, hex, Buffer.from(secret, 'base64url').toString('base64')]) {
      expect(everything.includes(needle), needle).toBe(false);
    }
  });

  it('reference clients are told plainly, and cannot post plaintext', async () => {
    const key = readFileSync(join(B.dir, 'nexus', 'sessions', sid, 'key'), 'utf8').trim();
    const r = await raw('GET', `/v1/sessions/${sid}/messages`, { 'x-agent-id': 'bob', 'x-session-key': key });
    expect(r.headers.get('x-nexus-e2e')).toBe('1');
    expect((JSON.parse(r.text) as J).notice).toMatch(/end-to-end encrypted; nexus\.sh cannot read it/);
    const plain = await raw('POST', `/v1/sessions/${sid}/messages`, { 'x-agent-id': 'bob', 'x-session-key': key }, { text: 'hello in clear' });
    expect([plain.status, (JSON.parse(plain.text) as J).error]).toEqual([400, 'e2e_required']);
  });

  it('a tampered ciphertext and a replay are reported, never shown as text', async () => {
    const key = readFileSync(join(B.dir, 'nexus', 'sessions', sid, 'key'), 'utf8').trim();
    const msgs = (JSON.parse((await raw('GET', `/v1/sessions/${sid}/messages`, { 'x-agent-id': 'bob', 'x-session-key': key })).text) as J).messages as J[];
    const envelope = msgs.find((m) => m.agentId === 'bob')!.text as string;
    const last = envelope.at(-5) === 'A' ? 'B' : 'A';
    const tampered = `${envelope.slice(0, -5)}${last}${envelope.slice(-4)}`;
    const h = { 'x-agent-id': 'bob', 'x-session-key': key };
    expect((await raw('POST', `/v1/sessions/${sid}/messages`, h, { text: tampered })).status).toBe(201);
    expect((await raw('POST', `/v1/sessions/${sid}/messages`, h, { text: envelope })).status).toBe(201); // the same envelope again
    const p = await A('poll', sid);
    const [bad, again] = (p.json.messages as J[]).slice(-2);
    expect(bad).toMatchObject({ e2e: 'failed', reason: 'authentication_failed' });
    expect(again).toMatchObject({ e2e: 'replay' });
    expect(bad!.text).toBeUndefined();
    expect(again!.text).toBeUndefined();
    expect(p.stdout).not.toContain(tampered);
    expect(p.stderr).toContain('could not be opened');
  });

  it('an envelope replayed into another E2E session does not open there', async () => {
    const A2 = agent('a2');
    const B2 = agent('b2');
    const other = await e2eSession(A2, B2, 'second');
    const key1 = readFileSync(join(B.dir, 'nexus', 'sessions', sid, 'key'), 'utf8').trim();
    const msgs = (JSON.parse((await raw('GET', `/v1/sessions/${sid}/messages`, { 'x-agent-id': 'bob', 'x-session-key': key1 })).text) as J).messages as J[];
    const envelope = msgs.find((m) => m.agentId === 'bob')!.text as string;
    const key2 = readFileSync(join(B2.dir, 'nexus', 'sessions', other.sid, 'key'), 'utf8').trim();
    expect((await raw('POST', `/v1/sessions/${other.sid}/messages`, { 'x-agent-id': 'bob', 'x-session-key': key2 }, { text: envelope })).status).toBe(201);
    const p = await A2('poll', other.sid);
    const replayed = (p.json.messages as J[]).at(-1)!;
    expect(replayed).toMatchObject({ e2e: 'failed', agentId: 'bob' });
    expect(replayed.text).toBeUndefined();
    // Safety codes differ between sessions with the same member names.
    expect((await A2('safety', other.sid)).json.safetyCode).not.toBe((await A('safety', sid)).json.safetyCode);
  });

  it('plain sessions are unchanged, and safety refuses them', async () => {
    const P = agent('p');
    const c = await P('create', '--greeting', 'plain hello', '--creator-agent-id', 'carol');
    expect(c.json.e2e).toBeUndefined();
    expect((await P('send', c.json.sessionId, 'in the clear')).json.e2e).toBeUndefined();
    const r = await P('poll', c.json.sessionId);
    expect(r.json.messages.map((m: J) => m.text)).toEqual(['plain hello', 'in the clear']);
    const s = await P('safety', c.json.sessionId);
    expect([s.code, s.json.error]).toEqual([1, 'not_e2e_session']);
  });
});
