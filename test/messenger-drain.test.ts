// A stolen drain (the attack): anyone who knows an agent id can open a stream as that agent
// (the transport is not authenticated, opennexus spec §10 B4). The messenger keeps what it
// delivered for a grace period and replays it to every new draining stream, so a thief gets
// copies of ciphertext but cannot make the real agent miss a message.
import { afterEach, describe, expect, it } from 'vitest';
import { messengerConfig } from '../src/opennexus/messenger/config.ts';
import { startMessenger, type RunningMessenger } from '../src/opennexus/messenger/server.ts';
import { postJson } from '../src/opennexus/transport.ts';
import { listenInBackground, makeAgent, texts, type TestAgent } from './helpers/agents.ts';
import { waitFor } from './helpers/http.ts';
import { counters, rawStream, type RawStream } from './helpers/raw-sse.ts';

let m: RunningMessenger | undefined;
afterEach(async () => {
  await m?.close();
  m = undefined;
});

async function start(env: Record<string, string> = {}, now?: () => number) {
  m = await startMessenger(messengerConfig({ RATE_LIMIT: '0', ...env }, { port: 0 }), now ? { now } : {});
  return m.url;
}

const base = { protocol_version: '0.1.0', sender_id: 'S' };
const data = (to: string, n: number) => ({ ...base, receiver_id: to, type: 'data', session_id: 'x', ciphertext: `c${n}`, counter: n });
const hello = (to: string) => ({ ...base, receiver_id: to, type: 'hello', sender_public_key: 'p', ephemeral_public_key: 'e', signature: 's', sender_messenger_url: 'http://x' });
const send = async (url: string, body: object) => (await postJson(`${url}/v1/messages`, JSON.stringify(body), { 'X-Agent-ID': 'S' }, 5000)).status;

/** Waits until the stream has `n` relayed frames and returns their counters. */
async function got(s: RawStream, n: number): Promise<number[]> {
  await waitFor(() => counters(s.frames).length >= n, 5000, `${n} frames`);
  return counters(s.frames);
}

describe('stolen drain (messenger)', () => {
  it("an attacker's stream drains X's queue; the real X connects later and still gets every message", async () => {
    const url = await start();
    for (let i = 1; i <= 3; i++) expect(await send(url, data('X', i))).toBe(200);
    const thief = await rawStream(url, 'X');
    expect(await got(thief, 3)).toEqual([1, 2, 3]);
    expect(thief.frames.slice(1).every((f) => f.startsWith('data: '))).toBe(true); // first delivery
    thief.close();
    const real = await rawStream(url, 'X');
    expect(await got(real, 3)).toEqual([1, 2, 3]);
    // a replay is marked with an SSE comment line, which line readers like the reference skip
    expect(real.frames.slice(1).every((f) => f.startsWith(': replay\ndata: '))).toBe(true);
    real.close();
  });

  it("a message delivered live to an attacker's stream while X is offline reaches X within the grace period", async () => {
    const url = await start();
    const thief = await rawStream(url, 'X');
    expect(await send(url, data('X', 7))).toBe(200);
    expect(await got(thief, 1)).toEqual([7]);
    thief.close();
    await waitFor(() => m!.messenger.hub.streamCount('X') === 0, 5000, 'thief gone');
    const real = await rawStream(url, 'X');
    expect(await got(real, 1)).toEqual([7]);
    real.close();
  });

  it('retention: live-delivered messages for the grace period, queued ones for their TTL', async () => {
    let t = 1_700_000_000_000;
    const url = await start({ DRAIN_GRACE: '600', OFFLINE_QUEUE_TTL: '3600' }, () => t);
    expect(await send(url, data('X', 1))).toBe(200); // no stream: queued
    const thief = await rawStream(url, 'X');
    expect(await send(url, data('X', 2))).toBe(200); // delivered live
    expect(await got(thief, 2)).toEqual([1, 2]);
    thief.close();
    t += 599_000;
    let real = await rawStream(url, 'X');
    expect(await got(real, 2)).toEqual([1, 2]);
    real.close();
    t += 2_000; // 601 s after delivery: the grace period of 2 is over
    real = await rawStream(url, 'X');
    expect(await got(real, 1)).toEqual([1]);
    real.close();
    t = 1_700_000_000_000 + 3_600_000; // the TTL of 1 is over
    expect(await m!.store.retained('X', t)).toBe(0);
    expect((await m!.store.usage()).messages).toBe(0);
  });

  it('a new draining stream gets the replay first, in order, then live messages; an open stream gets no repeats', async () => {
    const url = await start();
    for (let i = 1; i <= 2; i++) await send(url, data('X', i));
    const first = await rawStream(url, 'X');
    expect(await got(first, 2)).toEqual([1, 2]);
    await send(url, data('X', 3));
    expect(await got(first, 3)).toEqual([1, 2, 3]);
    const second = await rawStream(url, 'X');
    expect(await got(second, 3)).toEqual([1, 2, 3]);
    await send(url, data('X', 4));
    expect(await got(second, 4)).toEqual([1, 2, 3, 4]);
    expect(await got(first, 4)).toEqual([1, 2, 3, 4]);
    first.close();
    second.close();
  });

  it('a watch stream (?drain=0) neither takes the backlog nor gets the replay', async () => {
    const url = await start();
    await send(url, data('X', 1));
    const watch = await rawStream(url, 'X', '?drain=0');
    await send(url, data('X', 2));
    expect(await got(watch, 1)).toEqual([2]); // a backlog would have come before the live one
    watch.close();
    expect(await m!.store.queued('X', Date.now())).toBe(2);
    const real = await rawStream(url, 'X');
    expect(await got(real, 2)).toEqual([1, 2]);
    real.close();
  });

  it('a HELLO is delivered once and never replayed (a replayed HELLO would replace the live session)', async () => {
    const url = await start();
    expect(await send(url, hello('X'))).toBe(200);
    await send(url, data('X', 1));
    const first = await rawStream(url, 'X');
    await waitFor(() => first.frames.length >= 3, 5000, 'hello and data');
    expect(first.frames[1]).toContain('"type":"hello"');
    first.close();
    await waitFor(() => m!.messenger.hub.streamCount('X') === 0, 5000, 'first stream gone');
    await send(url, hello('X')); // no stream: queued, for one delivery
    const second = await rawStream(url, 'X');
    await waitFor(() => second.frames.length >= 3, 5000, 'data and the new hello');
    expect(second.frames.slice(1).map((f) => /"type":"(\w+)"/.exec(f)![1])).toEqual(['data', 'hello']);
    second.close();
  });
});

describe('stolen drain, with real agents', () => {
  /** A and B with a session (each has streamed once), then both offline. */
  async function paired(url: string, a: TestAgent, b: TestAgent) {
    const la = listenInBackground(a.client(url));
    const lb = listenInBackground(b.client(url));
    await Promise.all([la.ready, lb.ready]);
    await a.client(url, { confirmMs: 0 }).send({ peerPublicKey: b.pub, peerMessengerUrl: url, message: 'hi B' });
    await lb.until((ev) => texts(ev).includes('hi B'));
    await Promise.all([la.stop(), lb.stop()]);
  }

  it('B gets every message although a thief streamed as B first, and no message twice', async () => {
    const url = await start();
    const a = makeAgent();
    const b = makeAgent();
    await paired(url, a, b);
    const bId = b.client(url).agentId;
    for (const message of ['one', 'two']) await a.client(url, { confirmMs: 0 }).send({ peerPublicKey: b.pub, peerMessengerUrl: url, message });
    // the thief drains B's queue: 'hi B' (replayed) and the two new ones
    const thief = await rawStream(url, bId);
    await waitFor(() => thief.frames.length >= 4, 5000, 'stolen frames');
    // ...and stays, taking 'three' live while B is offline
    await a.client(url, { confirmMs: 0 }).send({ peerPublicKey: b.pub, peerMessengerUrl: url, message: 'three' });
    await waitFor(() => thief.frames.some((f) => f.includes('"counter":3')), 5000, 'stolen live frame');
    thief.close();
    const lb = listenInBackground(b.client(url));
    await lb.until((ev) => texts(ev).includes('three'));
    expect(texts(lb.events)).toEqual(['one', 'two', 'three']); // 'hi B' again is a duplicate, dropped
    await lb.stop();
  });
});
