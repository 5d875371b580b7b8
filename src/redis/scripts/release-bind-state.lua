--[[
  Deletes a bind's published state only when its JSON value names this node (a process that stopped the bind).
  KEYS[1] the bind state. ARGV[1] this node's id. Returns 1 when deleted, else 0.
]]
local v = redis.call('get', KEYS[1])
if v and string.find(v, '"node":"' .. ARGV[1] .. '"', 1, true) then return redis.call('del', KEYS[1]) end
return 0
