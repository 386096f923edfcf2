/**
 * Two of our plugin agents, each in its own REAL OpenClaw gateway with its own scripted model,
 * talk to each other through the channel (issue 18, scenario f): a 3-round conversation over
 * NexusMessaging (a session one made with the tools and the other claimed by its link) and over
 * OpenNexus (keys made with the tools; the first message waits for the receiving owner's
 * approval); then an endless ping-pong is stopped by the host's bot-pair loop protection, and
 * the owner is told. What each model received is asserted, and nothing more than that arrives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub } from '../src/hub.ts';
import { checkHost, PACKAGE_ROOT, startGateway, taggedPids, type Gateway } from './host/gateway.ts';
import { callTool, lastUserText, startScriptedModel, toolResults, type ChatRequest, type ScriptedModel } from './host/model.ts';

const host = await checkHost();
const INBOUND = 'Untrusted content from another AI agent follows';
const isInbound = (r: ChatRequest) => lastUserText(r).includes(INBOUND);
const quoted = (r: ChatRequest) => [...lastUserText(r).matchAll(/^> (.*)$/gm)].map((m) => m[1]!);
const details = (r: ChatRequest) => (JSON.parse(toolResults(r).at(-1)!.text) as { result: { details: Record<string, unknown> } }).result.details;
/** Every quoted line the model was shown in turns started by the other agent, in order, once per turn. */
const received = (m: ScriptedModel, re: RegExp) => [...new Set(m.requests.filter(isInbound).map((r) => quoted(r).filter((q) => re.test(q)).join('|')))].flatMap((s) => (s ? s.split('|') : []));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Side {
  name: string;
  model: ScriptedModel;
  gw: Gateway;
}

describe.skipIf(host.skip)('real OpenClaw host: two plugin agents in two gateways', () => {
  let hub: Awaited<ReturnType<typeof startHub>>;
  let alice: Side;
  let bob: Side;

  async function side(name: string): Promise<Side> {
    const model = await startScriptedModel();
    // Anything not scripted below (a greeting, say) is left unanswered, as a model would.
    model.script.setDefault({ text: 'NO_REPLY' });
    const gw = await startGateway({
      modelBaseUrl: model.baseUrl,
      pluginDir: PACKAGE_ROOT,
      pluginConfig: { nexusUrl: hub.nexusUrl, messengerUrl: hub.messengerUrl, agentId: name, autonomy: { default: 'open' } },
      // A small loop budget, so the endless ping-pong below ends within seconds.
      channelConfig: { 'agent-messaging': { botLoopProtection: { maxEventsPerWindow: 8, windowSeconds: 120, cooldownSeconds: 120 } } },
    });
    await gw.logs.waitForLog(/\[agent-messaging\] started/, 30_000);
    return { name, model, gw };
  }

  /**
   * Each side's model answers another agent's "<tag> N": bob "pong-<tag> N"; alice "<tag> N+1"
   * while N < rounds (then nothing). `rounds` Infinity: they never stop on their own.
   */
  function converse(tag: string, rounds: number) {
    const re = new RegExp(`^(pong-)?${tag} (\\d+)$`);
    bob.model.script.when((r) => isInbound(r) && quoted(r).some((q) => re.test(q) && !q.startsWith('pong-')), (r) => {
      const n = Math.max(...quoted(r).map((q) => re.exec(q)).filter((x) => x && !x[1]).map((x) => Number(x![2])));
      return { text: `pong-${tag} ${n}` };
    }, { times: Number.POSITIVE_INFINITY });
    alice.model.script.when((r) => isInbound(r) && quoted(r).some((q) => re.test(q) && q.startsWith('pong-')), (r) => {
      const n = Math.max(...quoted(r).map((q) => re.exec(q)).filter((x) => x && x[1]).map((x) => Number(x![2])));
      return { text: n < rounds ? `${tag} ${n + 1}` : 'NO_REPLY' };
    }, { times: Number.POSITIVE_INFINITY });
  }

  beforeAll(async () => {
    if (!host.ok) throw new Error(`the OpenClaw host cannot run: ${host.reason}`);
    hub = await startHub({ messengerPort: 0, nexusPort: 0, env: { RATE_LIMIT: '0', RATE_LIMIT_MAX: '100000' } });
    alice = await side('alice');
    bob = await side('bob');
  }, 300_000);

  afterAll(async () => {
    for (const s of [alice, bob]) {
      const id = s?.gw.id;
      await s?.gw.dispose();
      await s?.model.close();
      if (id) expect(taggedPids(id)).toEqual([]);
    }
    await hub?.close();
  }, 90_000);

  it('a 3-round conversation over NexusMessaging: alice creates and pairs, bob claims, both answer in their conversations', async () => {
    let link = '';
    alice.model.script.push(
      callTool('nexus_create', { greeting: 'Hello from alice' }),
      (req) => ({ toolCalls: [{ name: 'tool_call', arguments: { id: 'nexus_pair', args: { sessionId: String(details(req).sessionId) } } }] }),
      (req) => ({ text: `link: ${(link = String(details(req).url))}` }),
    );
    await alice.gw.agent('Start a NexusMessaging session with bob.');
    bob.model.script.push(callTool('nexus_claim', { codeOrLink: link }), (req) => ({ text: `joined ${String(details(req).sessionId)}` }));
    const joined = await bob.gw.agent(`Join this session: ${link}`);
    const sid = /joined (\S+)/.exec(joined.text)![1]!;
    converse('nx', 3);
    // alice writes first, with the host's message tool through the channel's outbound side
    const sent = await alice.gw.cli(['message', 'send', '--channel', 'agent-messaging', '--target', `nexus:${sid}`, '--message', 'nx 1']);
    expect(sent.exitCode, sent.stderr + sent.stdout).toBe(0);
    await alice.model.waitForRequest((r) => isInbound(r) && quoted(r).includes('pong-nx 3'), 60_000);
    await sleep(3_000);
    expect(received(bob.model, /^nx \d+$/)).toEqual(['nx 1', 'nx 2', 'nx 3']);
    expect(received(alice.model, /^pong-nx \d+$/)).toEqual(['pong-nx 1', 'pong-nx 2', 'pong-nx 3']);
    // alice's last turn ended with no answer (NO_REPLY); the host's error notice for it stayed home.
    expect(alice.gw.logs.text()).toMatch(/a host notice was not sent to the other agent/);
    expect(bob.model.requests.filter(isInbound).some((r) => quoted(r).some((q) => q.includes('⚠️')))).toBe(false);
  }, 240_000);

  it('a 3-round conversation over OpenNexus: the first message waits for bob\'s owner to approve alice, then both answer', async () => {
    const keys: Record<string, string> = {};
    for (const s of [alice, bob]) {
      s.model.script.push(callTool('opennexus_whoami', { create: true }), (req) => ({ text: `key ${(keys[s.name] = String(details(req).public_key))}` }));
      await s.gw.agent('Make your OpenNexus keys.');
      await s.gw.logs.waitForLog(/following the OpenNexus stream/, 10_000);
    }
    converse('on', 3);
    alice.model.script.push(callTool('opennexus_send', { to: keys.bob, message: 'on 1', messengerUrl: hub.messengerUrl }), { text: 'sent' });
    await alice.gw.agent('Say "on 1" to bob over OpenNexus.');
    let requests: { code: string }[] = [];
    for (const deadline = Date.now() + 30_000; !requests.length && Date.now() < deadline; await sleep(500)) {
      requests = (JSON.parse((await bob.gw.cli(['pairing', 'list', 'agent-messaging', '--json'])).stdout) as { requests: { code: string }[] }).requests;
    }
    expect(requests).toHaveLength(1);
    expect(received(bob.model, /^on \d+$/)).toEqual([]);
    expect((await bob.gw.cli(['pairing', 'approve', 'agent-messaging', requests[0]!.code])).exitCode).toBe(0);
    await alice.model.waitForRequest((r) => isInbound(r) && quoted(r).includes('pong-on 3'), 90_000);
    await sleep(3_000);
    expect(received(bob.model, /^on \d+$/)).toEqual(['on 1', 'on 2', 'on 3']);
    expect(received(alice.model, /^pong-on \d+$/)).toEqual(['pong-on 1', 'pong-on 2', 'pong-on 3']);
    expect(alice.gw.logs.text()).not.toMatch(/pairing request from OpenNexus agent/); // alice wrote first: bob's answers need no approval
  }, 240_000);

  it('an endless ping-pong is stopped by the bot-pair loop protection, and the owner is told', async () => {
    alice.model.script.push(callTool('nexus_create', {}), (req) => ({ toolCalls: [{ name: 'tool_call', arguments: { id: 'nexus_pair', args: { sessionId: String(details(req).sessionId) } } }] }), (req) => ({ text: `link: ${String(details(req).url)}` }));
    const link = /link: (\S+)/.exec((await alice.gw.agent('Another session, please.')).text)![1]!;
    bob.model.script.push(callTool('nexus_claim', { codeOrLink: link }), (req) => ({ text: `joined ${String(details(req).sessionId)}` }));
    const sid = /joined (\S+)/.exec((await bob.gw.agent(`Join: ${link}`)).text)![1]!;
    converse('loop', Number.POSITIVE_INFINITY);
    expect((await alice.gw.cli(['message', 'send', '--channel', 'agent-messaging', '--target', `nexus:${sid}`, '--message', 'loop 1'])).exitCode).toBe(0);
    await Promise.race([alice.gw.logs.waitForLog(/paused by loop protection/, 120_000), bob.gw.logs.waitForLog(/paused by loop protection/, 120_000)]);
    const count = () => received(bob.model, /^loop \d+$/).length + received(alice.model, /^pong-loop \d+$/).length;
    const atPause = count();
    await sleep(10_000);
    expect(count()).toBe(atPause); // nothing more went back and forth
    expect(atPause).toBeLessThanOrEqual(2 * 9);
    expect(atPause).toBeGreaterThanOrEqual(4);
  }, 240_000);
});
