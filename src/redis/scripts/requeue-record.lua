--[[
  A message queued again (moved, retried, routed again): its earlier failure stays in its history, followed by why
  it waits again, and the record says which job of which route holds it now.
  KEYS[1] the record. ARGV: info tuple, route key, job id, now (ms), lifetime (ms), why.
  F, S: the record's fields and status codes (messages/record-codec.ts). An outcome whose fourth element is a table
  (the SMSC ids of its parts) is a submit; any other is a failure: [at, error, …].
]]
local o = redis.call('hget', KEYS[1], F.outcome)
local lines = ''
if o then
  local t = cjson.decode(o)
  if type(t[4]) ~= 'table' then lines = cjson.encode({at = t[1], event = 'failed', detail = t[2]}) .. '\n' end
end
lines = lines .. cjson.encode({at = tonumber(ARGV[4]), event = 'queued again', detail = ARGV[6]}) .. '\n'
redis.call('hdel', KEYS[1], F.outcome, F.wire)
redis.call('hset', KEYS[1], F.status, S.queued, F.info, ARGV[1], F.route, ARGV[2], F.job, ARGV[3], F.updatedAt, ARGV[4],
  F.history, (redis.call('hget', KEYS[1], F.history) or '') .. lines)
redis.call('pexpire', KEYS[1], ARGV[5])
return 1
