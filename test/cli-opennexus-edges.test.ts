// A newcomer's rough edges with the opennexus CLI (issue 20, Build 2), each reproduced with the
// built script against a messenger on loopback.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messengerConfig } from '../src/opennexus/messenger/config.ts';
import { startMessenger, type RunningMessenger } from '../src/opennexus/messenger/server.ts';
import { OPENNEXUS, jsonLines, runScript, spawnScript } from './helpers/cli.ts';
import { tempDir } from './helpers/agents.ts';

let m: RunningMessenger;
beforeAll(async () => {
  m = await startMessenger(messengerConfig({}, { port: 0 }));
});
afterAll(async () => {
  await m.close();
});

interface CliAgent {
  env: Record<string, string>;
  pub: string;
  id: string;
  dir: string;
}

async function agent(): Promise<CliAgent> {
  const dir = tempDir('nexus-edges-');
  const env = { NEXUS_STATE_DIR: dir, MESSENGER_URL: m.url };
  const r = await runScript(OPENNEXUS, ['generate-keys', '--json'], env);
  expect(r.exitCode, r.stderr).toBe(0);
  const j = JSON.parse(r.stdout);
  return { env, dir, pub: j.public_key, id: j.agent_id };
}

const outboxOf = async (a: CliAgent) => JSON.parse((await runScript(OPENNEXUS, ['outbox', '--json'], a.env)).stdout).outbox as unknown[];
const errorOf = (stdout: string) => JSON.parse(stdout).error as { code: string; message: string };

/** B streams (JSON) until one message came; A sends it. */
async function deliverOne(a: CliAgent, b: CliAgent, text: string, plain = false) {
  const s = spawnScript(OPENNEXUS, ['stream', ...(plain ? [] : ['--json']), '--max-messages', '1', '--timeout', '30'], b.env);
  await s.waitLine((l) => l.includes(plain ? 'Connected!' : '"event":"connected"'));
  const r = await runScript(OPENNEXUS, ['send', '--to', b.pub, '--messenger-url', m.url, '--message', text, '--json'], a.env);
  expect(r.exitCode, r.stderr).toBe(0);
  expect((await s.proc).exitCode).toBe(0);
  return s.lines;
}

describe('opennexus send: refused input, nothing queued', () => {
  it('an empty message is refused (exit 2, empty_message), from --message and from stdin', async () => {
    const a = await agent();
    const b = await agent();
    const r = await runScript(OPENNEXUS, ['send', '--to', b.pub, '--messenger-url', m.url, '--message', '', '--wait', '0', '--json'], a.env);
    expect(r.exitCode).toBe(2);
    expect(errorOf(r.stdout).code).toBe('empty_message');
    expect(r.stderr).toMatch(/empty/);
    const s = await runScript(OPENNEXUS, ['send', '--to', b.pub, '--messenger-url', m.url, '--message', '-', '--wait', '0', '--json'], a.env, { input: '\n' });
    expect(s.exitCode).toBe(2);
    expect(errorOf(s.stdout).code).toBe('empty_message');
    expect(await outboxOf(a)).toEqual([]);
  });

  it("--to the agent's own private key file is refused without echoing it; so is its own public key", async () => {
    const a = await agent();
    const priv = join(a.dir, 'opennexus', 'private_key');
    const r = await runScript(OPENNEXUS, ['send', '--to', priv, '--messenger-url', m.url, '--message', 'hi', '--wait', '0', '--json'], a.env);
    expect(r.exitCode).toBe(2);
    const e = errorOf(r.stdout);
    expect(e.code).toBe('private_key');
    expect(e.message).toMatch(/private key/);
    expect(r.stderr).toMatch(/public_key|peers/);
    const { readFileSync } = await import('node:fs');
    const seed = readFileSync(priv, 'utf8').trim();
    expect(r.stdout + r.stderr).not.toContain(seed.slice(0, 12));
    // A copy of it elsewhere is the same secret.
    const copy = join(tempDir('nexus-edges-copy-'), 'k');
    writeFileSync(copy, `${seed}\n`);
    const c = await runScript(OPENNEXUS, ['send', '--to', copy, '--messenger-url', m.url, '--message', 'hi', '--wait', '0', '--json'], a.env);
    expect([c.exitCode, errorOf(c.stdout).code]).toEqual([2, 'private_key']);
    const self = await runScript(OPENNEXUS, ['send', '--to', join(a.dir, 'opennexus', 'public_key'), '--messenger-url', m.url, '--message', 'hi', '--wait', '0', '--json'], a.env);
    expect(self.exitCode).toBe(2);
    expect(errorOf(self.stdout)).toMatchObject({ code: 'self_session' });
    expect(errorOf(self.stdout).message).toMatch(/own/);
    const byId = await runScript(OPENNEXUS, ['send', '--to', a.id, '--messenger-url', m.url, '--message', 'hi', '--wait', '0', '--json'], a.env);
    expect([byId.exitCode, errorOf(byId.stdout).code]).toEqual([2, 'self_session']);
    expect(await outboxOf(a)).toEqual([]);
  });
});

describe('opennexus send --to: the short id `stream` shows', () => {
  it('a unique prefix of a known peer (as printed, with "...") is that peer; an unknown one points to `peers`', async () => {
    const a = await agent();
    const b = await agent();
    const lines = await deliverOne(a, b, 'first', true);
    const from = lines.find((l) => l.startsWith('[data] From: '))!.slice('[data] From: '.length);
    expect(from).toMatch(/^.{16}\.\.\.$/);
    expect(a.id.startsWith(from.slice(0, 16))).toBe(true);
    const sa = spawnScript(OPENNEXUS, ['stream', '--json', '--max-messages', '1', '--timeout', '30'], a.env);
    await sa.waitLine((l) => l.includes('"event":"connected"'));
    const r = await runScript(OPENNEXUS, ['send', '--to', from, '--message', 'reply by short id', '--json'], b.env);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).peer_id).toBe(a.id);
    await sa.proc;
    expect(jsonLines(sa.lines).filter((e) => e.event === 'message').map((e) => e.text)).toEqual(['reply by short id']);
    const bad = await runScript(OPENNEXUS, ['send', '--to', 'ZZZZZZZZZZZZ', '--message', 'x', '--json'], b.env);
    expect(bad.exitCode).toBe(2);
    expect(bad.stdout + bad.stderr).toMatch(/opennexus(\.mjs)? peers/);
    expect(bad.stdout + bad.stderr).not.toMatch(/32 bytes/);
  });
});

describe('opennexus stream --json: a second stream within the replay window', () => {
  it('reports frames already received as already_received, never as rejected, and no second hello_ack', async () => {
    const a = await agent();
    const b = await agent();
    await deliverOne(a, b, 'one');
    // B answers, so A's messenger holds a HELLO_ACK and a DATA for A; A's first stream takes them.
    const first = spawnScript(OPENNEXUS, ['stream', '--json', '--max-messages', '1', '--timeout', '30'], a.env);
    await first.waitLine((l) => l.includes('"event":"connected"'));
    expect((await runScript(OPENNEXUS, ['send', '--to', a.id, '--message', 'two', '--json'], b.env)).exitCode).toBe(0);
    await first.proc;
    expect(jsonLines(first.lines).filter((e) => e.event === 'message').map((e) => e.text)).toEqual(['two']);
    for (const who of [a, b]) {
      const again = await runScript(OPENNEXUS, ['stream', '--json', '--timeout', '2'], who.env);
      const events = jsonLines(again.stdout.split('\n'));
      expect(events.filter((e) => e.event === 'rejected')).toEqual([]);
      expect(events.filter((e) => e.event === 'hello_ack')).toEqual([]);
      expect(events.filter((e) => e.event === 'message')).toEqual([]);
      expect(events.filter((e) => e.event === 'already_received').length).toBeGreaterThan(0);
      for (const e of events.filter((x) => x.event === 'already_received')) expect(Object.keys(e).sort()).toEqual(['event', 'from', 'what']);
    }
    const help = await runScript(OPENNEXUS, ['stream', '--help']);
    expect(help.stdout).toMatch(/already_received/);
  });
});

describe('opennexus files and usage', () => {
  it('generate-keys where no key can be written: a clear message (path, why, what to do), exit 1', async () => {
    const file = join(tempDir('nexus-edges-ro-'), 'a-file');
    writeFileSync(file, '');
    const r = await runScript(OPENNEXUS, ['generate-keys', '--json'], { NEXUS_STATE_DIR: join(file, 'state') });
    expect(r.exitCode).toBe(1);
    const e = errorOf(r.stdout);
    expect(e.code).toBe('state_dir_not_writable');
    expect(e.message).toContain(join(file, 'state', 'opennexus'));
    expect(e.message).toMatch(/not a folder/);
    expect(e.message).toMatch(/NEXUS_STATE_DIR/);
    expect(r.stdout + r.stderr).not.toMatch(/\.tmp|ENOTDIR: not a directory, mkdir/);
    const plain = await runScript(OPENNEXUS, ['generate-keys'], { NEXUS_STATE_DIR: join(file, 'state') });
    expect(plain.exitCode).toBe(1);
    expect(plain.stderr).toMatch(/^Error: cannot write the key files/);
  });

  it('no command: a JSON usage error on stdout, the help on stderr, exit 2 (as nexus)', async () => {
    const r = await runScript(OPENNEXUS, []);
    expect(r.exitCode).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'usage' } });
    expect(r.stderr).toMatch(/Commands:|generate-keys/);
  });

  it('installed under node_modules: the state dir is per user ($XDG_STATE_HOME or ~/.local/state), NEXUS_STATE_DIR still wins', async () => {
    const root = tempDir('nexus-edges-install-');
    const pkg = join(root, 'node_modules', 'agent-messaging');
    mkdirSync(join(pkg, 'scripts'), { recursive: true });
    const { cpSync } = await import('node:fs');
    cpSync(OPENNEXUS, join(pkg, 'scripts', 'opennexus.mjs'));
    const home = join(root, 'home');
    const who = (env: Record<string, string>) => runScript(join(pkg, 'scripts', 'opennexus.mjs'), ['whoami'], env, { cwd: root });
    const gen = (env: Record<string, string>) => runScript(join(pkg, 'scripts', 'opennexus.mjs'), ['generate-keys', '--json'], env, { cwd: root });
    const clean = { HOME: home, XDG_STATE_HOME: '', NEXUS_STATE_DIR: '' };
    expect((await gen(clean)).exitCode).toBe(0);
    expect(JSON.parse((await who(clean)).stdout).state_dir).toBe(join(home, '.local', 'state', 'agent-messaging', 'opennexus'));
    const xdg = { ...clean, XDG_STATE_HOME: join(root, 'xdg') };
    expect((await gen(xdg)).exitCode).toBe(0);
    expect(JSON.parse((await who(xdg)).stdout).state_dir).toBe(join(root, 'xdg', 'agent-messaging', 'opennexus'));
    const own = { ...clean, NEXUS_STATE_DIR: join(root, 'mine') };
    expect((await gen(own)).exitCode).toBe(0);
    expect(JSON.parse((await who(own)).stdout).state_dir).toBe(join(root, 'mine', 'opennexus'));
    const { existsSync } = await import('node:fs');
    expect(existsSync(join(pkg, '.state'))).toBe(false);
  });
});
