--[[
  Renews a bind's lease, or takes it when it is free.
  KEYS[1] the lease (a string: the id of the node that holds it, with a TTL).
  ARGV[1] this node's id, ARGV[2] the lease's TTL (ms).
  Reply: RENEWAL.renewed: it was ours, and is for another TTL; RENEWAL.heldElsewhere: another node holds it;
    RENEWAL.taken: it was free, and is ours now. For a bind we thought we held, taken means the lease had expired
    and nobody took it: Redis did not answer for longer than the TTL (frozen, restarted, failed over), and as nobody
    could take it meanwhile, the bind stays up through the outage instead of being closed and opened again.
  Given by the loader: RENEWAL (links/bind-leases.ts LEASE_RENEWAL).
]]
local v = redis.call('get', KEYS[1])
if v == ARGV[1] then
  redis.call('pexpire', KEYS[1], ARGV[2])
  return RENEWAL.renewed
end
if not v then
  redis.call('set', KEYS[1], ARGV[1], 'px', ARGV[2])
  return RENEWAL.taken
end
return RENEWAL.heldElsewhere
