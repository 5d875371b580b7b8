--[[
  Raises a record counter to ARGV[2] unless it is already there or past. KEYS: the record. ARGV: field, value.
]]
local v = tonumber(redis.call('hget', KEYS[1], ARGV[1]) or '0')
if tonumber(ARGV[2]) > v then redis.call('hset', KEYS[1], ARGV[1], ARGV[2]) return tonumber(ARGV[2]) end
return v
