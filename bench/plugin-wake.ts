/**
 * The OpenClaw plugin's wake latency: from a peer's NexusMessaging send to the host's
 * heartbeat request (the fake host of the tests records it), p50/p99 over `n` messages, against
 * the reference plugin's default of polling every 5 minutes (on average 150 s, at worst 300 s).
 * Everything in this process over loopback: the in-process hub, the plugin's service.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startHub } from '../src/hub.ts';
import { NexusClient } from '../src/nexus/client.ts';
import { registerPlugin } from '../src/plugin/entry.ts';
import type { PluginApi } from '../src/plugin/host.ts';
import { pct } from './stats.ts';


export async function benchPluginWake(n = 100): Promise<void> {
  const hub = await startHub({ messengerPort: 0, nexusPort: 0, env: { RATE_LIMIT: '0', RATE_LIMIT_MAX: '100000000' } });
  const stateDir = mkdtempSync(join(tmpdir(), 'plugin-bench-'));
  let woke: (() => void) | null = null;
  const services: { start: (c: never) => void; stop?: (c: never) => unknown }[] = [];
  const api: PluginApi = {
    id: 'agent-messaging',
    registrationMode: 'full',
    pluginConfig: { nexusUrl: hub.nexusUrl, messengerUrl: hub.messengerUrl, agentId: 'claw', stateDir },
    logger: { info() {}, warn() {}, error() {} },
    registerTool() {},
    registerService: (s) => void services.push(s as never),
    session: { workflow: { enqueueNextTurnInjection: async (i) => ({ enqueued: true, id: i.idempotencyKey ?? '' }) } },
    runtime: { system: { requestHeartbeat: () => woke?.() } },
  };
  const { messaging } = registerPlugin(api, {}, stateDir);
  try {
    const created = await messaging.agent.create({ creatorAgentId: 'claw' });
    const sid = String(created.r.body!.sessionId);
    const peer = new NexusClient({ url: hub.nexusUrl });
    const joined = await peer.join(sid, 'peer');
    const key = String(joined.body!.sessionKey);
    services[0]!.start({ stateDir, logger: api.logger } as never);
    // the first wake also proves the service follows the session
    const lat: number[] = [];
    for (let i = -1; i < n; i++) {
      const got = new Promise<void>((r) => (woke = r));
      const t = performance.now();
      await peer.send(sid, 'peer', `m${i}`, key);
      await got;
      if (i >= 0) lat.push(performance.now() - t);
    }
    console.log(`plugin        send -> host wake (heartbeat request): p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms over ${n} messages | reference plugin: polls every 300 s (mean wait 150 000 ms): ${(150_000 / pct(lat, 50)).toFixed(0)}x faster at p50`);
  } finally {
    await services[0]?.stop?.({} as never);
    await hub.close();
  }
}
