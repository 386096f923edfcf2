/**
 * The part of the OpenClaw plugin API this plugin uses (OpenClaw 2026.9.6: docs/plugins/sdk-*.md
 * and the bundled Reef channel in the `openclaw` package), written out so the built plugin needs
 * no SDK types and the unit tests can hand in a fake host. Optional members are what a host may
 * lack. The few SDK functions the channel calls at run time are loaded in one place (sdk.ts).
 */
export interface PluginLogger {
  debug?: (message: string) => void;
  info: (message: string) => void;
  warn: (message: string) => void;
  error: (message: string) => void;
}

export interface ToolResult {
  content: { type: 'text'; text: string }[];
  details: unknown;
}

export interface AgentTool {
  name: string;
  label: string;
  description: string;
  /** JSON Schema of the parameters (the host accepts plain JSON Schema as well as TypeBox). */
  parameters: Record<string, unknown>;
  execute(toolCallId: string, params: Record<string, unknown>, signal?: AbortSignal): Promise<ToolResult>;
}

export interface HeartbeatRequest {
  source: string;
  intent: string;
  reason?: string;
  sessionKey?: string;
}

/** The host's config object; the channel reads only its own sections. */
export type HostConfig = Record<string, unknown> & {
  channels?: Record<string, unknown>;
  commands?: { ownerAllowFrom?: unknown[] } & Record<string, unknown>;
  plugins?: { entries?: Record<string, { config?: Record<string, unknown> } | undefined> };
};

/** api.runtime: the pieces the channel uses (PluginRuntimeCore and PluginRuntimeChannel). */
export interface HostRuntime {
  config?: {
    current(): HostConfig;
    mutateConfigFile?(p: { afterWrite: { mode: 'auto' }; mutate: (draft: HostConfig) => void }): Promise<unknown>;
  };
  system?: {
    enqueueSystemEvent?: (text: string, opts: { sessionKey: string; contextKey?: string; replace?: boolean }) => boolean;
    requestHeartbeat?: (r: HeartbeatRequest) => void;
  };
  channel?: {
    pairing?: {
      upsertPairingRequest(p: { channel: string; accountId: string; id: string; meta?: Record<string, string> }): Promise<{ code: string; created: boolean }>;
      readAllowFromStore(p: { channel: string; accountId: string }): Promise<string[]>;
    };
  };
}

/** What the gateway hands gateway.startAccount (Reef: ctx.abortSignal, ctx.cfg, ctx.log, ctx.setStatus). */
export interface ChannelAccountContext {
  accountId: string;
  cfg: HostConfig;
  abortSignal: AbortSignal;
  log?: { info?: (m: string) => void; warn?: (m: string) => void; error?: (m: string) => void };
  setStatus(status: Record<string, unknown>): void;
}

/** The channel definition registered with api.registerChannel (ChannelPlugin, the subset we fill in). */
export interface ChannelPluginDef {
  id: string;
  meta: Record<string, string>;
  capabilities: Record<string, unknown>;
  reload?: { configPrefixes: string[] };
  config: Record<string, unknown>;
  messaging: Record<string, unknown>;
  outbound: Record<string, unknown>;
  pairing: Record<string, unknown>;
  security: Record<string, unknown>;
  status: Record<string, unknown>;
  gateway: { startAccount(ctx: ChannelAccountContext): Promise<void> };
}

export interface PluginApi {
  id: string;
  registrationMode?: string;
  pluginConfig?: Record<string, unknown>;
  logger: PluginLogger;
  registerTool(tool: AgentTool, opts?: { name?: string; optional?: boolean }): void;
  registerChannel?(registration: { plugin: ChannelPluginDef }): void;
  runtime?: HostRuntime;
}
