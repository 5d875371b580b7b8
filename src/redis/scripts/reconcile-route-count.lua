--[[
  Sets a route's count of queued messages to 0 when its queue holds no job in any state a message waits or is sent
  in: the count drifts only by what a crash interrupted between a job's write and the count's, and an empty queue
  says exactly what it should be. Atomic, so a job written meanwhile is either seen or counted after.
  KEYS[1] the route's stats hash; KEYS[2…] bullmq's lists of the route queue (wait, paused, active), then its sorted
    sets (prioritized, delayed, waiting-children).
  ARGV[1] how many of KEYS[2…] are lists (the rest are sorted sets).
  Given by the loader: QUEUED, the stats hash's field of the count (redis/keys.ts ROUTE_QUEUED_COUNT).
  Returns the count it replaced (0 when it left the count alone).
]]
local lists = tonumber(ARGV[1])
for i = 2, #KEYS do
  local n = (i - 1 <= lists) and redis.call('llen', KEYS[i]) or redis.call('zcard', KEYS[i])
  if n > 0 then return 0 end
end
local was = tonumber(redis.call('hget', KEYS[1], QUEUED) or '0')
if was ~= 0 then redis.call('hset', KEYS[1], QUEUED, 0) end
return was
