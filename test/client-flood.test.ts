// A receiving agent under a flood of strangers, over a real messenger (core/limits.ts): its
// cache stays bounded, it keeps answering its real peers, and forged DATA makes it POST nowhere.
import { statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { b64 } from '../src/opennexus/core/bytes.ts';
import { randomBytes, x25519PublicKey } from '../src/opennexus/core/crypto.ts';
import { createHello } from '../src/opennexus/core/handshake.ts';
import { identityFromSeed } from '../src/opennexus/core/identity.ts';
import { stringifyJson } from '../src/opennexus/core/json.ts';
import { HELLO_BURST, HELLO_WINDOW_MS, MAX_PENDING } from '../src/opennexus/core/limits.ts';
import { messengerConfig } from '../src/opennexus/messenger/config.ts';
import { startMessenger, type RunningMessenger } from '../src/opennexus/messenger/server.ts';
import { postJson } from '../src/opennexus/transport.ts';
import { listenInBackground, makeAgent, texts } from './helpers/agents.ts';
import { startHostile, type HostileServer } from './helpers/hostile-server.ts';

let m: RunningMessenger;
let attacker: HostileServer;
beforeEach(async () => {
  m = await startMessenger(messengerConfig({ RATE_LIMIT: '1000000', RATE_BURST: '1000000' }, { port: 0 }));
  attacker = await startHostile((_req, res, h) => h.json(res, 200, { status: 'ok' }));
});
afterEach(async () => {
  await m.close();
  await attacker.close();
});

describe('a HELLO flood and forged DATA against a listening agent', () => {
  it('2,000 fresh identities: bounded cache, real peer still served, no POST to a URL a DATA names', async () => {
    const a = makeAgent();
    const b = makeAgent();
    const bClient = b.client(m.url);
    const lb = listenInBackground(bClient);
    await lb.ready;
    await a.client(m.url, { confirmMs: 0 }).send({ peerPublicKey: b.pub, peerMessengerUrl: m.url, message: 'before' });
    await lb.until((ev) => texts(ev).includes('before'));

    const t0 = Date.now();
    const post = (body: object, sender: string) => postJson(`${m.url}/v1/messages`, stringifyJson(body as never), { 'X-Agent-ID': sender }, 5000);
    for (let i = 0; i < 2000; i++) {
      const id = identityFromSeed(randomBytes(32));
      const hello = createHello(id, bClient.identity.agentId, x25519PublicKey(randomBytes(32)), `${attacker.url}/hello-ack`);
      expect((await post(hello, id.agentIdB64)).status).toBe(200);
      if (i % 7 === 0) {
        const sender = b64(randomBytes(32));
        const forged = {
          protocol_version: '0.1.0', type: 'data', sender_id: sender, receiver_id: bClient.agentId,
          session_id: b64(randomBytes(32)), counter: 1, ciphertext: b64(randomBytes(48)), sender_messenger_url: `${attacker.url}/forged-data`,
        };
        expect((await post(forged, sender)).status).toBe(200);
      }
    }
    await a.client(m.url, { confirmMs: 0 }).send({ peerPublicKey: b.pub, peerMessengerUrl: m.url, message: 'after the flood' });
    await lb.until((ev) => texts(ev).includes('after the flood'), 60_000);
    const seconds = (Date.now() - t0) / 1000;
    await lb.stop();

    const cache = await bClient.store.read();
    expect(Object.keys(cache.sessions).length).toBeLessThanOrEqual(MAX_PENDING + 1);
    expect(cache.sessions[a.client(m.url).agentId]?.confirmed).toBe(true);
    expect(statSync(bClient.store.path).size).toBeLessThan(100_000);
    const paths = attacker.requests.map((r) => r.url);
    expect(paths.filter((p) => p.startsWith('/forged-data'))).toEqual([]);
    const acks = paths.filter((p) => p.startsWith('/hello-ack')).length;
    expect(acks).toBeGreaterThan(0);
    expect(acks).toBeLessThanOrEqual(HELLO_BURST * (Math.ceil((seconds * 1000) / HELLO_WINDOW_MS) + 1));
  }, 90_000);
});
