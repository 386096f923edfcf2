/**
 * A fake OpenClaw host for the plugin's unit tests (the real one is in test/host/): it records
 * the tools and the channel the plugin registers, runs the channel's account like the gateway
 * (startAccount with an abort signal), and stands in for the host SDK: each inbound dispatch is
 * a "turn" whose reply is scripted, the pairing store approves on demand, system events and the
 * config's command owners are kept. What the plugin did is in `turns`, `notices`, `logs`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { expect } from 'vitest';
import type { AgentTool, ChannelPluginDef, HostConfig, PluginApi } from '../../src/plugin/host.ts';
import type { DirectDmParams, HostSdk, LoopCheck } from '../../src/plugin/sdk.ts';

export interface Turn {
  conv: string;
  text: string;
  messageId: string;
  commandAuthorized: boolean;
  /** session.dmScope of the config the turn was dispatched with (its session routing). */
  dmScope: unknown;
}

export interface FakeHost {
  api: PluginApi;
  sdk: HostSdk;
  tools: Map<string, AgentTool>;
  channel(): ChannelPluginDef;
  turns: Turn[];
  notices: { text: string; sessionKey: string }[];
  /** The owner's next turn: takes (and returns) every queued system event. */
  drainOwner(): string[];
  logs: string[];
  /** Pairing requests filed by the channel, by sender id. */
  pairing: Map<string, { code: string; meta?: Record<string, string> }>;
  approve(senderId: string): void;
  config: HostConfig;
  /** What the agent answers in a turn (default: nothing); throw to fail the turn. */
  reply: (t: Turn) => string | Promise<string>;
  /** This many turns fail after their answer went out (as a turn cut off after delivery). */
  failAfterReply: number;
  /** Suppress turns after this many loop-guard events per conversation (default: never). */
  loopLimit: number;
  /** Runs a tool as the host would and returns its details (throws what the tool throws). */
  call(name: string, params?: Record<string, unknown>, callId?: string): Promise<Record<string, unknown>>;
  /** Starts the channel's account as the gateway does; returns its stop. */
  startChannel(): Promise<() => Promise<void>>;
  statuses: Record<string, unknown>[];
}

/**
 * The host's work admission (gateway-work-admission in openclaw): a tool runs inside its turn's
 * async context, which is closed when the turn ends; a dispatch made from a closed context is
 * refused as the real gateway refuses it.
 */
const turnContext = new AsyncLocalStorage<{ released: boolean }>();

export function fakeHost(pluginConfig: Record<string, unknown>, registrationMode = 'full'): FakeHost {
  const tools = new Map<string, AgentTool>();
  let channel: ChannelPluginDef | null = null;
  const logs: string[] = [];
  const pairing = new Map<string, { code: string; meta?: Record<string, string> }>();
  const allowed = new Set<string>();
  const loopEvents = new Map<string, number>();
  const ownerQueue = new Map<string, string>();
  const seenIds = new Set<string>();
  const config: HostConfig = { channels: {}, commands: {}, plugins: { entries: { 'agent-messaging': { config: pluginConfig } } } };
  const logger = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };
  const h: FakeHost = {
    api: {
      id: 'agent-messaging',
      registrationMode,
      pluginConfig,
      logger,
      registerTool: (t) => void tools.set(t.name, t),
      registerChannel: (r) => void (channel = r.plugin),
      runtime: {
        config: {
          current: () => config,
          mutateConfigFile: async (p) => void p.mutate(config),
        },
        system: {
          // The host's rules: a replace drops the event with the same context key (and refuses the same text again); at most 20 queued.
          enqueueSystemEvent: (text, o) => {
            const key = String(o.contextKey ?? '').toLowerCase();
            if (o.replace && ownerQueue.get(key) === text) return false;
            ownerQueue.delete(key);
            ownerQueue.set(key, text);
            while (ownerQueue.size > 20) ownerQueue.delete(ownerQueue.keys().next().value as string);
            h.notices.push({ text, sessionKey: o.sessionKey });
            return true;
          },
        },
        channel: {
          pairing: {
            upsertPairingRequest: async (p) => {
              const had = pairing.get(p.id);
              if (had) return { code: had.code, created: false };
              // The host keeps at most 3 pending requests per channel account (pairing-store).
              if ([...pairing.keys()].filter((id) => !allowed.has(id)).length >= 3) return { code: '', created: false };
              const code = `CODE${pairing.size + 1}`;
              pairing.set(p.id, { code, ...(p.meta ? { meta: p.meta } : {}) });
              return { code, created: true };
            },
            readAllowFromStore: async () => [...allowed],
          },
        },
      },
    },
    sdk: {
      async dispatchInboundDirectDm(p: DirectDmParams) {
        // The host drops an inbound message id it has seen, silently ("skipped:duplicate").
        if (seenIds.has(p.messageId)) return {};
        seenIds.add(p.messageId);
        if (turnContext.getStore()?.released) {
          p.onDispatchError(new Error('GatewayDrainingError: Gateway is draining; new tasks are not accepted'));
          return {};
        }
        const t: Turn = { conv: p.peer.id, text: p.rawBody, messageId: p.messageId, commandAuthorized: p.commandAuthorized, dmScope: ((p.cfg as HostConfig).session as { dmScope?: unknown } | undefined)?.dmScope };
        h.turns.push(t);
        let answer: string;
        try {
          answer = await h.reply(t);
        } catch (e) {
          p.onDispatchError(e);
          return {};
        }
        // An answer starting with ⚠️ stands for the host's own error notice (isError), which goes
        // through the channel's reply transform first, as in the host's reply pipeline.
        const payload = answer.startsWith('⚠️') ? { text: answer, isError: true } : { text: answer };
        const transform = (h.channel().messaging as { transformReplyPayload?: (p: { payload: unknown }) => unknown }).transformReplyPayload;
        const shown = transform ? (transform({ payload }) as { text?: string } | null) : payload;
        if (answer && shown) await p.deliver(shown).catch((e: unknown) => p.onDispatchError(e));
        if (h.failAfterReply > 0) {
          h.failAfterReply--;
          p.onDispatchError(new Error('the turn failed after its answer went out'));
        }
        return {};
      },
      peekSystemEventEntries: () => [...ownerQueue.keys()].map((contextKey) => ({ contextKey })),
      recordChannelBotPairLoopAndCheckSuppression(p: LoopCheck) {
        const n = (loopEvents.get(p.conversationId) ?? 0) + 1;
        loopEvents.set(p.conversationId, n);
        return { suppressed: n > h.loopLimit };
      },
    },
    tools,
    channel: () => {
      if (!channel) throw new Error('no channel registered');
      return channel;
    },
    turns: [],
    notices: [],
    drainOwner() {
      const texts = [...ownerQueue.values()];
      ownerQueue.clear();
      return texts;
    },
    logs,
    pairing,
    approve(senderId) {
      allowed.add(senderId);
      // What `openclaw pairing approve` does when no command owner is set.
      config.commands = { ...config.commands, ownerAllowFrom: [`agent-messaging:${senderId}`] };
    },
    config,
    reply: () => '',
    loopLimit: Number.POSITIVE_INFINITY,
    failAfterReply: 0,
    statuses: [],
    async call(name, params = {}, callId = `call-${name}-${Math.random()}`) {
      const t = tools.get(name);
      if (!t) throw new Error(`no tool ${name}`);
      const scope = { released: false };
      const r = await turnContext.run(scope, () => t.execute(callId, params)).finally(() => (scope.released = true));
      expect(JSON.parse(r.content[0]!.text)).toEqual(JSON.parse(JSON.stringify(r.details)));
      return r.details as Record<string, unknown>;
    },
    async startChannel() {
      const ac = new AbortController();
      const running = h.channel().gateway.startAccount({ accountId: 'default', cfg: config, abortSignal: ac.signal, setStatus: (s) => void h.statuses.push(s), log: logger });
      const failed = running.then(() => null, (e: unknown) => e);
      // Started once the status says so (or it failed at once).
      for (let i = 0; i < 200 && !h.statuses.some((s) => s.running === true); i++) {
        const early = await Promise.race([failed, new Promise((r) => setTimeout(() => r('pending'), 10))]);
        if (early !== 'pending' && early !== null) throw early;
      }
      return async () => {
        ac.abort();
        const e = await failed;
        if (e) throw e;
      };
    },
  };
  return h;
}
