/**
 * The messenger's scripts: each runs atomically, so two instances can never hand one waiting
 * frame to two draining streams, and a frame is stored, published and counted in one step (its
 * sequence number orders it against every drain; messenger-relay.ts explains why that closes
 * the connect/relay race). Each starts with COMMON (messenger-lua.ts: the key layout and the
 * OfflineQueue rules in Lua); ARGV 1-9 are COMMON's, then each script's own.
 */
import { COMMON } from './messenger-lua.ts';

/**
 * Stores one frame (OfflineQueue.add) and, with `p` in the flags, publishes it with its
 * sequence number and counts it (messages_total): one round trip per relayed message. When
 * the store is full but a draining stream of the agent is open on some instance, the frame is
 * still published (delivered live, kept nowhere), as LocalRelay does.
 * ARGV 10 agent key, 11 frame, 12 agent overhead, 13 flags (d delivered, o once, c control,
 * p publish), 14 "<length>\n<agent>" for the channel, 15 the sender's address ('' for none),
 * 16 its share in bytes (0: no cap).
 * Returns {outcome, seq}: outcome 'stored' | 'off' | 'full' | 'share' | 'live'.
 */
export const ADD = `${COMMON}
local a, frame, own, flags = ARGV[10], ARGV[11], tonumber(ARGV[12]), ARGV[13]
local function has(f) return string.find(flags, f, 1, true) ~= nil end
local seq = redis.call('INCR', P .. 'seq')
local r = add(a, seq, frame, own, has('d'), has('o'), has('c'), ARGV[15], tonumber(ARGV[16]))
if not has('p') then return { r, seq } end
if r == 'full' or r == 'share' then
  local kv = redis.call('HGETALL', P .. 'at:' .. a)
  for i = 1, #kv, 2 do
    local exp, n = string.match(kv[i + 1], '^(%d+) (%d+)$')
    if tonumber(exp) > now and tonumber(n) > 0 then r = 'live' end
  end
end
if r ~= 'full' and r ~= 'share' then
  redis.call('PUBLISH', P .. 'frames', seq .. ' ' .. ARGV[14] .. frame)
  redis.call('INCR', P .. 'total')
end
return { r, seq }
`;

/**
 * A new stream's share, with the sequence number it was taken at: 'drain' (OfflineQueue.drain:
 * everything kept, waiting frames become delivered, `once` ones removed) or 'peek' (the
 * waiting control frames, left in place). With an instance name it also records that this
 * instance has `n` draining streams of the agent.
 * ARGV 10 agent key, 11 mode, 12 instance ('' for none), 13 n, 14 window, 15 cap.
 * Returns {seq, replay1, frame1, replay2, frame2, ...}.
 */
export const TAKE = `${COMMON}
local a, mode, inst = ARGV[10], ARGV[11], ARGV[12]
if inst ~= '' then
  here(a, inst, tonumber(ARGV[13]), tonumber(ARGV[14]))
  trimStreams(tonumber(ARGV[14]), tonumber(ARGV[15]))
end
local out = { redis.call('GET', P .. 'seq') or '0' }
if mode == 'peek' then
  if not known(a) then return out end
  for _, seq in ipairs(redis.call('ZRANGE', qk(a), 0, -1)) do
    local e = getMeta(a, seq)
    if e and e.control and not e.delivered and e.at <= now then
      out[#out + 1] = '0'
      out[#out + 1] = redis.call('HGET', ek(a), 'f' .. seq)
    end
  end
  return out
end
sweep(SWEEP)
if not known(a) then return out end
prune(a)
if not known(a) then return out end
for _, seq in ipairs(redis.call('ZRANGE', qk(a), 0, -1)) do
  local e = getMeta(a, seq)
  if e then
    out[#out + 1] = e.delivered and '1' or '0'
    out[#out + 1] = redis.call('HGET', ek(a), 'f' .. seq)
    if e.once or GRACE <= 0 then remove(a, seq, e)
    elseif not e.delivered then e.delivered = now; putMeta(a, seq, e); unwait(a, seq) end
  end
end
if redis.call('ZCARD', qk(a)) > 0 then touch(a, true) else forget(a) end
return out
`;

/**
 * Frames a draining stream took live: delivered now (kept for the grace period only, like a
 * frame LocalRelay delivered at once), or removed (`once`, or no grace period). One already
 * delivered (a drain took it first) or gone is left alone.
 * ARGV 10...: agent key, count, seq..., agent key, count, seq...
 */
export const ACK = `${COMMON}
local i = 10
while ARGV[i] do
  local a, k = ARGV[i], tonumber(ARGV[i + 1])
  local kept = false
  for j = i + 2, i + 1 + k do
    local e = getMeta(a, ARGV[j])
    if e and not e.delivered then
      if e.once or GRACE <= 0 then remove(a, ARGV[j], e)
      else e.delivered = now; e.queued = false; putMeta(a, ARGV[j], e); unwait(a, ARGV[j]); kept = true end
    end
  end
  if known(a) then
    if redis.call('ZCARD', qk(a)) == 0 then forget(a) elseif kept then touch(a, true) end
  end
  i = i + 2 + k
end
return 0
`;

/** Frames of the agent waiting (ARGV 11 'waiting') or retained ('retained'), after pruning. */
export const COUNT = `${COMMON}
local a, want = ARGV[10], ARGV[11] == 'retained'
if not known(a) then return 0 end
prune(a)
if not known(a) then return 0 end
local n = 0
for _, seq in ipairs(redis.call('ZRANGE', qk(a), 0, -1)) do
  local e = getMeta(a, seq)
  if e and (e.delivered ~= nil) == want then n = n + 1 end
end
return n
`;

/** Where agents stream: ARGV 10 instance, 11 window, 12 cap, then pairs (agent key, n; n < 0: gone). */
export const HERE = `${COMMON}
local inst, window = ARGV[10], tonumber(ARGV[11])
local i = 13
while ARGV[i] do
  here(ARGV[i], inst, tonumber(ARGV[i + 1]), window)
  i = i + 2
end
trimStreams(window, tonumber(ARGV[12]))
return redis.call('ZCARD', P .. 'streams')
`;

/** A heartbeat (opennexus spec §6.4): ZADD, prune by score and cap. KEYS 1 beats; ARGV 1 agent, 2 now, 3 window, 4 cap. */
export const BEAT = `
local now = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. string.format('%.0f', now - tonumber(ARGV[3])))
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -tonumber(ARGV[4]) - 1)
return 0
`;

/** Agents streaming on any instance: KEYS 1 streams; ARGV 1 now, 2 window. */
export const STREAMING = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. string.format('%.0f', tonumber(ARGV[1]) - tonumber(ARGV[2])))
return redis.call('ZCARD', KEYS[1])
`;
