/**
 * The channel in the REAL OpenClaw host (openclaw 2026.9.6 on Node 24, test/host/): a gateway
 * with this package installed from a clean copy, a scripted model, the in-process hub, and the
 * other side played by our built CLIs. Each scenario asserts what the model received and what
 * the peer received (issue 18, "Tested in the real host"):
 *   a. a turn creates a session and a pairing link with the tools; the CLI peer claims; its
 *      first message reaches the model within 10 s, the answer reaches the peer;
 *   b. a second message 4 s later and a third 35 s later each within 10 s;
 *   c. a burst of 40: all reach the model, none twice;
 *   d. a message sent just before SIGTERM reaches the model after the restart, once;
 *   e. keys made by a tool; an unknown OpenNexus key waits as a pairing request and arrives
 *      within 10 s of approval; the approved peer's next message needs none; no owner made.
 * Two gateways talking to each other (f): test/host-two-agents.test.ts.
 * In CI these fail when the host cannot start; elsewhere they are skipped with the reason.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub } from '../src/hub.ts';
import { ROOT } from './helpers/cli.ts';
import { checkHost, PACKAGE_ROOT, startGateway, taggedPids, type Gateway } from './host/gateway.ts';
import { callTool, lastUserText, requestText, startScriptedModel, toolResults, type ChatRequest, type ScriptedModel } from './host/model.ts';

const host = await checkHost();
const INBOUND = 'Untrusted content from another AI agent follows';
const FAILING = 'the model fails on this one';
const isInbound = (r: ChatRequest) => lastUserText(r).includes(INBOUND);
/** The quoted lines of the inbound message a request answers. */
const quoted = (r: ChatRequest) => [...lastUserText(r).matchAll(/^> (.*)$/gm)].map((m) => m[1]!);
const details = (r: ChatRequest) => (JSON.parse(toolResults(r).at(-1)!.text) as { result: { details: Record<string, unknown> } }).result.details;

/** How often each text was shown to the model as a message from another agent (every user message of every request, deduplicated per request). */
function deliveries(model: ScriptedModel, text: string): number {
  // The last request of the session holds the whole transcript: count the user messages quoting the text.
  const last = [...model.requests].reverse().find((r) => r.messages.some((m) => m.role === 'user' && JSON.stringify(m.content).includes(INBOUND)));
  if (!last) return 0;
  return last.messages.filter((m) => m.role === 'user' && JSON.stringify(m.content).includes(`> ${text}\\n`)).length;
}

describe.skipIf(host.skip)('real OpenClaw host: the agent-messaging channel', () => {
  let hub: Awaited<ReturnType<typeof startHub>>;
  let model: ScriptedModel;
  let gw: Gateway;
  const peerDir = mkdtempSync(join(tmpdir(), 'host-peer-'));
  const cli = (bin: 'nexus' | 'opennexus', args: string[]) =>
    execa('node', [join(ROOT, 'scripts', `${bin}.mjs`), ...args], { env: { NEXUS_STATE_DIR: peerDir, MESSENGER_URL: hub.messengerUrl, NEXUS_URL: hub.nexusUrl }, reject: false, timeout: 60_000 });
  let sid = '';

  beforeAll(async () => {
    if (!host.ok) throw new Error(`the OpenClaw host cannot run: ${host.reason}`);
    hub = await startHub({ messengerPort: 0, nexusPort: 0, env: { RATE_LIMIT: '0', RATE_LIMIT_MAX: '100000' } });
    model = await startScriptedModel();
    // Every turn started by another agent's message is answered "ANSWER: <its last quoted line>".
    // (The failing-model test scripts its own message: this rule, registered first, leaves it alone.)
    model.script.when((r) => isInbound(r) && !quoted(r).includes(FAILING), (req) => ({ text: `ANSWER: ${quoted(req).at(-1) ?? ''}` }), { times: Number.POSITIVE_INFINITY });
    gw = await startGateway({
      modelBaseUrl: model.baseUrl,
      pluginDir: PACKAGE_ROOT,
      pluginConfig: { nexusUrl: hub.nexusUrl, messengerUrl: hub.messengerUrl, agentId: 'claw', autonomy: { default: 'open' } },
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

  it('shows the channel as running and connected', async () => {
    const r = await gw.cli(['channels', 'status', '--json']);
    const status = JSON.parse(r.stdout) as { channelAccounts: Record<string, { running: boolean; connected: boolean }[]> };
    expect(status.channelAccounts['agent-messaging']?.[0]).toMatchObject({ running: true, connected: true });
    // The package name and the plugin id agree: no warning about them on every command.
    expect(`${await gw.logs.fileText()}${r.stderr}`).not.toMatch(/differs from npm package name/);
  }, 60_000);

  it('a. a session made by the tools in a turn: the peer claims, its first message reaches the model within 10 s, the answer reaches the peer', async () => {
    let link = '';
    model.script.push(
      callTool('nexus_create', { greeting: 'Hi, shall we plan the trip?' }),
      (req) => ({ toolCalls: [{ name: "tool_call", arguments: { id: "nexus_pair", args: { sessionId: String(details(req).sessionId) } } }] }),
      (req) => {
        link = String(details(req).url);
        return { text: `Give this link to the other side: ${link}` };
      },
    );
    const turn = await gw.agent('Open a NexusMessaging session and give me a pairing link.');
    expect(turn.text).toContain(link);
    const claimed = await cli('nexus', ['claim', link, '--agent-id', 'peer']);
    expect(claimed.exitCode, claimed.stderr).toBe(0);
    sid = String(JSON.parse(claimed.stdout).sessionId);
    const from = model.requests.length;
    const t = Date.now();
    expect((await cli('nexus', ['send', sid, 'hello from the peer'])).exitCode).toBe(0);
    const first = await model.waitForRequest((r) => isInbound(r) && quoted(r).includes('hello from the peer'), 10_000, { from }).catch((e: Error) => {
      throw new Error(`${e.message}\n${gw.logs.text().split('\n').filter((l) => /agent-messaging/.test(l)).slice(-30).join('\n')}`);
    });
    // In a session of its own, not the owner's main session (the host's default for direct messages).
    expect(requestText(first)).toMatch(/session=agent:main:agent-messaging:/);
    expect(requestText(first)).not.toContain('session=agent:main:main');
    console.info(`[host-channel] a: first message -> model request in ${Date.now() - t} ms`);
    const polled = async () => (JSON.parse((await cli('nexus', ['poll', sid, '--after', '0'])).stdout).messages as { agentId: string; text: string }[]).filter((m) => m.agentId === 'claw').map((m) => m.text);
    const deadline = Date.now() + 15_000;
    while (!(await polled()).includes('ANSWER: hello from the peer') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 300));
    expect(await polled()).toContain('ANSWER: hello from the peer');
    // channels status shows the traffic
    const status = JSON.parse((await gw.cli(['channels', 'status', '--json'])).stdout) as { channelAccounts: Record<string, { lastInboundAt: unknown; lastOutboundAt: unknown }[]> };
    expect(status.channelAccounts['agent-messaging']?.[0]).toMatchObject({ lastInboundAt: expect.any(Number), lastOutboundAt: expect.any(Number) });
  }, 180_000);

  it('b. a second message 4 s later and a third 35 s later each reach the model within 10 s', async () => {
    for (const [pauseMs, text] of [[4_000, 'second, 4 s later'], [35_000, 'third, 35 s later']] as const) {
      await new Promise((r) => setTimeout(r, pauseMs));
      const from = model.requests.length;
      const t = Date.now();
      expect((await cli('nexus', ['send', sid, text])).exitCode).toBe(0);
      await model.waitForRequest((r) => isInbound(r) && quoted(r).includes(text), 10_000, { from });
      console.info(`[host-channel] b: "${text}" -> model request in ${Date.now() - t} ms`);
    }
  }, 120_000);

  it('a turn the host ends with an error (the model failing) is run again; its error notice never reaches the peer', async () => {
    const failing = (r: ChatRequest) => isInbound(r) && quoted(r).includes('the model fails on this one');
    // The model fails until the host gives up on the turn (its own retries: up to 1 + 8 requests,
    // random back-off), so the answer can only come from the channel running the turn again.
    const hostGaveUp = () => /the host ended the turn with an error/.test(gw.logs.text());
    let failures = 0;
    model.script.when(failing, () => (hostGaveUp() ? { text: 'ANSWER: the model fails on this one' } : (failures++, { error: { status: 500, message: 'scripted failure' } })), { times: Number.POSITIVE_INFINITY });
    expect((await cli('nexus', ['send', sid, 'the model fails on this one'])).exitCode).toBe(0);
    const answers = async () => (JSON.parse((await cli('nexus', ['poll', sid, '--after', '0'])).stdout).messages as { agentId: string; text: string }[]).filter((m) => m.agentId === 'claw').map((m) => m.text);
    const deadline = Date.now() + 150_000; // the host itself retries a failing model for ~80 s
    while (!(await answers()).includes('ANSWER: the model fails on this one') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    expect(await answers()).toContain('ANSWER: the model fails on this one');
    expect((await answers()).some((t) => t.includes('⚠️'))).toBe(false);
    expect(failures).toBeGreaterThan(1); // the host's own retries failed (how many varies: it also has a time budget)
    expect(hostGaveUp()).toBe(true); // and the channel ran the turn again
    console.info(`[host-channel] model requests failed before the answer: ${failures}`);
  }, 180_000);

  it('c. a burst of 40 messages: all 40 reach the model, none twice', async () => {
    const t = Date.now();
    for (let i = 0; i < 40; i++) expect((await cli('nexus', ['send', sid, `burst ${i}`, '--idempotency-key', `burst-${i}`])).exitCode).toBe(0);
    const seen = new Set<number>();
    const deadline = Date.now() + 120_000;
    while (seen.size < 40 && Date.now() < deadline) {
      for (const r of model.requests) if (isInbound(r)) for (const q of quoted(r)) if (/^burst \d+$/.test(q)) seen.add(Number(q.slice(6)));
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(seen.size).toBe(40);
    console.info(`[host-channel] c: 40 messages reached the model in ${Date.now() - t} ms, in ${model.requests.filter((r) => isInbound(r) && quoted(r).some((q) => q.startsWith('burst'))).length} turns`);
    await gw.logs.waitForLog(/burst 39|handed to the agent/, 5_000).catch(() => {});
    for (let i = 0; i < 40; i++) expect(deliveries(model, `burst ${i}`), `burst ${i}`).toBe(1);
  }, 180_000);

  it('d. a message sent just before SIGTERM reaches the model after the restart, once', async () => {
    expect((await cli('nexus', ['send', sid, 'just before the stop'])).exitCode).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    await gw.stop();
    await gw.start();
    await model.waitForRequest((r) => isInbound(r) && quoted(r).includes('just before the stop'), 60_000);
    await gw.logs.waitForLog(/\[agent-messaging\] .*handed to the agent/, 30_000, { from: gw.logs.lines.length - 1 }).catch(() => {});
    // Later traffic still flows, and the message was shown once.
    const from = model.requests.length;
    expect((await cli('nexus', ['send', sid, 'after the restart'])).exitCode).toBe(0);
    await model.waitForRequest((r) => isInbound(r) && quoted(r).includes('after the restart'), 10_000, { from });
    expect(deliveries(model, 'just before the stop')).toBe(1);
  }, 240_000);

  it('e. an unknown OpenNexus key waits as a pairing request; approved, it arrives within 10 s; no command owner is made', async () => {
    model.script.push(callTool('opennexus_whoami', { create: true }), (req) => ({ text: `my key: ${String(details(req).public_key)}` }));
    const turn = await gw.agent('Make your OpenNexus keys and tell me your public key.');
    const agentKey = /my key: (\S+)/.exec(turn.text)![1]!;
    await gw.logs.waitForLog(/following the OpenNexus stream/, 10_000);
    expect((await cli('opennexus', ['generate-keys'])).exitCode).toBe(0);
    const from = model.requests.length;
    const sent = await cli('opennexus', ['send', '--to', agentKey, '--messenger-url', hub.messengerUrl, '--message', 'hello from a stranger', '--wait', '20', '--json']);
    expect(JSON.parse(sent.stdout).status, sent.stderr).toBe('sent');
    let requests: { code: string; id: string; meta?: Record<string, string> }[] = [];
    const deadline = Date.now() + 20_000;
    while (!requests.length && Date.now() < deadline) {
      requests = (JSON.parse((await gw.cli(['pairing', 'list', 'agent-messaging', '--json'])).stdout) as { requests: typeof requests }).requests;
    }
    expect(requests).toHaveLength(1);
    const peerId = JSON.parse((await cli('opennexus', ['whoami', '--json'])).stdout).agent_id as string;
    expect(requests[0]!.id).toBe(peerId);
    expect(requests[0]!.meta?.safetyNumber).toMatch(/^([0-9A-F]{5} ){7}[0-9A-F]{5}$/);
    expect(model.requests.slice(from).some((r) => isInbound(r))).toBe(false);
    const approved = await gw.cli(['pairing', 'approve', 'agent-messaging', requests[0]!.code]);
    expect(approved.exitCode, approved.stderr).toBe(0);
    const t = Date.now();
    await model.waitForRequest((r) => isInbound(r) && quoted(r).includes('hello from a stranger'), 10_000, { from });
    console.info(`[host-channel] e: approval -> model request in ${Date.now() - t} ms`);
    // The host's CLI made the first approved sender a command owner; the channel took it out again.
    const deadlineOwner = Date.now() + 10_000;
    let owners: unknown[] = ['x'];
    while (Date.now() < deadlineOwner && owners.some((o) => String(o).startsWith('agent-messaging:'))) {
      owners = ((await gw.readConfig()).commands?.ownerAllowFrom ?? []) as unknown[];
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(owners.filter((o) => String(o).startsWith('agent-messaging:'))).toEqual([]);
    const from2 = model.requests.length;
    expect((await cli('opennexus', ['send', '--to', agentKey, '--message', 'second, no approval needed', '--wait', '20'])).exitCode).toBe(0);
    await model.waitForRequest((r) => isInbound(r) && quoted(r).includes('second, no approval needed'), 15_000, { from: from2 });
    // The answer comes back end-to-end encrypted.
    const got = await cli('opennexus', ['stream', '--json', '--timeout', '10']);
    expect(got.stdout).toContain('ANSWER: hello from a stranger');
  }, 240_000);
});
