/**
 * `npm run fuzz:smpp` in small, with a fixed seed: a real gateway (child process, private redis-server) takes a few
 * thousand hostile PDUs from the fake SMSC of bench/lib/hostile-smsc.ts, and must stay up, keep answering /health,
 * rebind after every session the garbage ended, keep its memory within bounds, and deliver a normal message end to
 * end once the SMSC behaves. The full run (100 000 PDUs) and its figures are in the README.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mb, runFuzz } from '../../bench/lib/fuzz-run.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MB = 1024 * 1024;

describe('a hostile SMSC', () => {
  it('3 000 hostile PDUs (seed 20261121): the gateway survives, rebinds, stays bounded and delivers again', async () => {
    const lines: string[] = [];
    const r = await runFuzz({ count: 3000, seed: 20261121, timeoutMs: 25_000, repo: REPO, log: (l) => lines.push(l) });
    const context = `${lines.join('\n')}\nproblems:\n${r.problems.join('\n')}\nRSS before ${mb(r.gateway.rssBeforeBytes)}, after ${mb(r.gateway.rssAfterBytes)}, peak ${mb(r.gateway.rssPeakBytes)}`;
    expect(r.problems, context).toEqual([]);
    expect(r.smsc.pdus).toBeGreaterThanOrEqual(3000);
    // Garbage ended sessions, and the gateway came back every time, quickly.
    expect(r.smsc.binds, context).toBeGreaterThan(5);
    expect(r.smsc.maxRebindMs, context).toBeLessThan(5000);
    expect(r.gateway.alive).toBe(true);
    expect(r.gateway.stoppedCleanly).toBe(true);
    expect(r.gateway.logNotJson).toBe(0);
    expect(r.gateway.healthFailures).toBe(0);
    expect(r.smsc.unreadableFromGateway).toBe(0);
    expect(r.recoveryMs).toBeDefined();
    // Coarse on purpose (V8 grows its heap lazily, more so on a busy machine): a leak per PDU or per session of
    // the garbage's size would pass it; the 100 000-PDU run is where boundedness shows (README).
    expect(r.gateway.rssAfterBytes - r.gateway.rssBeforeBytes, context).toBeLessThan(100 * MB);
    expect(r.gateway.rssPeakBytes, context).toBeLessThan(400 * MB);
  }, 60_000);
});
