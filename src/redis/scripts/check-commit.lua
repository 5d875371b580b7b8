--[[
  Marks a commit of several jobs MARK.ok when every one of its jobs exists, else MARK.failed (queue/producer.ts
  writes the jobs, then runs this; a link reads the mark before it takes a young job of the commit).
  KEYS[1] the commit's mark, KEYS[2…] the hash of each of its jobs (bullmq's job key).
  ARGV[1] the mark's TTL (ms).
  Reply: the mark set, MARK.ok or MARK.failed.
  Given by the loader: MARK (queue/producer.ts COMMIT_MARK).
]]
for i = 2, #KEYS do
  if redis.call('exists', KEYS[i]) == 0 then
    redis.call('set', KEYS[1], MARK.failed, 'px', ARGV[1])
    return MARK.failed
  end
end
redis.call('set', KEYS[1], MARK.ok, 'px', ARGV[1])
return MARK.ok
