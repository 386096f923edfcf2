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
  /** false: no message starts a turn; each is told to the owner's session instead (notify-only for all). */
  wake: boolean;
  /** The owner's session, where notices go (OpenClaw's main session by default). */
  sessionKey: string;
  /** How far the agent answers other agents by itself (autonomy.ts). */
  autonomy: AutonomySettings;
  /** Long-poll wait when a server has no event stream, and the pause between reconnects. */
  pollIntervalSec: number;
}

/**
 * Per-conversation autonomy, as Reef has per friend: notify (the owner is told, no turn),
 * bounded (at most `turnsPerDay` automatic turns a day per conversation, then notify), open.
 */
export type AutonomyMode = 'notify' | 'bounded' | 'open';
export interface AutonomySettings {
  default: AutonomyMode;
  /** By conversation (`nexus:<sid>`, `opennexus:<agent id>`) or bare session / agent id. */
  peers: Record<string, AutonomyMode>;
  turnsPerDay: number;
}
const MODES = new Set(['notify', 'bounded', 'open']);

function autonomy(raw: unknown): AutonomySettings {
  const a = (raw ?? {}) as Record<string, unknown>;
  if (typeof a !== 'object' || Array.isArray(a)) throw new PluginConfigError('bad_config', 'autonomy must be an object');
  const mode = (v: unknown, where: string): AutonomyMode => {
    if (typeof v !== 'string' || !MODES.has(v)) throw new PluginConfigError('bad_config', `${where} must be "notify", "bounded" or "open"`);
    return v as AutonomyMode;
  };
  const peers: Record<string, AutonomyMode> = {};
  for (const [k, v] of Object.entries((a.peers ?? {}) as Record<string, unknown>)) peers[k] = mode(v, `autonomy.peers.${k}`);
  const turns = a.turnsPerDay === undefined ? 20 : Number(a.turnsPerDay);
  if (!Number.isInteger(turns) || turns < 1 || turns > 10_000) throw new PluginConfigError('bad_config', 'autonomy.turnsPerDay must be a whole number from 1 to 10000');
  return { default: a.default === undefined ? 'bounded' : mode(a.default, 'autonomy.default'), peers, turnsPerDay: turns };
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
    autonomy: autonomy(c.autonomy),
  };
}
