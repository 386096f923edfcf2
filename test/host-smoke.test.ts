/**
 * Smoke test of the real-host harness (test/host/): the real OpenClaw gateway starts with this
 * package installed as a plugin from a clean copy, `openclaw agent --agent main --json` runs a
 * turn against the scripted model, the model finds the plugin tool `opennexus_whoami` through
 * the deferred tool path (tool_search, then tool_call) and the next request carries its result.
 * In CI the suite fails when the host cannot run; elsewhere it is skipped with the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHost, PACKAGE_ROOT, startGateway, taggedPids, type Gateway } from './host/gateway.ts';
import { deferredCall, lastUserText, startScriptedModel, toolNames, toolResults, toolSearch, type ChatRequest, type ScriptedModel } from './host/model.ts';

const host = await checkHost();

describe.skipIf(host.skip)('real OpenClaw host: harness smoke', () => {
  let model: ScriptedModel;
  let gw: Gateway;

  beforeAll(async () => {
    if (!host.ok) throw new Error(`the OpenClaw host cannot run: ${host.reason}`);
    model = await startScriptedModel();
    gw = await startGateway({
      modelBaseUrl: model.baseUrl,
      pluginDir: PACKAGE_ROOT,
      // Servers on a closed loopback port: the plugin never reaches the network.
      pluginConfig: { messengerUrl: 'http://127.0.0.1:9', nexusUrl: 'http://127.0.0.1:9', opennexus: false },
    });
    await gw.logs.waitForLog(/\[gateway\] ready/, 10_000);
    console.info(`[host-smoke] ${host.paths?.version}: gateway ready in ${gw.startTimes[0]} ms (pid ${gw.pid}, port ${gw.port})`);
  }, 240_000);

  afterAll(async () => {
    const id = gw?.id;
    await gw?.dispose();
    await model?.close();
    if (id) expect(taggedPids(id)).toEqual([]);
  }, 60_000);

  it('loads the plugin with its tools', async () => {
    const report = await gw.inspectPlugin();
    expect(report.plugin).toMatchObject({ id: 'agent-messaging', status: 'loaded', enabled: true });
    expect(report.plugin.toolNames).toEqual(expect.arrayContaining(['opennexus_whoami', 'nexus_send']));
  }, 60_000);

  it('runs a turn in which the model calls opennexus_whoami through tool_search and tool_call', async () => {
    const first = model.requests.length;
    let searchHitId = '';
    let publicKey = '';
    model.script.push(
      // 1. The model searches the deferred catalog.
      { toolCalls: [toolSearch('opennexus whoami public key')] },
      // 2. It calls the hit through tool_call with the id the search returned.
      (req) => {
        const hits = JSON.parse(toolResults(req).at(-1)!.text) as { id: string; name: string }[];
        searchHitId = hits.find((h) => h.name === 'opennexus_whoami')?.id ?? 'opennexus_whoami';
        return { toolCalls: [deferredCall(searchHitId, { create: true })] };
      },
      // 3. It answers with the public key from the tool result.
      (req) => {
        const envelope = JSON.parse(toolResults(req).at(-1)!.text) as { result: { details: { public_key: string } } };
        publicKey = envelope.result.details.public_key;
        return { text: `my public key is ${publicKey}` };
      },
    );
    const started = Date.now();
    const turn = gw.agent('hello');
    // Generous for a cold first turn on a busy 2-core machine (about 6-10 s here).
    const asked: ChatRequest = await model.waitForRequest((r) => /^\[[^\]]+\] hello(\n|$)/.test(lastUserText(r)), 60_000, { from: first });
    const result = await turn;
    const ms = Date.now() - started;
    console.info(`[host-smoke] turn took ${ms} ms, ${model.requests.length - first} model requests`);

    // The model received the message, with plugin tools deferred behind Tool Search.
    const offered = toolNames(asked);
    expect(offered).toEqual(expect.arrayContaining(['tool_search', 'tool_describe', 'tool_call']));
    expect(offered).not.toContain('opennexus_whoami');
    expect(asked.messages[0]?.role).toBe('system');
    expect(JSON.stringify(asked.messages[0]?.content)).toContain('opennexus_whoami');

    // tool_search found the tool; tool_call ran it; the next request carried the result.
    const reqs = model.requests.slice(first);
    expect(reqs.length).toBe(3);
    expect(searchHitId).toBe('openclaw:agent-messaging:opennexus_whoami');
    const afterSearch = toolResults(reqs[1]!).at(-1)!;
    expect(afterSearch.name).toBe('tool_search');
    const afterCall = toolResults(reqs[2]!).at(-1)!;
    expect(afterCall.name).toBe('tool_call');
    const envelope = JSON.parse(afterCall.text);
    expect(envelope.tool).toMatchObject({ id: 'openclaw:agent-messaging:opennexus_whoami', name: 'opennexus_whoami' });
    expect(envelope.result.details).toMatchObject({ public_key: expect.any(String), messenger_url: 'http://127.0.0.1:9' });
    expect(publicKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);

    // The command's JSON carries the final answer.
    expect(result.cli.exitCode).toBe(0);
    expect(result.json.status).toBe('ok');
    expect(result.text).toBe(`my public key is ${publicKey}`);
    expect(result.json.result.meta.agentMeta.sessionFile ?? '').toBe('agent:main:main');

    // The model was only asked for chat completions (no side requests that would shift a script).
    expect(model.exchanges.filter((e) => !e.path.endsWith('/chat/completions')).map((e) => `${e.method} ${e.path}`)).toEqual([]);

    // Nothing but loopback: whatever the host tried elsewhere was refused by the guard.
    const attempts = gw.networkAttempts();
    if (attempts.length) console.info(`[host-smoke] refused non-loopback attempts: ${[...new Set(attempts)].join(', ')}`);
    expect(attempts.filter((a) => a.includes('opennexus'))).toEqual([]);
  }, 180_000);

  it('restarts on the same state dir and port, keeping the main session', async () => {
    const before = gw.pid;
    await gw.restart();
    expect(gw.pid).not.toBe(before);
    console.info(`[host-smoke] restart: ready in ${gw.startTimes.at(-1)} ms`);
    const first = model.requests.length;
    model.script.push({ text: 'back again' });
    const turn = await gw.agent('after the restart');
    expect(turn.text).toBe('back again');
    const req = await model.waitForRequest('after the restart', 10_000, { from: first });
    // The same session (agent:main:main): the earlier turn is in the history.
    expect(req.messages.some((m) => m.role === 'assistant' && JSON.stringify(m.content).includes('my public key is'))).toBe(true);
  }, 180_000);
});
