--[[
  Counts one SMPP session against its account's smpp-max-binds, across every gateway process: sessions whose
  holder stopped renewing them (a crashed process) are dropped first. accounts/smpp-bind-ledger.ts calls it.
  KEYS[1] the account's sessions (sorted set: session id scored by when its claim expires, ms).
  ARGV[1] now (ms), ARGV[2] the session id, ARGV[3] when the claim expires (ms), ARGV[4] the account's cap (-1: none).
  Reply: 1 when counted, 0 when the account holds its cap already.
]]
redis.call('zremrangebyscore', KEYS[1], '-inf', ARGV[1])
local cap = tonumber(ARGV[4])
if cap >= 0 and redis.call('zcard', KEYS[1]) >= cap then return 0 end
redis.call('zadd', KEYS[1], ARGV[3], ARGV[2])
redis.call('pexpireat', KEYS[1], ARGV[3])
return 1
