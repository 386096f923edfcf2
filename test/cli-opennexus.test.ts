// The built opennexus.mjs, run as a user runs it (execa), against messengers on loopback.
// Issue acceptance 2, 3, 4, 5 and 7.
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messengerConfig } from '../src/opennexus/messenger/config.ts';
import { startMessenger, type RunningMessenger } from '../src/opennexus/messenger/server.ts';
import { parseCache } from '../src/opennexus/core/cache.ts';
import { OPENNEXUS, ROOT, jsonLines, runScript, spawnScript } from './helpers/cli.ts';
import { tempDir } from './helpers/agents.ts';

let m1: RunningMessenger;
let m2: RunningMessenger;
beforeAll(async () => {
  m1 = await startMessenger(messengerConfig({}, { port: 0 }));
  m2 = await startMessenger(messengerConfig({}, { port: 0 }));
});
afterAll(async () => {
  await m1.close();
  await m2.close();
});

interface CliAgent {
  env: Record<string, string>;
  pub: string;
  dir: string;
  url: string;
}

async function agent(url: string): Promise<CliAgent> {
  const dir = tempDir('nexus-cli-');
  const env = { NEXUS_STATE_DIR: dir, MESSENGER_URL: url };
  const r = await runScript(OPENNEXUS, ['generate-keys', '--json'], env);
  expect(r.exitCode, r.stderr).toBe(0);
  return { env, dir, url, pub: JSON.parse(r.stdout).public_key };
}

/** Starts `stream --json` and waits until it is connected. */
async function streamOf(a: CliAgent, max: number) {
  const s = spawnScript(OPENNEXUS, ['stream', '--json', '--max-messages', String(max), '--timeout', '45'], a.env);
  await s.waitLine((l) => l.includes('"event":"connected"'));
  return s;
}

const send = (from: CliAgent, to: CliAgent, message: string, extra: string[] = []) =>
  runScript(OPENNEXUS, ['send', '--to', to.pub, '--messenger-url', to.url, '--message', message, '--json', ...extra], from.env);

const messages = (lines: string[]) => jsonLines(lines).filter((e) => e.event === 'message');

describe('opennexus CLI', () => {
  it('two agents, one messenger: several messages each way (acceptance 2)', async () => {
    const a = await agent(m1.url);
    const b = await agent(m1.url);
    const sa = await streamOf(a, 3);
    const sb = await streamOf(b, 3);
    for (const t of ['a1', 'a2', 'a3']) expect((await send(a, b, t)).exitCode).toBe(0);
    for (const t of ['b1', 'b2 ✓', 'b3']) expect((await send(b, a, t)).exitCode).toBe(0);
    const [ra, rb] = [await sa.proc, await sb.proc];
    expect([ra.exitCode, rb.exitCode]).toEqual([0, 0]);
    expect(messages(sb.lines).map((e) => e.text)).toEqual(['a1', 'a2', 'a3']);
    expect(messages(sa.lines).map((e) => e.text)).toEqual(['b1', 'b2 ✓', 'b3']);
    expect(jsonLines(sb.lines).at(-1)).toEqual({ event: 'closed', reason: 'max-messages', messages: 3 });
  });

  it('federation: A on messenger 1, B on messenger 2, both ways (acceptance 3)', async () => {
    const a = await agent(m1.url);
    const b = await agent(m2.url);
    const sa = await streamOf(a, 2);
    const sb = await streamOf(b, 2);
    expect((await send(a, b, 'over there')).exitCode).toBe(0);
    expect((await send(b, a, 'and back')).exitCode).toBe(0);
    expect((await send(a, b, 'again')).exitCode).toBe(0);
    expect((await send(b, a, 'bye')).exitCode).toBe(0);
    await Promise.all([sa.proc, sb.proc]);
    expect(messages(sb.lines).map((e) => e.text)).toEqual(['over there', 'again']);
    expect(messages(sa.lines).map((e) => e.text)).toEqual(['and back', 'bye']);
    // B's stream learnt A's messenger from the HELLO and sent the ACK there
    const cache = parseCache(readFileSync(join(b.dir, 'opennexus', readdir(join(b.dir, 'opennexus')).find((f) => f.startsWith('session_keys_'))!), 'utf8'));
    expect(Object.values(cache.peerMessengerUrls)).toEqual([m1.url]);
  });

  it('B loses its state and restarts: the next message still arrives, with a bounded number of resets (acceptance 4)', async () => {
    // One messenger: B lost A's messenger URL with its state, and a URL named in a DATA is
    // never trusted (anyone can forge one), so B's reset reaches A only through B's own messenger.
    const a = await agent(m1.url);
    const b = await agent(m1.url);
    let sb = await streamOf(b, 1);
    expect((await send(a, b, 'before')).exitCode).toBe(0);
    await sb.proc;
    const keep = ['public_key', 'private_key'].map((f) => [f, readFileSync(join(b.dir, 'opennexus', f))] as const);
    rmSync(join(b.dir, 'opennexus'), { recursive: true });
    mkdirSync(join(b.dir, 'opennexus'), { recursive: true, mode: 0o700 });
    for (const [f, data] of keep) writeFileSync(join(b.dir, 'opennexus', f), data, { mode: 0o600 });
    sb = await streamOf(b, 3);
    // 'sent' means accepted by B's messenger; B cannot open it and answers with a reset.
    const r = await send(a, b, 'after restart');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, status: 'sent' });
    await sb.waitLine((l) => l.includes('"event":"reset_sent"'));
    // A's next short stream takes the reset: both messages on the lost session go out again
    // under a new one (B never answered on it, so nothing proves it read 'before').
    const sa = await runScript(OPENNEXUS, ['stream', '--json', '--timeout', '3'], a.env);
    const redelivered = jsonLines(sa.stdout.split('\n')).filter((e) => e.event === 'outbox_sent');
    expect(redelivered.map((e) => e.redelivered)).toEqual([true, true]);
    expect((await send(a, b, 'and after that')).exitCode).toBe(0);
    await sb.proc;
    expect(messages(sb.lines).map((e) => e.text)).toEqual(['before', 'after restart', 'and after that']);
    const resets = jsonLines(sb.lines).filter((e) => e.event === 'reset_sent');
    expect(resets).toHaveLength(1);
  });

  it('20 concurrent send processes to one peer: all decrypt, no counter used twice (acceptance 5)', async () => {
    const a = await agent(m1.url);
    const b = await agent(m1.url);
    const sb = await streamOf(b, 20);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => send(a, b, `m${i}`)));
    for (const r of results) expect(r.exitCode, r.stderr).toBe(0);
    const counters = results.map((r) => JSON.parse(r.stdout).counter as string);
    expect(new Set(counters).size).toBe(20);
    expect(new Set(results.map((r) => JSON.parse(r.stdout).session_id)).size).toBe(1);
    const done = await sb.proc;
    expect(done.exitCode).toBe(0);
    const got = messages(sb.lines);
    expect(got.map((e) => e.text).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`).sort());
    expect(new Set(got.map((e) => e.counter)).size).toBe(20);
    expect(jsonLines(sb.lines).filter((e) => e.event === 'rejected' || e.event === 'reset_sent')).toEqual([]);
  }, 60_000);

  it('the bundle runs from a copy of scripts/ in an empty folder (acceptance 7)', async () => {
    const dir = tempDir('nexus-copy-');
    cpSync(join(ROOT, 'scripts'), join(dir, 'scripts'), { recursive: true });
    const script = join(dir, 'scripts', 'opennexus.mjs');
    const env = { MESSENGER_URL: m1.url, NEXUS_STATE_DIR: '' };
    const g = await runScript(script, ['generate-keys', '--json'], env, { cwd: dir });
    expect(g.exitCode, g.stderr).toBe(0);
    expect(JSON.parse(g.stdout).private_key_file).toBe(join(dir, '.state', 'opennexus', 'private_key'));
    const w = await runScript(script, ['whoami'], env, { cwd: dir });
    expect(JSON.parse(w.stdout)).toMatchObject({ messenger_url: m1.url, state_dir: join(dir, '.state', 'opennexus') });
    const b = await agent(m1.url);
    const sb = await streamOf(b, 1);
    const s = await runScript(script, ['send', '--to', b.pub, '--messenger-url', m1.url, '--message', 'from the copy'], env, { cwd: dir });
    expect(s.stdout).toContain('Message sent');
    await sb.proc;
    expect(messages(sb.lines).map((e) => e.text)).toEqual(['from the copy']);
  });

  it('--help on every command; clear one-line errors and exit codes for bad input', async () => {
    for (const c of ['generate-keys', 'whoami', 'send', 'stream', 'serve']) {
      const r = await runScript(OPENNEXUS, [c, '--help']);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain(`Usage: opennexus ${c}`);
    }
    const dir = tempDir();
    const env = { NEXUS_STATE_DIR: dir, MESSENGER_URL: m1.url };
    const noKeys = await runScript(OPENNEXUS, ['whoami'], env);
    expect([noKeys.exitCode, noKeys.stderr.trim()]).toEqual([1, `Error: No keys found (${join(dir, 'opennexus', 'public_key')} does not exist). Run 'generate-keys' first.`]);
    await runScript(OPENNEXUS, ['generate-keys'], env);
    const again = await runScript(OPENNEXUS, ['generate-keys'], env);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/already exists; pass --force/);
    const badFlag = await runScript(OPENNEXUS, ['send', '--bogus'], env);
    expect([badFlag.exitCode, badFlag.stderr]).toEqual([2, "Error: unknown flag --bogus\nRun 'opennexus send --help' for usage."]);
    const badKey = await runScript(OPENNEXUS, ['send', '--to', 'AAAA', '--messenger-url', m1.url, '--message', 'x', '--json'], env);
    expect(badKey.exitCode).toBe(2);
    expect(JSON.parse(badKey.stdout)).toEqual({ ok: false, error: { code: 'invalid_key', message: "Invalid peer public key: public key must be 32 bytes, got 3; give the peer's public key (44 base64 characters), a file holding it, or the agent id of a known peer (`opennexus peers` lists them)" } });
    const noFile = await runScript(OPENNEXUS, ['send', '--to', './no-such-key', '--message', 'x', '--json'], env);
    expect([noFile.exitCode, JSON.parse(noFile.stdout).error.message]).toEqual([2, "./no-such-key: no such file (give the peer's public key, its agent id, or a file holding the key)"]);
    const stranger = (await agent(m1.url)).pub;
    const unknown = await runScript(OPENNEXUS, ['send', '--to', stranger, '--message', 'x', '--json'], env);
    expect([unknown.exitCode, JSON.parse(unknown.stdout).error.message]).toEqual([2, expect.stringMatching(/ is not the agent id of a known peer, and no messenger URL is known for it as a public key \(agent id .*\): give --messenger-url/)]);
    const who = await runScript(OPENNEXUS, ['whoami', '--json'], env);
    expect([who.exitCode, Object.keys(JSON.parse(who.stdout))]).toEqual([0, ['agent_id', 'public_key', 'messenger_url', 'state_dir', 'public_key_file']]);
    const badUrl = await runScript(OPENNEXUS, ['send', '--to', (await agent(m1.url)).pub, '--messenger-url', 'ftp://x', '--message', 'x', '--json'], env);
    expect([badUrl.exitCode, JSON.parse(badUrl.stdout).error.code]).toEqual([2, 'invalid_url']);
    const tooLarge = await runScript(OPENNEXUS, ['send', '--to', (await agent(m1.url)).pub, '--messenger-url', m1.url, '--message', '-', '--json'], env, { input: 'x'.repeat(300_000) });
    expect([tooLarge.exitCode, JSON.parse(tooLarge.stdout).error.code]).toEqual([2, 'message_too_large']);
    // Unreachable own messenger: queued (exit 0) with why; failing would invite a duplicate.
    const down = await runScript(OPENNEXUS, ['send', '--to', (await agent(m1.url)).pub, '--messenger-url', m1.url, '--message', 'x'], { ...env, MESSENGER_URL: 'http://127.0.0.1:9' });
    expect(down.exitCode).toBe(0);
    expect(down.stderr).toMatch(/^Not sent yet \(own messenger unreachable: cannot reach http:\/\/127\.0\.0\.1:9\/v1\/messages\/stream.*\); message \S+ is queued/);
    const outbox = JSON.parse((await runScript(OPENNEXUS, ['outbox', '--json'], env)).stdout).outbox;
    expect(outbox.map((e: { state: string; text: string }) => [e.state, e.text])).toEqual([['queued', 'x']]);
    for (const r of [noKeys, again, badFlag, badKey, badUrl, tooLarge, down]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('serve: prints its URL as JSON, answers /health, exits 0 on SIGTERM', async () => {
    const state = tempDir('serve-');
    const s = spawnScript(OPENNEXUS, ['serve', '--port', '0'], { NEXUS_STATE_DIR: state });
    const line = await s.waitLine((l) => l.includes('"listening"'));
    const { url, storage, dataDir } = JSON.parse(line);
    expect({ storage, dataDir }).toEqual({ storage: 'disk', dataDir: join(state, 'messenger') }); // durable by default
    const res = await fetch(`${url}/health`);
    expect(await res.json()).toEqual({ status: 'ok' });
    s.proc.kill('SIGTERM');
    expect((await s.proc).exitCode).toBe(0);
  });
});

function readdir(p: string): string[] {
  return readdirSync(p);
}
