--[[
  Takes up to one group per MO id given whose first part is at or before the cutoff, as the reassembly timeout
  hands on an incomplete message: each goes to the ready hash of its MO id, and its parts' digests are kept as done.
  KEYS[1] the groups index (sorted set of group keys by first arrival), KEYS[2] the ready index (sorted set of MO
    ids by when taken).
  ARGV[1] cutoff (ms), ARGV[2] now (ms), ARGV[3] how long done digests are kept (ms), ARGV[4] the group key prefix,
    ARGV[5] the done key prefix, ARGV[6] the ready key prefix (all three from redis/keys.ts MoKeys), ARGV[7…] MO ids
    for the groups taken, in order.
  Reply: for each group taken, {MO id, group key, {seq, stored part, seq, stored part, …}}.
  Why keys are built here: which groups are due is known only once the index is read, inside the script, so they
  cannot come as KEYS. The group keys are the index's members; a group's done and ready keys are built from the
  prefixes given in ARGV (the group key less its prefix is the group id), so no key name is spelled in Lua. Redis
  Cluster would refuse keys not given as KEYS; switchboard runs on one Redis (or a replica set).
  Given by the loader: DIGEST_LENGTH (mo/mo-reassembly-store.ts).
]]
local groups = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, #ARGV - 6)
local out = {}
for i, group in ipairs(groups) do
  redis.call('ZREM', KEYS[1], group)
  if redis.call('EXISTS', group) == 1 then
    local moId = ARGV[6 + i]
    local all = redis.call('HGETALL', group)
    redis.call('RENAME', group, ARGV[6] .. moId)
    redis.call('ZADD', KEYS[2], ARGV[2], moId)
    local done = ARGV[5] .. string.sub(group, #ARGV[4] + 1)
    redis.call('DEL', done)
    for j = 1, #all, 2 do redis.call('HSET', done, all[j], string.sub(all[j + 1], 1, DIGEST_LENGTH)) end
    redis.call('PEXPIRE', done, ARGV[3])
    table.insert(out, {moId, group, all})
  end
end
return out
