// No inbound message is lost: not to a send's watch stream, not to a held cache lock.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messengerConfig } from '../src/opennexus/messenger/config.ts';
import { startMessenger, type RunningMessenger } from '../src/opennexus/messenger/server.ts';
import { withFileLock } from '../src/store/file-lock.ts';
import { listenInBackground, makeAgent, texts, type TestAgent } from './helpers/agents.ts';

let m: RunningMessenger;
beforeEach(async () => {
  m = await startMessenger(messengerConfig({}, { port: 0 }));
});
afterEach(async () => m.close());

/** A and B with a session both ways (each has streamed once). */
async function pairUp(a: TestAgent, b: TestAgent) {
  const la = listenInBackground(a.client(m.url));
  const lb = listenInBackground(b.client(m.url));
  await Promise.all([la.ready, lb.ready]);
  await a.client(m.url, { confirmMs: 0 }).send({ peerPublicKey: b.pub, peerMessengerUrl: m.url, message: 'hi B' });
  await lb.until((ev) => texts(ev).includes('hi B'));
  await b.client(m.url, { confirmMs: 0 }).send({ peerPublicKey: a.pub, peerMessengerUrl: m.url, message: 'hi A' });
  await la.until((ev) => texts(ev).includes('hi A'));
  return { la, lb };
}

/** Resolves once `agentId` has `n` open streams on the messenger (polls with a deadline). */
async function streamsOpen(agentId: string, n: number, ms = 5000) {
  const end = Date.now() + ms;
  const count = () => m.messenger.hub.streamCount(agentId);
  while (count() !== n) {
    if (Date.now() > end) throw new Error(`expected ${n} streams for ${agentId}, have ${count()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * A and B paired, then B listening alone (its lock waits last `lockTimeoutMs`) while something
 * else holds B's cache lock until `release()`.
 */
async function listeningBehindHeldLock(a: TestAgent, b: TestAgent, lockTimeoutMs: number) {
  const { la, lb } = await pairUp(a, b);
  await lb.stop();
  const bClient = b.client(m.url, { lockTimeoutMs });
  const listening = listenInBackground(bClient);
  await listening.ready;
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  const holder = withFileLock(bClient.store.path, async () => (locked(), held));
  await isLocked;
  return { la, listening, release, holder };
}

describe('no lost inbound message', () => {
  it('a message that arrives during a send (on its watch stream) is received by the next stream', async () => {
    const a = makeAgent();
    const b = makeAgent();
    const c = makeAgent();
    const { la, lb } = await pairUp(a, c);
    await la.stop(); // A goes offline; C keeps its session with A
    const aId = a.client(m.url).agentId;
    // A sends to B (B also offline: the send keeps its watch stream open for the confirm wait)
    const bSession = await pairUp(a, b);
    await Promise.all([bSession.la.stop(), bSession.lb.stop()]);
    const sending = a.client(m.url, { confirmMs: 1500 }).send({ peerPublicKey: b.pub, peerMessengerUrl: m.url, message: 'to B' });
    await streamsOpen(aId, 1); // only the send's watch stream (?drain=0) is open
    await c.client(m.url, { confirmMs: 0 }).send({ peerPublicKey: a.pub, peerMessengerUrl: m.url, message: 'sent while A was sending' });
    await sending;
    const next = listenInBackground(a.client(m.url));
    await next.until((ev) => texts(ev).includes('sent while A was sending'));
    await Promise.all([next.stop(), lb.stop()]);
  });

  it('a message that meets a held cache lock waits for it and is processed', async () => {
    const a = makeAgent();
    const b = makeAgent();
    // Something else holds B's cache lock for longer than one lock wait.
    const { la, listening, release, holder } = await listeningBehindHeldLock(a, b, 300);
    await a.client(m.url, { confirmMs: 0 }).send({ peerPublicKey: b.pub, peerMessengerUrl: m.url, message: 'behind the lock' });
    setTimeout(release, 700);
    await listening.until((ev) => texts(ev).includes('behind the lock'));
    await holder;
    expect(listening.events.some((e) => e.type === 'not_processed')).toBe(false);
    await Promise.all([listening.stop(), la.stop()]);
  });

  it('a lock that never frees: the message is reported as not processed, with its id', async () => {
    const a = makeAgent();
    const b = makeAgent();
    const { la, listening, release, holder } = await listeningBehindHeldLock(a, b, 100);
    await a.client(m.url, { confirmMs: 0 }).send({ peerPublicKey: b.pub, peerMessengerUrl: m.url, message: 'lost?' });
    await listening.until((ev) => ev.some((e) => e.type === 'not_processed'));
    release();
    await holder;
    const np = listening.events.find((e) => e.type === 'not_processed');
    expect(np).toMatchObject({ type: 'not_processed', what: 'data', from: a.client(m.url).agentId });
    expect((np as { id?: string }).id).toMatch(/^[0-9a-f-]{36}$/);
    await Promise.all([listening.stop(), la.stop()]);
  });
});
