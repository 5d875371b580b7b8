--[[
  Runs the checks of several requests at once, each all or nothing (token-bucket.ts has the bucket arithmetic,
  GCRA; the unit tests hold the two together).

  KEYS: for each check, in order, the keys its flags name: request bucket (1), tps bucket (2), daily quota (4),
    monthly quota (8).
  ARGV[1]: now, epoch ms. Then for each check: its flags, then for each flag set, in the same order:
    request bucket: intervalMs, toleranceMs (one unit, no waiting)
    tps bucket: intervalMs, toleranceMs, units, maxDelayMs
    quota: limit, units, TTL in seconds (set when the period's counter is created)
  Returns two values per check: a code and a value. 0 admitted (value: the tps reservation's first slot, or ''),
    1 over the request rate (value: ms until a request fits), 2 over max-tps (ms until it fits, -1: never),
    3 daily quota used up, 4 monthly quota used up (value: SMS counted so far).
  The request bucket counts the request even when its other limits refuse it; the rest is written only when all of
  it fits. A bucket's key lives until the bucket is full again, and a second more (for processes whose clocks differ).
  Given by the loader: SLACK, the GCRA's rounding slack in ms (primitives/gcra.ts SLACK_MS).
]]
local now = tonumber(ARGV[1])
local a, k = 2, 1
local function num() local v = tonumber(ARGV[a]); a = a + 1; return v end
local function key() local v = KEYS[k]; k = k + 1; return v end
local function bucket(bk, T, tau, n, maxDelay)
  local tat0 = math.max(tonumber(redis.call('get', bk)) or 0, now)
  local lastDelay = tat0 + (n - 1) * T - tau - now
  if lastDelay <= maxDelay + SLACK then return true, tat0, tat0 + n * T end
  if (n - 1) * T - tau > maxDelay + SLACK then return false, -1 end
  return false, math.ceil(lastDelay - maxDelay)
end
local function store(bk, tat)
  redis.call('set', bk, string.format('%.3f', tat), 'px', math.ceil(tat - now) + 1000)
end
local out = {}
while a <= #ARGV do
  local flags = num()
  local code, value = 0, ''
  if flags % 2 == 1 then
    local bk, T, tau = key(), num(), num()
    local ok, v, tat = bucket(bk, T, tau, 1, 0)
    if ok then store(bk, tat) else code, value = 1, v end
  end
  local tpsKey, tat0, tpsTat
  if math.floor(flags / 2) % 2 == 1 then
    tpsKey = key()
    local T, tau, n, maxDelay = num(), num(), num(), num()
    if code == 0 then
      local ok, v, tat = bucket(tpsKey, T, tau, n, maxDelay)
      if ok then tat0, tpsTat = v, tat else code, value = 2, v end
    end
  end
  local quotas = {}
  for bit = 2, 3 do
    if math.floor(flags / (2 ^ bit)) % 2 == 1 then
      local qk, limit, n, ttl = key(), num(), num(), num()
      if code == 0 then
        local used = tonumber(redis.call('get', qk)) or 0
        if used + n > limit then code, value = bit + 1, used else quotas[#quotas + 1] = { qk, n, ttl, used } end
      end
    end
  end
  if code == 0 then
    if tpsTat then
      store(tpsKey, tpsTat)
      value = string.format('%.3f', tat0)
    end
    for _, q in ipairs(quotas) do
      redis.call('incrby', q[1], q[2])
      if q[4] == 0 then redis.call('expire', q[1], q[3]) end
    end
  end
  out[#out + 1] = code
  out[#out + 1] = tostring(value)
end
return out
