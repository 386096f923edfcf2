/**
 * What the tools and the service share: the agent's state under the plugin's state directory
 * (the same layout as the CLIs': opennexus/ and nexus/, so a skill dir can be shared), the
 * library's workflows (NexusAgent, OpenNexusClient) and the list of sessions to follow. The
 * same code as the CLIs; nothing is shelled out.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodedError } from '../errors.ts';
import { NexusAgent } from '../nexus/agent.ts';
import { NexusClient, type ApiResult } from '../nexus/client.ts';
import { linkWithSecret } from '../nexus/pairing-link.ts';
import { NexusState, type SessionState } from '../nexus/state.ts';
import { OpenNexusClient } from '../opennexus/client.ts';
import { defaultKeyPaths, generateKeys, loadKeys } from '../opennexus/keys.ts';
import type { PluginSettings } from './config.ts';
import { loadHostRedactor, type Redactor } from './sdk.ts';
import { runningService } from './service.ts';

/** A tool's failure, with a stable code and a sentence for the agent. */
export class ToolError extends CodedError {}

export class Messaging {
  readonly nexusState: NexusState;
  readonly agent: NexusAgent;
  readonly opennexusDir: string;

  constructor(
    readonly settings: PluginSettings,
    /** The host's redaction of tool results (sdk.ts); null: nothing is masked. */
    private readonly redactor: () => Promise<Redactor | null> = loadHostRedactor,
  ) {
    this.nexusState = new NexusState(join(settings.stateDir, 'nexus'));
    this.agent = new NexusAgent(this.nexusState, (saved) => this.clientAt(saved?.server ?? settings.nexusUrl), (url) => this.clientAt(url));
    this.opennexusDir = join(settings.stateDir, 'opennexus');
  }

  /**
   * Has the running channel of this process and state dir (whichever plugin instance started
   * it, service.ts) follow a session, or look for keys, now.
   */
  followNow(sessionId?: string): void {
    runningService(this.settings.stateDir)?.followNow(sessionId);
  }

  clientAt(url: string): NexusClient {
    return new NexusClient({ url, timeoutMs: 20_000 });
  }

  /**
   * Whether the model would see a text whole. The host masks what looks like a token in tool
   * results (its AWS-secret rule alone takes about 1 link key in 100: 40 base64 characters in a
   * row); a link with a masked key, handed on, can never be claimed (e2e spec §2).
   */
  async shownWhole(): Promise<(text: string) => boolean> {
    const redact = await this.redactor();
    return redact ? (text) => redact(text) === text : () => true;
  }

  /** For nexus_create: a secret fits when a pairing link that carries it is shown whole, alone and as a tool result's JSON. */
  async secretFits(): Promise<(secret: string) => boolean> {
    const whole = await this.shownWhole();
    const sample = `${this.settings.nexusUrl.replace(/\/+$/, '')}/p/SAMPLE-SAMPLE-00000`;
    return (secret) => {
      const link = linkWithSecret(sample, secret);
      return whole(link) && whole(JSON.stringify({ url: link }));
    };
  }

  /** The saved state of a session for this plugin's agent, or a clear error. */
  async session(sessionId: string): Promise<SessionState> {
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(sessionId)) throw new ToolError('bad_session_id', `"${sessionId}" is not a session id`);
    const saved = await this.nexusState.load(sessionId, this.settings.agentId);
    if (!saved.server && !saved.key) throw new ToolError('unknown_session', `session ${sessionId} is not one this agent created, joined or claimed (nexus_sessions lists them)`);
    return saved;
  }

  /** The server's JSON answer, or a ToolError with its error code and message. */
  static answer(r: ApiResult): Record<string, unknown> {
    if (r.ok && r.body) return r.body;
    const code = String(r.body?.error ?? `http_${r.status}`);
    throw new ToolError(code, `the server refused (${r.status} ${code}): ${String(r.body?.message ?? r.text.slice(0, 200))}`);
  }

  /** Whether `text` is this agent's private key (the key file's base64 seed). */
  isOwnSecret(text: string): boolean {
    try {
      return readFileSync(defaultKeyPaths(this.opennexusDir).priv, 'utf8').trim() === text.trim();
    } catch {
      return false;
    }
  }

  hasKeys(): boolean {
    return existsSync(defaultKeyPaths(this.opennexusDir).priv);
  }

  /** The OpenNexus client from the saved keys; `create` makes keys first when there are none. */
  async opennexus(opts: { create?: boolean } = {}): Promise<OpenNexusClient> {
    const paths = defaultKeyPaths(this.opennexusDir);
    if (opts.create && !this.hasKeys()) await generateKeys(paths);
    const { pubText, privText, identity } = await loadKeys(paths);
    return new OpenNexusClient({ identityPublicKey: pubText, identityPrivateKey: privText, identity, messengerUrl: this.settings.messengerUrl, stateDir: this.opennexusDir, helloAckTimeoutMs: 10_000 });
  }

  /** Saved sessions this plugin follows (followSessions), with the agents saved in each. */
  async followed(): Promise<{ sessionId: string; agent: string }[]> {
    const ids = await this.nexusState.list();
    const follow = this.settings.follow;
    const out: { sessionId: string; agent: string }[] = [];
    for (const sid of ids) {
      if (follow !== 'all' && !follow.includes(sid)) continue;
      const saved = await this.nexusState.load(sid).catch(() => null);
      for (const agent of saved?.agents ?? []) out.push({ sessionId: sid, agent });
    }
    return out;
  }
}
