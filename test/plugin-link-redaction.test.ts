// The key in an end-to-end pairing link must reach the model whole. OpenClaw masks what looks like
// a token in every tool result before the model sees it; its AWS-secret rule alone matches about
// 1 link key in 100 (40 base64 characters in a row), and the model then hands its human a broken
// link. nexus_create draws keys until the host's own redaction leaves the link as it is
// (Messaging.secretFits); nexus_pair refuses to show a link the host would mask.
// Part 1 with a stand-in redactor, part 2 with the real host's redaction functions (the
// installed OpenClaw package; in CI this fails when it is missing). The gateway run of the same
// is test/host-e2e.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub } from '../src/hub.ts';
import { encodeSecret } from '../src/nexus/e2e.ts';
import { newSecret } from '../src/nexus/e2e-client.ts';
import { linkWithSecret } from '../src/nexus/pairing-link.ts';
import { pluginSettings } from '../src/plugin/config.ts';
import { Messaging } from '../src/plugin/messaging.ts';
import { hostRedactor, type Redactor } from '../src/plugin/sdk.ts';
import { agentTools } from '../src/plugin/tools.ts';
import { tempDir } from './helpers/agents.ts';
import { checkHost } from './host/gateway.ts';

type J = Record<string, unknown>;
let hub: Awaited<ReturnType<typeof startHub>>;
beforeAll(async () => {
  hub = await startHub({ messengerPort: 0, nexusPort: 0, env: { RATE_LIMIT: '0', RATE_LIMIT_MAX: '100000' } });
});
afterAll(() => hub.close());

/** The plugin's tools over one Messaging whose host redaction is `redact`. */
function tools(redact: Redactor | null) {
  const m = new Messaging(pluginSettings({ nexusUrl: hub.nexusUrl, messengerUrl: hub.messengerUrl, agentId: 'claw' }, tempDir('link-redaction-')), async () => redact);
  const byName = new Map(agentTools(m).map((t) => [t.name, t]));
  let call = 0;
  return {
    m,
    run: async (name: string, p: J) => (await byName.get(name)!.execute(`c${++call}`, p)).details as J,
  };
}

const keyOf = (link: string) => link.slice(link.indexOf('#k=') + 3);

describe('pairing links the host would mask', () => {
  // Masks a key that starts with A..M or a..m (26 of 64 first characters: 4 keys in 10).
  const halfMask: Redactor = (t) => t.replace(/#k=([A-Ma-m])[A-Za-z0-9_-]{42}/g, '#k=$1…');

  it('nexus_create {e2e: true} only keeps keys whose link the host shows whole; nexus_pair hands that link', async () => {
    const t = tools(halfMask);
    for (let i = 0; i < 12; i++) {
      const created = await t.run('nexus_create', { e2e: true });
      const pair = await t.run('nexus_pair', { sessionId: String(created.sessionId) });
      const link = String(pair.url);
      expect(link).toMatch(/#k=[N-Zn-z0-9_-][A-Za-z0-9_-]{42}$/);
      expect(halfMask(link)).toBe(link);
    }
  });

  it('a session whose saved key the host masks: nexus_pair refuses with what to do, never shows the broken link', async () => {
    const t = tools(null);
    let sid = '';
    for (let i = 0; i < 40 && !sid; i++) {
      const created = await t.run('nexus_create', { e2e: true });
      const link = String((await t.run('nexus_pair', { sessionId: String(created.sessionId) })).url);
      if (halfMask(link) !== link) sid = String(created.sessionId);
    }
    expect(sid, 'no masked key in 40 sessions (chance 1 in 10^9)').not.toBe('');
    // The same state dir: a second Messaging over the first one's sessions.
    const again = new Messaging(t.m.settings, async () => halfMask);
    const pairTool = agentTools(again).find((x) => x.name === 'nexus_pair')!;
    await expect(pairTool.execute('c', { sessionId: sid })).rejects.toMatchObject({ code: 'e2e_link_masked', message: expect.stringContaining('nexus_close') });
  });

  it('a host that masks the server\'s links whatever the key: nexus_pair says so (no new key would help)', async () => {
    const t = tools(null);
    const sid = String((await t.run('nexus_create', { e2e: true })).sessionId);
    const again = new Messaging(t.m.settings, async () => (s: string) => s.replace(/http:\/\/127\.0\.0\.1:\d+\/p\/[^"#\s]+#k=[A-Za-z0-9_-]+/g, '***'));
    const pairTool = agentTools(again).find((x) => x.name === 'nexus_pair')!;
    await expect(pairTool.execute('c', { sessionId: sid })).rejects.toMatchObject({ code: 'link_masked_by_host' });
  });

  it('a host that masks every key: nexus_create says so and creates nothing', async () => {
    const t = tools((s) => s.replace(/#k=[A-Za-z0-9_-]+/g, '#k=***'));
    const before = await t.m.nexusState.list();
    await expect(t.run('nexus_create', { e2e: true })).rejects.toMatchObject({ code: 'e2e_key_unusable' });
    expect(await t.m.nexusState.list()).toEqual(before);
    // Sessions without a key are not affected.
    expect((await t.run('nexus_create', {})).sessionId).toEqual(expect.any(String));
  });
});

const host = await checkHost();

describe.skipIf(host.skip)('the real host redaction (OpenClaw package)', () => {
  let toolPayload: Redactor;
  let modelVisible: Redactor;
  beforeAll(async () => {
    if (!host.ok) throw new Error(`the OpenClaw host cannot run: ${host.reason}`);
    const dist = join(host.paths!.cacheDir, 'node_modules', 'openclaw', 'dist');
    // What the plugin loads (sdk.ts loadHostRedactor)...
    toolPayload = hostRedactor((await import(pathToFileURL(join(dist, 'plugin-sdk', 'logging-core.js')).href)) as Record<string, unknown>)!;
    // ...and what the host applies to a tool result before the model sees it (an internal
    // chunk of the pinned version: found by its function name, called by its export letter).
    const chunk = readdirSync(dist).find((f) => /^redact-.*\.mjs$/.test(f) && readFileSync(join(dist, f), 'utf8').includes('function redactModelVisibleToolPayloadText('))!;
    const letter = /redactModelVisibleToolPayloadText as (\w+)\b/.exec(readFileSync(join(dist, chunk), 'utf8'))![1]!;
    modelVisible = ((await import(pathToFileURL(join(dist, chunk)).href)) as Record<string, Redactor>)[letter]!;
  });

  const sample = (secret: string) => linkWithSecret('http://127.0.0.1:4000/p/APPLE-BANANA-7K2QX', secret);
  const shown = (r: Redactor, secret: string) => {
    const text = JSON.stringify({ url: sample(secret), e2e: true });
    return r(text) === text;
  };

  it('the host\'s field rules count too: a key that looks like an app password does not fit', async () => {
    const m = new Messaging(pluginSettings({ nexusUrl: 'http://127.0.0.1:4000', agentId: 'claw' }, tempDir('link-redaction-host-')), async () => toolPayload);
    const fits = await m.secretFits();
    expect(fits('abcd-efgh-ijkl-mnop-Q7xZ2vR9tK4wB8nY3pL6hJA')).toBe(false);
    expect(fits('Q7xZ2vR9tK4wB8nY3pL6hJA-abcd_efgh_ijkl_mno')).toBe(true);
  });

  it('masks some random keys (the defect is real): about 1 in 100', () => {
    let masked = 0;
    for (let i = 0; i < 3000; i++) if (!shown(modelVisible, encodeSecret(crypto.getRandomValues(new Uint8Array(32))))) masked++;
    expect(masked).toBeGreaterThan(5);
  });

  it('never masks a key chosen with the plugin\'s rule (3000 keys)', async () => {
    const m = new Messaging(pluginSettings({ nexusUrl: 'http://127.0.0.1:4000', agentId: 'claw' }, tempDir('link-redaction-host-')), async () => toolPayload);
    const fits = await m.secretFits();
    for (let i = 0; i < 3000; i++) {
      const secret = newSecret(fits);
      expect(shown(modelVisible, secret), sample(secret)).toBe(true);
      expect(modelVisible(sample(secret))).toBe(sample(secret));
      expect(keyOf(sample(secret))).toBe(secret);
    }
  });
});
