/**
 * A seeded random source for the fuzzer, so a run can be repeated from its seed. pure-rand gives the generator and
 * an unbiased integer distribution; this only adds the few draws the fuzzer needs.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

type Generator = ReturnType<typeof xoroshiro128plus>;

export class Dice {
  private readonly g: Generator;

  constructor(seed: number) {
    this.g = xoroshiro128plus(seed | 0);
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return uniformInt(this.g, min, max);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.int(0, 999_999) < p * 1_000_000;
  }

  pick<T>(xs: readonly T[]): T {
    const x = xs[this.int(0, xs.length - 1)];
    if (x === undefined) throw new Error('pick from an empty list');
    return x;
  }

  /**
   * An integer in [0, n) with one draw whatever n is: for a bound that depends on timing (a list of message ids, the
   * length of a PDU that quotes one), so the draws after it stay the same from run to run.
   */
  below(n: number): number {
    return Math.floor((this.int(0, 0xff_ffff) * Math.max(1, n)) / 0x100_0000);
  }

  /** A new, independent source seeded from this one (one draw). */
  fork(): Dice {
    return new Dice(this.int(0, 0x7fff_ffff));
  }

  /** One of the keys, with probability proportional to its weight. */
  weighted<K extends string>(table: Readonly<Record<K, number>>): K {
    const entries = Object.entries(table) as Array<[K, number]>;
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let r = this.int(0, Math.round(total * 1000) - 1) / 1000;
    for (const [k, w] of entries) {
      if (r < w) return k;
      r -= w;
    }
    return entries[entries.length - 1]![0];
  }

  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(0, 255);
    return b;
  }

  /** Printable ASCII, for texts and ids. */
  ascii(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(this.int(0x20, 0x7e));
    return s;
  }
}
