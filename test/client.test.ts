// OpenNexusClient against a real messenger over loopback (opennexus spec §4), and the recovery rules
// that differ from the reference (opennexus spec §10).
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClientError } from '../src/opennexus/client.ts';
import { MAX_MESSAGE_BYTES } from '../src/opennexus/core/outbox.ts';
import { messengerConfig } from '../src/opennexus/messenger/config.ts';
import { startMessenger, type RunningMessenger } from '../src/opennexus/messenger/server.ts';
import { postJson } from '../src/opennexus/transport.ts';
import { listenInBackground, makeAgent, texts } from './helpers/agents.ts';

let m: RunningMessenger;
beforeEach(async () => {
  m = await startMessenger(messengerConfig({}, { port: 0 }));
});
afterEach(async () => m.close());

describe('OpenNexusClient', () => {
  it('handshake, messages both ways, cached session reuse, async-iterator stream', async () => {
    const a = makeAgent();
    const b = makeAgent();
    const lb = listenInBackground(b.client(m.url));
    await lb.ready;
    const ac = new AbortController();
    const aClient = a.client(m.url);
    const received: string[] = [];
    const iter = (async () => {
      for await (const msg of aClient.stream({ signal: ac.signal })) {
        received.push(msg.text);
        if (received.length === 2) ac.abort();
      }
    })();
    const r1 = await a.client(m.url).send({ peerPublicKey: b.pub, peerMessengerUrl: m.url, message: 'hello B' });
    expect(r1).toMatchObject({ handshake: true, redelivered: false, counter: '0' });
    const r2 = await a.client(m.url, { confirmMs: 0 }).send({ peerPublicKey: b.pub, peerMessengerUrl: m.url, message: 'Grüße 🌍' });
    expect(r2).toMatchObject({ handshake: false, counter: '1', sessionId: r1.sessionId });
    await lb.until((ev) => texts(ev).length === 2);
    expect(texts(lb.events)).toEqual(['hello B', 'Grüße 🌍']);
    // B replies over the session its stream created from A's HELLO
    await b.client(m.url, { confirmMs: 0 }).send({ peerPublicKey: a.pub, peerMessengerUrl: m.url, message: 'hi A' });
    await b.client(m.url, { confirmMs: 0 }).send({ peerPublicKey: a.pub, peerMessengerUrl: m.url, message: 'again' });
    await iter;
    expect(received).toEqual(['hi A', 'again']);
    await lb.stop();
  });

  it('noCache handshakes again and drops the cached session at once: a message it queued goes out once, on the new session', async () => {
    const a = makeAgent();
    const b = makeAgent();
    let lb = listenInBackground(b.client(m.url));
    await lb.ready;
    const first = await a.client(m.url).send({ peerPublicKey: b.pub, peerMessengerUrl: m.url, message: 'one' });
    await lb.until((ev) => texts(ev).includes('one'));
    await lb.stop();
    const ca = a.client(m.url, { helloAckTimeoutMs: 0 });
    expect(await ca.send({ peerPublicKey: b.pub, message: 'fresh', noCache: true })).toMatchObject({ status: 'queued', handshake: true });
    const cache = await ca.store.read();
    const bId = b.client(m.url).identity.agentIdB64;
    expect([cache.sessions[bId], Object.keys(cache.pending)]).toEqual([undefined, [bId]]);
    // B answers the HELLO; A's stream completes the handshake and sends 'fresh' on the new session.
    lb = listenInBackground(b.client(m.url));
    const la = listenInBackground(ca);
    await lb.until((ev) => texts(ev).includes('fresh'));
    const sent = la.events.filter((e) => e.type === 'outbox_sent') as Array<{ sessionId: string }>;
    expect(sent.map((e) => e.sessionId === first.sessionId)).toEqual([false]);
    expect(texts(lb.events)).toEqual(['fresh']); // 'one' comes again only as a replay, skipped
    expect(lb.events.filter((e) => e.type === 'reset_sent')).toEqual([]);
    await Promise.all([la.stop(), lb.stop()]);
  });

  it('a peer that lost its state gets the message anyway: its reset requeues it, the outbox redelivers it once', async () => {
    const a = makeAgent();
    const b = makeAgent();
    let lb = listenInBackground(b.client(m.url));
    await lb.ready;
    const one = await a.client(m.url).send({ peerPublicKey: b.pub, peerMessengerUrl: m.url, message: 'one' });
    await lb.until((ev) => texts(ev).includes('one'));
    await lb.stop();
    rmSync(b.dir, { recursive: true, force: true }); // B loses its sessions and restarts
    lb = listenInBackground(b.client(m.url));
    await lb.ready;
    // accepted by B's messenger: 'sent' is not 'delivered'
    const r = await a.client(m.url).send({ peerPublicKey: b.pub, peerMessengerUrl: m.url, message: 'two' });
    expect(r).toMatchObject({ status: 'sent', handshake: false });
    await lb.until((ev) => ev.some((e) => e.type === 'reset_sent'));
    // A comes online: B's reset requeues 'two', A handshakes again and sends it, marked redelivered
    const la = listenInBackground(a.client(m.url));
    await la.until((ev) => ev.some((e) => e.type === 'outbox_sent' && e.redelivered));
    await lb.until((ev) => texts(ev).includes('two'));
    // At least once: B never answered on the lost session, so nothing proves it read 'one'
    // either; both go out again, in order, and A's events say so.
    expect(la.events.filter((e) => e.type === 'requeued').map((e) => (e as { id: string }).id)).toEqual([one.id, r.id]);
    await a.client(m.url).send({ peerPublicKey: b.pub, peerMessengerUrl: m.url, message: 'three' });
    await lb.until((ev) => texts(ev).includes('three'));
    expect(texts(lb.events)).toEqual(['one', 'two', 'three']);
    expect(lb.events.filter((e) => e.type === 'reset_sent')).toHaveLength(1);
    await Promise.all([lb.stop(), la.stop()]);
  });

  it('one malformed message never drops the stream', async () => {
    const a = makeAgent();
    const b = makeAgent();
    const bc = b.client(m.url);
    const lb = listenInBackground(bc);
    await lb.ready;
    const junk = { protocol_version: '0.1.0', type: 'data', sender_id: 'A', receiver_id: bc.agentId, session_id: 'x', counter: 0, ciphertext: '!' };
    await postJson(`${m.url}/v1/messages`, JSON.stringify(junk), { 'X-Agent-ID': 'A' }, 5000);
    await a.client(m.url).send({ peerPublicKey: b.pub, peerMessengerUrl: m.url, message: 'still here' });
    await lb.until((ev) => texts(ev).includes('still here'));
    expect(lb.events.some((e) => e.type === 'rejected' && e.detail === 'invalid sender_id')).toBe(true);
    expect(lb.events.filter((e) => e.type === 'connected')).toHaveLength(1);
    await lb.stop();
  });

  it('HELLO_ACK timeout is a real timer; the message is queued with its pending handshake, not lost', async () => {
    const a = makeAgent();
    const b = makeAgent(); // never listens
    const client = a.client(m.url, { helloAckTimeoutMs: 200 });
    const t0 = Date.now();
    const r = await client.send({ peerPublicKey: b.pub, peerMessengerUrl: m.url, message: 'x' });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r).toMatchObject({ status: 'queued', handshake: true });
    const cache = await client.store.read();
    expect(Object.keys(cache.sessions)).toEqual([]);
    expect(Object.keys(cache.pending)).toHaveLength(1);
    expect(cache.outbox.map((e) => [e.id, e.state, new TextDecoder().decode(e.bytes)])).toEqual([[r.id, 'queued', 'x']]);
  });

  it('bad input: invalid peer key, self-session, bad URLs, a message too large; nothing of it is queued', async () => {
    const a = makeAgent();
    const c = a.client(m.url);
    await expect(c.send({ peerPublicKey: 'nope', peerMessengerUrl: m.url, message: 'x' })).rejects.toThrow(/^Invalid peer public key/);
    await expect(c.send({ peerPublicKey: a.pub, peerMessengerUrl: m.url, message: 'x' })).rejects.toThrow('Refusing self-session');
    // Counted as written on the wire: each é is %C3%A9 there (a 47 KiB message must still fit).
    for (const url of ['notaurl', 'ftp://x', 'http://x\u001b[2J', `http://${'x'.repeat(2048)}`, `http://h/${'é'.repeat(400)}`]) {
      await expect(c.send({ peerPublicKey: makeAgent().pub, peerMessengerUrl: url, message: 'x' })).rejects.toMatchObject({ code: 'invalid_url' });
    }
    expect(() => a.client('notaurl')).toThrow(expect.objectContaining({ code: 'invalid_url' }));
    expect(a.client('HTTP://Example.COM/a"b/').messengerUrl).toBe('http://example.com/a%22b');
    await expect(c.send({ peerPublicKey: makeAgent().pub, peerMessengerUrl: m.url, message: 'x'.repeat(MAX_MESSAGE_BYTES + 1) })).rejects.toMatchObject({ code: 'message_too_large' });
    expect((await c.store.read()).outbox).toEqual([]);
    expect((await c.store.read()).peerMessengerUrls).toEqual({});
  });

  it('an unreachable own messenger: the message is queued with why (sending it again would duplicate it)', async () => {
    const a = makeAgent();
    const off = a.client('http://127.0.0.1:9');
    const r = await off.send({ peerPublicKey: makeAgent().pub, peerMessengerUrl: m.url, message: 'x' });
    expect(r).toMatchObject({ status: 'queued', reason: expect.stringMatching(/^own messenger unreachable: /) });
    expect((await off.store.read()).outbox.map((e) => [e.id, e.state])).toEqual([[r.id, 'queued']]);
  });
});
