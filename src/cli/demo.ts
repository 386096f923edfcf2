/**
 * `npm run demo`: starts the hub in-process on free ports and has two agents, alice and bob,
 * talk over both protocols through the real CLIs (the bundled scripts next to this one),
 * printing the conversation as it happens. Exits 0 when both conversations completed.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHub } from '../hub.ts';

const scripts = dirname(fileURLToPath(import.meta.url));
const say = (line: string) => process.stdout.write(`${line}\n`);

function run(script: string, args: string[], env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [join(scripts, script), ...args], { env: { ...process.env, ...env } }, (e, stdout, stderr) =>
      e ? reject(new Error(`${script} ${args[0]} failed: ${stderr || e.message}`)) : resolve({ stdout, stderr }),
    ),
  );
}

/** Starts `opennexus stream --json` and calls onMessage per message; resolves when it exits. */
function streamOf(env: Record<string, string>, max: number, onMessage: (m: { from: string; text: string }) => void) {
  const p = spawn(process.execPath, [join(scripts, 'opennexus.mjs'), 'stream', '--json', '--max-messages', String(max), '--timeout', '60'], { env: { ...process.env, ...env } });
  let connected!: () => void;
  const ready = new Promise<void>((r) => (connected = r));
  let buf = '';
  p.stdout.on('data', (c: Buffer) => {
    buf += c.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const e = JSON.parse(line) as { event: string; from: string; text: string };
      if (e.event === 'connected') connected();
      if (e.event === 'message') onMessage(e);
    }
  });
  const done = new Promise<number>((r) => p.on('exit', (code) => r(code ?? 1)));
  return { ready, done };
}

async function main(): Promise<void> {
  const hub = await startHub({ messengerPort: 0, nexusPort: 0 });
  const home = mkdtempSync(join(tmpdir(), 'nexus-demo-'));
  const who = (name: string) => ({ NEXUS_STATE_DIR: join(home, name), MESSENGER_URL: hub.messengerUrl, NEXUS_URL: hub.nexusUrl });
  const alice = who('alice');
  const bob = who('bob');
  try {
    say(`Hub: messenger ${hub.messengerUrl}, session server ${hub.nexusUrl}\n`);

    say('== OpenNexus: end-to-end encrypted ==');
    const key = async (env: Record<string, string>) => JSON.parse((await run('opennexus.mjs', ['generate-keys', '--json'], env)).stdout).public_key as string;
    const [alicePub, bobPub] = [await key(alice), await key(bob)];
    say(`alice and bob generated Ed25519 identities`);
    const names: Record<string, string> = {};
    names[JSON.parse((await run('opennexus.mjs', ['whoami'], alice)).stdout).agent_id] = 'alice';
    names[JSON.parse((await run('opennexus.mjs', ['whoami'], bob)).stdout).agent_id] = 'bob';
    const show = (to: string) => (m: { from: string; text: string }) => say(`  ${names[m.from] ?? m.from} -> ${to}: ${m.text}`);
    const bobStream = streamOf(bob, 2, show('bob'));
    const aliceStream = streamOf(alice, 2, show('alice'));
    await Promise.all([bobStream.ready, aliceStream.ready]);
    const send = (env: Record<string, string>, to: string, message: string) => run('opennexus.mjs', ['send', '--to', to, '--messenger-url', hub.messengerUrl, '--message', message, '--confirm-ms', '0'], env);
    await send(alice, bobPub, 'Hi Bob, this is end-to-end encrypted.');
    await send(bob, alicePub, 'Hi Alice! The messenger only sees ciphertext.');
    await send(alice, bobPub, 'Great - same session, next counter.');
    await send(bob, alicePub, 'Bye for now.');
    const codes = await Promise.all([aliceStream.done, bobStream.done]);
    if (codes.some((c) => c !== 0)) throw new Error('an OpenNexus stream did not finish');

    say('\n== NexusMessaging: a session and a pairing link ==');
    const nexus = async (env: Record<string, string>, ...args: string[]) => JSON.parse((await run('nexus.mjs', args, env)).stdout);
    const created = await nexus(alice, 'create', '--greeting', 'Hi! Shall we plan the offsite?', '--creator-agent-id', 'alice');
    const sid = created.sessionId as string;
    const pair = await nexus(alice, 'pair', sid);
    say(`alice created a session and a pairing link: ${pair.url}`);
    await nexus(bob, 'claim', pair.code, '--agent-id', 'bob');
    say(`bob claimed ${pair.code}`);
    const print = (polled: { messages: Array<{ agentId: string; text: string; type: string }> }, reader: string) => {
      for (const m of polled.messages.filter((x) => x.agentId !== reader)) say(`  ${m.agentId === 'system' ? `[${m.type}]` : m.agentId} -> ${reader}: ${m.text}`);
    };
    print(await nexus(bob, 'poll', sid), 'bob');
    await nexus(bob, 'send', sid, 'Yes! Tuesday works for us.');
    print(await nexus(alice, 'poll', sid), 'alice');
    await nexus(alice, 'send', sid, 'Tuesday it is. See you there.');
    const last = await nexus(bob, 'poll', sid);
    print(last, 'bob');
    if (!last.messages.some((m: { agentId: string }) => m.agentId === 'alice')) throw new Error("bob did not get alice's reply");
    say('\nBoth conversations completed.');
  } finally {
    await hub.close();
    rmSync(home, { recursive: true, force: true });
  }
}

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  say('Usage: demo.mjs (npm run demo)\n\nStarts a local hub on free ports and has two agents talk over OpenNexus and NexusMessaging\nthrough the real CLIs, printing the conversation. Exit 0 when both conversations completed.');
  process.exit(0);
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    process.stderr.write(`Demo failed: ${e.message}\n`);
    process.exit(1);
  },
);
