// Authenticated readers (issue 19, item 8), attacks first: on a messenger started with
// REQUIRE_STREAM_AUTH=1 nobody may open (and so read or drain) an agent's stream without
// proving they hold its key: no proof, a proof for another agent, for another route, a stale
// or a forged one are all refused (401). Off by default, so the reference clients still work;
// our built CLI always sends the proof and still sends and receives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64 } from '../src/opennexus/core/bytes.ts';
import { randomBytes } from '../src/opennexus/core/crypto.ts';
import { identityFromSeed, type Identity } from '../src/opennexus/core/identity.ts';
import { checkStreamProof, streamProof, STREAM_AUTH_SKEW_MS } from '../src/opennexus/core/stream-auth.ts';
import { messengerConfig } from '../src/opennexus/messenger/config.ts';
import { startMessenger, type RunningMessenger } from '../src/opennexus/messenger/server.ts';
import { tempDir } from './helpers/agents.ts';
import { jsonLines, OPENNEXUS, runScript, spawnScript } from './helpers/cli.ts';

let strict: RunningMessenger;
let open: RunningMessenger;
beforeAll(async () => {
  strict = await startMessenger(messengerConfig({ REQUIRE_STREAM_AUTH: '1' }, { port: 0 }), { log: () => {} });
  open = await startMessenger(messengerConfig({}, { port: 0 }), { log: () => {} });
});
afterAll(async () => {
  await strict.close();
  await open.close();
});

const alice = identityFromSeed(randomBytes(32));
const mallory = identityFromSeed(randomBytes(32));

/** Opens a stream as `agent` with these headers; returns the status and, when refused, the body. */
async function openStream(url: string, agent: Identity, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const ctl = new AbortController();
  const r = await fetch(`${url}/v1/messages/stream`, { headers: { 'X-Agent-ID': agent.agentIdB64, ...headers }, signal: ctl.signal });
  const body = r.status === 200 ? '' : await r.text();
  ctl.abort();
  return { status: r.status, body };
}

describe('REQUIRE_STREAM_AUTH=1', () => {
  it('refuses a stream without a proof: 401 in the messenger error shape', async () => {
    const r = await openStream(strict.url, alice);
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body)).toEqual({ error: 'X-Agent-Auth header is required' });
  });

  it("refuses another agent's proof, a proof for another route, a stale one and a forged one", async () => {
    const now = Date.now();
    const refused = async (proof: string) => (await openStream(strict.url, alice, { 'X-Agent-Auth': proof })).status;
    expect(await refused(streamProof(mallory, now))).toBe(401); // Mallory's own valid proof, on Alice's stream
    expect(await refused(streamProof(alice, now, 'POST /v1/messages'))).toBe(401);
    expect(await refused(streamProof(alice, now - STREAM_AUTH_SKEW_MS - 60_000))).toBe(401);
    expect(await refused(streamProof(alice, now + STREAM_AUTH_SKEW_MS + 60_000))).toBe(401);
    // Alice's public key with Mallory's signature over Alice's text
    const [at, , sig] = streamProof(mallory, now).split('.');
    expect(await refused(`${at}.${alice.publicKeyB64}.${sig}`)).toBe(401);
    expect(await refused('garbage')).toBe(401);
    const r = await openStream(strict.url, alice, { 'X-Agent-Auth': streamProof(mallory, now) });
    expect(JSON.parse(r.body)).toEqual({ error: 'invalid X-Agent-Auth: wrong_agent' });
  });

  it("accepts the agent's own fresh proof", async () => {
    expect((await openStream(strict.url, alice, { 'X-Agent-Auth': streamProof(alice, Date.now()) })).status).toBe(200);
  });

  it('is off by default: a stream without a proof is served (the reference clients send none)', async () => {
    expect((await openStream(open.url, alice)).status).toBe(200);
  });
});

describe('stream proofs (pure)', () => {
  it('check the time both ways, the agent, the route and the signature', () => {
    const t = 1_700_000_000_000;
    const p = streamProof(alice, t);
    expect(checkStreamProof(p, alice.agentIdB64, t + STREAM_AUTH_SKEW_MS)).toBe('ok');
    expect(checkStreamProof(p, alice.agentIdB64, t - STREAM_AUTH_SKEW_MS)).toBe('ok');
    expect(checkStreamProof(p, alice.agentIdB64, t + STREAM_AUTH_SKEW_MS + 1)).toBe('stale');
    expect(checkStreamProof(p, mallory.agentIdB64, t)).toBe('wrong_agent');
    expect(checkStreamProof(p, alice.agentIdB64, t, 'GET /v1/messages/ws')).toBe('bad_signature');
    expect(checkStreamProof(p.replace(/^\d+/, String(t + 1)), alice.agentIdB64, t)).toBe('bad_signature');
    expect(checkStreamProof(undefined, alice.agentIdB64, t)).toBe('missing');
    expect(checkStreamProof(`${t}.${b64(new Uint8Array(32))}.x`, alice.agentIdB64, t)).toBe('malformed');
  });
});

describe('the built CLI on a messenger that requires stream proofs', () => {
  it('sends and receives', async () => {
    const agent = async () => {
      const env = { NEXUS_STATE_DIR: tempDir('nexus-auth-'), MESSENGER_URL: strict.url };
      const r = await runScript(OPENNEXUS, ['generate-keys', '--json'], env);
      expect(r.exitCode, r.stderr).toBe(0);
      return { env, pub: JSON.parse(r.stdout).public_key as string };
    };
    const [a, b] = [await agent(), await agent()];
    const sb = spawnScript(OPENNEXUS, ['stream', '--json', '--max-messages', '1', '--timeout', '45'], b.env);
    await sb.waitLine((l) => l.includes('"event":"connected"'));
    const sent = await runScript(OPENNEXUS, ['send', '--to', b.pub, '--messenger-url', strict.url, '--message', 'proved', '--json'], a.env);
    expect(sent.exitCode, sent.stderr).toBe(0);
    expect(JSON.parse(sent.stdout)).toMatchObject({ status: 'sent' });
    expect((await sb.proc).exitCode).toBe(0);
    expect(jsonLines(sb.lines).filter((e) => e.event === 'message').map((e) => e.text)).toEqual(['proved']);
  });
});
