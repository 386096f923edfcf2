// The built opennexus.mjs against hostile servers on loopback: every command ends within its
// deadline with one clear error, bounded memory, no stack trace, nothing raw on the terminal.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { messengerConfig } from '../src/opennexus/messenger/config.ts';
import { startMessenger, type RunningMessenger } from '../src/opennexus/messenger/server.ts';
import { tempDir } from './helpers/agents.ts';
import { OPENNEXUS, jsonLines, runScript } from './helpers/cli.ts';
import { startHostile, type HostileServer } from './helpers/hostile-server.ts';

let real: RunningMessenger;
let hostile: HostileServer | undefined;
let me: { env: Record<string, string>; dir: string };
let peerPub: string;

beforeAll(async () => {
  real = await startMessenger(messengerConfig({}, { port: 0 }));
  const dir = tempDir('hostile-cli-');
  me = { dir, env: { NEXUS_STATE_DIR: dir, MESSENGER_URL: real.url, OPENNEXUS_HTTP_TIMEOUT: '2', NODE_OPTIONS: '--max-old-space-size=96' } };
  expect((await runScript(OPENNEXUS, ['generate-keys'], me.env)).exitCode).toBe(0);
  const peer = await runScript(OPENNEXUS, ['generate-keys', '--json'], { NEXUS_STATE_DIR: tempDir('hostile-peer-') });
  peerPub = JSON.parse(peer.stdout).public_key;
});
afterAll(async () => real.close());
afterEach(async () => {
  await hostile?.close();
  hostile = undefined;
});

const ESC = '\u001b';

/** Runs the CLI, timing it, and checks what every outcome must give. */
async function run(args: string[], env: Record<string, string> = {}) {
  const t0 = Date.now();
  const r = await runScript(OPENNEXUS, args, { ...me.env, ...env });
  const ms = Date.now() - t0;
  expect(r.stderr, 'no stack trace').not.toMatch(/^\s+at /m);
  expect(r.stderr, 'no raw escape sequences').not.toContain(ESC);
  expect(r.stdout).not.toContain(ESC);
  return { ...r, ms };
}

const send = (peerUrl: string, env: Record<string, string> = {}) => run(['send', '--json', '--to', peerPub, '--messenger-url', peerUrl, '--message', 'hi', '--confirm-ms', '0'], env);

/** A send that could not reach a messenger keeps the message: exit 0, one JSON line, queued with why. */
function oneQueued(r: { exitCode?: number; stdout: string; stderr: string }): string {
  expect(r.exitCode, r.stderr).toBe(0);
  const lines = r.stdout.trim().split('\n');
  expect(lines, r.stdout).toHaveLength(1);
  const doc = JSON.parse(lines[0]!);
  expect(doc).toMatchObject({ ok: true, status: 'queued' });
  expect(r.stderr).toMatch(/is queued and goes out on the next `send` or `stream`/);
  return doc.reason as string;
}

function oneJsonError(stdout: string) {
  const lines = stdout.trim().split('\n');
  expect(lines, stdout).toHaveLength(1);
  const doc = JSON.parse(lines[0]!);
  expect(doc.ok).toBe(false);
  return doc.error as { code: string; message: string };
}

// Each HELLO that does not get out leaves the message queued (reported with why, exit 0):
// failing would make the caller send it again, a duplicate once a later send delivers both.
describe('send against a hostile peer messenger (OPENNEXUS_HTTP_TIMEOUT=2)', () => {
  it('never answers: queued within the deadline', async () => {
    hostile = await startHostile((_req, res, h) => h.silent(res));
    const r = await send(hostile.url);
    expect(oneQueued(r)).toMatch(/^HELLO failed: /);
    expect(r.ms).toBeLessThan(8000);
  });

  it('trickles a byte every 300 ms: the deadline is total, not per byte', async () => {
    hostile = await startHostile((_req, res, h) => h.stream(res, { chunk: ' ', everyMs: 300 }));
    const r = await send(hostile.url);
    expect(oneQueued(r)).toMatch(/within 2000 ms/);
    expect(r.ms).toBeLessThan(8000);
  });

  it('an endless body: cut at the cap, in a 96 MiB heap', async () => {
    hostile = await startHostile((_req, res, h) => h.stream(res, { chunk: 'x'.repeat(65536) }));
    const r = await send(hostile.url);
    expect(oneQueued(r)).toMatch(/larger than/);
    await hostile.drained();
    expect(hostile.sent).toBeLessThan(64 << 20);
  });

  it('an error answer full of terminal escapes is shown escaped and clipped', async () => {
    hostile = await startHostile((_req, res, h) => h.json(res, 400, `${ESC}[2J${ESC}]0;pwned\u0007 bad ${'y'.repeat(5000)}`, 'text/plain'));
    const r = await send(hostile.url);
    expect(oneQueued(r).length).toBeLessThan(600);
    expect(r.stderr).toContain('\\u001b[2J');
  });
});

describe('own messenger hostile', () => {
  it('send: a non-200 stream answer with a huge body is read up to a cap and reported', async () => {
    hostile = await startHostile((_req, res, h) => h.stream(res, { status: 503, chunk: 'z'.repeat(65536) }));
    const r = await send(real.url, { MESSENGER_URL: hostile.url });
    expect(oneQueued(r)).toMatch(/^own messenger unreachable: stream refused by .* HTTP 503 z+$/);
    await hostile.drained();
  });

  it('stream --timeout 2: exits on time when the stream never answers, when lines never end, and when heartbeats hang', async () => {
    const modes = {
      silent: (_req: unknown, res: Parameters<Parameters<typeof startHostile>[0]>[1], h: HostileServer) => h.silent(res),
      endless: (_req: unknown, res: Parameters<Parameters<typeof startHostile>[0]>[1], h: HostileServer) => h.stream(res, { head: 'data: ', chunk: 'A'.repeat(65536) }),
      'hanging heartbeat': (req: { method?: string }, res: Parameters<Parameters<typeof startHostile>[0]>[1], h: HostileServer) =>
        req.method === 'POST' ? h.silent(res) : h.stream(res, { head: 'data: {"message":"SSE stream established","type":"connected"}\n\n', chunk: ': keepalive\n\n', everyMs: 200 }),
    };
    for (const [name, handler] of Object.entries(modes)) {
      hostile = await startHostile(handler as Parameters<typeof startHostile>[0]);
      const r = await run(['stream', '--json', '--timeout', '2'], { MESSENGER_URL: hostile.url });
      expect(r.ms, name).toBeLessThan(6000);
      const events = jsonLines(r.stdout.trim().split("\n"));
      // One final line: the 'closed' event, or (never connected) the error alone.
      expect(events.at(-1)?.event === 'closed' || (events.at(-1)?.ok === false && !events.some((e) => e.event === 'closed')), name).toBe(true);
      if (name === 'hanging heartbeat') expect(r.exitCode, name).toBe(0);
      else expect(r.exitCode, name).toBe(1); // never connected
      if (name === 'endless') expect(events.some((e) => e.event === 'connection_lost' && /longer than/.test(String(e.error))), name).toBe(true);
      await hostile.close();
      hostile = undefined;
    }
  });
});

describe('own messenger hostile: frames with terminal escapes in their ids', () => {
  it('human stream output escapes the ids of hello_ack, reset and replayed frames', async () => {
    const evil = `${ESC}]0;PWNED\u0007${ESC}[31m`;
    const frames = [
      { message: 'SSE stream established', type: 'connected' },
      { protocol_version: '0.1.0', type: 'hello_ack', sender_id: evil, receiver_id: 'x', session_id: 'AAAA' },
      { protocol_version: '0.1.0', type: 'reset', sender_id: evil, receiver_id: 'x', session_id: 'AAAA', reason: 1 },
    ];
    const body = `${frames.map((f) => `data: ${JSON.stringify(f)}\n\n`).join('')}: replay\ndata: ${JSON.stringify({ protocol_version: '0.1.0', type: 'data', sender_id: evil, receiver_id: 'x', session_id: 'AAAA', counter: 0, ciphertext: 'AAAA' })}\n\n`;
    hostile = await startHostile((req, res, h) => (req.method === 'POST' ? h.json(res, 200, { status: 'ok' }) : h.stream(res, { head: body, chunk: ': keepalive\n\n', everyMs: 200 })));
    const r = await run(['stream', '--timeout', '1'], { MESSENGER_URL: hostile.url }); // run() fails on any raw ESC
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('\\u001b]0;PWNED');
  });
});

describe('a state dir that cannot be written', () => {
  it('send refuses before touching any server', async () => {
    hostile = await startHostile((_req, res, h) => h.json(res, 200, { status: 'ok' }));
    const file = join(tempDir('ro-'), 'file');
    writeFileSync(file, '');
    // Under a regular file nothing can be created, not even by root.
    const r = await run(
      ['send', '--json', '--to', peerPub, '--messenger-url', hostile.url, '--message', 'hi', '--pub-key', join(me.dir, 'opennexus', 'public_key'), '--priv-key', join(me.dir, 'opennexus', 'private_key')],
      { NEXUS_STATE_DIR: join(file, 'state'), MESSENGER_URL: hostile.url },
    );
    expect(r.exitCode).toBe(1);
    expect(oneJsonError(r.stdout).code).toBe('state_dir_not_writable');
    expect(hostile.requests).toEqual([]);
  });
});
