/**
 * A typed client for the NexusMessaging session API (nexus spec §2.3), over the one shared HTTP
 * client (src/http/client.ts): every request has a total deadline and a body cap, and every
 * network failure is a NetworkError. It speaks the plural paths and falls back to the singular
 * ones once when a server answers a plural path with a non-JSON 404 (an old server, nexus spec §1.3).
 */
import { DEFAULT_MAX_BODY_BYTES, openSse, request as httpRequest, type SseStream } from '../http/client.ts';

export const DEFAULT_NEXUS_URL = 'https://messaging.md';

/**
 * Sent on every request (docs/spec/nexus-e2e.md §10): this client reads end-to-end sessions, so
 * the server leaves out the notice it adds for reference clients, which cannot.
 */
export const E2E_CLIENT_HEADERS = { 'x-nexus-e2e': '1' } as const;

/**
 * A poll answer may legitimately be large: up to 500 messages (our server's POLL_LIMIT_MAX) of
 * up to 16 000 characters each, about 8 MB of ASCII text. 16 MiB leaves room for that (and for
 * a default 100-message page even with 64 KiB json payloads) while still bounding memory; a
 * bigger page fails as too_large and `--limit` asks for a smaller one.
 */
export const POLL_MAX_BODY_BYTES = 16 << 20;

export interface ApiResult<T = Record<string, unknown>> {
  status: number;
  ok: boolean;
  /** The JSON object the server answered, or null when it did not answer a JSON object. */
  body: T | null;
  text: string;
  /** The server marked the answer as from an end-to-end session (header X-Nexus-E2E: 1, e2e spec §10). */
  e2e?: boolean;
}

export interface NexusClientOptions {
  url?: string;
  /** Total time per request: connect, headers and the whole body. */
  timeoutMs?: number;
  /** Largest answer read, except for poll (default 1 MiB). */
  maxBodyBytes?: number;
  /** Largest poll answer read (default POLL_MAX_BODY_BYTES). */
  maxPollBodyBytes?: number;
}

interface CallOptions {
  headers?: Record<string, string>;
  body?: unknown;
  maxBodyBytes?: number;
  /** Extra time on top of the usual deadline (a long-poll's wait). */
  extraMs?: number;
  signal?: AbortSignal;
}

export interface PollQuery {
  after?: string;
  members?: boolean;
  limit?: number;
  key?: string;
  /** Seconds the server may hold the poll until a message arrives (nexus spec §2.6, 0-55). */
  wait?: number;
  /** Ends a parked poll early (a NetworkError). */
  signal?: AbortSignal;
}

/** One line of an event stream is at most a message: 16 000 characters and a 64 KiB json payload, escaped. */
const STREAM_MAX_LINE_BYTES = 1 << 20;

export class NexusClient {
  readonly url: string;
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly maxPollBodyBytes: number;
  private prefix = '/v1/sessions';

  constructor(opts: NexusClientOptions = {}) {
    this.url = (opts.url ?? DEFAULT_NEXUS_URL).replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.maxPollBodyBytes = opts.maxPollBodyBytes ?? POLL_MAX_BODY_BYTES;
  }

  /** One request; rejects with a NetworkError (bad_url, unreachable, timeout, too_large). */
  async request<T = Record<string, unknown>>(method: string, path: string, opts: CallOptions = {}): Promise<ApiResult<T>> {
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const r = await httpRequest(this.url + path, {
      method,
      headers: { accept: 'application/json', ...E2E_CLIENT_HEADERS, ...opts.headers },
      timeoutMs: this.timeoutMs + (opts.extraMs ?? 0),
      maxBodyBytes: opts.maxBodyBytes ?? this.maxBodyBytes,
      ...(payload !== undefined ? { body: payload } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(r.body);
    } catch {
      parsed = null;
    }
    // Only an object is an answer: callers read fields from it (a bare `5` or `[]` is not one).
    const body = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as T) : null;
    const e2e = r.headers['x-nexus-e2e'] === '1' ? { e2e: true } : {};
    return { status: r.status, ok: r.status >= 200 && r.status < 300, body, text: r.body, ...e2e };
  }

  /** Session routes: plural first, singular once if the plural route does not exist. */
  private async session<T = Record<string, unknown>>(method: string, rest: string, opts: CallOptions = {}): Promise<ApiResult<T>> {
    const r = await this.request<T>(method, `${this.prefix}${rest}`, opts);
    if (r.status === 404 && r.body === null && this.prefix === '/v1/sessions') {
      this.prefix = '/v1/session';
      return this.request<T>(method, `${this.prefix}${rest}`, opts);
    }
    return r;
  }

  private static agent(agentId?: string, key?: string): Record<string, string> {
    return { ...(agentId ? { 'x-agent-id': agentId } : {}), ...(key ? { 'x-session-key': key } : {}) };
  }

  /** `e2e: true` marks an end-to-end session (its greeting, if any, is then an envelope). */
  createSession(opts: { ttl?: number; greeting?: string; maxAgents?: number; creatorAgentId?: string; e2e?: boolean } = {}) {
    return this.session('PUT', '', { body: opts });
  }
  status(sessionId: string) {
    return this.session('GET', `/${encodeURIComponent(sessionId)}`);
  }
  join(sessionId: string, agentId: string, key?: string) {
    return this.session('POST', `/${encodeURIComponent(sessionId)}/join`, { headers: NexusClient.agent(agentId, key), body: {} });
  }
  /** With an idempotency key, a retried send is posted once: the repeat gets the first answer. */
  send(sessionId: string, agentId: string, text: string, key?: string, idempotencyKey?: string, json?: unknown) {
    const headers = { ...NexusClient.agent(agentId, key), ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) };
    return this.session('POST', `/${encodeURIComponent(sessionId)}/messages`, { headers, body: json === undefined ? { text } : text ? { text, json } : { json } });
  }
  // Our clients present the key on every member request: the server then requires it from
  // this agent on poll, send and renew, so its id alone cannot be used to act as it (nexus spec §2.3).
  async poll(sessionId: string, agentId: string, opts: PollQuery = {}) {
    const q = new URLSearchParams();
    if (opts.after !== undefined) q.set('after', opts.after);
    if (opts.members) q.set('members', 'true');
    if (opts.limit !== undefined) q.set('limit', String(opts.limit));
    if (opts.wait) q.set('wait', String(opts.wait));
    const qs = q.toString();
    return this.session('GET', `/${encodeURIComponent(sessionId)}/messages${qs ? `?${qs}` : ''}`, {
      headers: NexusClient.agent(agentId, opts.key),
      maxBodyBytes: this.maxPollBodyBytes,
      extraMs: (opts.wait ?? 0) * 1000,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  }
  /**
   * The session's messages as events (nexus spec §2.6): resolves once the stream is open.
   * `lastEventId` (the last cursor received) resumes after it on a reconnect.
   */
  stream(sessionId: string, agentId: string, opts: { key?: string; after?: string; lastEventId?: string; signal?: AbortSignal } = {}): Promise<SseStream> {
    const q = opts.after !== undefined ? `?after=${encodeURIComponent(opts.after)}` : '';
    const headers = { ...E2E_CLIENT_HEADERS, ...NexusClient.agent(agentId, opts.key), ...(opts.lastEventId ? { 'last-event-id': opts.lastEventId } : {}) };
    return openSse(`${this.url}${this.prefix}/${encodeURIComponent(sessionId)}/messages/stream${q}`, {
      headers,
      connectTimeoutMs: this.timeoutMs,
      maxLineBytes: STREAM_MAX_LINE_BYTES,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  }
  renew(sessionId: string, agentId: string, ttl?: number, key?: string) {
    return this.session('POST', `/${encodeURIComponent(sessionId)}/renew`, { headers: NexusClient.agent(agentId, key), body: ttl === undefined ? {} : { ttl } });
  }
  leave(sessionId: string, agentId: string, key?: string) {
    return this.session('DELETE', `/${encodeURIComponent(sessionId)}/agents/${encodeURIComponent(agentId)}`, { headers: NexusClient.agent(agentId, key) });
  }
  /** The creator ends the session for everyone (DELETE on the session, with its key). */
  close(sessionId: string, agentId: string, key?: string) {
    return this.session('DELETE', `/${encodeURIComponent(sessionId)}`, { headers: NexusClient.agent(agentId, key) });
  }
  /** With a member's id and key the code is the owner's: anonymous code requests cannot void it. */
  pair(sessionId: string, agentId?: string, key?: string) {
    return this.request('PUT', '/v1/pair', { headers: agentId && key ? NexusClient.agent(agentId, key) : {}, body: { sessionId } });
  }
  claim(code: string, agentId: string) {
    return this.request('POST', `/v1/pair/${encodeURIComponent(code)}/claim`, { headers: NexusClient.agent(agentId), body: {} });
  }
  pairStatus(code: string) {
    return this.request('GET', `/v1/pair/${encodeURIComponent(code)}/status`);
  }
}
