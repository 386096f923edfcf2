/**
 * What an agent does with a NexusMessaging session, as workflows the CLI and the plugin share
 * (nexus spec §4.3): a request, then what its answer means for the agent's saved state. Claim
 * or join, then keep the agent id and key; poll from the saved cursor, then keep the new one;
 * send with the saved key. Commands that change server state check first that the state can
 * be saved (a claim spends the code, and its key exists only in the answer).
 */
import { NexusClient, type ApiResult } from './client.ts';
import { parsePairingLink, unwrapPasted } from './pairing-link.ts';
import { watchSession, type WatchOptions, type WatchResult } from './watch.ts';
import { InvalidServerValue, NexusState, serverKey, serverSessionId, validCursor, type SessionState } from './state.ts';

/** A server answer and, when the server said yes but the answer could not be saved, why. */
export interface AgentResult {
  r: ApiResult;
  stateError?: unknown;
}

type Body = Record<string, unknown>;

/** Runs `save` on a successful JSON answer; a failure to save is reported, never thrown. */
async function thenSave(r: ApiResult, save: (b: Body) => Promise<void>): Promise<AgentResult> {
  if (!r.ok || r.body === null) return { r };
  try {
    await save(r.body);
    return { r };
  } catch (stateError) {
    return { r, stateError };
  }
}

/** The saved key belongs to the saved agent only. */
export const keyFor = (saved: SessionState, agentId: string) => (saved.agent === agentId ? saved.key : undefined);

export interface PollOptions {
  /** Start after this cursor instead of the saved one (and do not save the new one). */
  after?: string;
  limit?: number;
  members?: boolean;
  /** Seconds the server may hold the poll until something arrives (nexus spec §2.6). */
  wait?: number;
  signal?: AbortSignal;
}

export class NexusAgent {
  constructor(
    readonly state: NexusState,
    /** The client for a session: its saved server unless the caller overrides it. */
    private readonly clientFor: (saved?: SessionState) => NexusClient,
    /** The client for a given server (a pairing link names its own). */
    private readonly clientAt: (url: string) => NexusClient = (url) => new NexusClient({ url }),
  ) {}

  async create(body: { ttl?: number; greeting?: string; maxAgents?: number; creatorAgentId?: string }): Promise<AgentResult> {
    const client = this.clientFor();
    await this.state.assertWritable();
    const creator = body.creatorAgentId;
    return thenSave(await client.createSession(body), (b) =>
      this.state.save(serverSessionId(b.sessionId), { server: client.url, ...(creator ? { agent: creator, ...serverKey(b.sessionKey) } : {}) }),
    );
  }

  async join(saved: SessionState, agentId: string): Promise<AgentResult> {
    const client = this.clientFor(saved);
    await this.state.assertWritable(saved.sessionId);
    return thenSave(await client.join(saved.sessionId, agentId, keyFor(saved, agentId)), (b) =>
      this.state.save(saved.sessionId, { agent: agentId, server: client.url, ...serverKey(b.sessionKey) }),
    );
  }

  /**
   * Claims a pairing code, or the pairing link itself (`https://host/p/CODE`): a link is claimed
   * on its own server, which is saved as this session's server (nexus spec §2.9).
   */
  async claim(codeOrLink: string, agentId: string): Promise<AgentResult> {
    const link = parsePairingLink(codeOrLink);
    const client = link ? this.clientAt(link.server) : this.clientFor();
    await this.state.assertWritable();
    const code = link ? link.code : unwrapPasted(codeOrLink);
    return thenSave(await client.claim(code, agentId), (b) => this.state.save(serverSessionId(b.sessionId), { agent: agentId, server: client.url, ...serverKey(b.sessionKey) }));
  }

  /** With an idempotency key, a send retried after a lost answer is posted once (nexus spec §2.3). */
  async send(saved: SessionState, agentId: string, text: string, idempotencyKey?: string): Promise<AgentResult> {
    return { r: await this.clientFor(saved).send(saved.sessionId, agentId, text, keyFor(saved, agentId), idempotencyKey) };
  }

  /**
   * Polls from the saved cursor (or `after`) and saves the new one. A cursor from the server
   * is saved only if it is a plain decimal (nexus spec §2.6): a hostile one is refused and the
   * next poll starts from the old cursor again.
   */
  async poll(saved: SessionState, agentId: string, opts: PollOptions = {}): Promise<AgentResult> {
    const explicit = opts.after !== undefined;
    // `after 0` replays from the greeting: the server's `after` is exclusive, so omit it.
    const after = explicit ? (opts.after === '0' ? undefined : opts.after) : saved.cursor;
    if (!explicit) await this.state.assertWritable(saved.sessionId);
    const r = await this.clientFor(saved).poll(saved.sessionId, agentId, {
      ...(after !== undefined ? { after } : {}),
      members: opts.members === true,
      ...(opts.limit ? { limit: opts.limit } : {}),
      ...(opts.wait ? { wait: opts.wait } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      key: keyFor(saved, agentId),
    });
    return thenSave(r, async (b) => {
      if (explicit || b.nextCursor === undefined || b.nextCursor === null) return;
      if (!validCursor(b.nextCursor)) throw new InvalidServerValue('the nextCursor from the server is not a plain decimal cursor (nexus spec §2.6); it was not saved');
      await this.state.save(saved.sessionId, { cursor: b.nextCursor }, agentId);
    });
  }

  /**
   * Watches the session from the saved cursor (or `after`, then nothing is saved) for a bounded
   * time, saving the cursor of each message as it arrives (watch.ts).
   */
  async watch(saved: SessionState, agentId: string, opts: Omit<WatchOptions, 'key' | 'saveCursor'> & { explicitAfter?: boolean }): Promise<WatchResult> {
    const explicit = opts.explicitAfter === true;
    if (!explicit) await this.state.assertWritable(saved.sessionId);
    const after = explicit ? opts.after : saved.cursor;
    const key = keyFor(saved, agentId);
    return watchSession(this.clientFor(saved), saved.sessionId, agentId, {
      ...opts,
      ...(after !== undefined ? { after } : {}),
      ...(key ? { key } : {}),
      ...(explicit ? {} : { saveCursor: (c: string) => this.state.save(saved.sessionId, { cursor: c }, agentId) }),
    });
  }

  /** Leaves with the saved key; once the seat is gone on the server, the local copy goes too. */
  async leave(saved: SessionState, agentId: string, key: string): Promise<AgentResult> {
    await this.state.assertWritable(saved.sessionId);
    const r = await this.clientFor(saved).leave(saved.sessionId, agentId, key);
    const gone = r.ok || ['session_not_found', 'agent_not_found'].includes(String(r.body?.error));
    const stateError = gone ? await this.state.remove(saved.sessionId).then(() => undefined, (e: unknown) => e) : undefined;
    return stateError === undefined ? { r } : { r, stateError };
  }

  /** Closes the session as its creator; once it is gone on the server, the local copy goes too. */
  async close(saved: SessionState, agentId: string, key: string): Promise<AgentResult> {
    await this.state.assertWritable(saved.sessionId);
    const r = await this.clientFor(saved).close(saved.sessionId, agentId, key);
    const gone = r.ok || r.body?.error === 'session_not_found';
    const stateError = gone ? await this.state.remove(saved.sessionId).then(() => undefined, (e: unknown) => e) : undefined;
    return stateError === undefined ? { r } : { r, stateError };
  }
}
