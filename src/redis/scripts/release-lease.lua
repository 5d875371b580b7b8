--[[
  Gives a bind's lease back, only when this node holds it (a lease another node took since is left alone).
  KEYS[1] the lease (a string: the id of the node that holds it).
  ARGV[1] this node's id.
  Reply: 1 when released, else 0.
]]
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end
