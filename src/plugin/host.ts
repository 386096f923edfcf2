/**
 * The part of the OpenClaw plugin API this plugin uses (OpenClaw 2026.9.x, docs/plugins/*.md in
 * the `openclaw` package), written out so the plugin needs no SDK import and no install: the
 * host hands these objects in. Optional members are what a host may lack; wake.ts checks them.
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

export interface ServiceContext {
  stateDir: string;
  logger: PluginLogger;
  serviceHealth?: { reportFailure(error: unknown): void; clearFailure(): void };
}

export interface PluginService {
  id: string;
  start(ctx: ServiceContext): void | Promise<void>;
  stop?(ctx: ServiceContext): void | Promise<void>;
}

export interface NextTurnInjection {
  sessionKey: string;
  text: string;
  idempotencyKey?: string;
  placement?: 'prepend_context' | 'append_context';
  ttlMs?: number;
}

export interface HeartbeatRequest {
  source: string;
  intent: string;
  reason?: string;
  sessionKey?: string;
  coalesceMs?: number;
}

export interface PluginApi {
  id: string;
  registrationMode?: string;
  pluginConfig?: Record<string, unknown>;
  logger: PluginLogger;
  registerTool(tool: AgentTool, opts?: { name?: string; optional?: boolean }): void;
  registerService(service: PluginService): void;
  session?: { workflow?: { enqueueNextTurnInjection?: (i: NextTurnInjection) => Promise<{ enqueued: boolean; id: string }> } };
  /** Deprecated flat alias of session.workflow.enqueueNextTurnInjection. */
  enqueueNextTurnInjection?: (i: NextTurnInjection) => Promise<{ enqueued: boolean; id: string }>;
  runtime?: {
    system?: {
      enqueueSystemEvent?: (text: string, opts: { sessionKey: string; contextKey?: string }) => boolean;
      requestHeartbeat?: (r: HeartbeatRequest) => void;
      /** Deprecated: requestHeartbeat({ source, intent, reason }) replaces it. */
      requestHeartbeatNow?: (opts?: { reason?: string; sessionKey?: string }) => void;
    };
  };
}
