--[[
  Renews a bind's lease, or takes it when it is free.
  KEYS[1] the lease (a string: the id of the node that holds it, with a TTL).
  KEYS[2] the lease's last holder (a string: a node id), remembered for ARGV[3] ms after each renewal.
  ARGV[1] this node's id, ARGV[2] the lease's TTL (ms), ARGV[3] how long the last holder is remembered (ms),
    ARGV[4] '1' when this node may take a free lease that another node held last, '0' when not yet.
  Reply: RENEWAL.renewed: it was ours, and is for another TTL; RENEWAL.heldElsewhere: another node holds it;
    RENEWAL.taken: it was free, and is ours now. For a bind we thought we held, taken means the lease had expired
    and nobody took it: Redis did not answer for longer than the TTL (frozen, restarted, failed over), and as nobody
    could take it meanwhile, the bind stays up through the outage instead of being closed and opened again.
    RENEWAL.recentlyHeld: it is free, but another node held it last and this node may not take such a lease yet
    (it started a moment ago: that holder may still have the bind open after an outage longer than the TTL, and
    renews first).
  Given by the loader: RENEWAL (links/bind-leases.ts LEASE_RENEWAL).
]]
local v = redis.call('get', KEYS[1])
if v == ARGV[1] then
  redis.call('pexpire', KEYS[1], ARGV[2])
  redis.call('set', KEYS[2], ARGV[1], 'px', ARGV[3])
  return RENEWAL.renewed
end
if v then return RENEWAL.heldElsewhere end
local last = redis.call('get', KEYS[2])
if last and last ~= ARGV[1] and ARGV[4] ~= '1' then return RENEWAL.recentlyHeld end
redis.call('set', KEYS[1], ARGV[1], 'px', ARGV[2])
redis.call('set', KEYS[2], ARGV[1], 'px', ARGV[3])
return RENEWAL.taken
