// The messenger's offline queue on disk (issue 19, build 1): what the messenger answered 200
// for survives a restart, compaction and `kill -9`; a write that fails is answered 503 and not
// kept (its sender sends it again). The reference keeps nothing (opennexus spec §6.1).
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { messengerConfig, queueLimits } from '../src/opennexus/messenger/config.ts';
import { startMessenger, type RunningMessenger } from '../src/opennexus/messenger/server.ts';
import { postJson } from '../src/opennexus/transport.ts';
import { FileMessengerStore } from '../src/store/messenger-file-store.ts';
import { tempDir } from './helpers/agents.ts';
import { ROOT, jsonLines, runScript, spawnScript } from './helpers/cli.ts';
import { faultyFs } from './helpers/faulty-fs.ts';
import { waitFor } from './helpers/http.ts';
import { counters, rawStream } from './helpers/raw-sse.ts';

const T0 = Date.UTC(2026, 11, 5, 12, 0, 0);
const limits = queueLimits(messengerConfig({ OFFLINE_QUEUE_MAX: '50', DRAIN_GRACE: '600' }));
const frame = (to: string, n: number) => `data: {"receiver_id":"${to}","type":"data","counter":${n},"ciphertext":"${'x'.repeat(n % 7)}"}\n\n\n`;
const dir = () => mkdtempSync(join(tmpdir(), 'messenger-data-'));

/** What each agent's next draining stream would get (frames and replay marks), from a copy of the state. */
async function view(d: string, agents: string[], now: number) {
  const s = new FileMessengerStore(d, limits);
  await s.load();
  const out: Record<string, string[]> = {};
  for (const a of agents) out[a] = (await s.drain(a, now)).map((f) => `${f.replay ? 'R' : 'N'} ${Buffer.from(f.frame).toString('utf8').trim()}`);
  await s.close();
  return out;
}

describe('FileMessengerStore', () => {
  it('a restart brings back every waiting and retained frame, in order, with its replay mark', async () => {
    const d = dir();
    const s = new FileMessengerStore(d, limits);
    await s.load();
    for (let i = 1; i <= 5; i++) expect(await s.enqueue('A', frame('A', i), T0 + i)).toBe('stored');
    expect(await s.enqueue('B', frame('B', 1), T0 + 6, { once: true })).toBe('stored'); // a HELLO
    expect((await s.drain('A', T0 + 10)).length).toBe(5); // A's stream took them: retained now
    expect(await s.enqueue('A', frame('A', 6), T0 + 11)).toBe('stored');
    expect(await s.enqueue('C', frame('C', 1), T0 + 12, { delivered: true })).toBe('stored'); // live, retained
    const expected = { A: ['R 1', 'R 2', 'R 3', 'R 4', 'R 5', 'N 6'], B: ['N 1'], C: ['R 1'] };
    await s.close();
    const got = await view(d, ['A', 'B', 'C'], T0 + 20);
    for (const [a, want] of Object.entries(expected)) expect(got[a]!.map((l) => `${l[0]} ${/"counter":(\d+)/.exec(l)![1]}`)).toEqual(want);
  });

  it('compaction while writes go on: snapshot + newer journal hold every operation once', async () => {
    const d = dir();
    const s = new FileMessengerStore(d, limits, { compactAfterBytes: 2048 });
    await s.load();
    const agents = ['A', 'B', 'C', 'D'];
    let t = T0;
    // Many small writes, not awaited one by one: compactions start and run while they go on.
    const writes: unknown[] = [];
    for (let i = 1; i <= 400; i++) {
      const a = agents[i % 4]!;
      writes.push(s.enqueue(a, frame(a, i), ++t, { delivered: i % 3 === 0 }));
      if (i % 37 === 0) writes.push(s.drain(agents[(i >> 2) % 4]!, ++t));
    }
    await Promise.all(writes);
    const live: Record<string, string[]> = {};
    for (const a of agents) live[a] = [`${await s.queued(a, t + 1)}/${await s.retained(a, t + 1)}`];
    await s.close();
    expect(readdirSync(d).some((f) => f === 'snapshot.ndjson')).toBe(true);
    const copy = new FileMessengerStore(d, limits);
    await copy.load();
    for (const a of agents) expect([`${await copy.queued(a, t + 1)}/${await copy.retained(a, t + 1)}`]).toEqual(live[a]);
    await copy.close();
    // And once more from that state: the order survives a second round of compaction and load.
    const ns = (v: Record<string, string[]>, a: string) => v[a]!.map((l) => Number(/"counter":(\d+)/.exec(l)![1]));
    const once = await view(d, agents, t + 2);
    const twice = await view(d, agents, t + 3); // (the first view's drains made everything a replay)
    for (const a of agents) expect(ns(twice, a)).toEqual(ns(once, a));
    for (const a of agents) {
      const ns1 = ns(once, a);
      expect(ns1).toEqual([...ns1].sort((x, y) => x - y)); // oldest first
      expect(ns1.length).toBe(50); // OFFLINE_QUEUE_MAX kept per agent
    }
  });

  it('a write the disk refuses: 503 over HTTP, the frame is not kept, the next write works', async () => {
    const { fs, state } = faultyFs();
    const d = dir();
    const store = new FileMessengerStore(d, limits, { fs });
    await store.load();
    const m: RunningMessenger = await startMessenger(messengerConfig({ RATE_LIMIT: '0' }, { port: 0 }), { store });
    try {
      const body = (n: number) => JSON.stringify({ protocol_version: '0.1.0', sender_id: 'S', receiver_id: 'X', type: 'data', session_id: 'x', ciphertext: `c${n}`, counter: n });
      const post = async (n: number) => (await postJson(`${m.url}/v1/messages`, body(n), { 'X-Agent-ID': 'S' }, 5000)).status;
      expect(await post(1)).toBe(200);
      state.fail = 'ENOSPC';
      expect(await post(2)).toBe(503);
      expect((await fetch(`${m.url}/health`)).status).toBe(503);
      state.fail = null;
      expect(await post(3)).toBe(200);
      const x = await rawStream(m.url, 'X');
      await waitFor(() => counters(x.frames).length >= 2, 5000, 'two frames');
      expect(counters(x.frames)).toEqual([1, 3]); // 2 was refused: its sender sends it again
      x.close();
    } finally {
      await m.close();
    }
  });
});

const OPENNEXUS = `${ROOT}scripts/opennexus.mjs`;

async function serveMessenger(dataDir: string, port = 0) {
  const p = spawnScript(OPENNEXUS, ['serve', '--port', String(port)], { DATA_DIR: dataDir, RATE_LIMIT: '0' });
  const line = JSON.parse(await p.waitLine((l) => l.includes('"listening"'))) as { url: string; storage: string; dataDir: string };
  return { ...p, ...line };
}

describe('messenger process on DATA_DIR', () => {
  const procs: { proc: { kill(s?: NodeJS.Signals): boolean } }[] = [];
  afterEach(() => {
    for (const p of procs.splice(0)) p.proc.kill('SIGKILL');
  });

  it('kill -9 during a burst of answered sends: after a restart every answered message is delivered, in order, once', async () => {
    const d = dir();
    const first = await serveMessenger(d);
    procs.push(first);
    expect(first).toMatchObject({ storage: 'disk', dataDir: d });
    const acked = new Map<string, number[]>();
    let killed = false;
    let answered = 0;
    // 8 senders, each writing in order to its own offline receiver; the messenger dies once
    // 200 sends were answered, with requests still in flight.
    const worker = async (w: number) => {
      const to = `R${w}`;
      acked.set(to, []);
      for (let n = 1; ; n++) {
        const body = JSON.stringify({ protocol_version: '0.1.0', sender_id: `S${w}`, receiver_id: to, type: 'data', session_id: 'x', ciphertext: 'c'.repeat(200), counter: n });
        try {
          const r = await postJson(`${first.url}/v1/messages`, body, { 'X-Agent-ID': `S${w}` }, 5000);
          if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
        } catch {
          return; // the messenger is gone
        }
        acked.get(to)!.push(n);
        if (++answered >= 200 && !killed) {
          killed = true;
          first.proc.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
    expect(killed).toBe(true);
    const second = await serveMessenger(d);
    procs.push(second);
    for (const [to, ns] of acked) {
      const s = await rawStream(second.url, to);
      await waitFor(() => counters(s.frames).length >= ns.length, 5000, `${ns.length} frames for ${to}`);
      const got = counters(s.frames);
      // Every answered one, in order, once; at most the one in flight when it died comes too.
      expect(got.slice(0, ns.length)).toEqual(ns);
      expect(got.length).toBeLessThanOrEqual(ns.length + 1);
      s.close();
    }
  }, 60_000);

  it('our CLI over a killed and restarted messenger: every message reported `sent` reaches the peer, and is then confirmed', async () => {
    const d = dir();
    let m = await serveMessenger(d);
    procs.push(m);
    const port = new URL(m.url).port;
    const agent = async () => {
      const env = { NEXUS_STATE_DIR: tempDir('durable-cli-'), MESSENGER_URL: m.url };
      const j = JSON.parse((await runScript(OPENNEXUS, ['generate-keys', '--json'], env)).stdout) as { agent_id: string; public_key: string };
      return { env, id: j.agent_id, pub: j.public_key };
    };
    const send = async (from: { env: Record<string, string> }, args: string[]) => JSON.parse((await runScript(OPENNEXUS, ['send', '--json', '--wait', '1', ...args], from.env)).stdout) as Record<string, unknown>;
    const stream = async (a: { env: Record<string, string> }) => jsonLines((await runScript(OPENNEXUS, ['stream', '--json', '--timeout', '2'], a.env)).stdout.trim().split('\n'));
    const carol = await agent();
    const dave = await agent();
    // A session, made in short calls (Dave answers the HELLO; Carol takes the HELLO_ACK).
    await send(carol, ['--to', dave.pub, '--messenger-url', m.url, '--message', 'hello Dave']);
    await stream(dave);
    await stream(carol);
    expect((await stream(dave)).filter((e) => e.event === 'message').map((e) => e.text)).toEqual(['hello Dave']);
    // Dave is offline; Carol's messages are accepted by the messenger: `sent`.
    const ids: unknown[] = [];
    for (let i = 1; i <= 5; i++) {
      const r = await send(carol, ['--to', dave.id, '--message', `while you were away ${i}`]);
      expect(r.status).toBe('sent');
      ids.push(r.message_id);
    }
    m.proc.kill('SIGKILL');
    await m.proc;
    m = await serveMessenger(d, Number(port));
    procs.push(m);
    const got = (await stream(dave)).filter((e) => e.event === 'message').map((e) => e.text);
    expect(got).toEqual([1, 2, 3, 4, 5].map((i) => `while you were away ${i}`));
    expect((await send(dave, ['--to', carol.id, '--message', 'got them'])).status).toBe('sent');
    const carolSees = await stream(carol);
    expect(carolSees.filter((e) => e.event === 'delivered').map((e) => e.id)).toEqual(expect.arrayContaining(ids));
  }, 90_000);
});
