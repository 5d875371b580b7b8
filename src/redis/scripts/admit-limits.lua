--[[
  Runs the checks of several requests at once, each all or nothing (primitives/gcra.ts has the bucket arithmetic,
  GCRA; test/integration/limits.test.ts holds the two together).

  KEYS: for each check, in order, one key for each flag it sets, in this order: the request bucket (FLAG.requests),
    the tps bucket (FLAG.tps), the daily quota (FLAG.daily), the monthly quota (FLAG.monthly).
  ARGV[1]: now, epoch ms. Then for each check: its flags (a sum of FLAG values), then for each flag set, in the same
    order:
    request bucket: intervalMs, toleranceMs (one unit, no waiting)
    tps bucket: intervalMs, toleranceMs, units, maxDelayMs
    quota: limit, units, TTL in seconds (set when the period's counter is created)
  Reply: two values per check, a code and a value (a string):
    CODE.admitted: value the tps reservation's first slot (epoch ms), or '' without a tps bucket;
    CODE.requestRate: over the request rate, value ms until a request fits;
    CODE.tps: over max-tps, value ms until the SMS fit, or NEVER when they never can;
    CODE.daily, CODE.monthly: that quota is used up, value the SMS counted in it so far.
  The request bucket counts the request even when its other limits refuse it; the rest is written only when all of
  it fits. A bucket's key lives until the bucket is full again, and a second more (for processes whose clocks differ).
  Given by the loader: FLAG, CODE and NEVER (accounts/limit-gate.ts), SLACK, the GCRA's rounding slack in ms
  (primitives/gcra.ts SLACK_MS).
]]
local now = tonumber(ARGV[1])
local a, k = 2, 1
local function num() local v = tonumber(ARGV[a]); a = a + 1; return v end
local function key() local v = KEYS[k]; k = k + 1; return v end
local function bucket(bk, T, tau, n, maxDelay)
  local tat0 = math.max(tonumber(redis.call('get', bk)) or 0, now)
  local lastDelay = tat0 + (n - 1) * T - tau - now
  if lastDelay <= maxDelay + SLACK then return true, tat0, tat0 + n * T end
  if (n - 1) * T - tau > maxDelay + SLACK then return false, NEVER end
  return false, math.ceil(lastDelay - maxDelay)
end
local function store(bk, tat)
  redis.call('set', bk, string.format('%.3f', tat), 'px', math.ceil(tat - now) + 1000)
end
local QUOTAS = { { FLAG.daily, CODE.daily }, { FLAG.monthly, CODE.monthly } }
local out = {}
while a <= #ARGV do
  local flags = num()
  local code, value = CODE.admitted, ''
  if bit.band(flags, FLAG.requests) ~= 0 then
    local bk, T, tau = key(), num(), num()
    local ok, v, tat = bucket(bk, T, tau, 1, 0)
    if ok then store(bk, tat) else code, value = CODE.requestRate, v end
  end
  local tpsKey, tat0, tpsTat
  if bit.band(flags, FLAG.tps) ~= 0 then
    tpsKey = key()
    local T, tau, n, maxDelay = num(), num(), num(), num()
    if code == CODE.admitted then
      local ok, v, tat = bucket(tpsKey, T, tau, n, maxDelay)
      if ok then tat0, tpsTat = v, tat else code, value = CODE.tps, v end
    end
  end
  local quotas = {}
  for _, quota in ipairs(QUOTAS) do
    if bit.band(flags, quota[1]) ~= 0 then
      local qk, limit, n, ttl = key(), num(), num(), num()
      if code == CODE.admitted then
        local used = tonumber(redis.call('get', qk)) or 0
        if used + n > limit then code, value = quota[2], used else quotas[#quotas + 1] = { qk, n, ttl, used } end
      end
    end
  end
  if code == CODE.admitted then
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
