--[[
  Takes up to one group per MO id given whose first part is at or before the cutoff, as the reassembly timeout
  hands on an incomplete message.
  KEYS[1] the groups index, KEYS[2] the ready index.
  ARGV[1] cutoff (ms), ARGV[2] now (ms), ARGV[3] how long done digests are kept (ms), ARGV[4] the group key prefix,
    ARGV[5] the done key prefix, ARGV[6] the ready key prefix, ARGV[7…] MO ids for the groups taken.
  Group keys are derived from the index rather than passed in, which a Redis Cluster would refuse; switchboard runs
  on one Redis (or a replica set).
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
    for j = 1, #all, 2 do redis.call('HSET', done, all[j], string.sub(all[j + 1], 1, 40)) end
    redis.call('PEXPIRE', done, ARGV[3])
    table.insert(out, {moId, group, all})
  end
end
return out
