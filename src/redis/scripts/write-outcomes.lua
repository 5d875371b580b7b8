--[[
  Records outcomes in one call. KEYS: the keys of the operations below, in order: each operation takes the next one.
  ARGV[1]: the lifetime in ms; then operations, each an opcode and its arguments:
    R reserve n field value … (n pairs): set the record's fields and lifetime; reserve `reserve` callback sequence
      numbers (HINCRBY F.reportsReserved) when > 0. Each R adds one reply: the reserved count after it, or 0.
    C value: add a line to a receipt correlation (a string: lines, one per submit) and set its lifetime.
    F score member: add a failed message to its route's set.
    S delta: add to a route's count of queued messages (its stats hash's field QUEUED_COUNT).
  F: the record's fields (messages/record-codec.ts); QUEUED_COUNT: redis/keys.ts.
]]
local ttl = ARGV[1]
local out = {}
local k = 0
local i = 2
while i <= #ARGV do
  local op = ARGV[i]
  k = k + 1
  local key = KEYS[k]
  if op == 'R' then
    local reserve, n = tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
    local fields = {}
    for j = 1, 2 * n do fields[j] = ARGV[i + 2 + j] end
    redis.call('hset', key, unpack(fields))
    redis.call('pexpire', key, ttl)
    if reserve > 0 then out[#out + 1] = redis.call('hincrby', key, F.reportsReserved, reserve) else out[#out + 1] = 0 end
    i = i + 3 + 2 * n
  elseif op == 'C' then
    -- Nearly always the first submit with this SMSC id: one SET. A reused id appends a line.
    if not redis.call('set', key, ARGV[i + 1], 'px', ttl, 'nx') then
      redis.call('set', key, redis.call('get', key) .. '\n' .. ARGV[i + 1], 'px', ttl)
    end
    i = i + 2
  elseif op == 'F' then
    redis.call('zadd', key, ARGV[i + 1], ARGV[i + 2])
    i = i + 3
  elseif op == 'S' then
    redis.call('hincrby', key, QUEUED_COUNT, ARGV[i + 1])
    i = i + 2
  else
    return redis.error_reply('unknown operation ' .. tostring(op))
  end
end
return out
