--[[
  Sets the message's status and, the first time `onceKey` is seen, reserves its next callback sequence number
  (0 when the report was already claimed). KEYS: the record. ARGV: status code, onceKey ('' to only set the status).
  F: the record's fields (messages/record-codec.ts).
]]
redis.call('hset', KEYS[1], F.status, ARGV[1])
if ARGV[2] == '' then return 0 end
if redis.call('hsetnx', KEYS[1], F.reportClaimed .. ARGV[2], '1') == 0 then return 0 end
return redis.call('hincrby', KEYS[1], F.reportsReserved, 1)
