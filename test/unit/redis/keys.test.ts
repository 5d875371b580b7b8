/**
 * The Redis catalogue (src/redis/keys.ts) is the only place that names a key or a queue: every key it gives starts
 * with the configured prefix, and nothing else in src/ builds a key from a prefix or names a queue with a literal.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CALLBACK_QUEUE,
  MO_QUEUE,
  MoKeys,
  RECEIPT_QUEUE,
  RedisKeys,
  bullmqJobKey,
  bullmqPrioritizedKey,
  routeKeyOfQueue,
  routeQueueName,
} from '../../../src/redis/keys.js';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const CATALOGUE = join('src', 'redis', 'keys.ts');
const sources = walk('src')
  .filter((p) => p.endsWith('.ts') && p !== CATALOGUE)
  .map((p) => ({ path: p, text: readFileSync(p, 'utf8') }));

/** A key built from a prefix: `${prefix}:…`, `${this.keys.prefix}:…`, or prefix + ':'. */
const BUILDS_KEY = /\$\{[^}]*prefix[^}]*\}:|prefix\s*\+\s*['"`]:/i;
/** A bullmq queue or worker named by a literal instead of a catalogue name. */
const LITERAL_QUEUE = /new\s+(Queue|Worker|QueueEvents|JobQueue)(<[^>]*>)?\(\s*['"`]/;

describe('the Redis catalogue', () => {
  it('gives every key under the prefix', () => {
    const k = new RedisKeys('sb');
    const keys = [
      k.routes,
      k.events,
      k.control,
      k.metrics,
      k.message('m1'),
      k.routeStats('r'),
      k.routeFailed('r'),
      k.account('u'),
      k.bindState('b'),
      k.bindLease('b'),
      k.correlation('s', 'id'),
      k.givenUp('q'),
      k.commit('c'),
      k.concatRef('4670'),
      k.clientRateBucket('1.2.3.4'),
      k.accountRequestBucket('u'),
      k.accountTpsBucket('u'),
      k.accountQuota('u', '2026-12'),
      bullmqJobKey('sb', 'q', 'j'),
      bullmqPrioritizedKey('sb', 'q'),
    ];
    const mo = new MoKeys('sb');
    keys.push(mo.group('g'), mo.groups, mo.done('g'), mo.ready('m'), mo.readyIndex, mo.corrupt('m'));
    for (const key of keys) expect(key.startsWith('sb:')).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('gives the record prefix a script builds record keys from (match-receipt.lua)', () => {
    const k = new RedisKeys('sb');
    expect(k.recordPrefix.startsWith('sb:')).toBe(true);
    expect(k.recordPrefix + 'm1').toBe(k.message('m1'));
  });

  it('names queues without ":" (bullmq refuses it) and each once', () => {
    const names = [CALLBACK_QUEUE, RECEIPT_QUEUE, MO_QUEUE, routeQueueName('0123456789abcdef')];
    for (const n of names) expect(n).not.toContain(':');
    expect(new Set(names).size).toBe(names.length);
    expect(routeKeyOfQueue(routeQueueName('0123456789abcdef'))).toBe('0123456789abcdef');
  });

  it('is the only place that builds a key from the prefix', () => {
    expect(sources.length).toBeGreaterThan(100);
    expect(sources.filter((s) => BUILDS_KEY.test(s.text)).map((s) => s.path)).toEqual([]);
  });

  it('is the only place that names a queue', () => {
    expect(sources.filter((s) => LITERAL_QUEUE.test(s.text)).map((s) => s.path)).toEqual([]);
  });

  it('the checks find a key or a queue spelled elsewhere', () => {
    expect(BUILDS_KEY.test('const k = `${this.keys.prefix}:m:${id}`;')).toBe(true);
    expect(BUILDS_KEY.test("const k = opts.prefix + ':lease:' + bind;")).toBe(true);
    expect(LITERAL_QUEUE.test("new JobQueue<Item>('callbacks', opts)")).toBe(true);
    expect(LITERAL_QUEUE.test('new Queue(routeQueueName(key), opts)')).toBe(false);
  });
});
