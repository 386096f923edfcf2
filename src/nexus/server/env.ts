/**
 * The session server's environment variables: name, default, meaning. Data only, for `--help`
 * and the docs: the CLI's start-up loads this, not the parsing in config.ts (which needs node:net).
 */
import { CONNECTION_ENV, STREAM_ENV } from '../../http/limits.ts';

export const NEXUS_ENV = [
  ['PORT', '3000', 'port to listen on (`--port` wins)'],
  ['PUBLIC_BASE_URL', '(from the Host header)', 'base URL used in pairing links and pages'],
  ['DATA_DIR', '<state dir>/nexus-server', 'where sessions and messages are kept on disk; `none` = memory only'],
  ['REDIS_URL', '(unset)', 'e.g. `redis://127.0.0.1:6379/2`: keep everything in this Redis (database index honoured) so several instances serve the same sessions; DATA_DIR is then unused'],
  ['REDIS_PREFIX', 'nexus:', 'put before every Redis key and channel, so deployments can share one Redis'],
  ['DEFAULT_TTL', '3660', 'session inactivity TTL in seconds when create gives none'],
  ['MAX_TTL_SECONDS', '86400', 'largest TTL a client may ask for'],
  ['DEFAULT_MAX_AGENTS', '2', 'session capacity when create gives none'],
  ['MAX_AGENTS', '50', 'largest capacity a client may ask for'],
  ['PAIR_CODE_TTL', '600', 'seconds a pairing code stays valid'],
  ['SLIDE_ON_POLL', 'true', 'whether a poll also resets the inactivity TTL'],
  ['STRICT_SESSION_KEY', 'true', 'a wrong X-Session-Key on send is 403 (false: message marked unverified)'],
  ['RATE_LIMIT_MAX', '100', 'requests per window per client IP'],
  ['RATE_LIMIT_WINDOW_MS', '60000', 'rate-limit window'],
  ['PAIR_FAIL_LIMIT', '10', 'failed pairing-code lookups per window per IP before 429'],
  ['TRUST_PROXY', '0', 'N: N proxies in front, the client is the Nth X-Forwarded-For entry from the right (scheme from X-Forwarded-Proto); or a list of proxy addresses/CIDRs'],
  ...CONNECTION_ENV,
  ['MAX_MESSAGE_CHARS', '16000', 'longest message text'],
  ['MAX_MESSAGES_PER_SESSION', '1000', 'messages kept per session (the greeting is always kept)'],
  ['MAX_SESSION_MESSAGE_BYTES', '2097152', 'bytes of messages kept per session; the oldest go first'],
  ['MAX_MESSAGE_BYTES_TOTAL', '268435456', 'bytes of messages kept for all sessions; the oldest go first'],
  ['MAX_POLL_BYTES', '1048576', 'bytes of messages per poll answer (at least one message); `hasMore` says when more wait'],
  ['MAX_JSON_NODES', '1000', 'values (objects, arrays, scalars) in a message\'s `json` payload'],
  ['MAX_GREETING_CHARS', '2000', 'longest greeting (it is stored with the session, and shown on the pairing page)'],
  ['SESSION_STORAGE_PER_IP', '16777216', 'bytes of session metadata (greetings included) live sessions created from one address may hold'],
  ['SESSION_STORAGE_TOTAL', '1073741824', 'bytes of session metadata all live sessions may hold'],
  ...STREAM_ENV,
  ['MAX_WAITERS_PER_SESSION', '16', 'parked polls (`wait=`) and event streams open on one session (429 beyond)'],
  ['MAX_WAITERS_PER_IP', '32', 'parked polls and event streams open from one client address (429 beyond)'],
  ['SSE_KEEPALIVE_MS', '20000', 'keepalive comment interval of an idle event stream (each one also counts as activity)'],
] as const;
