--[[
  Gives a bind's lease back, only when this process holds it.
  KEYS[1] the lease. ARGV[1] this node's id. Returns 1 when released, else 0.
]]
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end
