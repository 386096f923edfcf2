/**
 * The plugin's settings (`plugins.entries.agent-messaging.config`, schema in
 * openclaw.plugin.json), read into a complete, checked object. Pure: the raw config and the
 * host's state directory in, settings or a PluginConfigError out.
 */
import { join } from 'node:path';
import { CodedError } from '../errors.ts';
import { DEFAULT_MESSENGER_URL } from '../opennexus/client.ts';
import { DEFAULT_NEXUS_URL } from '../nexus/client.ts';

export class PluginConfigError extends CodedError {}

export interface PluginSettings {
  /** Where keys, the session cache and NexusMessaging state live (0700). */
  stateDir: string;
  messengerUrl: string;
  nexusUrl: string;
  /** The agent id used in NexusMessaging sessions it creates or claims. */
  agentId: string;
  /** Which saved sessions the service follows: all, or these ids. */
  follow: 'all' | string[];
  /** Keep the OpenNexus stream open (needs keys: the opennexus_whoami tool makes them). */
  opennexus: boolean;
  wake: boolean;
  /** The agent session woken (OpenClaw's main session by default). */
  sessionKey: string;
  /** Long-poll wait when a server has no event stream, and the pause between reconnects. */
  pollIntervalSec: number;
}

const URL_RE = /^https?:\/\/[^\s]+$/;
const AGENT_RE = /^[A-Za-z0-9._-]{1,128}$/;

function str(raw: Record<string, unknown>, key: string, dflt: string, check?: RegExp): string {
  const v = raw[key];
  if (v === undefined || v === null || v === '') return dflt;
  if (typeof v !== 'string' || (check && !check.test(v))) throw new PluginConfigError('bad_config', `plugins.entries.agent-messaging.config.${key} is not valid`);
  return v;
}

export function pluginSettings(raw: Record<string, unknown> | undefined, hostStateDir: string, env: Record<string, string | undefined> = {}): PluginSettings {
  const c = raw ?? {};
  const follow = c.followSessions;
  if (follow !== undefined && follow !== 'all' && !(Array.isArray(follow) && follow.every((x) => typeof x === 'string'))) {
    throw new PluginConfigError('bad_config', 'followSessions must be "all" or a list of session ids');
  }
  const poll = c.pollIntervalSec === undefined ? 30 : Number(c.pollIntervalSec);
  if (!Number.isFinite(poll) || poll < 1 || poll > 3600) throw new PluginConfigError('bad_config', 'pollIntervalSec must be 1-3600');
  return {
    stateDir: str(c, 'stateDir', join(hostStateDir, 'agent-messaging')),
    messengerUrl: str(c, 'messengerUrl', env.MESSENGER_URL || DEFAULT_MESSENGER_URL, URL_RE).replace(/\/+$/, ''),
    nexusUrl: str(c, 'nexusUrl', env.NEXUS_URL || DEFAULT_NEXUS_URL, URL_RE).replace(/\/+$/, ''),
    agentId: str(c, 'agentId', 'openclaw-agent', AGENT_RE),
    follow: (follow as string[] | 'all' | undefined) ?? 'all',
    opennexus: c.opennexus !== false,
    wake: c.wake !== false,
    sessionKey: str(c, 'sessionKey', 'agent:main:main'),
    pollIntervalSec: poll,
  };
}
