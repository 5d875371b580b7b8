--[[
  Records receipts and the reports they call for, many in one call: dlr/report-records.ts gathers what comes
  together (a window's receipts, their report claims, reports queued, callbacks sent) and sends it as one script.
  KEYS: one per operation, in the order of the operations in ARGV.
  ARGV[1]: the record key prefix (RedisKeys.recordPrefix: a record's key is it followed by the message id); then the
  operations, each an opcode and its arguments, each adding one reply, in order:
    M handset state final detail now   KEY: a receipt correlation (a string of lines, one per submit that got this
      SMSC id on this smsc-id: "messageId part receiver"). Matches the receipt and records it on its part: the line
      whose receiver matches the handset digits (last nine) wins, else the oldest, as Kannel's store does; a final
      receipt (final 1) removes its line, keeping the key's lifetime. The record keeps the lifetime its submit gave it.
      A record with a plan key (F.receiptPlan: a single-part message's mask, dlr/receipt-plan.ts) also gets its
      status and its report claimed in the same write, as the plan tables say (PLAN_ONCE, PLAN_STATUS, PLAN_MASKS:
      the TypeScript decision evaluated for every state and mask; nothing is decided here).
      Reply: false (no correlation), {id, part} (the record has expired), or {id, part, claim, ...record fields}:
      the fields as the record is after the receipt (those the receipt wrote come last, over their earlier values;
      not those of the claim), and claim false (no plan: the report is claimed by a C operation after) or
      {onceKey, seq}: the report claimed ('' when none is wanted) and its sequence number (0 when claimed before).
    C status onceKey   KEY: a record. Sets the status and, the first time onceKey is seen, reserves the next callback
      sequence number. Reply: that number, or 0 (already claimed, or onceKey '' to set only the status).
    Q n   KEY: a record. Counts n more of its reports queued. Reply: the count.
    S seq   KEY: a record. Raises its count of reports sent (delivered or given up) to seq unless it is there or
      past already (a report sent twice, or out of order, never lowers it). Reply: the count now.
  An operation that fails (a key of the wrong type) replies with its error; the others still run.
  F: the record's fields (messages/record-codec.ts); PLAN_ONCE, PLAN_STATUS, PLAN_MASKS: dlr/receipt-plan.ts.
]]
local prefix = ARGV[1]

local function match(key, want, state, final, detail, now)
  local stored = redis.call('get', key)
  if not stored then return false end
  local entries = {}
  for e in string.gmatch(stored, '[^\n]+') do entries[#entries + 1] = e end
  if #entries == 0 then return false end
  local at = 1
  if #want >= 6 then
    for k, e in ipairs(entries) do
      local dest = string.match(e, '^%S+ %S+ (%d*)$')
      if dest and #dest >= 6 and string.sub(dest, -9) == string.sub(want, -9) then at = k break end
    end
  end
  local id, part = string.match(entries[at], '^(%S+) (%S+)')
  if final == '1' then
    table.remove(entries, at)
    if #entries == 0 then redis.call('del', key)
    else redis.call('set', key, table.concat(entries, '\n'), 'keepttl') end
  end
  local msg = prefix .. id
  local record = redis.call('hgetall', msg)
  if #record == 0 then return {id, part} end
  local once = PLAN_ONCE[state]
  local claimedField = F.reportClaimed .. (once or '')
  local history, plan, reserved, claimedBefore = '', nil, nil, false
  for i = 1, #record, 2 do
    local f = record[i]
    if f == F.history then history = record[i + 1]
    elseif f == F.receiptPlan then plan = tonumber(record[i + 1])
    elseif f == F.reportsReserved then reserved = record[i + 1]
    elseif f == claimedField then claimedBefore = true end
  end
  history = history .. cjson.encode({at = tonumber(now), event = state, part = tonumber(part), detail = detail}) .. '\n'
  local written = {F.partReceipt .. part, state, F.updatedAt, now, F.history, history}
  local claim = false
  local fields = written
  if plan and once and plan >= 0 and plan < #PLAN_MASKS[state] then
    fields = {unpack(written)}
    fields[#fields + 1] = F.status
    fields[#fields + 1] = PLAN_STATUS[state]
    if once ~= '' and string.sub(PLAN_MASKS[state], plan + 1, plan + 1) == '1' then
      if claimedBefore then
        claim = {once, 0}
      else
        local seq = (tonumber(reserved) or 0) + 1
        fields[#fields + 1] = claimedField
        fields[#fields + 1] = '1'
        fields[#fields + 1] = F.reportsReserved
        fields[#fields + 1] = seq
        claim = {once, seq}
      end
    else
      claim = {'', 0}
    end
  end
  redis.call('hset', msg, unpack(fields))
  local out = {id, part, claim}
  for _, v in ipairs(record) do out[#out + 1] = v end
  for _, v in ipairs(written) do out[#out + 1] = v end
  return out
end

local function claim(key, status, once)
  if once == '' then
    redis.call('hset', key, F.status, status)
    return 0
  end
  local got = redis.call('hmget', key, F.reportClaimed .. once, F.reportsReserved)
  if got[1] then
    redis.call('hset', key, F.status, status)
    return 0
  end
  local seq = (tonumber(got[2]) or 0) + 1
  redis.call('hset', key, F.status, status, F.reportClaimed .. once, '1', F.reportsReserved, seq)
  return seq
end

local function raise(key, seq)
  local v = tonumber(redis.call('hget', key, F.reportsSent) or '0')
  local want = tonumber(seq)
  if want > v then
    redis.call('hset', key, F.reportsSent, want)
    return want
  end
  return v
end

local out = {}
local k = 0
local i = 2
while i <= #ARGV do
  local op = ARGV[i]
  k = k + 1
  local key = KEYS[k]
  local ok, reply
  if op == 'M' then
    ok, reply = pcall(match, key, ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5])
    i = i + 6
  elseif op == 'C' then
    ok, reply = pcall(claim, key, ARGV[i + 1], ARGV[i + 2])
    i = i + 3
  elseif op == 'Q' then
    ok, reply = pcall(redis.call, 'hincrby', key, F.reportsQueued, ARGV[i + 1])
    i = i + 2
  elseif op == 'S' then
    ok, reply = pcall(raise, key, ARGV[i + 1])
    i = i + 2
  else
    return redis.error_reply('unknown operation ' .. tostring(op))
  end
  if ok then
    out[k] = reply
  else
    out[k] = redis.error_reply(type(reply) == 'table' and reply.err or tostring(reply))
  end
end
return out
