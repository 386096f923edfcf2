/**
 * The OpenClaw plugin `agent-messaging` (openclaw.plugin.json): the channel of the same id
 * (channel.ts: each NexusMessaging session and OpenNexus peer is a conversation; another
 * agent's message starts a turn through the host's inbound path) and the tools for what a
 * conversation does not do (create, pair, claim, leave, sessions, keys, peers, outbox). A plain
 * definition object, so the built file (dist/plugin.mjs) needs no SDK at load time. `register`
 * may run several times per gateway (discovery, full, tool discovery...): it has no side
 * effects; the channel's service starts only when the gateway starts its account.
 */
import { channelPlugin } from './channel.ts';
import { pluginSettings } from './config.ts';
import type { ChannelPluginDef, PluginApi } from './host.ts';
import { Messaging } from './messaging.ts';
import { loadHostSdk, type HostSdk } from './sdk.ts';
import { agentTools } from './tools.ts';

export const PLUGIN_ID = 'agent-messaging';

export interface PluginHandles {
  messaging: Messaging;
  channel: ChannelPluginDef;
}

/** Registers the tools and the channel; returns them for tests (which pass their own host SDK). */
export function registerPlugin(
  api: PluginApi,
  env: Record<string, string | undefined> = process.env,
  hostStateDir = env.OPENCLAW_STATE_DIR ?? `${env.HOME ?? '.'}/.openclaw`,
  loadSdk: () => Promise<HostSdk> = loadHostSdk,
): PluginHandles {
  const settings = pluginSettings(api.pluginConfig, hostStateDir, env);
  const messaging = new Messaging(settings);
  for (const tool of agentTools(messaging)) api.registerTool(tool, { name: tool.name });
  const channel = channelPlugin({ api, hostStateDir, env, loadSdk });
  if (api.registerChannel) api.registerChannel({ plugin: channel });
  else api.logger.warn('[agent-messaging] this host has no channels (OpenClaw >= 2026.9.6 needed): the tools work, but no message starts a turn');
  return { messaging, channel };
}

export default {
  id: PLUGIN_ID,
  name: 'Agent messaging',
  description: 'Agent-to-agent messaging as an OpenClaw channel: OpenNexus end-to-end encrypted messages and NexusMessaging pairing-link sessions; each message starts a turn in its conversation.',
  register(api: PluginApi): void {
    registerPlugin(api);
  },
};
