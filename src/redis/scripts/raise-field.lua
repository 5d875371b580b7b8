--[[
  Raises a counter of a record to a value unless it is there or past already (a report delivered twice, or out of
  order, never lowers it). dlr/callback-queue.ts names the field: the field letters are defined there, not here.
  KEYS[1] the record (hash).
  ARGV[1] the field, ARGV[2] the value.
  Reply: the field's value now (ARGV[2] when raised, else what it held; 0 for a field not set).
]]
local v = tonumber(redis.call('hget', KEYS[1], ARGV[1]) or '0')
if tonumber(ARGV[2]) > v then redis.call('hset', KEYS[1], ARGV[1], ARGV[2]) return tonumber(ARGV[2]) end
return v
