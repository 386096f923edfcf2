/**
 * The channel in the REAL OpenClaw host (test/host/ harness: a gateway with this package
 * installed, a scripted model): from a peer's NexusMessaging send to the model's request,
 * p50/p99 over 20 messages spaced 1-40 s apart, against the host's own path for a message, an
 * `openclaw agent --message` call to the same gateway (CLI start to model request), measured
 * in the same run; then sustained throughput: one message every 250 ms for a minute, how many
 * reached the model within that minute and how long the last one took. Loop protection is off
 * here (a sustained stream of 4 messages a second would trip it; that is what it is for).
 */
import { performance } from 'node:perf_hooks';
import { startHub } from '../src/hub.ts';
import { NexusClient } from '../src/nexus/client.ts';
import { hostAvailable, PACKAGE_ROOT, startGateway } from '../test/host/gateway.ts';
import { callTool, lastUserText, startScriptedModel, toolResults, type ChatRequest } from '../test/host/model.ts';
import { pct } from './stats.ts';

const INBOUND = 'Untrusted content from another AI agent follows';
const quoted = (r: ChatRequest) => (lastUserText(r).includes(INBOUND) ? [...lastUserText(r).matchAll(/^> (.*)$/gm)].map((m) => m[1]!) : []);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Spacing between the 20 latency messages (s): 1 to 40, 257 s in all. */
const GAPS = [1, 2, 3, 5, 8, 13, 21, 34, 40, 1, 2, 3, 5, 8, 13, 21, 34, 40, 1, 2];

export async function benchHostLatency(): Promise<void> {
  const available = await hostAvailable();
  if (!available.ok) return void console.log(`host          skipped: the OpenClaw host cannot run here (${available.reason})`);
  const hub = await startHub({ messengerPort: 0, nexusPort: 0, env: { RATE_LIMIT: '0', RATE_LIMIT_MAX: '100000000' } });
  const model = await startScriptedModel();
  model.script.when((r) => quoted(r).length > 0, { text: 'ok' }, { times: Number.POSITIVE_INFINITY });
  const gw = await startGateway({
    modelBaseUrl: model.baseUrl,
    pluginDir: PACKAGE_ROOT,
    pluginConfig: { nexusUrl: hub.nexusUrl, messengerUrl: hub.messengerUrl, agentId: 'claw', autonomy: { default: 'open' } },
    channelConfig: { 'agent-messaging': { botLoopProtection: { enabled: false } } },
  });
  try {
    await gw.logs.waitForLog(/\[agent-messaging\] started/, 30_000);
    // Baseline: the host's own path, `openclaw agent --message`, CLI start to model request.
    const base: number[] = [];
    for (let i = 0; i < 5; i++) {
      const from = model.requests.length;
      const t = performance.now();
      const turn = gw.agent(`baseline ${i}`);
      await model.waitForRequest((r) => lastUserText(r).includes(`baseline ${i}`), 60_000, { from });
      base.push(performance.now() - t);
      await turn;
    }
    model.script.push(callTool('nexus_create', {}), (req) => ({ text: `sid ${String((JSON.parse(toolResults(req).at(-1)!.text) as { result: { details: { sessionId: string } } }).result.details.sessionId)}` }));
    const sid = /sid (\S+)/.exec((await gw.agent('Open a session.')).text)![1]!;
    const peer = new NexusClient({ url: hub.nexusUrl });
    const key = String((await peer.join(sid, 'peer')).body!.sessionKey);
    const send = (text: string) => peer.send(sid, 'peer', text, key);
    const reached = (text: string, from: number) => model.waitForRequest((r) => quoted(r).includes(text), 120_000, { from });
    await send('warm-up');
    await reached('warm-up', 0);
    const lat: number[] = [];
    for (let i = 0; i < GAPS.length; i++) {
      await sleep(GAPS[i]! * 1000);
      const from = model.requests.length;
      const t = performance.now();
      await send(`latency ${i}`);
      await reached(`latency ${i}`, from);
      lat.push(performance.now() - t);
    }
    const p50 = pct(lat, 50);
    console.log(`host          peer send -> model request (real gateway, 20 messages 1-40 s apart): p50 ${p50.toFixed(0)} ms, p99 ${pct(lat, 99).toFixed(0)} ms | baseline \`openclaw agent --message\` -> model request: p50 ${pct(base, 50).toFixed(0)} ms (${(p50 / pct(base, 50)).toFixed(2)}x)`);
    // Sustained: 4 messages a second for a minute.
    const seen = new Set<string>();
    const sentAt = new Map<string, number>();
    const start = performance.now();
    let n = 0;
    while (performance.now() - start < 60_000) {
      const text = `sustained ${n++}`;
      sentAt.set(text, performance.now());
      await send(text);
      await sleep(Math.max(0, start + n * 250 - performance.now()));
    }
    const collect = () => {
      for (const r of model.requests) for (const q of quoted(r)) if (q.startsWith('sustained ')) seen.add(q);
    };
    collect();
    const inMinute = seen.size;
    const deadline = performance.now() + 120_000;
    while (seen.size < n && performance.now() < deadline) {
      await sleep(200);
      collect();
    }
    const lastLag = (performance.now() - sentAt.get(`sustained ${n - 1}`)!) / 1000;
    const turns = model.requests.filter((r) => quoted(r).some((q) => q.startsWith('sustained '))).length;
    console.log(`host          sustained: ${n} messages in 60 s (${n}/min offered): ${inMinute} reached the model within the minute, ${seen.size}/${n} in all (${turns} model requests: batched turns); last one ${lastLag.toFixed(1)} s after it was sent`);
  } finally {
    await gw.dispose();
    await model.close();
    await hub.close();
  }
}
