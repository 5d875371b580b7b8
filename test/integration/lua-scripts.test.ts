/**
 * Each Lua script of src/redis/scripts/ alone against a real redis-server: the LuaScript object its module runs
 * (with the constants that module gives it), called with KEYS and ARGV as its header names them, checking the
 * reply and the keys it leaves. Then the loader itself in Redis: EVALSHA, reloading after SCRIPT FLUSH, and queue()
 * in a pipeline and a MULTI. (message-store's scripts are tested with the messages module.)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Redis } from 'ioredis';
import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIT_CODE, ADMIT_FLAG, ADMIT_LIMITS, ADMIT_NEVER } from '../../src/accounts/limit-gate.js';
import { CLAIM_SMPP_BIND } from '../../src/accounts/smpp-bind-ledger.js';
import { LEASE_RENEWAL, RELEASE_LEASE, RENEW_LEASE } from '../../src/links/bind-leases.js';
import { RELEASE_BIND_STATE } from '../../src/links/cluster-link-state.js';
import type { MoPart } from '../../src/mo/mo-message.js';
import { ADD_PART, partDigest, storedPart, TAKE_EXPIRED } from '../../src/mo/mo-reassembly-store.js';
import { bucketRule, toleranceMs, type BucketRule } from '../../src/primitives/gcra.js';
import { CHECK_COMMIT, COMMIT_MARK } from '../../src/queue/producer.js';
import { RECONCILE_ROUTE_COUNT } from '../../src/queue/route-inspector.js';
import { bullmqJobKey, bullmqPendingKeys, MoKeys, RedisKeys, ROUTE_QUEUED_COUNT } from '../../src/redis/keys.js';
import { LuaScript, type LuaConstant } from '../../src/redis/lua-script.js';
import { sleep } from '../helpers/links.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();
const keys = new RedisKeys('sb');
let redis: Redis;

beforeEach(async () => {
  redis ??= env.redis.client();
  await redis.flushall();
  await redis.script('FLUSH');
});

/** A time far from the real clock: what the scripts compute must come from ARGV, not from Redis's clock. */
const NOW = 1_800_000_000_000;

/** How long renew-lease remembers a lease's last holder, in these tests. */
const REMEMBERED = 300_000;
describe('admit-limits', () => {
  interface Check {
    readonly keys: readonly string[];
    readonly args: readonly number[];
  }
  const requests = (key: string, rule: BucketRule): Check => ({
    keys: [key],
    args: [ADMIT_FLAG.requests, rule.intervalMs, toleranceMs(rule)],
  });
  const tps = (key: string, rule: BucketRule, units: number): Check => ({
    keys: [key],
    args: [ADMIT_FLAG.tps, rule.intervalMs, toleranceMs(rule), units, rule.maxDelayMs],
  });
  const quota = (flag: number, key: string, limit: number, units: number, ttlS: number): Check => ({
    keys: [key],
    args: [flag, limit, units, ttlS],
  });
  /** Several limits in one check: their flags summed, their keys and arguments in flag order. */
  const together = (...parts: Check[]): Check => ({
    keys: parts.flatMap((p) => p.keys),
    args: [parts.reduce((sum, p) => sum + p.args[0]!, 0), ...parts.flatMap((p) => p.args.slice(1))],
  });
  /** One script call for all the checks, as LimitGate gathers them; [code, value] for each. */
  async function admit(now: number, ...checks: Check[]): Promise<[number, string][]> {
    const reply = (await ADMIT_LIMITS.run(
      redis,
      checks.flatMap((c) => c.keys),
      [now, ...checks.flatMap((c) => c.args)],
    )) as (number | string)[];
    expect(reply).toHaveLength(2 * checks.length);
    return checks.map((_, i) => [Number(reply[2 * i]), String(reply[2 * i + 1])]);
  }
  const at = (ms: number): string => ms.toFixed(3);

  it('a request bucket admits its burst, then says how long until the next request fits', async () => {
    const k = keys.accountRequestBucket('u');
    const rule = bucketRule(2, 2); // 500 ms a request, two at once
    const r = requests(k, rule);
    expect(await admit(NOW, r, r, r)).toEqual([
      [ADMIT_CODE.admitted, ''],
      [ADMIT_CODE.admitted, ''],
      [ADMIT_CODE.requestRate, '500'],
    ]);
    // The arrival time of the next request, kept until the bucket is full again and a second more.
    expect(await redis.get(k)).toBe(at(NOW + 1000));
    const ttl = await redis.pttl(k);
    expect(ttl).toBeGreaterThan(1900);
    expect(ttl).toBeLessThanOrEqual(2000);
    expect(await admit(NOW + 499, r)).toEqual([[ADMIT_CODE.requestRate, '1']]);
    expect(await admit(NOW + 500, r)).toEqual([[ADMIT_CODE.admitted, '']]);
  });

  it('max-tps refusing: the burst goes, one more waits, more than the burst never fits and writes nothing', async () => {
    const k = keys.accountTpsBucket('u');
    const rule = bucketRule(10, 5); // 100 ms an SMS, five at once, no waiting
    expect(await admit(NOW, tps(k, rule, 5))).toEqual([[ADMIT_CODE.admitted, at(NOW)]]);
    expect(await redis.get(k)).toBe(at(NOW + 500));
    expect(await admit(NOW, tps(k, rule, 1))).toEqual([[ADMIT_CODE.tps, '100']]);
    const fresh = keys.accountTpsBucket('v');
    expect(await admit(NOW, tps(fresh, rule, 6))).toEqual([[ADMIT_CODE.tps, String(ADMIT_NEVER)]]);
    expect(await redis.exists(fresh)).toBe(0);
  });

  it('max-tps pacing: SMS are given slots up to max-tps-delay ahead; past it they wait, or never fit', async () => {
    const k = keys.accountTpsBucket('u');
    const rule = bucketRule(10, 5, 1000);
    // Ten SMS: five now, five paced over 500 ms; the first slot is now, the next SMS's 1000 ms on.
    expect(await admit(NOW, tps(k, rule, 10))).toEqual([[ADMIT_CODE.admitted, at(NOW)]]);
    expect(await redis.get(k)).toBe(at(NOW + 1000));
    // Ten more now would hold the last 1500 ms, 500 past max-tps-delay.
    expect(await admit(NOW, tps(k, rule, 10))).toEqual([[ADMIT_CODE.tps, '500']]);
    expect(await redis.get(k)).toBe(at(NOW + 1000));
    // A while later they fit, starting where the first ten ended.
    expect(await admit(NOW + 500, tps(k, rule, 10))).toEqual([[ADMIT_CODE.admitted, at(NOW + 1000)]]);
    // Twenty SMS need 1500 ms past the burst even into an empty bucket.
    expect(await admit(NOW, tps(keys.accountTpsBucket('v'), rule, 20))).toEqual([[ADMIT_CODE.tps, String(ADMIT_NEVER)]]);
  });

  it('a quota counts SMS until the next would pass it, then answers what was counted; its TTL is set once', async () => {
    const day = keys.accountQuota('u', '2027-01-15');
    expect(await admit(NOW, quota(ADMIT_FLAG.daily, day, 3, 2, 100))).toEqual([[ADMIT_CODE.admitted, '']]);
    expect(await redis.get(day)).toBe('2');
    const ttl = await redis.ttl(day);
    expect(ttl).toBeGreaterThan(90);
    expect(ttl).toBeLessThanOrEqual(100);
    expect(await admit(NOW, quota(ADMIT_FLAG.daily, day, 3, 2, 100))).toEqual([[ADMIT_CODE.daily, '2']]);
    expect(await admit(NOW, quota(ADMIT_FLAG.daily, day, 3, 1, 5000))).toEqual([[ADMIT_CODE.admitted, '']]);
    expect(await redis.get(day)).toBe('3');
    expect(await redis.ttl(day)).toBeLessThanOrEqual(100);
    expect(await admit(NOW, quota(ADMIT_FLAG.daily, day, 3, 1, 100))).toEqual([[ADMIT_CODE.daily, '3']]);
  });

  it('a check is admitted whole or not at all: a used-up monthly quota writes neither the daily quota nor max-tps', async () => {
    const bucket = keys.accountTpsBucket('u');
    const day = keys.accountQuota('u', '2027-01-15');
    const month = keys.accountQuota('u', '2027-01');
    await redis.set(month, '9');
    const check = together(
      tps(bucket, bucketRule(10, 5), 2),
      quota(ADMIT_FLAG.daily, day, 100, 2, 100),
      quota(ADMIT_FLAG.monthly, month, 10, 2, 100),
    );
    expect(await admit(NOW, check)).toEqual([[ADMIT_CODE.monthly, '9']]);
    expect(await redis.exists(bucket, day)).toBe(0);
    expect(await redis.get(month)).toBe('9');
  });

  it('the request bucket counts a request its other limits refuse; a refused request leaves the others alone', async () => {
    const req = keys.accountRequestBucket('u');
    const bucket = keys.accountTpsBucket('u');
    const day = keys.accountQuota('u', '2027-01-15');
    await redis.set(day, '3');
    const rule = bucketRule(1, 1);
    const check = together(requests(req, rule), tps(bucket, bucketRule(10, 5), 1), quota(ADMIT_FLAG.daily, day, 3, 1, 100));
    expect(await admit(NOW, check)).toEqual([[ADMIT_CODE.daily, '3']]);
    expect(await redis.get(req)).toBe(at(NOW + 1000));
    expect(await redis.exists(bucket)).toBe(0);
    // Over the request rate now: neither max-tps nor the quota is looked at (the quota would refuse too).
    expect(await admit(NOW, check)).toEqual([[ADMIT_CODE.requestRate, '1000']]);
    expect(await redis.exists(bucket)).toBe(0);
    expect(await redis.get(day)).toBe('3');
  });

  it('several requests in one call read their own keys and arguments, even after one is refused', async () => {
    const full = keys.accountRequestBucket('full');
    await admit(NOW, requests(full, bucketRule(1, 1)));
    const refused = together(requests(full, bucketRule(1, 1)), tps(keys.accountTpsBucket('full'), bucketRule(10, 5), 3));
    const other = together(
      tps(keys.accountTpsBucket('other'), bucketRule(10, 5), 3),
      quota(ADMIT_FLAG.monthly, keys.accountQuota('other', '2027-01'), 5, 3, 100),
    );
    expect(await admit(NOW, refused, other, requests(keys.clientRateBucket('10.0.0.1'), bucketRule(5, 1)))).toEqual([
      [ADMIT_CODE.requestRate, '1000'],
      [ADMIT_CODE.admitted, at(NOW)],
      [ADMIT_CODE.admitted, ''],
    ]);
    expect(await redis.get(keys.accountQuota('other', '2027-01'))).toBe('3');
    expect(await redis.get(keys.clientRateBucket('10.0.0.1'))).toBe(at(NOW + 200));
  });
});

describe('check-commit', () => {
  const job = (id: string): string => bullmqJobKey(keys.prefix, 'r-route', id);

  it('marks a commit ok when every job exists, for the TTL given', async () => {
    await redis.hset(job('j1'), 'data', '{}');
    await redis.hset(job('j2'), 'data', '{}');
    expect(await CHECK_COMMIT.run(redis, [keys.commit('j1'), job('j1'), job('j2')], [5000])).toBe(COMMIT_MARK.ok);
    expect(await redis.get(keys.commit('j1'))).toBe(COMMIT_MARK.ok);
    const ttl = await redis.pttl(keys.commit('j1'));
    expect(ttl).toBeGreaterThan(4000);
    expect(ttl).toBeLessThanOrEqual(5000);
  });

  it.each([
    ['first', 'j1'],
    ['middle', 'j2'],
    ['last', 'j3'],
  ])('marks it failed when a job is missing (the %s)', async (_, missing) => {
    for (const id of ['j1', 'j2', 'j3']) if (id !== missing) await redis.hset(job(id), 'data', '{}');
    const reply = await CHECK_COMMIT.run(redis, [keys.commit('j1'), job('j1'), job('j2'), job('j3')], [5000]);
    expect(reply).toBe(COMMIT_MARK.failed);
    expect(await redis.get(keys.commit('j1'))).toBe(COMMIT_MARK.failed);
    expect(await redis.pttl(keys.commit('j1'))).toBeGreaterThan(4000);
  });
});

describe('MO reassembly scripts', () => {
  const mo = new MoKeys('sb');
  const TTL = 60_000;
  const part = (seq: number, total: number, bodyHex: string, ref = 7): MoPart => ({
    from: '46701234567',
    to: '4600',
    smscId: 'smsc',
    linkId: 'l1',
    account: 'sys',
    receivedAtMs: NOW,
    dataCoding: 0,
    protocolId: 0,
    serviceType: '',
    bodyHex,
    concat: { ref, total, seq, refBits: 8 },
  });
  const groupOf = (p: MoPart): string => mo.groupId({ from: p.from, to: p.to, refBits: 8, ref: p.concat!.ref, total: p.concat!.total });
  async function add(p: MoPart, now: number, moId: string): Promise<unknown> {
    const g = groupOf(p);
    const digest = partDigest(p);
    return ADD_PART.run(
      redis,
      [mo.group(g), mo.groups, mo.done(g), mo.ready(moId), mo.readyIndex],
      [p.concat!.seq, digest, storedPart(p, digest), p.concat!.total, now, TTL, moId],
    );
  }
  const stored = (p: MoPart): string => storedPart(p, partDigest(p));

  describe('mo-add-part', () => {
    it('keeps parts, indexed by first arrival, until the last completes the group', async () => {
      const [p1, p2, p3] = [part(1, 3, 'aa'), part(2, 3, 'bb'), part(3, 3, 'cc')];
      const g = groupOf(p1);
      expect(await add(p2, NOW, 'mo-1')).toEqual(['stored']);
      expect(await add(p1, NOW + 50, 'mo-1')).toEqual(['stored']);
      expect(await redis.zrange(mo.groups, '0', '-1', 'WITHSCORES')).toEqual([mo.group(g), String(NOW)]);
      expect(await redis.hgetall(mo.group(g))).toEqual({ 1: stored(p1), 2: stored(p2) });

      const reply = await add(p3, NOW + 90, 'mo-1');
      expect(reply).toEqual(['complete', expect.any(Array)]);
      const flat = (reply as [string, string[]])[1];
      expect(Object.fromEntries(Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]]))).toEqual({
        1: stored(p1),
        2: stored(p2),
        3: stored(p3),
      });
      // The group is now the ready hash of its MO id, indexed for recovery; only digests are kept as done.
      expect(await redis.exists(mo.group(g))).toBe(0);
      expect(await redis.zcard(mo.groups)).toBe(0);
      expect(await redis.hgetall(mo.ready('mo-1'))).toEqual({ 1: stored(p1), 2: stored(p2), 3: stored(p3) });
      expect(await redis.zrange(mo.readyIndex, '0', '-1', 'WITHSCORES')).toEqual(['mo-1', String(NOW + 90)]);
      expect(await redis.hgetall(mo.done(g))).toEqual({ 1: partDigest(p1), 2: partDigest(p2), 3: partDigest(p3) });
      const ttl = await redis.pttl(mo.done(g));
      expect(ttl).toBeGreaterThan(TTL - 5000);
      expect(ttl).toBeLessThanOrEqual(TTL);
    });

    it('a part sent again is a duplicate, while its group waits and after it was handed on', async () => {
      const [p1, p2] = [part(1, 2, 'aa'), part(2, 2, 'bb')];
      const g = groupOf(p1);
      expect(await add(p1, NOW, 'mo-1')).toEqual(['stored']);
      expect(await add(p1, NOW + 10, 'mo-1')).toEqual(['duplicate']);
      expect(await redis.hlen(mo.group(g))).toBe(1);
      expect(await add(p2, NOW + 20, 'mo-1')).toEqual(['complete', expect.any(Array)]);
      // The SMSC resends a part whose response it missed: no new group opens for it.
      expect(await add(p2, NOW + 30, 'mo-2')).toEqual(['duplicate']);
      expect(await redis.exists(mo.group(g), mo.ready('mo-2'))).toBe(0);
      expect(await redis.zcard(mo.groups)).toBe(0);
      // A new message reusing the reference (other octets) opens a new group.
      expect(await add(part(1, 2, 'cc'), NOW + 40, 'mo-2')).toEqual(['stored']);
      expect(await redis.hlen(mo.group(g))).toBe(1);
    });
  });

  describe('mo-take-expired', () => {
    async function take(cutoff: number, now: number, moIds: string[]): Promise<unknown> {
      return TAKE_EXPIRED.run(
        redis,
        [mo.groups, mo.readyIndex],
        [cutoff, now, TTL, mo.groupPrefix, mo.donePrefix, mo.readyPrefix, ...moIds],
      );
    }

    it('takes a group whose first part is at or before the cutoff to the ready hash of an MO id given', async () => {
      const old = part(1, 3, 'aa', 1);
      const young = part(1, 3, 'bb', 2);
      await add(old, NOW, 'unused');
      await add(young, NOW + 100, 'unused');
      expect(await take(NOW, NOW + 500, ['mo-a', 'mo-b'])).toEqual([['mo-a', mo.group(groupOf(old)), ['1', stored(old)]]]);
      expect(await redis.exists(mo.group(groupOf(old)))).toBe(0);
      expect(await redis.hgetall(mo.ready('mo-a'))).toEqual({ 1: stored(old) });
      expect(await redis.zrange(mo.readyIndex, '0', '-1', 'WITHSCORES')).toEqual(['mo-a', String(NOW + 500)]);
      // Its digests are kept under the done key of its identity, built from the prefixes given.
      expect(await redis.hgetall(mo.done(groupOf(old)))).toEqual({ 1: partDigest(old) });
      expect(await redis.pttl(mo.done(groupOf(old)))).toBeGreaterThan(TTL - 5000);
      // The younger group waits on, and a late part of the one taken is a duplicate.
      expect(await redis.zrange(mo.groups, '0', '-1')).toEqual([mo.group(groupOf(young))]);
      expect(await add(old, NOW + 600, 'mo-c')).toEqual(['duplicate']);
    });

    it('takes at most one group per MO id, oldest first, and drops an index entry whose group is gone', async () => {
      const [a, b, c] = [part(1, 2, 'aa', 1), part(1, 2, 'bb', 2), part(1, 2, 'cc', 3)];
      await add(a, NOW, 'unused');
      await add(b, NOW + 1, 'unused');
      await add(c, NOW + 2, 'unused');
      await redis.del(mo.group(groupOf(a)));
      const taken = (await take(NOW + 10, NOW + 20, ['mo-1', 'mo-2'])) as [string, string][];
      // a's entry was first: it is dropped, and its MO id is not used for another group.
      expect(taken.map(([id, group]) => [id, group])).toEqual([['mo-2', mo.group(groupOf(b))]]);
      expect(await redis.zrange(mo.groups, '0', '-1')).toEqual([mo.group(groupOf(c))]);
      expect(await redis.exists(mo.ready('mo-1'))).toBe(0);
    });
  });
});

describe('release-bind-state', () => {
  const key = keys.bindState('l1/tx1');

  it('deletes the state this node published, and only that', async () => {
    await redis.set(key, JSON.stringify({ link: 'l1', bind: 'l1/tx1', node: 'n1', state: 'bound' }));
    expect(await RELEASE_BIND_STATE.run(redis, [key], ['n2'])).toBe(0);
    expect(await redis.exists(key)).toBe(1);
    expect(await RELEASE_BIND_STATE.run(redis, [key], ['n1'])).toBe(1);
    expect(await redis.exists(key)).toBe(0);
    expect(await RELEASE_BIND_STATE.run(redis, [key], ['n1'])).toBe(0);
  });

  it('leaves a state that only mentions the node elsewhere, or that is not JSON, to expire', async () => {
    await redis.set(key, JSON.stringify({ node: 'n2', reason: '"node":"n1"', peer: { node: 'n1' } }));
    expect(await RELEASE_BIND_STATE.run(redis, [key], ['n1'])).toBe(0);
    await redis.set(key, '{"node":"n1"');
    expect(await RELEASE_BIND_STATE.run(redis, [key], ['n1'])).toBe(0);
    expect(await redis.exists(key)).toBe(1);
  });
});

describe('bind leases', () => {
  const lease = keys.bindLease('l1/tx1');
  const holder = keys.bindLeaseHolder('l1/tx1');

  it("renew-lease takes a free lease, renews its own for a new TTL, and leaves another node's alone", async () => {
    expect(await RENEW_LEASE.run(redis, [lease, holder], ['n1', 1000, REMEMBERED, '1'])).toBe(LEASE_RENEWAL.taken);
    expect(await redis.get(lease)).toBe('n1');
    expect(await redis.pttl(lease)).toBeLessThanOrEqual(1000);
    expect(await RENEW_LEASE.run(redis, [lease, holder], ['n1', 10_000, REMEMBERED, '1'])).toBe(LEASE_RENEWAL.renewed);
    expect(await redis.pttl(lease)).toBeGreaterThan(9000);
    expect(await RENEW_LEASE.run(redis, [lease, holder], ['n2', 60_000, REMEMBERED, '1'])).toBe(LEASE_RENEWAL.heldElsewhere);
    expect(await redis.get(lease)).toBe('n1');
    expect(await redis.pttl(lease)).toBeLessThanOrEqual(10_000);
  });

  it('renew-lease answers taken for its own lease that expired meanwhile (Redis did not answer for a TTL)', async () => {
    await redis.set(lease, 'n1', 'PX', 10);
    await sleep(30);
    expect(await RENEW_LEASE.run(redis, [lease, holder], ['n1', 5000, REMEMBERED, '1'])).toBe(LEASE_RENEWAL.taken);
    expect(await redis.get(lease)).toBe('n1');
    expect(await redis.pttl(lease)).toBeGreaterThan(4000);
  });

  it('renew-lease leaves a free lease another node held last to a node that may not take such a lease yet', async () => {
    expect(await RENEW_LEASE.run(redis, [lease, holder], ['n1', 10, REMEMBERED, '1'])).toBe(LEASE_RENEWAL.taken);
    expect(await redis.get(holder)).toBe('n1');
    await sleep(30); // the lease expires (an outage longer than its TTL); its holder is remembered
    expect(await RENEW_LEASE.run(redis, [lease, holder], ['n2', 5000, REMEMBERED, '0'])).toBe(LEASE_RENEWAL.recentlyHeld);
    expect(await redis.exists(lease)).toBe(0);
    // The holder renews first and keeps it; a node running for long enough takes a free one at once.
    expect(await RENEW_LEASE.run(redis, [lease, holder], ['n1', 10, REMEMBERED, '0'])).toBe(LEASE_RENEWAL.taken);
    await sleep(30);
    expect(await RENEW_LEASE.run(redis, [lease, holder], ['n2', 5000, REMEMBERED, '1'])).toBe(LEASE_RENEWAL.taken);
    expect([await redis.get(lease), await redis.get(holder)]).toEqual(['n2', 'n2']);
    expect(await redis.pttl(holder)).toBeGreaterThan(REMEMBERED - 1000);
  });

  it('release-lease gives back only a lease this node holds', async () => {
    await redis.set(lease, 'n2', 'PX', 5000);
    expect(await RELEASE_LEASE.run(redis, [lease, holder], ['n1'])).toBe(0);
    expect(await redis.get(lease)).toBe('n2');
    await redis.set(holder, 'n2');
    expect(await RELEASE_LEASE.run(redis, [lease, holder], ['n2'])).toBe(1);
    // Given back, it is anyone's at once: n2 is not remembered as its holder.
    expect([await redis.exists(lease), await redis.exists(holder)]).toEqual([0, 0]);
    expect(await RELEASE_LEASE.run(redis, [lease, holder], ['n2'])).toBe(0);
  });
});

describe('the loader in Redis', () => {
  const lease = keys.bindLease('l1/tx1');
  const holder = keys.bindLeaseHolder('l1/tx1');

  it('runs a script by its hash once Redis has it, and loads it again after SCRIPT FLUSH (NOSCRIPT)', async () => {
    expect(await redis.script('EXISTS', RENEW_LEASE.sha)).toEqual([0]);
    expect(await RENEW_LEASE.run(redis, [lease, holder], ['n1', 5000, REMEMBERED, '1'])).toBe(LEASE_RENEWAL.taken);
    // The sha Redis computes is the loader's: what EVALSHA sends names the script sent with EVAL.
    expect(await redis.script('EXISTS', RENEW_LEASE.sha)).toEqual([1]);
    await redis.script('FLUSH');
    expect(await redis.script('EXISTS', RENEW_LEASE.sha)).toEqual([0]);
    expect(await RENEW_LEASE.run(redis, [lease, holder], ['n1', 5000, REMEMBERED, '1'])).toBe(LEASE_RENEWAL.renewed);
    expect(await redis.script('EXISTS', RENEW_LEASE.sha)).toEqual([1]);
  });

  it('passes on an error of the script itself', async () => {
    await redis.hset(lease, 'not', 'a string');
    await expect(RENEW_LEASE.run(redis, [lease, holder], ['n1', 5000, REMEMBERED, '1'])).rejects.toThrow(/WRONGTYPE/);
  });

  it('queue() adds a script to a pipeline and to a MULTI, its reply in its place among the others', async () => {
    await redis.set(keys.bindLease('l1/tx2'), 'n2');
    const pipe = redis.pipeline();
    RENEW_LEASE.queue(pipe, [lease, holder], ['n1', 5000, REMEMBERED, '1']);
    pipe.get(lease);
    RENEW_LEASE.queue(pipe, [keys.bindLease('l1/tx2'), keys.bindLeaseHolder('l1/tx2')], ['n1', 5000, REMEMBERED, '1']);
    RENEW_LEASE.queue(pipe, [lease, holder], ['n1', 5000, REMEMBERED, '1']);
    expect(await pipe.exec()).toEqual([
      [null, LEASE_RENEWAL.taken],
      [null, 'n1'],
      [null, LEASE_RENEWAL.heldElsewhere],
      [null, LEASE_RENEWAL.renewed],
    ]);
    const multi = redis.multi();
    RELEASE_LEASE.queue(multi, [lease, holder], ['n1']);
    multi.exists(lease);
    expect(await multi.exec()).toEqual([
      [null, 1],
      [null, 0],
    ]);
  });

  it('declares the constants as Redis runs them: numbers, strings and tables', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-lua-'));
    try {
      writeFileSync(
        join(dir, 'echo.lua'),
        '--[[\n  KEYS: none. ARGV[1] a field of T.\n  Reply: S, N × 1000, and that field of T.\n]]\nreturn {S, N * 1000, T[ARGV[1]]}\n',
      );
      const constants: Record<string, LuaConstant> = { S: 'it\'s "quoted"', N: 0.25, T: { sent: 'w', code: 3 } };
      const echo = LuaScript.load('echo', constants, pathToFileURL(`${dir}/`));
      expect(await echo.run(redis, [], ['sent'])).toEqual(['it\'s "quoted"', 250, 'w']);
      expect(await echo.run(redis, [], ['code'])).toEqual(['it\'s "quoted"', 250, 3]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('reconcile-route-count', () => {
  const stats = keys.routeStats('r1');
  const { lists, sortedSets } = bullmqPendingKeys(keys.prefix, 'r-r1');
  const reconcile = (): Promise<unknown> => RECONCILE_ROUTE_COUNT.run(redis, [stats, ...lists, ...sortedSets], [lists.length]);

  it('sets a drifted count to 0 when no job waits or runs, and answers what it replaced', async () => {
    await redis.hset(stats, ROUTE_QUEUED_COUNT, 340);
    expect(await reconcile()).toBe(340);
    expect(await redis.hget(stats, ROUTE_QUEUED_COUNT)).toBe('0');
    expect(await reconcile()).toBe(0);
  });

  it('leaves the count alone while any list or sorted set of the queue holds a job', async () => {
    for (const [i, key] of [...lists, ...sortedSets].entries()) {
      await redis.flushall();
      await redis.hset(stats, ROUTE_QUEUED_COUNT, 7);
      if (i < lists.length) await redis.rpush(key, 'job');
      else await redis.zadd(key, 1, 'job');
      expect(await reconcile()).toBe(0);
      expect(await redis.hget(stats, ROUTE_QUEUED_COUNT)).toBe('7');
    }
  });
});

describe('claim-smpp-bind', () => {
  const set = keys.smppBinds('acct');
  const claim = (session: string, now: number, cap: number): Promise<unknown> =>
    CLAIM_SMPP_BIND.run(redis, [set], [now, session, now + 15_000, cap]);

  it("counts sessions up to the account's cap, across callers; a cap of -1 is none", async () => {
    expect(await claim('s1', NOW, 2)).toBe(1);
    expect(await claim('s2', NOW, 2)).toBe(1);
    expect(await claim('s3', NOW, 2)).toBe(0);
    expect(await redis.zcard(set)).toBe(2);
    expect(await claim('s3', NOW, -1)).toBe(1);
  });

  it('drops the claims their holder stopped renewing before it counts, and expires the set with its last claim', async () => {
    expect(await claim('s1', NOW, 1)).toBe(1);
    expect(await claim('s2', NOW + 10_000, 1)).toBe(0);
    expect(await claim('s2', NOW + 16_000, 1)).toBe(1);
    expect(await redis.zrange(set, '0', '-1')).toEqual(['s2']);
    expect(await redis.pexpiretime(set)).toBe(NOW + 16_000 + 15_000);
  });
});
