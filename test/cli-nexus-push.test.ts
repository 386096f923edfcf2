// The built nexus.mjs with push delivery over real loopback HTTP (nexus spec §2.6, §4): claim by
// link on a server other than NEXUS_URL, two agents in one state dir, poll --wait, watch,
// send --idempotency-key.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nexusConfig } from '../src/nexus/server/config.ts';
import { startNexusServer, type RunningNexus } from '../src/nexus/server/server.ts';
import { jsonLines, ROOT, runScript, spawnScript } from './helpers/cli.ts';
import { waitFor } from './helpers/http.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

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

/** Runs nexus.mjs in one state dir; stdout must be one JSON document. */
function cli(env: Record<string, string>) {
  return async (...args: string[]) => {
    const r = await runScript(NEXUS, args, env);
    const lines = r.stdout.trim().split('\n');
    expect(lines, `stdout must be one JSON document: ${r.stdout}\n${r.stderr}`).toHaveLength(1);
    return { code: r.exitCode, json: JSON.parse(r.stdout) as Any, stderr: r.stderr };
  };
}

const stateDir = () => mkdtempSync(join(tmpdir(), 'nexus-push-'));

describe('nexus CLI: claim a link, two agents in one state dir', () => {
  it('claim <link> uses the link\'s server, not NEXUS_URL, for the claim and for the session afterwards', async () => {
    const home = await start();
    const elsewhere = await start(); // NEXUS_URL points here: it has never heard of the session
    const a = cli({ NEXUS_STATE_DIR: stateDir(), NEXUS_URL: home.url });
    const created = await a('create', '--creator-agent-id', 'alice', '--greeting', 'hello');
    const sid = created.json.sessionId;
    const link = (await a('pair', sid)).json.url as string;
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/p\//);

    const dirB = stateDir();
    const b = cli({ NEXUS_STATE_DIR: dirB, NEXUS_URL: elsewhere.url });
    const claimed = await b('claim', link, '--agent-id', 'bob');
    expect([claimed.code, claimed.json.status, claimed.json.sessionId]).toEqual([0, 'claimed', sid]);
    expect(readFileSync(join(dirB, 'nexus', 'sessions', sid, 'server'), 'utf8')).toBe(`${home.url}\n`);
    const polled = await b('poll', sid);
    expect(polled.code).toBe(0);
    expect(polled.json.messages[0]).toMatchObject({ type: 'greeting', creatorAgentId: 'alice', mine: false });
    // the other server saw no request for it: no failed claims counted there
    expect(((await (await fetch(`${elsewhere.url}/v1/stats`)).json()) as Any).activeSessions).toBe(0);
  });

  it('two agents sharing a state dir keep their own key and cursor; without --agent-id the CLI asks which', async () => {
    const s = await start();
    const dir = stateDir();
    const both = cli({ NEXUS_STATE_DIR: dir, NEXUS_URL: s.url });
    const sid = (await both('create', '--creator-agent-id', 'alice')).json.sessionId;
    const code = (await both('pair', sid)).json.code;
    expect((await both('claim', code, '--agent-id', 'bob')).code).toBe(0);
    const base = join(dir, 'nexus', 'sessions', sid);
    const keyA = readFileSync(join(base, 'key'), 'utf8');
    const keyB = readFileSync(join(base, 'agents', 'bob', 'key'), 'utf8');
    expect(keyA).not.toBe(keyB);

    const ambiguous = await both('poll', sid);
    expect([ambiguous.code, ambiguous.json.error]).toEqual([2, 'usage']);
    expect(ambiguous.json.message).toMatch(/alice, bob/);

    expect((await both('send', sid, 'from alice', '--agent-id', 'alice')).code).toBe(0);
    const pb = await both('poll', sid, '--agent-id', 'bob');
    expect(pb.code).toBe(0);
    expect(pb.json.messages.map((m: Any) => [m.text, m.mine])).toContainEqual(['from alice', false]);
    const pa = await both('poll', sid, '--agent-id', 'alice');
    expect(pa.json.messages.map((m: Any) => [m.text, m.mine])).toContainEqual(['from alice', true]);
    // separate cursors, both at the head; a second poll of each is empty
    expect(readFileSync(join(base, 'cursor'), 'utf8')).toBe(`${pa.json.nextCursor}\n`);
    expect(readFileSync(join(base, 'agents', 'bob', 'cursor'), 'utf8')).toBe(`${pb.json.nextCursor}\n`);
    expect((await both('poll', sid, '--agent-id', 'bob')).json.messages).toEqual([]);
    const listed = await both('sessions');
    expect(listed.json.sessions[0].agents).toEqual(['alice', 'bob']);
  });
});

describe('nexus CLI: waiting for messages', () => {
  it('poll --wait returns with the next message as soon as it is sent, long before its wait', async () => {
    const s = await start();
    const a = cli({ NEXUS_STATE_DIR: stateDir(), NEXUS_URL: s.url });
    const sid = (await a('create', '--creator-agent-id', 'alice')).json.sessionId;
    const code = (await a('pair', sid)).json.code;
    const envB = { NEXUS_STATE_DIR: stateDir(), NEXUS_URL: s.url };
    const b = cli(envB);
    await b('claim', code, '--agent-id', 'bob');
    await b('poll', sid); // up to date
    const t0 = Date.now();
    const parked = b('poll', sid, '--wait', '40');
    await waitFor(() => s.waiters.count(sid) === 1, 10_000, 'the parked poll');
    await a('send', sid, 'are you there?');
    const r = await parked;
    expect(r.code).toBe(0);
    expect(r.json.messages.map((m: Any) => m.text)).toEqual(['are you there?']);
    expect(Date.now() - t0).toBeLessThan(20_000); // far below the 40 s wait
    expect(s.waiters.count()).toBe(0);
  });

  it('watch prints one JSON line per message and a summary line; saves the cursor; exits 0 at --max-messages', async () => {
    const s = await start();
    const dirA = stateDir();
    const a = cli({ NEXUS_STATE_DIR: dirA, NEXUS_URL: s.url });
    const sid = (await a('create', '--creator-agent-id', 'alice')).json.sessionId;
    const code = (await a('pair', sid)).json.code;
    const b = cli({ NEXUS_STATE_DIR: stateDir(), NEXUS_URL: s.url });
    await b('claim', code, '--agent-id', 'bob');
    await a('poll', sid);
    await a('send', sid, 'my own, shown not counted');
    const w = spawnScript(NEXUS, ['watch', sid, '--max-messages', '2', '--timeout', '30'], { NEXUS_STATE_DIR: dirA, NEXUS_URL: s.url });
    await w.waitLine((l) => l.includes('my own'));
    await b('send', sid, 'one');
    await b('send', sid, 'two');
    const done = await w.proc;
    expect(done.exitCode).toBe(0);
    const docs = jsonLines(w.lines);
    expect(docs.slice(0, -1).map((m) => [m.text, m.mine])).toEqual([
      ['my own, shown not counted', true],
      ['one', false],
      ['two', false],
    ]);
    expect(docs.at(-1)).toMatchObject({ event: 'end', reason: 'max_messages', messages: 3, fromOthers: 2, cursor: docs.at(-2)!.cursor });
    expect(readFileSync(join(dirA, 'nexus', 'sessions', sid, 'cursor'), 'utf8')).toBe(`${docs.at(-2)!.cursor}\n`);
    expect((await a('poll', sid)).json.messages).toEqual([]);
  });

  it('watch ends at --timeout with exit 0 and no messages', async () => {
    const s = await start();
    const dirA = stateDir();
    const a = cli({ NEXUS_STATE_DIR: dirA, NEXUS_URL: s.url });
    const sid = (await a('create', '--creator-agent-id', 'alice')).json.sessionId;
    await a('poll', sid);
    const r = await runScript(NEXUS, ['watch', sid, '--timeout', '1'], { NEXUS_STATE_DIR: dirA, NEXUS_URL: s.url });
    expect(r.exitCode).toBe(0);
    const docs = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(docs).toEqual([expect.objectContaining({ event: 'end', reason: 'timeout', messages: 0 })]);
    expect(existsSync(join(dirA, 'nexus', 'sessions', sid, 'cursor'))).toBe(true);
  });

  it('watch stopped by SIGTERM: the summary line (reason signal) and exit 0, after what it had printed', async () => {
    const s = await start();
    const dirA = stateDir();
    const a = cli({ NEXUS_STATE_DIR: dirA, NEXUS_URL: s.url });
    const sid = (await a('create', '--creator-agent-id', 'alice')).json.sessionId;
    await a('send', sid, 'before the stop');
    const w = spawnScript(NEXUS, ['watch', sid, '--timeout', '30'], { NEXUS_STATE_DIR: dirA, NEXUS_URL: s.url });
    await w.waitLine((l) => l.includes('before the stop'));
    w.proc.kill('SIGTERM');
    const done = await w.proc;
    expect(done.exitCode).toBe(0);
    expect(jsonLines(w.lines).at(-1)).toMatchObject({ event: 'end', reason: 'signal', messages: 1 });
  });

  it('send --idempotency-key: a retry is posted once and answers like the first', async () => {
    const s = await start();
    const a = cli({ NEXUS_STATE_DIR: stateDir(), NEXUS_URL: s.url });
    const sid = (await a('create', '--creator-agent-id', 'alice')).json.sessionId;
    const first = await a('send', sid, 'only once', '--idempotency-key', 'k-1');
    const again = await a('send', sid, 'only once', '--idempotency-key', 'k-1');
    expect(first.code).toBe(0);
    expect(again.json).toEqual(first.json);
    const all = await a('poll', sid, '--after', '0');
    expect(all.json.messages.filter((m: Any) => m.text === 'only once')).toHaveLength(1);
  });
});
