--[[
  A message queued again (moved, retried, routed again): its earlier failure stays in its history, followed by why
  it waits again, and the record says which job of which route holds it now.
  KEYS[1] the record. ARGV: queued status code, info tuple, route key, job id, now (ms), lifetime (ms), why.
]]
local o = redis.call('hget', KEYS[1], 'o')
local lines = ''
if o then
  local t = cjson.decode(o)
  if type(t[4]) ~= 'table' then lines = cjson.encode({at = t[1], event = 'failed', detail = t[2]}) .. '\n' end
end
lines = lines .. cjson.encode({at = tonumber(ARGV[5]), event = 'queued again', detail = ARGV[7]}) .. '\n'
redis.call('hdel', KEYS[1], 'o', 'M')
redis.call('hset', KEYS[1], 's', ARGV[1], 'i', ARGV[2], 'R', ARGV[3], 'j', ARGV[4], 'U', ARGV[5], 'h', (redis.call('hget', KEYS[1], 'h') or '') .. lines)
redis.call('pexpire', KEYS[1], ARGV[6])
return 1
