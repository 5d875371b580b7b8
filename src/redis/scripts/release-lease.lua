--[[
  Gives a lease back, only when this node holds it (a lease another node took since is left alone). Bind leases
  also forget this node as their last holder, so that any process may take them at once; the route rehomer's lock
  is released with the lease key alone.
  KEYS[1] the lease (a string: the id of the node that holds it). KEYS[2] (optional) the lease's last holder.
  ARGV[1] this node's id.
  Reply: 1 when released, else 0.
]]
if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
if KEYS[2] and redis.call('get', KEYS[2]) == ARGV[1] then redis.call('del', KEYS[2]) end
return redis.call('del', KEYS[1])
