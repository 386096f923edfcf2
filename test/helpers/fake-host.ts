/**
 * A fake OpenClaw host for the plugin's tests: records what the plugin registers and every
 * call it makes on `runtime` and `session.workflow`, with the host's duplicate-key rule for
 * next-turn injections. `flavour` picks which generation of the API it offers.
 */
import { expect } from 'vitest';
import type { AgentTool, HeartbeatRequest, NextTurnInjection, PluginApi, PluginService } from '../../src/plugin/host.ts';

export interface FakeHost {
  api: PluginApi;
  tools: Map<string, AgentTool>;
  services: PluginService[];
  injections: NextTurnInjection[];
  systemEvents: { text: string; sessionKey: string }[];
  heartbeats: (HeartbeatRequest | { reason?: string; deprecated: true })[];
  logs: string[];
  /** Runs a tool as the host would and returns its details (throws what the tool throws). */
  call(name: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export function fakeHost(pluginConfig: Record<string, unknown>, flavour: 'current' | 'deprecated' | 'events-only' = 'current', registrationMode = 'full'): FakeHost {
  const tools = new Map<string, AgentTool>();
  const services: PluginService[] = [];
  const injections: NextTurnInjection[] = [];
  const systemEvents: { text: string; sessionKey: string }[] = [];
  const heartbeats: FakeHost['heartbeats'] = [];
  const logs: string[] = [];
  const keys = new Set<string>();
  const inject = async (i: NextTurnInjection) => {
    if (i.idempotencyKey && keys.has(i.idempotencyKey)) return { enqueued: false, id: i.idempotencyKey };
    if (i.idempotencyKey) keys.add(i.idempotencyKey);
    injections.push(i);
    return { enqueued: true, id: i.idempotencyKey ?? String(injections.length) };
  };
  const logger = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };
  const api: PluginApi = {
    id: 'agent-messaging',
    registrationMode,
    pluginConfig,
    logger,
    registerTool: (t) => void tools.set(t.name, t),
    registerService: (s) => void services.push(s),
    runtime: {
      system: {
        enqueueSystemEvent: (text, o) => (systemEvents.push({ text, sessionKey: o.sessionKey }), true),
        ...(flavour === 'deprecated' ? { requestHeartbeatNow: (o?: { reason?: string }) => void heartbeats.push({ ...(o?.reason ? { reason: o.reason } : {}), deprecated: true }) } : { requestHeartbeat: (r: HeartbeatRequest) => void heartbeats.push(r) }),
      },
    },
  };
  if (flavour === 'current') api.session = { workflow: { enqueueNextTurnInjection: inject } };
  if (flavour === 'deprecated') api.enqueueNextTurnInjection = inject;
  return {
    api,
    tools,
    services,
    injections,
    systemEvents,
    heartbeats,
    logs,
    async call(name, params = {}) {
      const t = tools.get(name);
      if (!t) throw new Error(`no tool ${name}`);
      const r = await t.execute(`call-${name}`, params);
      expect(JSON.parse(r.content[0]!.text)).toEqual(JSON.parse(JSON.stringify(r.details)));
      return r.details as Record<string, unknown>;
    },
  };
}
