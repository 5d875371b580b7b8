--[[
  Adds one part of a concatenated MO to its group; when the group is whole, moves it to a ready hash for the MO
  queue and keeps the parts' digests, so that a part the SMSC sends again is recognised.
  KEYS[1] the group (hash seq → stored part), KEYS[2] the groups index (sorted set of group keys by first arrival),
    KEYS[3] the done digests of the group's identity (hash seq → digest), KEYS[4] the ready hash of this MO id,
    KEYS[5] the ready index (sorted set of MO ids by when taken).
  ARGV[1] seq, ARGV[2] the part's digest, ARGV[3] the stored part (its digest, then anything: the first DIGEST_LENGTH
    characters are what is kept as done), ARGV[4] total parts, ARGV[5] now (ms), ARGV[6] how long done digests are
    kept (ms), ARGV[7] the MO id the group gets when whole.
  Reply: {REPLY.duplicate} (this part is held already, or was handed on), {REPLY.stored} (the group waits for more),
    or {REPLY.complete, {seq, stored part, seq, stored part, …}} (this part completed it; it is under KEYS[4] now).
  Given by the loader: REPLY, DIGEST_LENGTH (mo/mo-reassembly-store.ts).
]]
local seq = ARGV[1]
if redis.call('HGET', KEYS[3], seq) == ARGV[2] then return {REPLY.duplicate} end
if redis.call('HSETNX', KEYS[1], seq, ARGV[3]) == 0 then return {REPLY.duplicate} end
if redis.call('HLEN', KEYS[1]) < tonumber(ARGV[4]) then
  redis.call('ZADD', KEYS[2], 'NX', ARGV[5], KEYS[1])
  return {REPLY.stored}
end
local all = redis.call('HGETALL', KEYS[1])
redis.call('ZREM', KEYS[2], KEYS[1])
redis.call('RENAME', KEYS[1], KEYS[4])
redis.call('ZADD', KEYS[5], ARGV[5], ARGV[7])
redis.call('DEL', KEYS[3])
for i = 1, #all, 2 do redis.call('HSET', KEYS[3], all[i], string.sub(all[i + 1], 1, DIGEST_LENGTH)) end
redis.call('PEXPIRE', KEYS[3], ARGV[6])
return {REPLY.complete, all}
