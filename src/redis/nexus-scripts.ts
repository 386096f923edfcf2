/**
 * The session store's Lua scripts (redis/nexus-store.ts). Each runs atomically in Redis, so a
 * check of the record's version and everything that follows from the change (messages with
 * their cursors, budgets, counters, indexes, key expiry) happen as one step on every instance.
 *
 * Key layout under the prefix P (ARGV carries P: the scripts reach a session's keys by id, so
 * they run on a single Redis, not a Cluster):
 *   P s:<id>   hash  rec (SessionRecord JSON), v (version), exp (expiresAt), n (agents),
 *                    mb (bytes of kept messages), greet (the greeting, outside the budgets)
 *   P m:<id>   zset  messages, score = cursor, member = StoredMessage JSON
 *   P ps:<id>  set   the session's pairing codes
 *   P i:<id>   hash  idempotent answers of the session, P io:<id> zset their age (redis/idempotency.ts)
 *   P p:<code> hash  rec (PairRecord JSON), v, exp, sid
 *   P exp / P pexp   zsets of sessions / codes by expiry (the sweep walks them in order)
 *   P arr      zset  every kept message in arrival order, member `sid\ncursor\nsize` (the global
 *                    byte budget drops the oldest; the size is there so a message Redis expired
 *                    with its session is still subtracted when its entry goes)
 *   P agentsof hash  agents per session (kept apart from s:<id> so a session Redis expired is
 *                    still taken off `counts` by the sweep)
 *   P qs       hash  sid -> "bytes ip" charged to the storage quota; P quota (ip -> bytes) and
 *                    P quota:total (redis/quota.ts)
 *   P seq, P bytes, P counts (agents, messages)
 * A message's size is its member's length in bytes (the stored JSON, a little more than what
 * a poll sends).
 */

import { RELEASE_QUOTA_FN } from './quota.ts';

/** Deletes session `sid` and everything that hangs on it; shared by update (op del) and the sweep. */
const DELETE_SESSION = `${RELEASE_QUOTA_FN}
local function forget_agents(P, sid)
  local n = tonumber(redis.call('HGET', P .. 'agentsof', sid) or '0')
  if n ~= 0 then redis.call('HINCRBY', P .. 'counts', 'agents', -n) end
  redis.call('HDEL', P .. 'agentsof', sid)
end
local function delete_session(P, sid)
  local s = P .. 's:' .. sid
  local mb = tonumber(redis.call('HGET', s, 'mb') or '0')
  forget_agents(P, sid)
  release_quota(P, sid)
  if mb ~= 0 then redis.call('DECRBY', P .. 'bytes', mb) end
  local kept = redis.call('ZRANGE', P .. 'm:' .. sid, 0, -1, 'WITHSCORES')
  for i = 1, #kept, 2 do redis.call('ZREM', P .. 'arr', sid .. '\\n' .. kept[i + 1] .. '\\n' .. #kept[i]) end
  for _, code in ipairs(redis.call('SMEMBERS', P .. 'ps:' .. sid)) do
    redis.call('DEL', P .. 'p:' .. code)
    redis.call('ZREM', P .. 'pexp', code)
  end
  redis.call('DEL', s, P .. 'm:' .. sid, P .. 'ps:' .. sid, P .. 'i:' .. sid, P .. 'io:' .. sid)
  redis.call('ZREM', P .. 'exp', sid)
end
`;

/**
 * ARGV: P, sid, expected version, op (set | del | keep), rec, expiresAt, agents, keepUntil,
 * maxPerSession, maxBytesPerSession, maxBytesTotal, then (cursor, member) pairs to append.
 * Returns -1 when the version moved (the caller reads again and re-runs its transition).
 */
export const UPDATE_SESSION = `${DELETE_SESSION}
local P, sid = ARGV[1], ARGV[2]
local s, m = P .. 's:' .. sid, P .. 'm:' .. sid
local v = tonumber(redis.call('HGET', s, 'v') or '0')
if v ~= tonumber(ARGV[3]) then return -1 end
if ARGV[4] == 'del' then
  delete_session(P, sid)
  return 0
end
local keepUntil = ARGV[8]
if ARGV[4] == 'set' then
  local n = tonumber(ARGV[7])
  local delta = n - tonumber(redis.call('HGET', P .. 'agentsof', sid) or '0')
  redis.call('HSET', s, 'rec', ARGV[5], 'v', v + 1, 'exp', ARGV[6], 'n', n)
  redis.call('HSET', P .. 'agentsof', sid, n)
  if delta ~= 0 then redis.call('HINCRBY', P .. 'counts', 'agents', delta) end
  redis.call('ZADD', P .. 'exp', ARGV[6], sid)
else
  redis.call('HSET', s, 'v', v + 1)
end
local maxPer, maxBytes, maxTotal = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
local last = nil
for i = 12, #ARGV, 2 do
  local cursor, member = ARGV[i], ARGV[i + 1]
  redis.call('HINCRBY', P .. 'counts', 'messages', 1)
  if cursor == '0' and redis.call('HEXISTS', s, 'greet') == 0 and redis.call('ZCARD', m) == 0 then
    redis.call('HSET', s, 'greet', member)
  else
    local size = #member
    redis.call('ZADD', m, cursor, member)
    redis.call('HINCRBY', s, 'mb', size)
    redis.call('INCRBY', P .. 'bytes', size)
    last = sid .. '\\n' .. cursor .. '\\n' .. size
    redis.call('ZADD', P .. 'arr', redis.call('INCR', P .. 'seq'), last)
    -- the session's budgets: the oldest go first, the newest message always stays
    while redis.call('ZCARD', m) > maxPer or (tonumber(redis.call('HGET', s, 'mb')) > maxBytes and redis.call('ZCARD', m) > 1) do
      local old = redis.call('ZPOPMIN', m)
      redis.call('HINCRBY', s, 'mb', -#old[1])
      redis.call('DECRBY', P .. 'bytes', #old[1])
      redis.call('ZREM', P .. 'arr', sid .. '\\n' .. old[2] .. '\\n' .. #old[1])
    end
  end
end
-- the budget of all sessions: the globally oldest go first, never the message just stored
if last then
  while tonumber(redis.call('GET', P .. 'bytes') or '0') > maxTotal do
    local oldest = redis.call('ZRANGE', P .. 'arr', 0, 0)[1]
    if not oldest or oldest == last then break end
    redis.call('ZREM', P .. 'arr', oldest)
    local a = string.find(oldest, '\\n', 1, true)
    local b = string.find(oldest, '\\n', a + 1, true)
    local osid, ocursor, osize = string.sub(oldest, 1, a - 1), string.sub(oldest, a + 1, b - 1), tonumber(string.sub(oldest, b + 1))
    local om, os = P .. 'm:' .. osid, P .. 's:' .. osid
    -- Gone already (Redis expired its session): its bytes were still counted; they go now.
    redis.call('DECRBY', P .. 'bytes', osize)
    for _, member in ipairs(redis.call('ZRANGEBYSCORE', om, ocursor, ocursor)) do
      redis.call('ZREM', om, member)
      if redis.call('EXISTS', os) == 1 then redis.call('HINCRBY', os, 'mb', -#member) end
    end
  end
end
-- Redis forgets the session by itself a while after it expires, should no sweep run
for _, k in ipairs({ s, m, P .. 'ps:' .. sid, P .. 'i:' .. sid, P .. 'io:' .. sid }) do redis.call('PEXPIREAT', k, keepUntil) end
return 1
`;

/** ARGV: P, t, max. Returns {more (0|1), deleted ids...}. */
export const DELETE_EXPIRED = `${DELETE_SESSION}
local P, t = ARGV[1], tonumber(ARGV[2])
local out = { 0 }
for _, sid in ipairs(redis.call('ZRANGEBYSCORE', P .. 'exp', '-inf', t, 'LIMIT', 0, tonumber(ARGV[3]))) do
  local e = tonumber(redis.call('HGET', P .. 's:' .. sid, 'exp') or '-1')
  if e < 0 then
    -- Redis expired its keys first (no sweep ran in time): what the counters hold for it goes now.
    delete_session(P, sid)
    out[#out + 1] = sid
  elseif e > t then
    redis.call('ZADD', P .. 'exp', e, sid)
  else
    delete_session(P, sid)
    out[#out + 1] = sid
  end
end
if redis.call('ZCOUNT', P .. 'exp', '-inf', t) > 0 then out[1] = 1 end
return out
`;

/** ARGV: P, code, expected version, op (set | del), rec, expiresAt, sid, keepUntil. -1: moved. */
export const UPDATE_PAIR = `
local P, code = ARGV[1], ARGV[2]
local p = P .. 'p:' .. code
local v = tonumber(redis.call('HGET', p, 'v') or '0')
if v ~= tonumber(ARGV[3]) then return -1 end
local old = redis.call('HGET', p, 'sid')
if ARGV[4] == 'del' then
  if old then redis.call('SREM', P .. 'ps:' .. old, code) end
  redis.call('DEL', p)
  redis.call('ZREM', P .. 'pexp', code)
  return 0
end
local sid, keep = ARGV[7], tonumber(ARGV[8])
if old and old ~= sid then redis.call('SREM', P .. 'ps:' .. old, code) end
redis.call('HSET', p, 'rec', ARGV[5], 'v', v + 1, 'exp', ARGV[6], 'sid', sid)
redis.call('ZADD', P .. 'pexp', ARGV[6], code)
redis.call('SADD', P .. 'ps:' .. sid, code)
redis.call('PEXPIREAT', p, keep)
if redis.call('PEXPIRETIME', P .. 'ps:' .. sid) < keep then redis.call('PEXPIREAT', P .. 'ps:' .. sid, keep) end
return 1
`;

/** ARGV: P, t, max. Deletes codes with expiresAt <= t. Returns {more, count}. */
export const DELETE_EXPIRED_PAIRS = `
local P, t = ARGV[1], tonumber(ARGV[2])
local count = 0
for _, code in ipairs(redis.call('ZRANGEBYSCORE', P .. 'pexp', '-inf', t, 'LIMIT', 0, tonumber(ARGV[3]))) do
  local p = P .. 'p:' .. code
  local e = tonumber(redis.call('HGET', p, 'exp') or '-1')
  if e < 0 then
    redis.call('ZREM', P .. 'pexp', code)
  elseif e > t then
    redis.call('ZADD', P .. 'pexp', e, code)
  else
    local sid = redis.call('HGET', p, 'sid')
    if sid then redis.call('SREM', P .. 'ps:' .. sid, code) end
    redis.call('DEL', p)
    redis.call('ZREM', P .. 'pexp', code)
    count = count + 1
  end
end
local more = 0
if redis.call('ZCOUNT', P .. 'pexp', '-inf', t) > 0 then more = 1 end
return { more, count }
`;
