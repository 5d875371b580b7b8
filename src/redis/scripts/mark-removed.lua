--[[
  A failed message removed by an operator: status removed, the history line appended, the message form dropped (it
  can no longer be queued again). KEYS: the record. ARGV: now, history line. Returns the record before, or nil when
  it was not failed.
  F, S: the record's fields and status codes (messages/record-codec.ts).
]]
if redis.call('hget', KEYS[1], F.status) ~= S.failed then return false end
local before = redis.call('hgetall', KEYS[1])
redis.call('hset', KEYS[1], F.status, S.removed, F.updatedAt, ARGV[1], F.history, (redis.call('hget', KEYS[1], F.history) or '') .. ARGV[2])
redis.call('hdel', KEYS[1], F.wire)
return before
