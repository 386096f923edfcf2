// Agents that live in short tool calls (built CLIs): first contact and a conversation between
// two agents that never run at the same time; replies by agent id; an expiry that is reported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messengerConfig } from '../src/opennexus/messenger/config.ts';
import { startMessenger, type RunningMessenger } from '../src/opennexus/messenger/server.ts';
import { tempDir } from './helpers/agents.ts';
import { OPENNEXUS, jsonLines, runScript } from './helpers/cli.ts';

let m: RunningMessenger;
beforeAll(async () => {
  m = await startMessenger(messengerConfig({}, { port: 0 }));
});
afterAll(async () => m.close());

interface Agent {
  env: Record<string, string>;
  pub: string;
  id: string;
}

async function agent(): Promise<Agent> {
  const env = { NEXUS_STATE_DIR: tempDir('async-cli-'), MESSENGER_URL: m.url };
  const r = await runScript(OPENNEXUS, ['generate-keys', '--json'], env);
  const j = JSON.parse(r.stdout);
  return { env, pub: j.public_key, id: j.agent_id };
}

async function send(from: Agent, args: string[]) {
  const r = await runScript(OPENNEXUS, ['send', '--json', '--wait', '1', ...args], from.env);
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** A short `stream` call: its JSON events. */
async function stream(a: Agent, seconds = 2) {
  const r = await runScript(OPENNEXUS, ['stream', '--json', '--timeout', String(seconds)], a.env);
  expect(r.exitCode, r.stderr).toBe(0);
  return jsonLines(r.stdout.trim().split('\n'));
}

const texts = (events: Record<string, unknown>[]) => events.filter((e) => e.event === 'message').map((e) => e.text);

describe('OpenNexus in short calls only', () => {
  it('first contact and a conversation both ways, never online at the same time', async () => {
    const a = await agent();
    const b = await agent();
    // A writes first; B is offline: queued, with the handshake pending (not an error).
    const first = await send(a, ['--to', b.pub, '--messenger-url', m.url, '--message', 'hi B']);
    expect(first).toMatchObject({ ok: true, status: 'queued' });
    // B comes online briefly: it answers the HELLO that waited for it.
    expect((await stream(b)).some((e) => e.event === 'handshake')).toBe(true);
    // A comes online briefly: the HELLO_ACK waited for it; the queued message goes out.
    const aEvents = await stream(a);
    expect(aEvents.filter((e) => e.event === 'outbox_sent').map((e) => e.id)).toEqual([first.message_id]);
    // B reads it, and sees who wrote and how to answer.
    const bEvents = await stream(b);
    const msg = bEvents.find((e) => e.event === 'message')!;
    expect(msg).toMatchObject({ text: 'hi B', from: a.id, public_key: a.pub, messenger_url: m.url });
    // B replies with the sender's id and nothing else.
    expect(await send(b, ['--to', String(msg.from), '--message', 'hi A'])).toMatchObject({ status: 'sent' });
    const aRead = await stream(a);
    expect(texts(aRead)).toEqual(['hi A']);
    // B's answer on the session proves A's first message arrived: it leaves A's outbox.
    expect(aRead.filter((e) => e.event === 'delivered').map((e) => e.id)).toEqual([first.message_id]);
    // More rounds, by agent id, each a short call.
    for (const n of [1, 2]) {
      expect(await send(a, ['--to', b.id, '--message', `round ${n} from A`])).toMatchObject({ status: 'sent' });
      expect(texts(await stream(b))).toEqual([`round ${n} from A`]);
      expect(await send(b, ['--to', a.id, '--message', `round ${n} from B`])).toMatchObject({ status: 'sent' });
      expect(texts(await stream(a))).toEqual([`round ${n} from B`]);
    }
    const peers = JSON.parse((await runScript(OPENNEXUS, ['peers', '--json'], a.env)).stdout).peers;
    expect(peers).toEqual([expect.objectContaining({ agent_id: b.id, public_key: b.pub, messenger_url: m.url, session: 'confirmed' })]);
  }, 90_000);

  it('both write first while the other is offline (crossed handshakes): every message arrives, none twice', async () => {
    const f = await agent();
    const g = await agent();
    expect(await send(f, ['--to', g.pub, '--messenger-url', m.url, '--message', 'F1'])).toMatchObject({ status: 'queued' });
    expect(await send(g, ['--to', f.pub, '--messenger-url', m.url, '--message', 'G1'])).toMatchObject({ status: 'queued' });
    const got: Record<'f' | 'g', unknown[]> = { f: [], g: [] };
    const want = { f: ['G1', 'G2', 'G3'], g: ['F1', 'F2', 'F3'] };
    const done = () => want.f.every((t) => got.f.includes(t)) && want.g.every((t) => got.g.includes(t));
    // Short calls, taking turns, each also sending the next message once a session is there;
    // bounded rounds: the test ends when everything arrived, or fails.
    for (let round = 0; round < 12 && !done(); round++) {
      const [who, other, key] = round % 2 === 0 ? ([f, g, 'f'] as const) : ([g, f, 'g'] as const);
      got[key].push(...texts(await stream(who, 1)));
      const mine = key === 'f' ? 'F' : 'G';
      const n = round < 4 ? 0 : round < 6 ? 2 : round < 8 ? 3 : 0;
      if (n) await send(who, ['--to', other.id, '--message', `${mine}${n}`]);
    }
    expect(got.f.sort()).toEqual(want.f);
    expect(got.g.sort()).toEqual(want.g);
  }, 90_000);

  it('issue 19 (5): a silent peer fills only its share of the outbox; a message to another peer is still accepted', async () => {
    const a = await agent();
    const silent = await agent(); // never comes online
    const other = await agent();
    const big = 'x'.repeat(46 * 1024); // the largest message
    const toSilent = (args: string[]) => runScript(OPENNEXUS, ['send', '--json', '--wait', '0', '--message', big, ...args], a.env);
    expect((await toSilent(['--to', silent.pub, '--messenger-url', m.url])).exitCode).toBe(0);
    // 2 MiB, a quarter of the outbox, holds 44 of them; four sends at a time (they share the lock).
    for (let sent = 1; sent < 44; sent += 4) {
      const batch = await Promise.all(Array.from({ length: Math.min(4, 44 - sent) }, () => toSilent(['--to', silent.id])));
      for (const r of batch) expect(r.exitCode, r.stderr).toBe(0);
    }
    const refused = await toSilent(['--to', silent.id]);
    expect(refused.exitCode).toBe(1);
    expect(JSON.parse(refused.stdout)).toEqual({ ok: false, error: expect.objectContaining({ code: 'outbox_full', peer_id: silent.id, queued_for_peer: 44 }) });
    expect(refused.stderr).toContain(`the outbox is full for peer ${silent.id.slice(0, 16)}...`);
    expect(refused.stderr).toMatch(/Messages to other peers still go\. Wait for this peer to answer/);
    expect(refused.stderr).not.toMatch(/\n\s+at /); // one line, no stack trace
    // Before, the silent peer's 46 KiB messages took the whole outbox and this was refused for 24 h.
    const r = await runScript(OPENNEXUS, ['send', '--json', '--wait', '0', '--to', other.pub, '--messenger-url', m.url, '--message', big], a.env);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, status: 'queued', peer_id: other.id });
    // The refusal's way out: give up on the silent peer's messages; its share is free again.
    expect(refused.stderr).toContain(`\`outbox --drop ${silent.id}\``);
    const drop = await runScript(OPENNEXUS, ['outbox', '--drop', silent.id, '--json'], a.env);
    expect(drop.exitCode, drop.stderr).toBe(0);
    expect((JSON.parse(drop.stdout).dropped as Array<{ to: string }>).map((x) => x.to)).toEqual(Array(44).fill(silent.id));
    const left = JSON.parse((await runScript(OPENNEXUS, ['outbox', '--json'], a.env)).stdout).outbox as Array<{ to: string }>;
    expect(left.map((x) => x.to)).toEqual([other.id]);
    expect((await toSilent(['--to', silent.id])).exitCode).toBe(0);
  }, 90_000);

  it('a message whose TTL runs out is reported with its id and text, never dropped silently', async () => {
    const a = await agent();
    const gone = await agent(); // never comes online
    const q = await send(a, ['--to', gone.pub, '--messenger-url', m.url, '--message', 'anyone there?', '--ttl', '1']);
    expect(q.status).toBe('queued');
    const outbox = async () => JSON.parse((await runScript(OPENNEXUS, ['outbox', '--json'], a.env)).stdout).outbox as Array<Record<string, unknown>>;
    const deadline = Date.now() + 10_000;
    while (!(await outbox())[0]?.expired) {
      if (Date.now() > deadline) throw new Error('the entry never expired');
    }
    const events = await stream(a, 2);
    expect(events.filter((e) => e.event === 'expired')).toEqual([expect.objectContaining({ id: q.message_id, text: 'anyone there?', state: 'queued', to: gone.id })]);
    expect(await outbox()).toEqual([]);
  }, 60_000);
});
