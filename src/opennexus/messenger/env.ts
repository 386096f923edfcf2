/**
 * The messenger's environment variables (opennexus spec §5, with ours): name, default, meaning.
 * Data only, for `--help` and the docs: the CLI's start-up loads this, not the parsing in config.ts
 * (which needs node:net).
 */
import { CONNECTION_ENV, STREAM_ENV } from '../../http/limits.ts';

export const MESSENGER_ENV = [
  ['PORT', '8080', 'port to listen on (`--port` wins)'],
  ['DATA_DIR', '<state dir>/messenger', 'where the offline queue and drain retention are kept on disk (synced before a message is answered 200, so a restart or `kill -9` loses none); one messenger per directory; `none` = memory only; unused with REDIS_URL'],
  ['RATE_LIMIT', '100', 'requests per second per client IP (one bucket for all instances with REDIS_URL); <= 0 disables'],
  ['RATE_BURST', '200', 'token bucket size per client IP'],
  ['TRUST_PROXY', '0', 'N: N proxies in front, the client is the Nth X-Forwarded-For entry from the right; or a list of proxy addresses/CIDRs'],
  ...CONNECTION_ENV,
  ...STREAM_ENV,
  ['REQUIRE_STREAM_AUTH', '0', '1: a stream must carry `X-Agent-Auth` (a fresh signature by the agent\'s key over its id, the time and the route; our clients always send it), else 401; 0: anyone may open any agent\'s stream, as in the reference'],
  ['PUBLIC_STATS_DEBUG', '0', '1: add local_agents / redis_agents to /v1/stats/public'],
  ['OFFLINE_QUEUE_MAX', '100', 'messages kept per agent (queued and retained); the oldest go first; 0 disables the queue'],
  ['OFFLINE_QUEUE_TTL', '86400', 'seconds a message that found no open stream is kept (even once delivered)'],
  ['OFFLINE_QUEUE_TOTAL', '100000', 'messages kept for all agents together'],
  ['OFFLINE_QUEUE_BYTES', '4194304', 'bytes kept per agent (the receiver\'s share), counted as stored (after escaping); the oldest go first'],
  ['OFFLINE_QUEUE_TOTAL_BYTES', '268435456', 'bytes kept for all agents; when full, retained messages go first, then a message for an agent with no open stream gets 503'],
  ['OFFLINE_QUEUE_ADDRESS_BYTES', '(OFFLINE_QUEUE_TOTAL_BYTES / 16)', 'bytes of not yet delivered messages one client address (after TRUST_PROXY) may have queued, for all receivers; over it that address gets 429, everyone else is still queued; 0 = no cap'],
  ['DRAIN_GRACE', '600', 'seconds a delivered message is kept and replayed to every new stream of its agent (so a stream opened by someone else cannot take it away); 0 disables'],
  ['STREAM_BUFFER_BYTES', '1048576', 'unsent bytes one event stream may hold; a stream that falls further behind is closed (it reconnects and gets what was kept)'],
  ['REDIS_URL', '(unset)', 'e.g. `redis://127.0.0.1:6379/2` (database index honoured): keep presence, the message counter and the offline queue in this Redis and fan messages out through it, so several instances serve the same agents; unset: everything in this process'],
  ['REDIS_PREFIX', 'nexus:', 'put before every Redis key and channel, so deployments can share one Redis'],
] as const;
