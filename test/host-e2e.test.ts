/**
 * An end-to-end encrypted NexusMessaging session in the REAL OpenClaw host (issue 21 acceptance
 * 5): in a turn the scripted model creates the session with nexus_create {e2e: true} and a link
 * with nexus_pair (the key after #); a CLI agent claims the whole link and writes; the plaintext
 * reaches the model, the agent's answer reaches the CLI agent opened, both compute the same safety
 * code, and the server holds only envelopes. In CI this fails when the host cannot start.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub } from '../src/hub.ts';
import { ROOT } from './helpers/cli.ts';
import { checkHost, PACKAGE_ROOT, startGateway, taggedPids, type Gateway } from './host/gateway.ts';
import { callTool, lastUserText, startScriptedModel, toolResults, type ChatRequest, type ScriptedModel } from './host/model.ts';

const host = await checkHost();
/** A `logging.redactPatterns` rule (flags: case-sensitive) that masks 4 link keys in 10. */
const MASK_HALF = '/#k=([A-Ma-m][A-Za-z0-9_-]{42})/g';
const INBOUND = 'Untrusted content from another AI agent follows';
const isInbound = (r: ChatRequest) => lastUserText(r).includes(INBOUND);
const quoted = (r: ChatRequest) => [...lastUserText(r).matchAll(/^> (.*)$/gm)].map((m) => m[1]!);
const details = (r: ChatRequest) => (JSON.parse(toolResults(r).at(-1)!.text) as { result: { details: Record<string, unknown> } }).result.details;

describe.skipIf(host.skip)('real OpenClaw host: an end-to-end encrypted session', () => {
  let hub: Awaited<ReturnType<typeof startHub>>;
  let model: ScriptedModel;
  let gw: Gateway;
  const peerDir = mkdtempSync(join(tmpdir(), 'host-e2e-peer-'));
  const cli = async (args: string[]) => {
    const r = await execa('node', [join(ROOT, 'scripts', 'nexus.mjs'), ...args], { env: { NEXUS_STATE_DIR: peerDir, NEXUS_URL: hub.nexusUrl }, reject: false, timeout: 60_000 });
    return { code: r.exitCode, json: JSON.parse(r.stdout) as Record<string, any>, stderr: r.stderr }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  beforeAll(async () => {
    if (!host.ok) throw new Error(`the OpenClaw host cannot run: ${host.reason}`);
    hub = await startHub({ messengerPort: 0, nexusPort: 0, env: { RATE_LIMIT: '0', RATE_LIMIT_MAX: '100000' } });
    model = await startScriptedModel();
    model.script.when((r) => isInbound(r) && quoted(r).some((q) => q.includes('the owl flies at midnight')), () => ({ text: 'ANSWER: the owl is noted' }), { times: Number.POSITIVE_INFINITY });
    model.script.setDefault({ text: 'NO_REPLY' });
    gw = await startGateway({
      modelBaseUrl: model.baseUrl,
      pluginDir: PACKAGE_ROOT,
      pluginConfig: { nexusUrl: hub.nexusUrl, messengerUrl: hub.messengerUrl, agentId: 'claw', autonomy: { default: 'open' } },
      // The host masks tokens in tool results; this owner's rule also masks every link key that
      // starts with A..M or a..m (4 in 10). The plugin must choose a key the model sees whole.
      config: { logging: { redactPatterns: [MASK_HALF] } },
    });
    await gw.logs.waitForLog(/\[agent-messaging\] started/, 30_000);
  }, 240_000);

  afterAll(async () => {
    const id = gw?.id;
    await gw?.dispose();
    await model?.close();
    await hub?.close();
    if (id) expect(taggedPids(id)).toEqual([]);
  }, 60_000);

  it('nexus_create {e2e: true} in a turn; a CLI agent claims the whole link; the plaintext reaches the model and the answer comes back', async () => {
    let link = '';
    let sid = '';
    model.script.push(
      callTool('nexus_create', { greeting: 'Sealed hello from claw', e2e: true }),
      (req, i) => {
        sid = String(details(req).sessionId);
        const pair = callTool('nexus_pair', { sessionId: sid });
        return typeof pair === 'function' ? pair(req, i) : pair;
      },
      (req) => {
        link = String(details(req).url);
        return { text: `Give the WHOLE link to the other side: ${link}` };
      },
    );
    const turn = await gw.agent('Open an end-to-end encrypted NexusMessaging session and give me a pairing link.');
    // Whole, and none of the keys the owner's rule masks (plugin-link-redaction.test.ts).
    expect(link).toMatch(/#k=[N-Zn-z0-9_-][A-Za-z0-9_-]{42}$/);
    expect(turn.text).toContain(link);

    const noKey = await cli(['claim', link.split('#')[0]!, '--agent-id', 'peer']);
    expect([noKey.code, noKey.json.error]).toEqual([2, 'e2e_no_key']);
    const claimed = await cli(['claim', link, '--agent-id', 'peer']);
    expect([claimed.code, claimed.json.e2e], claimed.stderr).toEqual([0, true]);
    expect((await cli(['poll', sid])).json.messages[0].text).toBe('Sealed hello from claw');

    const from = model.requests.length;
    expect((await cli(['send', sid, 'the owl flies at midnight'])).code).toBe(0);
    const got = await model.waitForRequest((r) => isInbound(r) && quoted(r).includes('the owl flies at midnight'), 15_000, { from });
    expect(lastUserText(got)).not.toContain('e2e1.');

    const answers = async () => ((await cli(['poll', sid, '--after', '0'])).json.messages as { agentId: string; text?: string }[]).filter((m) => m.agentId === 'claw').map((m) => m.text);
    const deadline = Date.now() + 20_000;
    while (!(await answers()).includes('ANSWER: the owl is noted') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 300));
    expect(await answers()).toContain('ANSWER: the owl is noted');

    // The server holds envelopes only.
    const key = readFileSync(join(peerDir, 'nexus', 'sessions', sid, 'key'), 'utf8').trim();
    const raw = await (await fetch(`${hub.nexusUrl}/v1/sessions/${sid}/messages`, { headers: { 'x-agent-id': 'peer', 'x-session-key': key } })).text();
    for (const plain of ['owl', 'Sealed hello']) expect(raw).not.toContain(plain);
    const peerCode = (await cli(['safety', sid])).json.safetyCode;
    expect(peerCode).toMatch(/^\d{4} \d{4} \d{4}$/);
  }, 200_000);
});
