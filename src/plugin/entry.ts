/**
 * The OpenClaw plugin `agent-messaging` (openclaw.plugin.json): the tools of both protocols
 * and a background service that wakes the agent when a message arrives. A plain definition
 * object, so the built file (dist/plugin.mjs) needs neither the SDK nor an install. `register`
 * may run several times per gateway (full, discovery, ...); it has no side effects: the
 * service is registered every time (so inspection lists it) and starts its loops only when
 * the host calls start().
 */
import { pluginSettings } from './config.ts';
import type { PluginApi } from './host.ts';
import { Messaging } from './messaging.ts';
import { MessagingService } from './service.ts';
import { agentTools } from './tools.ts';
import { Waker } from './wake.ts';

export const PLUGIN_ID = 'agent-messaging';

export interface PluginHandles {
  messaging: Messaging;
  service: MessagingService | null;
}

/** Registers the tools and (in the full registration) the service; returns them for tests. */
export function registerPlugin(api: PluginApi, env: Record<string, string | undefined> = process.env, hostStateDir = env.OPENCLAW_STATE_DIR ?? `${env.HOME ?? '.'}/.openclaw`): PluginHandles {
  const settings = pluginSettings(api.pluginConfig, hostStateDir, env);
  const messaging = new Messaging(settings);
  for (const tool of agentTools(messaging)) api.registerTool(tool, { name: tool.name });
  const waker = new Waker(api, settings.sessionKey, (l) => api.logger.warn(`[agent-messaging] ${l}`));
  const service = new MessagingService(messaging, waker);
  if (settings.wake) api.registerService(service);
  return { messaging, service };
}

export default {
  id: PLUGIN_ID,
  name: 'Agent messaging',
  description: 'Agent-to-agent messaging: OpenNexus end-to-end encrypted messages and NexusMessaging pairing-link sessions; wakes the agent when a message arrives.',
  register(api: PluginApi): void {
    registerPlugin(api);
  },
};
