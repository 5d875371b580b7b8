--[[
  Marks a commit 'ok' when every one of its jobs exists, else 'failed'. KEYS: the mark, then each job's hash.
  ARGV: the mark's TTL in ms. Returns 1 (ok) or 0 (failed).
]]
for i = 2, #KEYS do
  if redis.call('exists', KEYS[i]) == 0 then
    redis.call('set', KEYS[1], 'failed', 'px', ARGV[1])
    return 0
  end
end
redis.call('set', KEYS[1], 'ok', 'px', ARGV[1])
return 1
