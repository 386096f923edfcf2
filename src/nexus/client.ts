/**
 * A typed client for the NexusMessaging session API (spec §2.3), over node:http(s). It speaks
 * the plural paths and falls back to the singular ones once when a server answers a plural
 * path with a non-JSON 404 (an old server, spec §1.3).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export const DEFAULT_NEXUS_URL = 'https://messaging.md';

export class NexusNetworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NexusNetworkError';
  }
}

export interface ApiResult<T = Record<string, unknown>> {
  status: number;
  ok: boolean;
  /** The JSON body, or null when the server did not answer JSON. */
  body: T | null;
  text: string;
}

export interface NexusClientOptions {
  url?: string;
  timeoutMs?: number;
}

export class NexusClient {
  readonly url: string;
  private readonly timeoutMs: number;
  private prefix = '/v1/sessions';

  constructor(opts: NexusClientOptions = {}) {
    this.url = (opts.url ?? DEFAULT_NEXUS_URL).replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  request<T = Record<string, unknown>>(method: string, path: string, opts: { headers?: Record<string, string>; body?: unknown } = {}): Promise<ApiResult<T>> {
    let u: URL;
    try {
      u = new URL(this.url + path);
    } catch {
      return Promise.reject(new NexusNetworkError(`invalid server URL: ${this.url}`));
    }
    const fn = u.protocol === 'https:' ? httpsRequest : u.protocol === 'http:' ? httpRequest : null;
    if (!fn) return Promise.reject(new NexusNetworkError(`unsupported URL scheme: ${this.url}`));
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    return new Promise((resolve, reject) => {
      const req = fn(
        u,
        {
          method,
          timeout: this.timeoutMs,
          headers: {
            accept: 'application/json',
            ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
            ...opts.headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: T | null = null;
            try {
              body = JSON.parse(text) as T;
            } catch {
              body = null;
            }
            const status = res.statusCode ?? 0;
            resolve({ status, ok: status >= 200 && status < 300, body, text });
          });
          res.on('error', (e) => reject(new NexusNetworkError(`${this.url}: ${e.message}`)));
        },
      );
      req.on('timeout', () => req.destroy(new NexusNetworkError(`${this.url} did not answer within ${this.timeoutMs} ms`)));
      req.on('error', (e: NodeJS.ErrnoException) => reject(e instanceof NexusNetworkError ? e : new NexusNetworkError(`cannot reach ${this.url} (${e.code ?? e.message})`)));
      req.end(payload);
    });
  }

  /** Session routes: plural first, singular once if the plural route does not exist. */
  private async session<T = Record<string, unknown>>(method: string, rest: string, opts: { headers?: Record<string, string>; body?: unknown } = {}): Promise<ApiResult<T>> {
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

  createSession(opts: { ttl?: number; greeting?: string; maxAgents?: number; creatorAgentId?: string } = {}) {
    return this.session('PUT', '', { body: opts });
  }
  status(sessionId: string) {
    return this.session('GET', `/${encodeURIComponent(sessionId)}`);
  }
  join(sessionId: string, agentId: string, key?: string) {
    return this.session('POST', `/${encodeURIComponent(sessionId)}/join`, { headers: NexusClient.agent(agentId, key), body: {} });
  }
  send(sessionId: string, agentId: string, text: string, key?: string) {
    return this.session('POST', `/${encodeURIComponent(sessionId)}/messages`, { headers: NexusClient.agent(agentId, key), body: { text } });
  }
  poll(sessionId: string, agentId: string, opts: { after?: string; members?: boolean; limit?: number } = {}) {
    const q = new URLSearchParams();
    if (opts.after !== undefined) q.set('after', opts.after);
    if (opts.members) q.set('members', 'true');
    if (opts.limit !== undefined) q.set('limit', String(opts.limit));
    const qs = q.toString();
    return this.session('GET', `/${encodeURIComponent(sessionId)}/messages${qs ? `?${qs}` : ''}`, { headers: NexusClient.agent(agentId) });
  }
  renew(sessionId: string, agentId: string, ttl?: number) {
    return this.session('POST', `/${encodeURIComponent(sessionId)}/renew`, { headers: NexusClient.agent(agentId), body: ttl === undefined ? {} : { ttl } });
  }
  leave(sessionId: string, agentId: string, key?: string) {
    return this.session('DELETE', `/${encodeURIComponent(sessionId)}/agents/${encodeURIComponent(agentId)}`, { headers: NexusClient.agent(agentId, key) });
  }
  pair(sessionId: string) {
    return this.request('PUT', '/v1/pair', { body: { sessionId } });
  }
  claim(code: string, agentId: string) {
    return this.request('POST', `/v1/pair/${encodeURIComponent(code)}/claim`, { headers: NexusClient.agent(agentId), body: {} });
  }
  pairStatus(code: string) {
    return this.request('GET', `/v1/pair/${encodeURIComponent(code)}/status`);
  }
}
