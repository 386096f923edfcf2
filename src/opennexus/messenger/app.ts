/**
 * The messenger's routes (opennexus spec §5-§6), as a Handler over injected state: the store, the clock,
 * id generation and the open-connection hub. It relays ciphertext only and never logs bodies.
 * Beyond the reference: messages for an agent with no open stream wait in a bounded offline
 * queue and are delivered in order when it connects (opennexus spec §6.1 notes they were dropped);
 * delivered messages are kept for a grace period and replayed to each new draining stream, so
 * a stream opened under someone else's id cannot take them away (offline-queue.ts); and every
 * stream has a byte budget for what it has not sent (subscriber.ts). With REDIS_URL the store
 * and the relay are shared by several instances (src/redis/messenger-*.ts), and so is the rate
 * limit (a token bucket per client IP, opennexus spec §5; src/redis/token-buckets.ts), so N
 * instances behind a balancer allow RATE_LIMIT once, not N times.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { TokenBuckets, type RequestBuckets } from '../../http/rate-limit.ts';
import type { Handler, HttpRequest, HttpResponse } from '../../http/types.ts';
import type { MessengerStore } from '../../store/messenger-store.ts';
import { StorageUnavailable } from '../../store/nexus-store.ts';
import type { MessengerConfig } from './config.ts';
import { MessengerError, ginJson, rfc3339Nano } from './go-json.ts';
import { Hub, Subscriber } from './hub.ts';
import { checkStreamProof } from '../core/stream-auth.ts';
import { checkSendRequest, decodeSendRequest, encodeRelayed } from './message.ts';
import { LocalRelay, type Relay, type RelayOutcome } from './relay.ts';
import { isThenable, type MaybePromise } from '../../maybe-promise.ts';

export interface MessengerDeps {
  config: MessengerConfig;
  store: MessengerStore;
  now?: () => number;
  newId?: () => string;
  serverId?: string;
  /** Where frames go (relay.ts); default: this process's streams, else the offline queue. */
  relay?: (hub: Hub, store: MessengerStore) => Relay;
  /** The per-address rate limit; default: a token bucket in this process. */
  limiter?: RequestBuckets;
}

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, OPTIONS',
  'access-control-allow-headers': 'Content-Type, X-Agent-ID',
};
const ACTIVE_WINDOW_MS = 60_000;
/** Agent ids are 44 characters of base64 (opennexus spec §1.3); room for other encodings of 32 bytes. */
export const MAX_AGENT_ID_CHARS = 256;
const CONNECTED_EVENT = 'data: {"message":"SSE stream established","type":"connected"}\n\n\n';

function json(status: number, body: Record<string, string | number | boolean>, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: { ...JSON_TYPE, ...headers }, body: ginJson(body) };
}

function notFound(): HttpResponse {
  return { status: 404, headers: { 'content-type': 'text/plain' }, body: '404 page not found' };
}

export interface Messenger {
  handler: Handler;
  hub: Hub;
  relay: Relay;
}

/**
 * A store that cannot be reached answers 503 in the messenger's error shape (the reference
 * has only `internal error`, opennexus spec §6); the client may retry, nothing was relayed.
 */
function unavailable(e: unknown): unknown {
  if (!(e instanceof StorageUnavailable)) return e;
  return new MessengerError(503, e.code === 'redis_unavailable' ? 'redis unavailable' : 'storage unavailable', { 'retry-after': '1' });
}

export function createMessenger(deps: MessengerDeps): Messenger {
  const { config, store } = deps;
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? randomUUID;
  const serverId = deps.serverId ?? hostname();
  const hub = new Hub();
  const relay: Relay = deps.relay?.(hub, store) ?? new LocalRelay(hub, store);
  const limiter = deps.limiter ?? new TokenBuckets({ rate: config.rateLimit, burst: config.rateBurst, now });

  const requireAgent = (req: HttpRequest): string => {
    const agent = req.headers['x-agent-id'];
    if (!agent) throw new MessengerError(400, 'X-Agent-ID header is required');
    return agent;
  };

  const OK = ginJson({ status: 'ok' });

  /** The answer to a relayed POST; synchronous when the relay is (memory: no promise per message). */
  function posted(outcome: RelayOutcome): HttpResponse {
    // The reference answers 200 and drops it (opennexus spec §6.1); a full queue says so instead.
    if (outcome === 'full') throw new MessengerError(503, 'offline queue full');
    // 429, not 503: this address is over its own share (offline-queue.ts), the queue is not full
    // for others; it frees up as its receivers drain (or the TTL passes).
    if (outcome === 'share') throw new MessengerError(429, 'offline queue share full for this address', { 'retry-after': '60' });
    return { status: 200, headers: { ...JSON_TYPE }, body: OK }; // counted by the relay (messages_total)
  }

  function postMessage(req: HttpRequest): MaybePromise<HttpResponse> {
    const agent = requireAgent(req);
    const msg = decodeSendRequest(req.body);
    checkSendRequest(msg, agent);
    const t = now();
    const frame = `data: ${encodeRelayed(msg, newId(), rfc3339Nano(t))}\n\n\n`;
    const receiver = msg.receiver_id as string;
    const control = msg.type === 'hello_ack' || msg.type === 'reset';
    const outcome = relay.relay(receiver, frame, t, { once: msg.type === 'hello', control, sender: req.ip });
    return isThenable(outcome) ? outcome.then(posted) : posted(outcome);
  }

  /**
   * REQUIRE_STREAM_AUTH=1: only who holds the agent's key may read (and drain) its stream
   * (core/stream-auth.ts; the reference has no auth, opennexus spec §5). Off, the header is not
   * even parsed, so a stream costs no signature check.
   */
  function proveReader(req: HttpRequest, agent: string): void {
    if (!config.requireStreamAuth) return;
    const check = checkStreamProof(req.headers['x-agent-auth'], agent, now());
    if (check === 'missing') throw new MessengerError(401, 'X-Agent-Auth header is required');
    if (check !== 'ok') throw new MessengerError(401, `invalid X-Agent-Auth: ${check}`);
  }

  function stream(req: HttpRequest): HttpResponse {
    const agent = requireAgent(req);
    proveReader(req, agent);
    // Our own clients open short-lived streams just to catch a HELLO_ACK or a reset; they ask
    // not to receive the offline backlog, which belongs to the agent's long-running stream,
    // and what they are sent is queued as well (hub.ts, Subscriber.drains).
    const drain = req.query.get('drain') !== '0';
    relay.admit();
    return {
      status: 200,
      headers: {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      },
      stream: {
        open(write, end, flow) {
          const sub = new Subscriber({ write, end, ...(flow ? { flow } : {}) }, config.streamBufferBytes, drain);
          sub.send(CONNECTED_EVENT);
          // Registered before anything can be relayed to it; a draining stream then takes the
          // backlog, a watch stream is shown the waiting HELLO_ACKs and resets (relay.ts).
          relay.attach(agent, sub, now());
          const keepalive = setInterval(() => sub.keepalive(), config.keepaliveMs);
          keepalive.unref();
          return () => {
            clearInterval(keepalive);
            relay.detach(agent, sub);
            sub.close();
          };
        },
      },
    };
  }

  async function heartbeat(req: HttpRequest): Promise<HttpResponse> {
    const agent = requireAgent(req);
    // Presence entries are kept a minute each; an id is 44 characters (opennexus spec §1.3), so a longer
    // one is refused rather than stored (the reference has no limit).
    if (agent.length > MAX_AGENT_ID_CHARS) throw new MessengerError(400, 'X-Agent-ID header is too long');
    await store.heartbeat(agent, now()); // opennexus spec §6: the body is never read
    return json(200, { status: 'ok', ttl_seconds: 60 });
  }

  async function publicStats(req: HttpRequest): Promise<HttpResponse> {
    if (req.method === 'OPTIONS') return { status: 204, headers: CORS };
    const body: Record<string, number | string> = {
      connected_agents: await store.activeAgents(now(), ACTIVE_WINDOW_MS),
      messages_total: await store.messagesTotal(),
      updated_at: new Date(Math.floor(now() / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    };
    if (config.publicStatsDebug) {
      body.local_agents = hub.agentCount;
      body.redis_agents = await relay.streamingAgents(now());
    }
    return json(200, body, { ...CORS, 'cache-control': 'public, max-age=10' });
  }

  async function info(): Promise<HttpResponse> {
    // opennexus spec §6: `redis_agents` is present when counting worked.
    const counted = await relay.streamingAgents(now()).catch(() => undefined);
    return json(200, { local_agent_count: hub.agentCount, ...(counted === undefined ? {} : { redis_agents: counted }), server_id: serverId });
  }

  const routes: Record<string, (req: HttpRequest) => MaybePromise<HttpResponse>> = {
    'GET /health': async () => ((await store.ping()) ? json(200, { status: 'ok' }) : json(503, { status: 'degraded' })),
    'GET /info': info,
    'GET /v1/stats/public': publicStats,
    'OPTIONS /v1/stats/public': publicStats,
    'POST /v1/presence/heartbeat': heartbeat,
    'POST /v1/messages': postMessage,
    'GET /v1/messages/stream': stream,
  };

  /** A route's result; a store that cannot be reached answers 503 (unavailable). */
  function run(route: (req: HttpRequest) => MaybePromise<HttpResponse>, req: HttpRequest): MaybePromise<HttpResponse> {
    let r: MaybePromise<HttpResponse>;
    try {
      r = route(req);
    } catch (e) {
      throw unavailable(e);
    }
    return isThenable(r) ? r.catch((e: unknown) => Promise.reject(unavailable(e))) : r;
  }

  function dispatch(allowed: boolean, req: HttpRequest): MaybePromise<HttpResponse> {
    if (!allowed) throw new MessengerError(429, 'rate limit exceeded');
    const route = routes[`${req.method} ${req.path}`];
    if (route) return run(route, req);
    // Gin redirects a trailing slash to the registered route: 301 for GET, 307 otherwise.
    if (req.path.length > 1 && req.path.endsWith('/') && routes[`${req.method} ${req.path.slice(0, -1)}`]) {
      return { status: req.method === 'GET' ? 301 : 307, headers: { location: req.path.slice(0, -1) } };
    }
    return notFound();
  }

  // No await when the limiter and the route answer at once (the in-process default).
  const handler: Handler = (req) => {
    const allowed = limiter.take(req.ip);
    return isThenable(allowed) ? allowed.then((ok) => dispatch(ok, req)) : dispatch(allowed, req);
  };

  return { handler, hub, relay };
}
