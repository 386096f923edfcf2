// Issue 19 (3), end to end with the built CLI: an eavesdropper reads a live session id off the
// messenger (readers are not authenticated, opennexus spec §10 B4) and posts DATA claiming to be
// A on it with a junk ciphertext. B must drop it without a reset (a reset made A drop the
// session and send every unconfirmed message again, once per forged POST), A keeps its session
// and requeues nothing, and A's next message reaches B once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64 } from '../src/opennexus/core/bytes.ts';
import { randomBytes } from '../src/opennexus/core/crypto.ts';
import { messengerConfig } from '../src/opennexus/messenger/config.ts';
import { startMessenger, type RunningMessenger } from '../src/opennexus/messenger/server.ts';
import { openSse, postJson } from '../src/opennexus/transport.ts';
import { tempDir } from './helpers/agents.ts';
import { OPENNEXUS, jsonLines, runScript, spawnScript } from './helpers/cli.ts';
import { nextMatching } from './helpers/http.ts';

let m: RunningMessenger;
beforeAll(async () => {
  m = await startMessenger(messengerConfig({}, { port: 0 }));
});
afterAll(async () => m.close());

async function agent() {
  const env = { NEXUS_STATE_DIR: tempDir('forged-cli-'), MESSENGER_URL: m.url };
  const j = JSON.parse((await runScript(OPENNEXUS, ['generate-keys', '--json'], env)).stdout);
  return { env, pub: j.public_key as string, id: j.agent_id as string };
}

async function send(env: Record<string, string>, args: string[]) {
  const r = await runScript(OPENNEXUS, ['send', '--json', '--wait', '10', ...args], env);
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe('forged DATA on a live session (issue 19, item 3)', () => {
  it('is dropped and reported by B, never answered with a reset; A keeps its session and requeues nothing', async () => {
    const a = await agent();
    const b = await agent();
    const sb = spawnScript(OPENNEXUS, ['stream', '--json', '--timeout', '45'], b.env);
    await sb.waitLine((l) => l.includes('"event":"connected"'));
    const texts = () => jsonLines(sb.lines).filter((e) => e.event === 'message').map((e) => e.text);
    expect(await send(a.env, ['--to', b.pub, '--messenger-url', m.url, '--message', 'm1'])).toMatchObject({ status: 'sent' });
    // The eavesdropper watches B's address (no drain: B still gets everything).
    const spy = await openSse(`${m.url}/v1/messages/stream?drain=0`, { 'X-Agent-ID': b.id });
    expect(await send(a.env, ['--to', b.id, '--message', 'm2'])).toMatchObject({ status: 'sent' });
    const frame = await nextMatching(spy, (e) => e.kind === 'data' && e.data.includes('"type":"data"'));
    const seen = JSON.parse(frame.kind === 'data' ? frame.data : '{}') as { session_id: string };
    spy.close();
    await sb.waitLine((l) => l.includes('"text":"m2"'));

    const forged = { protocol_version: '0.1.0', type: 'data', sender_id: a.id, receiver_id: b.id, session_id: seen.session_id, counter: 1000, ciphertext: b64(randomBytes(40)), sender_messenger_url: m.url };
    const posted = await postJson(`${m.url}/v1/messages`, JSON.stringify(forged), { 'Content-Type': 'application/json', 'X-Agent-ID': a.id }, 5000);
    expect(posted.status).toBe(200);
    await sb.waitLine((l) => l.includes('"event":"rejected"'));
    // A's next message, on the same session; B handles frames in order, so once it shows,
    // everything B did about the forgery (a reset it posted, say) is done.
    expect(await send(a.env, ['--to', b.id, '--message', 'm3'])).toMatchObject({ status: 'sent', handshake: false, session_id: seen.session_id });
    await sb.waitLine((l) => l.includes('"text":"m3"'));
    const bEvents = jsonLines(sb.lines);
    expect(bEvents.find((e) => e.event === 'rejected')).toMatchObject({ from: a.id, what: 'data', forgery: true });
    expect(bEvents.filter((e) => String(e.event).startsWith('reset'))).toEqual([]);

    // A, briefly online: no reset came, nothing goes out again, the session stays.
    const sa = await runScript(OPENNEXUS, ['stream', '--json', '--timeout', '2'], a.env);
    const aEvents = jsonLines(sa.stdout.split('\n'));
    expect(aEvents.filter((e) => ['reset', 'requeued', 'hello_sent', 'outbox_sent'].includes(String(e.event)))).toEqual([]);
    const outbox = JSON.parse((await runScript(OPENNEXUS, ['outbox', '--json'], a.env)).stdout).outbox as Array<Record<string, unknown>>;
    expect(outbox.map((e) => [e.text, e.state, e.session_id, e.redelivered])).toEqual(['m1', 'm2', 'm3'].map((t) => [t, 'sent_unconfirmed', seen.session_id, false]));

    // B answers on the session: A's three messages are confirmed, and B read each exactly once.
    expect(await send(b.env, ['--to', a.id, '--message', 'got them'])).toMatchObject({ status: 'sent', session_id: seen.session_id });
    const sa2 = await runScript(OPENNEXUS, ['stream', '--json', '--timeout', '2'], a.env);
    expect(jsonLines(sa2.stdout.split('\n')).filter((e) => e.event === 'delivered')).toHaveLength(3);
    sb.proc.kill('SIGTERM');
    await sb.proc;
    expect(texts()).toEqual(['m1', 'm2', 'm3']);
  }, 90_000);
});
