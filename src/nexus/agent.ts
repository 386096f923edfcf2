/**
 * What an agent does with a NexusMessaging session, as workflows the CLI and the plugin share
 * (nexus spec §4.3): a request, then what its answer means for the agent's saved state. Claim
 * or join, then keep the agent id and key; poll from the saved cursor, then keep the new one;
 * send with the saved key. Commands that change server state check first that the state can
 * be saved (a claim spends the code, and its key exists only in the answer).
 */
import { NexusClient, type ApiResult } from './client.ts';
import { E2eError, E2eReader, NO_KEY_MESSAGE, checkGreeting, checkOutgoing, isKeyCheck, newSecret, sealOutgoing, secretBytes, withoutKey } from './e2e-client.ts';
import { decodeSecret, safetyCode } from './e2e.ts';
import { linkSecret, linkWithSecret, parsePairingLink, unwrapPasted } from './pairing-link.ts';
import { watchSession, type WatchOptions, type WatchResult } from './watch.ts';
import { InvalidServerValue, NexusState, serverKey, serverSessionId, validCursor, type SessionState } from './state.ts';

/** A server answer and, when the server said yes but the answer could not be saved, why. */
export interface AgentResult {
  r: ApiResult;
  stateError?: unknown;
}

type Body = Record<string, unknown>;

/** The server's warning for a redacted send (nexus spec §2.7), said by the client for a sealed one. */
const REDACTED_WARNING = 'Message contained secrets; they were replaced with [REDACTED:type]. Never send secrets over NexusMessaging.';

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

  /**
   * Creates a session. `e2e`: an end-to-end session (docs/spec/nexus-e2e.md §2): a fresh secret,
   * kept in the session's state (0600) and never sent; the greeting goes out sealed.
   * `secretFits`: a secret that does not fit is drawn again (newSecret).
   */
  async create(body: { ttl?: number; greeting?: string; maxAgents?: number; creatorAgentId?: string; e2e?: boolean }, opts: { secretFits?: (secret: string) => boolean } = {}): Promise<AgentResult> {
    const client = this.clientFor();
    await this.state.assertWritable();
    const creator = body.creatorAgentId;
    const { e2e, ...plain } = body;
    const secret = e2e ? newSecret(opts.secretFits) : undefined;
    let req: typeof body = plain;
    if (secret) {
      // e2e spec §5: without a greeting, a sealed empty one: the key check a claimer opens (§9).
      const greeting = sealOutgoing(secret, { kind: 'greeting', sessionId: '', sender: '' }, { text: body.greeting ?? '' }).envelope;
      req = { ...plain, e2e: true, greeting };
    }
    const r = await thenSave(await client.createSession(req), (b) =>
      this.state.save(serverSessionId(b.sessionId), { server: client.url, ...(secret ? { e2e: secret } : {}), ...(creator ? { agent: creator, ...serverKey(b.sessionKey) } : {}) }),
    );
    // The answer shows the greeting as written, not its envelope.
    if (secret && r.r.ok && r.r.body) r.r.body = { ...r.r.body, e2e: true, ...(body.greeting ? { greeting: body.greeting } : {}) };
    return r;
  }

  /**
   * A pairing link for the session; for an end-to-end session its `url` carries the secret in
   * the fragment (e2e spec §2), which no HTTP request sends.
   */
  async pair(saved: SessionState, agentId?: string): Promise<AgentResult> {
    const who = agentId ?? saved.agent;
    const r = await this.clientFor(saved).pair(saved.sessionId, who, who ? keyFor(saved, who) : undefined);
    if (saved.e2e && r.ok && r.body && typeof r.body.url === 'string') r.body = { ...r.body, url: linkWithSecret(r.body.url, saved.e2e), e2e: true };
    return { r };
  }

  /** e2e spec §7: the code both humans compare, from the secret and the members the server lists. */
  async safety(saved: SessionState): Promise<Record<string, unknown>> {
    if (!saved.e2e) throw new E2eError('not_e2e_session', `session ${saved.sessionId} is not end-to-end encrypted (no key saved for it here): there is no safety code`);
    const r = await this.clientFor(saved).status(saved.sessionId);
    if (!r.ok || !r.body) throw new E2eError(String(r.body?.error ?? 'http_error'), `the server did not answer the session's status (HTTP ${r.status}): ${String(r.body?.message ?? '')}`);
    const members = (Array.isArray(r.body.agents) ? r.body.agents : []).map(String).sort();
    if (members.length < 2) throw new E2eError('members_unknown', 'the other agent has not joined yet: the safety code needs both members; try again once it has claimed the link');
    return { sessionId: saved.sessionId, safetyCode: safetyCode(secretBytes(saved.e2e), saved.sessionId, members), members };
  }

  async join(saved: SessionState, agentId: string): Promise<AgentResult> {
    const client = this.clientFor(saved);
    await this.state.assertWritable(saved.sessionId);
    const res = await thenSave(await client.join(saved.sessionId, agentId, keyFor(saved, agentId)), (b) =>
      this.state.save(saved.sessionId, { agent: agentId, server: client.url, ...serverKey(b.sessionKey) }),
    );
    // e2e spec §6: joined by id, an agent has no key for an E2E session: it is told so.
    if (res.r.ok && res.r.body && !saved.e2e && (res.r.e2e || (await client.status(saved.sessionId)).body?.e2e === true)) {
      res.r.body = { ...res.r.body, e2e: true, e2eKey: 'missing', warning: NO_KEY_MESSAGE };
    }
    return res;
  }

  /**
   * Claims a pairing code, or the pairing link itself (`https://host/p/CODE`): a link is claimed
   * on its own server, which is saved as this session's server (nexus spec §2.9).
   */
  async claim(codeOrLink: string, agentId: string): Promise<AgentResult> {
    const link = parsePairingLink(codeOrLink);
    const client = link ? this.clientAt(link.server) : this.clientFor();
    await this.state.assertWritable();
    const code = link ? link.code : unwrapPasted(codeOrLink).replace(/#.*$/, '');
    // e2e spec §9: the code's status says whether the session is end-to-end, before anything is claimed.
    const given = link ? linkSecret(codeOrLink) : undefined;
    const secret = given === undefined ? undefined : decodeSecret(given);
    if (given !== undefined && !secret) throw new E2eError('e2e_bad_key', 'the part of the link after # is not a whole key (43 characters): ask for the WHOLE link again. Nothing was claimed.', 2);
    const st = await client.pairStatus(code);
    if (st.status === 404 || st.status === 410) return { r: st };
    // e2e spec §9: a code that is no longer pending gives its own error (the claim says which);
    // only a pending code the server says is not E2E is refused as not_e2e_session.
    const spent = st.ok && typeof st.body?.state === 'string' && st.body.state !== 'pending';
    if (!spent && st.ok && st.body?.e2e === true && !secret) {
      throw new E2eError('e2e_no_key', 'this session is end-to-end encrypted and the link has no key: the part after # is missing. Ask for the WHOLE link, including the part after #. Nothing was claimed.', 2);
    }
    if (!spent && secret && !(st.ok && st.body?.e2e === true)) {
      throw new E2eError('not_e2e_session', 'the link carries an end-to-end key but the server does not say the session is end-to-end; not claimed (a server must never turn encryption off)');
    }
    if (!spent && secret) checkGreeting(secret, st.body?.greeting);
    const e2e = secret ? { e2e: given! } : {};
    const r = await thenSave(await client.claim(code, agentId), (b) => this.state.save(serverSessionId(b.sessionId), { agent: agentId, server: client.url, ...e2e, ...serverKey(b.sessionKey) }));
    if (secret && r.r.ok && r.r.body) r.r.body = { ...r.r.body, e2e: true };
    return r;
  }

  /** With an idempotency key, a send retried after a lost answer is posted once (nexus spec §2.3). */
  async send(saved: SessionState, agentId: string, text: string, idempotencyKey?: string, json?: unknown): Promise<AgentResult> {
    const client = this.clientFor(saved);
    if (!saved.e2e) {
      const r = await client.send(saved.sessionId, agentId, text, keyFor(saved, agentId), idempotencyKey, json);
      // e2e spec §6: the server says the session is E2E and this agent has no key for it.
      if (r.body?.error === 'e2e_required') throw new E2eError('e2e_no_key', NO_KEY_MESSAGE, 2);
      return { r };
    }
    // The server's rules for a message (nexus spec §2.3, §2.4), kept for a sealed one (e2e spec §8).
    checkOutgoing(json !== undefined ? { json } : { text });
    // e2e spec §8: sanitised here with the server's rules, then sealed; the server sees an envelope.
    const b = { kind: 'msg' as const, sessionId: saved.sessionId, sender: agentId };
    const { envelope, redactions } = sealOutgoing(saved.e2e, b, json !== undefined ? { json } : { text }, idempotencyKey);
    const r = await client.send(saved.sessionId, agentId, envelope, keyFor(saved, agentId), idempotencyKey);
    if (r.ok && r.body && redactions.length) r.body = { ...r.body, redacted: true, redactions, warning: REDACTED_WARNING };
    if (r.ok && r.body) r.body = { ...r.body, e2e: true };
    return { r };
  }

  /** The reader of an end-to-end session's messages for one agent (undefined for a plain session). */
  private async reader(saved: SessionState, agentId: string): Promise<E2eReader | undefined> {
    return saved.e2e ? new E2eReader(this.state, saved.sessionId, agentId, secretBytes(saved.e2e)).load() : undefined;
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
    const reader = r.ok && r.body && Array.isArray(r.body.messages) ? await this.reader(saved, agentId) : undefined;
    if (reader && r.body) {
      const opened = (r.body.messages as Body[]).map((m) => (m && typeof m === 'object' ? reader.open(m) : m));
      r.body = { ...r.body, messages: opened.filter((m) => !(m && typeof m === 'object' && isKeyCheck(m))), e2e: true };
      delete r.body.notice;
    } else if (r.e2e && r.body && Array.isArray(r.body.messages)) {
      r.body = { ...r.body, messages: (r.body.messages as Body[]).map(withoutKey), e2e: true, e2eKey: 'missing' };
    }
    return thenSave(r, async (b) => {
      await reader?.save();
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
    const reader = await this.reader(saved, agentId);
    // Without a key, at the first sealed message the session's status says whether it is E2E
    // (e2e spec §6: no ciphertext as text); unanswered, it is taken to be.
    let e2e: Promise<boolean> | undefined;
    const isE2e = () => (e2e ??= this.clientFor(saved).status(saved.sessionId).then((s) => !s.ok || s.body?.e2e === true, () => true));
    const onMessage = reader ? async (m: Body) => {
      const opened = reader.open(m);
      await reader.save();
      if (isKeyCheck(opened)) return false;
      await opts.onMessage(opened);
    } : async (m: Body) => opts.onMessage(withoutKey(m) !== m && (await isE2e()) ? withoutKey(m) : m);
    return watchSession(this.clientFor(saved), saved.sessionId, agentId, {
      ...opts,
      onMessage,
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
