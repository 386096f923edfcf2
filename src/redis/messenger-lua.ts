/**
 * The Lua shared by the messenger's scripts (messenger-scripts.ts): the per-agent store's
 * rules and the presence of streams, as local functions each script starts with.
 *
 * The rules are OfflineQueue's (src/store/offline-queue.ts), function for function: the same
 * budgets (count and bytes per agent, messages and bytes in total, counted as stored), the TTL
 * for frames that found no stream, the grace period for delivered ones, HELLOs (`once`) never
 * replayed, eviction of retained frames first, and a sweep of agents untouched for longer than
 * anything of theirs can live. Nothing scans every agent: the sweep and the eviction walk
 * sorted sets from their oldest end, each step removing something.
 *
 * Keys, under P = <REDIS_PREFIX>onx: (A is the agent id, or `#sha256` of a long one):
 *   P seq            global sequence number (INCR): orders every frame against every drain
 *   P total          messages_total (opennexus spec §6: per instance there, shared here)
 *   P usage          hash: bytes, messages, dropped, refused (all agents)
 *   P agents         hash: A -> bytes held for A (frames plus AGENT_OVERHEAD)
 *   P touched        zset: A by last add/drain (the sweep's order)
 *   P retainers      zset: A by last delivery (the eviction's order)
 *   P q:A            zset: the agent's sequence numbers, oldest first
 *   P e:A            hash: m<seq> -> "at queued deliveredAt once control bytes", f<seq> -> frame
 *   P s:A            hash: seq -> "bytes address" for each waiting frame charged to its sender
 *   P senders        hash: address -> bytes of waiting frames it posted (its share, sender-shares.ts)
 *   P at:A           hash: instance -> "expiresAt drainingStreams" (where A streams now)
 *   P streams        zset: A by last refresh of any instance's streams (`redis_agents`)
 *   P beats          zset: A by last heartbeat (`connected_agents`)
 *   channel P frames "<seq> <agent length>\n<agent><frame>" to every instance
 *
 * Scripts name their keys from ARGV[1] rather than KEYS: the sweep and the eviction reach other
 * agents' keys, which a cluster would refuse; this backend is for one Redis (or a replica set).
 * ARGV: 1 P, 2 now (ms), 3-8 limits (perAgent, ttl, total, bytesPerAgent, bytesTotal, grace),
 * 9 ENTRY_OVERHEAD, then each script's own.
 */

export const COMMON = `
local P = ARGV[1]
local now = tonumber(ARGV[2])
local PER_AGENT, TTL, TOTAL = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local BYTES_AGENT, BYTES_TOTAL, GRACE = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local ENTRY = tonumber(ARGV[9])
local USAGE, AGENTS, TOUCHED, RETAINERS, SENDERS = P .. 'usage', P .. 'agents', P .. 'touched', P .. 'retainers', P .. 'senders'
local SWEEP = 32
local function num(x) return string.format('%.0f', x) end
local function qk(a) return P .. 'q:' .. a end
local function ek(a) return P .. 'e:' .. a end
local function sk(a) return P .. 's:' .. a end
local function known(a) return redis.call('HEXISTS', AGENTS, a) == 1 end

local function getMeta(a, seq)
  local m = redis.call('HGET', ek(a), 'm' .. seq)
  if not m then return nil end
  local at, q, d, o, c, b = string.match(m, '^(%d+) (%d) (%d*) (%d) (%d) (%d+)$')
  return { at = tonumber(at), queued = q == '1', delivered = tonumber(d), once = o == '1', control = c == '1', bytes = tonumber(b) }
end

local function putMeta(a, seq, e)
  redis.call('HSET', ek(a), 'm' .. seq, num(e.at) .. ' ' .. (e.queued and '1' or '0') .. ' ' .. (e.delivered and num(e.delivered) or '')
    .. ' ' .. (e.once and '1' or '0') .. ' ' .. (e.control and '1' or '0') .. ' ' .. num(e.bytes))
end

local function expired(e)
  local t = -math.huge
  if e.queued then t = e.at + TTL end
  if e.delivered and e.delivered + GRACE > t then t = e.delivered + GRACE end
  return now >= t
end

-- Gives a sender's share back (sender-shares.ts): "bytes address" as charged.
local function release(v)
  local sp = string.find(v, ' ', 1, true)
  local bytes, ip = tonumber(string.sub(v, 1, sp - 1)), string.sub(v, sp + 1)
  if redis.call('HINCRBY', SENDERS, ip, 0 - bytes) <= 0 then redis.call('HDEL', SENDERS, ip) end
end

-- Delivered or gone: the frame no longer counts against its sender's share.
local function unwait(a, seq)
  local v = redis.call('HGET', sk(a), seq)
  if not v then return end
  redis.call('HDEL', sk(a), seq)
  release(v)
end

local function remove(a, seq, e)
  unwait(a, seq)
  redis.call('ZREM', qk(a), seq)
  redis.call('HDEL', ek(a), 'm' .. seq, 'f' .. seq)
  redis.call('HINCRBY', AGENTS, a, 0 - e.bytes)
  redis.call('HINCRBY', USAGE, 'bytes', 0 - e.bytes)
  redis.call('HINCRBY', USAGE, 'messages', -1)
end

local function forget(a)
  -- 0 - n, not -n: a Lua -0 reaches Redis as "-0", which HINCRBY refuses
  redis.call('HINCRBY', USAGE, 'bytes', 0 - tonumber(redis.call('HGET', AGENTS, a) or '0'))
  redis.call('HINCRBY', USAGE, 'messages', 0 - redis.call('ZCARD', qk(a)))
  for _, v in ipairs(redis.call('HVALS', sk(a))) do release(v) end
  redis.call('DEL', qk(a), ek(a), sk(a))
  redis.call('HDEL', AGENTS, a)
  redis.call('ZREM', TOUCHED, a)
  redis.call('ZREM', RETAINERS, a)
end

local function forgetIfEmpty(a)
  if redis.call('ZCARD', qk(a)) == 0 then forget(a) end
end

local function touch(a, delivered)
  redis.call('ZADD', TOUCHED, now, a)
  if delivered then redis.call('ZADD', RETAINERS, now, a) end
end

-- Agents untouched for longer than anything of theirs can live go whole, oldest first.
local function sweep(limit)
  local old = redis.call('ZRANGEBYSCORE', TOUCHED, '-inf', num(now - math.max(TTL, GRACE)), 'LIMIT', 0, limit)
  for _, a in ipairs(old) do forget(a) end
  return #old
end

local function prune(a)
  for _, seq in ipairs(redis.call('ZRANGE', qk(a), 0, -1)) do
    local e = getMeta(a, seq)
    if e and expired(e) then remove(a, seq, e) end
  end
  forgetIfEmpty(a)
end

-- The cheap prune on the path of every message: expired frames at the front only.
local function pruneFront(a)
  while true do
    local seq = redis.call('ZRANGE', qk(a), 0, 0)[1]
    local e = seq and getMeta(a, seq)
    if not (e and expired(e)) then break end
    remove(a, seq, e)
  end
  forgetIfEmpty(a)
end

-- The oldest retained frame of the agent least recently delivered to.
local function evictRetained()
  while true do
    local a = redis.call('ZRANGE', RETAINERS, 0, 0)[1]
    if not a then return false end
    for _, seq in ipairs(redis.call('ZRANGE', qk(a), 0, -1)) do
      local e = getMeta(a, seq)
      if e and e.delivered then
        remove(a, seq, e)
        redis.call('HINCRBY', USAGE, 'dropped', 1)
        forgetIfEmpty(a)
        return true
      end
    end
    redis.call('ZREM', RETAINERS, a)
  end
end

local function refuse(why)
  redis.call('HINCRBY', USAGE, 'refused', 1)
  return why or 'full'
end

-- OfflineQueue.add: 'stored', 'full', 'share' or 'off'. sender '': none; cap 0: no cap.
local function add(a, seq, frame, own, delivered, once, control, sender, cap)
  if PER_AGENT <= 0 or (delivered and (once or GRACE <= 0)) then return 'off' end
  sweep(SWEEP)
  local bytes = #frame + ENTRY
  if own + bytes > BYTES_AGENT or own + bytes > BYTES_TOTAL then return refuse() end
  if known(a) then pruneFront(a) end
  if delivered then sender = '' end
  if sender ~= '' and cap > 0 and tonumber(redis.call('HGET', SENDERS, sender) or '0') + bytes > cap then return refuse('share') end
  -- the total first, so a refusal costs the agent none of its older frames
  while true do
    local u = redis.call('HMGET', USAGE, 'bytes', 'messages')
    local has = known(a)
    if (tonumber(u[1]) or 0) + (has and 0 or own) + bytes <= BYTES_TOTAL and (tonumber(u[2]) or 0) + 1 <= TOTAL then break end
    if sweep(1) == 0 and not evictRetained() then return refuse() end
  end
  if not known(a) then
    redis.call('HSET', AGENTS, a, own)
    redis.call('HINCRBY', USAGE, 'bytes', own)
  end
  local n = redis.call('ZCARD', qk(a))
  while n > 0 and (n + 1 > PER_AGENT or tonumber(redis.call('HGET', AGENTS, a)) + bytes > BYTES_AGENT) do
    local first = redis.call('ZRANGE', qk(a), 0, 0)[1]
    remove(a, first, getMeta(a, first))
    redis.call('HINCRBY', USAGE, 'dropped', 1)
    n = n - 1
  end
  redis.call('ZADD', qk(a), seq, seq)
  redis.call('HSET', ek(a), 'f' .. seq, frame)
  putMeta(a, seq, { at = now, queued = not delivered, delivered = delivered and now or nil, once = once, control = control, bytes = bytes })
  redis.call('HINCRBY', AGENTS, a, bytes)
  redis.call('HINCRBY', USAGE, 'bytes', bytes)
  redis.call('HINCRBY', USAGE, 'messages', 1)
  if sender ~= '' then
    redis.call('HSET', sk(a), seq, bytes .. ' ' .. sender)
    redis.call('HINCRBY', SENDERS, sender, bytes)
  end
  touch(a, delivered)
  return 'stored'
end

-- Where the agent streams: one field per instance, "expiresAt drainingStreams"; n < 0: none here any more.
local function here(a, inst, n, window)
  local k = P .. 'at:' .. a
  if n >= 0 then
    redis.call('HSET', k, inst, num(now + window) .. ' ' .. n)
    redis.call('PEXPIRE', k, 2 * window)
    redis.call('ZADD', P .. 'streams', now, a)
    return
  end
  redis.call('HDEL', k, inst)
  local kv = redis.call('HGETALL', k)
  for i = 1, #kv, 2 do
    if tonumber(string.match(kv[i + 1], '^(%d+)')) <= now then redis.call('HDEL', k, kv[i]) end
  end
  if redis.call('HLEN', k) == 0 then
    redis.call('DEL', k)
    redis.call('ZREM', P .. 'streams', a)
  end
end

local function trimStreams(window, cap)
  redis.call('ZREMRANGEBYSCORE', P .. 'streams', '-inf', '(' .. num(now - window))
  redis.call('ZREMRANGEBYRANK', P .. 'streams', 0, -cap - 1)
end
`;
