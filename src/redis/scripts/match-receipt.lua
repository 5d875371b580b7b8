--[[
  Matches a receipt and records it in one step. The correlation (a string of lines, one per submit: a plain string
  costs a third of a list's memory, and a second line is rare) holds "messageId part receiver" for every submit that
  got this SMSC id on this smsc-id (two SMSCs may hand out the same id); the entry whose receiver
  matches the receipt's handset wins, else the oldest, as Kannel's store does. A final receipt removes its entry.
  The record keeps the lifetime its submit gave it: a receipt comes well within it, and one read and one write of the
  record are all a receipt costs.
  KEYS[1] the correlation. ARGV[1] handset digits, ARGV[2] state, ARGV[3] final (1/0), ARGV[4] now (ms), ARGV[5]
  record key prefix (the catalogue's RedisKeys.recordPrefix: the record's key is it followed by the message id),
  ARGV[6] detail.
  Returns false (no correlation), {id, part} (the record expired), or {id, part, ...record fields} as the record is
  after the receipt (the fields written by it come last, over their earlier values).
  F: the record's fields (messages/record-codec.ts).
]]
local stored = redis.call('get', KEYS[1])
if not stored then return false end
local entries = {}
for e in string.gmatch(stored, '[^\n]+') do entries[#entries + 1] = e end
if #entries == 0 then return false end
local at = 1
local want = ARGV[1]
if #want >= 6 then
  for k, e in ipairs(entries) do
    local dest = string.match(e, '^%S+ %S+ (%d*)$')
    if dest and #dest >= 6 and string.sub(dest, -9) == string.sub(want, -9) then at = k break end
  end
end
local pick = entries[at]
local id, part = string.match(pick, '^(%S+) (%S+)')
if ARGV[3] == '1' then
  table.remove(entries, at)
  if #entries == 0 then redis.call('del', KEYS[1])
  else redis.call('set', KEYS[1], table.concat(entries, '\n'), 'keepttl') end
end
local msg = ARGV[5] .. id
local record = redis.call('hgetall', msg)
if #record == 0 then return {id, part} end
local history = ''
for i = 1, #record, 2 do
  if record[i] == F.history then history = record[i + 1] end
end
history = history .. cjson.encode({at = tonumber(ARGV[4]), event = ARGV[2], part = tonumber(part), detail = ARGV[6]}) .. '\n'
local written = {F.partReceipt .. part, ARGV[2], F.updatedAt, ARGV[4], F.history, history}
redis.call('hset', msg, unpack(written))
local out = {id, part}
for _, v in ipairs(record) do out[#out + 1] = v end
for _, v in ipairs(written) do out[#out + 1] = v end
return out
