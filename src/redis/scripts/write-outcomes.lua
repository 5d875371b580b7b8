--[[
  Records outcomes in one call. ARGV[1]: the lifetime in ms; then operations, each an opcode and its arguments:
    R key reserve n field value … (n pairs): set the record's fields and lifetime; reserve `reserve` callback
      sequence numbers (HINCRBY F.reportsReserved) when > 0. Each R adds one reply: the reserved count after it, or 0.
    C key value: add a line to a receipt correlation (a string: lines, one per submit) and set its lifetime.
    F key score member: add a failed message to its route's set.
    S key delta: add to a route's count of queued messages (its stats hash's field QUEUED_COUNT).
  KEYS: none. The keys travel in ARGV rather than KEYS: Switchboard runs on one Redis (no cluster), and a batch's keys are
  many and of four kinds.
  F: the record's fields (messages/record-codec.ts); QUEUED_COUNT: redis/keys.ts.
]]
local ttl = ARGV[1]
local out = {}
local i = 2
while i <= #ARGV do
  local op = ARGV[i]
  if op == 'R' then
    local key, reserve, n = ARGV[i + 1], tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3])
    local fields = {}
    for j = 1, 2 * n do fields[j] = ARGV[i + 3 + j] end
    redis.call('hset', key, unpack(fields))
    redis.call('pexpire', key, ttl)
    if reserve > 0 then out[#out + 1] = redis.call('hincrby', key, F.reportsReserved, reserve) else out[#out + 1] = 0 end
    i = i + 4 + 2 * n
  elseif op == 'C' then
    local prev = redis.call('get', ARGV[i + 1])
    redis.call('set', ARGV[i + 1], prev and (prev .. '\n' .. ARGV[i + 2]) or ARGV[i + 2], 'px', ttl)
    i = i + 3
  elseif op == 'F' then
    redis.call('zadd', ARGV[i + 1], ARGV[i + 2], ARGV[i + 3])
    i = i + 4
  elseif op == 'S' then
    redis.call('hincrby', ARGV[i + 1], QUEUED_COUNT, ARGV[i + 2])
    i = i + 3
  else
    return redis.error_reply('unknown operation ' .. tostring(op))
  end
end
return out
