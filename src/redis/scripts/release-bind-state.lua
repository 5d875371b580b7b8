--[[
  Deletes a bind's published state only when it names this node as the bind's owner (a process that stopped the
  bind must not remove the state another node published for it since).
  KEYS[1] the bind state (a JSON object, links/cluster-link-state.ts BindStatus).
  ARGV[1] this node's id.
  Reply: 1 when deleted, else 0 (no state, another node's, or not a JSON object: it expires by itself).
  Given by the loader: OWNER_FIELD, the state's field that names its node (links/cluster-link-state.ts).
]]
local v = redis.call('get', KEYS[1])
if not v then return 0 end
local ok, state = pcall(cjson.decode, v)
if ok and type(state) == 'table' and state[OWNER_FIELD] == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
