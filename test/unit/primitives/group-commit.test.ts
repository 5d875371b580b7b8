/**
 * The group commit: items that come while a write is in flight go together in the next one; posted items (no
 * promise) share writes with added ones; with gatherSameTurn, items added in the same turn share the first write.
 */
import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../../src/primitives/group-commit.js';

function recorder(): { writes: number[][]; write: (items: number[]) => Promise<void> } {
  const writes: number[][] = [];
  return { writes, write: (items) => (writes.push(items), new Promise((r) => setTimeout(r, 5))) };
}

describe('GroupCommit', () => {
  it('a lone item goes at once; what comes meanwhile goes together next', async () => {
    const r = recorder();
    const c = new GroupCommit(r.write);
    const done = [c.add([1]), c.add([2, 3]), c.add([4])];
    await Promise.all(done);
    expect(r.writes).toEqual([[1], [2, 3, 4]]);
  });

  it('with gatherSameTurn, items added in the same turn share the first write', async () => {
    const r = recorder();
    const c = new GroupCommit(r.write, { gatherSameTurn: true });
    c.post(1);
    c.post(2);
    await c.add([3]);
    expect(r.writes).toEqual([[1, 2, 3]]);
  });

  it('a failed write rejects the callers that added to it', async () => {
    const c = new GroupCommit<number>(() => Promise.reject(new Error('down')));
    await expect(c.add([1])).rejects.toThrow('down');
  });
});
