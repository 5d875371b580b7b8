/**
 * `npm run fuzz:smpp`: a hostile SMSC against a real gateway. A fake SMSC (bench/lib/hostile-smsc.ts) accepts the
 * gateway's bind and writes COUNT PDUs at it from a seeded stream (bench/lib/hostile-pdus.ts): valid traffic mixed
 * with random bytes, lying command_lengths, truncated bodies, unknown commands, responses to nothing, duplicate
 * sequence numbers, absurd TLVs, bad data_coding and text, garbage receipts, unbind storms, enquire_link and
 * deliver_sm floods (some beyond any window), PDUs split byte by byte or many in one write, slowloris writes,
 * floods while it reads nothing; and it answers the gateway's submits and enquire_links with generic_nacks, error
 * statuses, duplicates, wrong sequence numbers or nothing. The gateway must not crash, its memory must stay
 * bounded, and afterwards it must bind and deliver a normal message end to end. It prints the seed (rerun a run
 * with SEED=), the figures, and exits 1 when a check failed.
 *
 * env: COUNT=100000   hostile PDUs in all
 *      SEED=<random>  seed of the PDU stream (printed; the same seed writes the same actions, and the same bytes
 *                     but for the message ids that receipts quote, which the gateway's submits got)
 *      TIMEOUT=900    seconds for the whole run; it stops by itself, and reports a timeout as a failure
 *      KEEP=0         1: keep the temporary directory (gateway configuration and log) even when the run passed
 *      HEAP_MB=       cap the gateway's V8 heap (--max-old-space-size): memory that is only garbage not yet
 *                     collected fits under a cap, memory held for good ends in an out-of-memory crash
 *
 * SIDE=server turns it around: hostile client ESMEs against the gateway's SMPP server (bench/fuzz-smpp-server.ts).
 *
 * The gateway runs from this checkout's src/ (tsx) as `switchboard start --processes 1` with REDIS_URL pointing at
 * a private redis-server; everything listens on 127.0.0.1 and everything started is stopped at the end, on an error
 * and on Ctrl-C.
 */
import { randomInt } from 'node:crypto';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mb, runFuzz, type FuzzResult } from './lib/fuzz-run.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function intEnv(name: string, def: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`${name}: expected a non-negative integer, got ${JSON.stringify(v)}\n`);
    process.exit(2);
  }
  return n;
}

const log = (line: string): void => void process.stdout.write(`[fuzz] ${line}\n`);

function report(r: FuzzResult): string {
  const s = r.smsc;
  const g = r.gateway;
  const rate = r.hostileMs > 0 ? Math.round(s.pdus / (r.hostileMs / 1000)) : 0;
  const sortedRebinds = [...s.rebindMs].sort((a, b) => a - b);
  const p50 = sortedRebinds[Math.floor(sortedRebinds.length / 2)] ?? 0;
  const lines = [
    `seed ${r.seed}, ${s.pdus} PDUs (${(s.bytes / 1048576).toFixed(1)} MB) in ${(r.hostileMs / 1000).toFixed(1)} s (${rate} PDUs/s)`,
    `sessions: ${s.connections} connections, ${s.binds} binds accepted, ${s.bindsRefused} refused on purpose; ended by the gateway ${s.closedByGateway}, by the SMSC ${s.closedBySmsc}; rebind after a lost session p50 ${p50} ms, max ${s.maxRebindMs} ms`,
    `gateway RSS: before ${mb(g.rssBeforeBytes)}, after ${mb(g.rssAfterBytes)}, peak ${mb(g.rssPeakBytes)}; at each tenth: ${g.rssSeries.map((p) => (p.rssBytes / 1048576).toFixed(0)).join(' ')} MB`,
    `CPU during the hostile phase: gateway ${g.cpuSeconds.toFixed(1)} s (${s.pdus > 0 ? ((g.cpuSeconds * 1e6) / s.pdus).toFixed(0) : 0} µs per PDU), redis-server ${r.redisCpuSeconds.toFixed(1)} s, fake SMSC and driver ${r.smscCpuSeconds.toFixed(1)} s`,
    `/health: ${g.healthChecks} checks, ${g.healthFailures} failed, slowest ${g.healthMaxMs} ms`,
    `messages during the storm: ${r.messages.sent} sent (${r.messages.refused} refused); DLR callbacks ${r.messages.dlrCallbacks}, MO forwarded ${r.messages.moForwards}`,
    `recovery: ${r.recoveryMs === undefined ? 'the final message was NOT delivered' : `final message delivered ${r.recoveryMs} ms after the last hostile PDU`}; gateway ${g.alive ? 'alive' : 'DEAD'}, stopped ${g.stoppedCleanly ? 'cleanly on SIGTERM' : 'NOT cleanly'}`,
    `gateway log: ${g.logLines} lines (${(g.logBytes / 1048576).toFixed(1)} MB), ${g.logErrors} at error or fatal, ${g.logNotJson} not JSON; most frequent: ${g.logTop.map(([m, n]) => `${n}× ${m}`).join('; ')}`,
    `actions: ${Object.entries(s.actions)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
    `answers to the gateway: ${Object.entries(s.answers)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
    `from the gateway: ${Object.entries(s.fromGateway)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}; unreadable ${s.unreadableFromGateway}`,
    `pacing: waited ${s.pacingWaits} times for the gateway's answers, ${s.pacingTimeouts} ran out (PDUs eaten by a lost framing)`,
  ];
  return lines.join('\n');
}

async function main(): Promise<number> {
  const count = intEnv('COUNT', 100_000);
  const seed = intEnv('SEED', randomInt(1, 2 ** 31 - 1));
  const timeoutMs = intEnv('TIMEOUT', 900) * 1000;
  const controller = new AbortController();
  let firstSignalAt = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    // The same Ctrl-C often arrives twice (the terminal's process group, and npm or tsx relaying it).
    if (firstSignalAt > 0 && Date.now() - firstSignalAt < 1000) return;
    if (firstSignalAt > 0) {
      log(`${sig} again: killing what was started and exiting now`);
      process.exit(130); // the run's exit hook KILLs the gateway and redis-server
    }
    firstSignalAt = Date.now();
    log(`${sig}: stopping; everything started is being stopped (again to kill it now)`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  log(
    `SEED=${seed} COUNT=${count} TIMEOUT=${timeoutMs / 1000}${process.env.HEAP_MB ? ` HEAP_MB=${process.env.HEAP_MB}` : ''} (rerun this run with SEED=${seed} COUNT=${count}); ${cpus().length} CPUs, Node ${process.version}`,
  );
  const heapMb = intEnv('HEAP_MB', 0);
  const r = await runFuzz({
    count,
    seed,
    timeoutMs,
    repo: REPO,
    log,
    signal: controller.signal,
    keepDir: process.env.KEEP === '1',
    ...(heapMb > 0 ? { heapMb } : {}),
  });
  process.stdout.write(`\n${report(r)}\n\n`);
  if (controller.signal.aborted) {
    log(`interrupted; the gateway's configuration and log are in ${r.dir}`);
    return 130;
  }
  if (r.ok) {
    log('PASS: the gateway survived, stayed bounded, and delivered again');
    return 0;
  }
  for (const p of r.problems) log(`FAIL: ${p}`);
  log(`the gateway's configuration and log are in ${r.dir}`);
  return 1;
}

// SIDE=server: hostile client ESMEs against the gateway's SMPP server instead (bench/fuzz-smpp-server.ts, which
// runs and exits by itself).
if (process.env.SIDE === 'server') await import('./fuzz-smpp-server.js');
else
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
