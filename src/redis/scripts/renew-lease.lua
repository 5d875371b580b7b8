--[[
  Renews a bind's lease, or takes it when it is free.
  KEYS[1] the lease. ARGV[1] this node's id, ARGV[2] the lease's TTL (ms).
  Returns 1: renewed; 0: another process holds it. 2: it had expired and nobody took it, so it is ours again: Redis
  did not answer for longer than the TTL (frozen, restarted, failed over), and as nobody could take it meanwhile, the
  bind stays up through the outage instead of being closed and opened again.
]]
local v = redis.call('get', KEYS[1])
if v == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
if not v then redis.call('set', KEYS[1], ARGV[1], 'px', ARGV[2]) return 2 end
return 0
