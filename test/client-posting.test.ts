// Posting the outbox (src/opennexus/posting.ts): a POST that fails on the way strands nothing
// behind it, a refused message is reported with its text, and only a message whose POST was
// answered can be confirmed delivered. The attack: one failing POST in a batch used to leave the
// later messages marked sent, unposted, and then reported delivered.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messengerConfig } from '../src/opennexus/messenger/config.ts';
import { startMessenger, type RunningMessenger } from '../src/opennexus/messenger/server.ts';
import { listenInBackground, makeAgent, texts, type TestAgent } from './helpers/agents.ts';

let m: RunningMessenger;
let proxy: { url: string; server: Server; answer: (n: number) => number | 'forward'; posts: number };

/**
 * B's messenger: the real one behind a proxy that pipes everything (streams too) and answers
 * `answer(n)` itself to the nth DATA POST when that is a status.
 */
function startProxy(): Promise<typeof proxy> {
  const p = { url: '', posts: 0, answer: (_n: number): number | 'forward' => 'forward' } as typeof proxy;
  p.server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const verdict = req.method === 'POST' && req.url === '/v1/messages' && JSON.parse(body.toString()).type === 'data' ? p.answer(++p.posts) : 'forward';
    if (verdict !== 'forward') return void res.writeHead(verdict, { 'content-type': 'application/json' }).end('{"error":"proxy says no"}');
    const up = request(`${m.url}${req.url}`, { method: req.method, headers: req.headers }, (ur) => {
      res.writeHead(ur.statusCode!, ur.headers);
      ur.pipe(res);
    });
    res.on('close', () => up.destroy());
    up.end(body);
  });
  return new Promise((resolve) => p.server.listen(0, '127.0.0.1', () => resolve(Object.assign(p, { url: `http://127.0.0.1:${(p.server.address() as AddressInfo).port}` }))));
}

beforeEach(async () => {
  m = await startMessenger(messengerConfig({}, { port: 0 }));
  proxy = await startProxy();
});
afterEach(async () => {
  proxy.server.closeAllConnections();
  await new Promise((r) => proxy.server.close(r));
  await m.close();
});

/** A holds a session with B, whose messenger is behind the proxy; B is offline afterwards. */
async function sessionThroughProxy(a: TestAgent, b: TestAgent) {
  const lb = listenInBackground(b.client(proxy.url));
  await lb.ready;
  const first = await a.client(m.url).send({ peerPublicKey: b.pub, peerMessengerUrl: proxy.url, message: 'm0' });
  expect(first.status).toBe('sent');
  await lb.until((ev) => texts(ev).includes('m0'));
  await lb.stop();
  return first.id;
}

describe('posting the outbox', () => {
  it('one POST failing on the way puts it and every later message back in the queue, in order; none is reported delivered', async () => {
    const a = makeAgent();
    const b = makeAgent();
    const m0 = await sessionThroughProxy(a, b);
    const ca = a.client(m.url);
    const send = (text: string) => ca.send({ peerPublicKey: b.pub, message: text });
    const stateOf = async () => (await ca.store.read()).outbox.map((e) => [new TextDecoder().decode(e.bytes), e.state]);
    // B's messenger down: each send is queued with why, and tries only the oldest message.
    proxy.answer = () => 503;
    const base = proxy.posts;
    const ids: Record<string, string> = {};
    for (const t of ['m1', 'm2', 'm3']) {
      const r = await send(t);
      expect(r).toMatchObject({ status: 'queued', reason: expect.stringMatching(/^DATA send failed: .*HTTP 503: \{"error":"proxy says no"\}/) });
      ids[t] = r.id;
    }
    expect(proxy.posts - base).toBe(3);
    // Back, but the second POST of the next batch fails: m1 out, m2 failed, m3 and m4 not tried.
    proxy.answer = (n) => (n === base + 5 ? 503 : 'forward');
    expect((await send('m4')).status).toBe('queued');
    expect(proxy.posts - base).toBe(5);
    expect(await stateOf()).toEqual([['m0', 'sent'], ['m1', 'sent'], ['m2', 'queued'], ['m3', 'queued'], ['m4', 'queued']]);
    // A streams while B's messenger is down again, then B writes on the session: only m1,
    // whose POST was answered, is confirmed delivered (and m0, from the handshake).
    proxy.answer = () => 503;
    const la = listenInBackground(ca);
    await la.ready;
    const lb = listenInBackground(b.client(proxy.url));
    await lb.ready;
    await b.client(proxy.url).send({ peerPublicKey: a.pub, peerMessengerUrl: m.url, message: 'back' });
    const delivered = () => la.events.filter((e) => e.type === 'delivered').map((e) => (e as { id: string }).id);
    await la.until((ev) => texts(ev).includes('back') && delivered().length >= 2);
    expect(delivered()).toEqual([m0, ids.m1]);
    expect(await stateOf()).toEqual([['m2', 'queued'], ['m3', 'queued'], ['m4', 'queued']]);
    await la.stop();
    // The rest goes out with A's next send, in order, and nothing was lost.
    proxy.answer = () => 'forward';
    expect((await send('m5')).status).toBe('sent');
    await lb.until((ev) => texts(ev).includes('m5'));
    expect(texts(lb.events)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(await stateOf()).toEqual(['m2', 'm3', 'm4', 'm5'].map((t) => [t, 'sent']));
    await lb.stop();
  });

  it("a message the peer's messenger refuses (400) leaves the outbox and is reported with its text; the next ones still go", async () => {
    const a = makeAgent();
    const b = makeAgent();
    await sessionThroughProxy(a, b);
    const ca = a.client(m.url);
    const base = proxy.posts;
    proxy.answer = (n) => (n === base + 1 ? 400 : 'forward');
    await expect(ca.send({ peerPublicKey: b.pub, message: 'refused' })).rejects.toMatchObject({ code: 'data_failed', message: expect.stringMatching(/HTTP 400.*left the outbox/) });
    const texts0 = async () => (await ca.store.read()).outbox.map((e) => [new TextDecoder().decode(e.bytes), e.state]);
    expect(await texts0()).toEqual([['m0', 'sent']]);
    expect((await ca.send({ peerPublicKey: b.pub, message: 'next' })).status).toBe('sent');
    // A messenger that refuses everything (a wrong URL) takes one message per attempt, not the queue.
    proxy.answer = () => 503;
    for (const t of ['q1', 'q2']) expect((await ca.send({ peerPublicKey: b.pub, message: t })).status).toBe('queued');
    proxy.answer = () => 400;
    expect(await ca.send({ peerPublicKey: b.pub, message: 'q3' })).toMatchObject({ status: 'queued', refused: [{ text: 'q1' }] });
    expect(await ca.send({ peerPublicKey: b.pub, message: 'q4' })).toMatchObject({ status: 'queued', refused: [{ text: 'q2' }] });
    expect(await texts0()).toEqual([['m0', 'sent'], ['next', 'sent'], ['q3', 'queued'], ['q4', 'queued']]);
    proxy.answer = () => 'forward';
    expect((await ca.send({ peerPublicKey: b.pub, message: 'q5' })).status).toBe('sent');
    // Through a stream's tick, a refusal is an event carrying the text.
    proxy.answer = () => 503;
    expect((await ca.send({ peerPublicKey: b.pub, message: 'later refused' })).status).toBe('queued');
    proxy.answer = () => 400;
    const la = listenInBackground(ca);
    await la.until((ev) => ev.some((e) => e.type === 'refused'));
    expect(la.events.find((e) => e.type === 'refused')).toMatchObject({ text: 'later refused', error: expect.stringMatching(/^HTTP 400/) });
    await la.stop();
    expect(await texts0()).toEqual([['m0', 'sent'], ['next', 'sent'], ['q3', 'sent'], ['q4', 'sent'], ['q5', 'sent']]);
  });
});
