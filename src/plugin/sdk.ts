/**
 * The one place that loads the host's plugin SDK (`openclaw/plugin-sdk/channel-inbound`, an
 * optional peer dependency): the inbound dispatch of a direct conversation and the host's
 * bot-pair loop guard, the same functions the bundled Reef channel calls. Loaded at run time
 * only, when the gateway starts the channel, so the tools, the CLIs and the unit tests need no
 * `openclaw` package (tests hand in their own HostSdk).
 *
 * Resolution: the plugin's own `node_modules/openclaw` when the host linked its peer
 * (docs/plugins/dependency-resolution.md, "Host peer dependency"), else the package of the
 * running host itself (a `--link` install of a local folder is never relinked by the host).
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** dispatchInboundDirectDm's parameters, as far as this channel fills them in. */
export interface DirectDmParams {
  cfg: unknown;
  channel: string;
  channelLabel: string;
  accountId: string;
  peer: { kind: 'direct'; id: string };
  senderId: string;
  senderAddress: string;
  recipientAddress: string;
  conversationLabel: string;
  rawBody: string;
  bodyForAgent?: string;
  messageId: string;
  timestamp?: number;
  commandAuthorized: false;
  inboundAccessAuthorized?: boolean;
  channelIngress: 'unsupported';
  extraContext?: Record<string, unknown>;
  deliver(payload: { text?: string }): Promise<void>;
  onRecordError(error: unknown): void;
  onDispatchError(error: unknown): void;
}

export interface LoopCheck {
  scopeId: string;
  conversationId: string;
  senderId: string;
  receiverId: string;
  eventId?: string;
  config?: unknown;
  defaultsConfig?: unknown;
  defaultEnabled: boolean;
}

export interface HostSdk {
  dispatchInboundDirectDm(p: DirectDmParams): Promise<unknown>;
  recordChannelBotPairLoopAndCheckSuppression(p: LoopCheck): { suppressed: boolean };
  /** The owner's queue of system events (plugin-sdk/system-event-runtime); absent on hosts without it. */
  peekSystemEventEntries?(sessionKey: string): { contextKey?: string | null }[];
}

const SUBPATH = 'openclaw/plugin-sdk/channel-inbound';
const EVENTS_SUBPATH = 'openclaw/plugin-sdk/system-event-runtime';
const LOGGING_SUBPATH = 'openclaw/plugin-sdk/logging-core';

/** The host's redaction of tool results: what the model sees of a text. */
export type Redactor = (text: string) => string;

/** The folder of the `openclaw` package that runs this process, found from its entry script. */
function hostPackageRoot(): string | null {
  const entry = process.argv[1];
  if (!entry) return null;
  let dir = dirname(realpathSync(entry));
  for (let i = 0; i < 8; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'openclaw') return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

/** One SDK subpath: the plugin's linked peer first, else the running host's own package. */
async function load(subpath: string): Promise<Record<string, unknown>> {
  try {
    return (await import(/* @vite-ignore */ subpath)) as Record<string, unknown>;
  } catch {
    const root = hostPackageRoot();
    if (!root) throw new Error(`cannot load ${subpath}: not running inside an OpenClaw host`);
    return (await import(/* @vite-ignore */ pathToFileURL(join(root, 'dist', `${subpath.slice('openclaw/'.length)}.js`)).href)) as Record<string, unknown>;
  }
}

export async function loadHostSdk(): Promise<HostSdk> {
  // Module namespaces cannot be extended: the functions are copied into a plain object.
  const inbound = (await load(SUBPATH)) as Partial<HostSdk>;
  const events = (await load(EVENTS_SUBPATH).catch(() => ({}))) as Partial<HostSdk>;
  const mod: Partial<HostSdk> = { dispatchInboundDirectDm: inbound.dispatchInboundDirectDm, recordChannelBotPairLoopAndCheckSuppression: inbound.recordChannelBotPairLoopAndCheckSuppression };
  if (typeof events.peekSystemEventEntries === 'function') mod.peekSystemEventEntries = events.peekSystemEventEntries;
  if (typeof mod.dispatchInboundDirectDm !== 'function' || typeof mod.recordChannelBotPairLoopAndCheckSuppression !== 'function') {
    throw new Error(`${SUBPATH} lacks dispatchInboundDirectDm or the bot-loop guard: this host is older than OpenClaw 2026.9.6`);
  }
  return mod as HostSdk;
}

/**
 * The host's redaction of tool payloads (`redactToolPayloadText`, plugin-sdk/logging-core: the
 * configured patterns plus all the defaults, a superset of what the model-visible tool result
 * is masked with), or null outside a host. Loaded once, by the first tool that needs it.
 */
let redactor: Promise<Redactor | null> | undefined;
export function loadHostRedactor(): Promise<Redactor | null> {
  redactor ??= load(LOGGING_SUBPATH).then(hostRedactor, () => null);
  return redactor;
}

/** The redactor from plugin-sdk/logging-core's exports, or null when it has none. */
export function hostRedactor(m: Record<string, unknown>): Redactor | null {
  if (typeof m.redactToolPayloadText !== 'function') return null;
  const payload = m.redactToolPayloadText as Redactor;
  // The host also masks a tool result's text as the field "text" (its field rules, such as app
  // passwords like abcd-efgh-ijkl-mnop), after the payload rules.
  const field = typeof m.redactSensitiveFieldValue === 'function' ? (m.redactSensitiveFieldValue as (k: string, v: string) => unknown) : null;
  return (t: string) => {
    const once = payload(t);
    const f = field?.('text', once);
    return typeof f === 'string' ? f : once;
  };
}
