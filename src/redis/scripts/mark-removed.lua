--[[
  A failed message removed by an operator: status 'r', the history line appended, the message form dropped (it can
  no longer be queued again). KEYS: the record. ARGV: now, history line. Returns the record before, or nil when it
  was not failed.
]]
if redis.call('hget', KEYS[1], 's') ~= 'f' then return false end
local before = redis.call('hgetall', KEYS[1])
redis.call('hset', KEYS[1], 's', 'r', 'U', ARGV[1], 'h', (redis.call('hget', KEYS[1], 'h') or '') .. ARGV[2])
redis.call('hdel', KEYS[1], 'M')
return before
