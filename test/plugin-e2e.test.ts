// The plugin with an end-to-end encrypted session (issue 21 acceptance 5), against the fake host
// and the in-process hub: the agent creates it with nexus_create {e2e: true}, another agent
// claims the whole link with the built CLI and writes; the plaintext reaches the model, the
// agent's answer goes back sealed, both sides compute the same safety code, and the server
// holds ciphertext only. The same in the real host: test/host-e2e.test.ts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub } from '../src/hub.ts';
import { registerPlugin } from '../src/plugin/entry.ts';
import { tempDir } from './helpers/agents.ts';
import { ROOT, runScript } from './helpers/cli.ts';
import { fakeHost } from './helpers/fake-host.ts';
import { waitFor } from './helpers/http.ts';

const NEXUS = `${ROOT}scripts/nexus.mjs`;
type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let hub: Awaited<ReturnType<typeof startHub>>;
const stops: (() => Promise<void>)[] = [];
beforeAll(async () => {
  hub = await startHub({ messengerPort: 0, nexusPort: 0, env: { RATE_LIMIT: '0', RATE_LIMIT_MAX: '100000' } });
});
afterAll(async () => {
  for (const s of stops) await s().catch(() => {});
  await hub.close();
});

describe('plugin: an end-to-end encrypted session', () => {
  it('nexus_create {e2e: true}, a CLI agent claims the whole link, the plaintext reaches the model and the answer goes back sealed', async () => {
    const stateDir = tempDir('plugin-e2e-');
    const host = fakeHost({ nexusUrl: hub.nexusUrl, messengerUrl: hub.messengerUrl, agentId: 'claw', stateDir, autonomy: { default: 'open' } });
    registerPlugin(host.api, {}, stateDir, async () => host.sdk);
    const created = await host.call('nexus_create', { greeting: 'Hi, sealed hello', e2e: true });
    expect(created).toMatchObject({ e2e: true, greeting: 'Hi, sealed hello' });
    expect(created.sessionKey).toBeUndefined();
    const sid = String(created.sessionId);
    const pair = await host.call('nexus_pair', { sessionId: sid });
    expect(String(pair.url)).toMatch(/#k=[A-Za-z0-9_-]{43}$/);
    expect(String(pair.tell_your_human)).toContain('WHOLE link');
    await expect(host.call('nexus_safety', { sessionId: sid })).rejects.toThrow(/has not joined yet/);

    const stop = await host.startChannel();
    stops.push(stop);
    host.reply = (t) => (t.text.includes('the walrus is purple') ? 'Understood: purple walrus.' : '');
    const env = { NEXUS_STATE_DIR: mkdtempSync(join(tmpdir(), 'plugin-e2e-cli-')), NEXUS_URL: hub.nexusUrl };
    const cli = async (...args: string[]) => {
      const r = await runScript(NEXUS, args, env);
      return JSON.parse(r.stdout) as J;
    };
    expect((await cli('claim', String(pair.url), '--agent-id', 'peer')).e2e).toBe(true);
    expect((await cli('poll', sid)).messages[0].text).toBe('Hi, sealed hello');
    expect((await cli('send', sid, 'Secret: the walrus is purple')).ok).toBe(true);

    await waitFor(() => host.turns.length >= 1, 15_000, 'the turn');
    expect(host.turns[0]!.text).toContain('Secret: the walrus is purple');
    await waitFor(async () => ((await cli('poll', sid)).messages as J[]).some((m) => m.text === 'Understood: purple walrus.'), 15_000, 'the answer at the CLI agent');

    // The same safety code on both sides.
    const mine = await host.call('nexus_safety', { sessionId: sid });
    expect(mine.safetyCode).toBe((await cli('safety', sid)).safetyCode);
    // What the server holds: envelopes only.
    const raw = await fetch(`${hub.nexusUrl}/v1/sessions/${sid}/messages`, { headers: { 'x-agent-id': 'peer', 'x-session-key': await keyOf(env.NEXUS_STATE_DIR, sid) } });
    const body = await raw.text();
    expect(body).not.toContain('walrus');
    expect(body).not.toContain('sealed hello');
    // nexus_poll gives the agent plaintext too.
    const polled = await host.call('nexus_poll', { sessionId: sid, after: '0' });
    expect((polled.messages as J[]).map((m) => m.text)).toContain('Secret: the walrus is purple');
  });
});

async function keyOf(stateDir: string, sid: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  return (await readFile(join(stateDir, 'nexus', 'sessions', sid, 'key'), 'utf8')).trim();
}
