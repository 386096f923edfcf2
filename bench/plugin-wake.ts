/**
 * The OpenClaw channel's inbound latency in-process: from a peer's NexusMessaging send to the
 * host's inbound dispatch (a fake host SDK records it), p50/p99 over `n` messages, against the
 * reference plugin's default of polling every 5 minutes (on average 150 s, at worst 300 s).
 * Everything in this process over loopback: the in-process hub, the channel's service. The same
 * path in the real host, with a model request at the end: bench/host-latency.ts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startHub } from '../src/hub.ts';
import { NexusClient } from '../src/nexus/client.ts';
import { registerPlugin } from '../src/plugin/entry.ts';
import type { ChannelPluginDef, PluginApi } from '../src/plugin/host.ts';
import type { HostSdk } from '../src/plugin/sdk.ts';
import { pct } from './stats.ts';

export async function benchPluginWake(n = 100): Promise<void> {
  const hub = await startHub({ messengerPort: 0, nexusPort: 0, env: { RATE_LIMIT: '0', RATE_LIMIT_MAX: '100000000' } });
  const stateDir = mkdtempSync(join(tmpdir(), 'plugin-bench-'));
  let woke: (() => void) | null = null;
  let channel: ChannelPluginDef | null = null;
  const api: PluginApi = {
    id: 'agent-messaging',
    registrationMode: 'full',
    pluginConfig: { nexusUrl: hub.nexusUrl, messengerUrl: hub.messengerUrl, agentId: 'claw', stateDir, autonomy: { default: 'open' } },
    logger: { info() {}, warn() {}, error() {} },
    registerTool() {},
    registerChannel: (r) => void (channel = r.plugin),
    runtime: { system: { enqueueSystemEvent: () => true } },
  };
  const sdk: HostSdk = { dispatchInboundDirectDm: async () => woke?.(), recordChannelBotPairLoopAndCheckSuppression: () => ({ suppressed: false }) };
  const { messaging } = registerPlugin(api, {}, stateDir, async () => sdk);
  const ac = new AbortController();
  let running: Promise<void> | null = null;
  try {
    const created = await messaging.agent.create({ creatorAgentId: 'claw' });
    const sid = String(created.r.body!.sessionId);
    const peer = new NexusClient({ url: hub.nexusUrl });
    const joined = await peer.join(sid, 'peer');
    const key = String(joined.body!.sessionKey);
    running = channel!.gateway.startAccount({ accountId: 'default', cfg: {}, abortSignal: ac.signal, setStatus() {} });
    // the first message also proves the channel follows the session
    const lat: number[] = [];
    for (let i = -1; i < n; i++) {
      const got = new Promise<void>((r) => (woke = r));
      const t = performance.now();
      await peer.send(sid, 'peer', `m${i}`, key);
      await got;
      if (i >= 0) lat.push(performance.now() - t);
    }
    console.log(`plugin        send -> host inbound dispatch (in-process, durable inbox): p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms over ${n} messages | reference plugin: polls every 300 s (mean wait 150 000 ms): ${(150_000 / pct(lat, 50)).toFixed(0)}x faster at p50`);
  } finally {
    ac.abort();
    await running;
    await hub.close();
  }
}
