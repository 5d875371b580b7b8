/**
 * `npm run bench`: Switchboard's throughput bench, built like Kannel's reference bench (/work/shared/bench/run.sh)
 * so the figures compare.
 *
 * Every run starts from scratch, all on 127.0.0.1: the SMSC simulator as its own process, the gateway as its own
 * process (two links sharing smsc-id SINK, window 100, like kannel-aa.conf; its own redis-server with the
 * append-only file on, in a temporary directory), then the load driver (bench/load.ts): N sendsms requests at
 * concurrency C, each to its own receiver. It reports the HTTP accept rate, latency, the end-to-end rate (until the
 * simulator has accepted all N submit_sm) and the CPU time of each process (from /proc) per message; the gateway's
 * two processes (HTTP, and the links child it forks) are reported apart and summed. With DLR=1 the SMSC sends a
 * delivery receipt for every submit, every request asks dlr-mask=3 with a dlr-url pointing at a receiver the
 * driver runs on 127.0.0.1, and the run lasts until one final DLR callback per message has arrived: the DLR
 * end-to-end rate is N ÷ the time until the last one. After the runs (not with --kannel) it prints the table of
 * bench/encoding.ts, the encoding cost per message. A run during which processes outside the bench used more
 * than QUIET_MAX CPU-seconds (per 10 s, for a run longer than that) is marked noisy and repeated (at most
 * 3 × RUNS attempts); medians use quiet runs only. Everything it started is stopped, by PID, at the end, on an
 * error and on Ctrl-C.
 *
 *   npm run bench                      N=20000 C=50 RUNS=3, Switchboard against its simulator
 *   npm run bench -- --kannel          side by side with Kannel 1.4.5 (bench/kannel-compare.sh checks the
 *                                      prerequisites first): both gateways against the same C sinks
 *                                      (/work/shared/bench/smsc_sink.c) and the same driver (load.js), interleaved
 *   DLR=1 npm run bench                with receipts and dlr-url callbacks (simulator --receipts requested)
 *   DLR=1 npm run bench:kannel         the same side by side: run.sh DLR=1 for Kannel, the sinks with --dlr and
 *                                      load.js --dlr-mask 3 --dlr-server PORT for Switchboard
 *
 * env: N=20000 C=50 RUNS=3 QUIET_MAX=0.3 (CPU-s, per 10 s of a longer run; "" disables the check)
 *      QUIET_WAIT=60 (s to wait for a quiet machine before each run) TIMEOUT=300 (s, per run)
 *      WINDOW=100 (max-pending-submits)
 *      RATE=0 (requests/s offered; 0: closed loop, as fast as the gateway answers. With --kannel, Kannel runs through a
 *      copy of run.sh whose only change is load.js's --rate, since run.sh itself drives closed loop)
 *      LINGER=<s> (the gateway's queue.commit-linger, e.g. 0.004; unset: its default of 0.002)
 *      BINDS=links (two links A and B, like Kannel's two smsc groups) | instances (one link, instances: 2)
 *      DLR=0|1 (receipts and final DLR callbacks, see above)
 *      RECEIVERS=1 (with --kannel: K receivers in every request, Kannel's bulk form; N counts requests, every rate and
 *      cost per message counts the N × K messages)
 *      RECEIPT_DELAY=50 (ms; the simulator sends a receipt this long after its submit_sm_resp; its default. The C
 *      sinks send theirs right after the submit_sm_resp)
 *      PERSONA=happy (the simulator's persona, e.g. throttling:10 with RATE=100 N=300 for the throttle case of
 *      issue 12; see `switchboard simulator --help`)
 *      ENCODING=1 (0: skip the encoding table; ITERATIONS is passed on to bench/encoding.ts)
 *      PROFILE=1 (gateway under node --cpu-prof, both of its processes; prints where their CPU time goes; such
 *      runs are labelled)
 *      OUT=a fresh temporary directory (configs, logs, results.jsonl, summary.md)
 *      SHARED_BENCH=../shared/bench (for --kannel)
 *      REF=<git revision> measures that commit (exported and built under OUT) instead of the working tree, e.g.
 *      while src/ is being edited, or to compare two commits
 */
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatProfile, summarizeProfile } from './lib/profile.js';
import {
  allProcesses,
  cpuSeconds,
  descendants,
  machineIrqSeconds,
  topOthers,
  treeCpuSeconds,
  freePort,
  machineBusySeconds,
  Procs,
  reapedChildrenCpuSeconds,
  selfCpuSeconds,
  sleep,
  tail,
  writtenBytes,
  type Started,
} from './lib/proc.js';
import {
  redisCommandCalls,
  simulatorBinds,
  sinkConnections,
  startGateway,
  startSimulator,
  startSink,
  type RunningGateway,
} from './lib/systems.js';

const BENCH = dirname(fileURLToPath(import.meta.url));
/** The checkout this bench belongs to (its node_modules, its bench/). */
const REPO = resolve(BENCH, '..');

// ---------------------------------------------------------------------------------------------------- settings

interface Settings {
  readonly n: number;
  readonly c: number;
  /** Offered requests per second; 0: closed loop. */
  readonly rate: number;
  readonly runs: number;
  /** CPU-seconds other processes may use during a run before it counts as noisy; undefined: no check. */
  readonly quietMax: number | undefined;
  readonly quietWaitS: number;
  readonly timeoutS: number;
  readonly window: number;
  readonly binds: 'links' | 'instances';
  readonly profile: boolean;
  /** Receipts from the SMSC, dlr-mask=3 and a dlr-url on every request, wait for the final callbacks. */
  readonly dlr: boolean;
  /** Receivers in each request (Kannel's bulk form); rates and costs then count messages, not requests. */
  readonly receivers: number;
  readonly receiptDelayMs: number;
  /** The simulator's persona (not with --kannel: the C sinks have none), e.g. throttling:10. */
  readonly persona: string;
  readonly encoding: boolean;
  readonly out: string;
  readonly kannel: boolean;
  readonly shared: string;
  /** Measure this git revision (exported and built under OUT) instead of the working tree. */
  readonly ref: string | undefined;
  /** The gateway's queue.commit-linger in seconds; undefined: its default. */
  readonly linger: number | undefined;
}

function envInt(name: string, def: number, min: number, max: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return n;
}

function settings(argv: readonly string[]): Settings {
  for (const a of argv)
    if (a !== '--kannel') throw new Error(`unknown argument ${a} (the only option is --kannel; the rest is set by env, see bench/run.ts)`);
  const q = process.env.QUIET_MAX;
  const quietMax = q === '' ? undefined : q === undefined ? 0.3 : Number(q);
  if (quietMax !== undefined && !(quietMax >= 0))
    throw new Error(`QUIET_MAX must be a number of CPU-seconds or empty, got ${JSON.stringify(q)}`);
  const binds = process.env.BINDS ?? 'links';
  if (binds !== 'links' && binds !== 'instances') throw new Error(`BINDS must be links or instances, got ${JSON.stringify(binds)}`);
  const kannel = argv.includes('--kannel');
  const rate = envInt('RATE', 0, 0, 1_000_000);
  const receivers = envInt('RECEIVERS', 1, 1, 1000);
  if (receivers > 1 && !kannel)
    throw new Error('RECEIVERS is for npm run bench:kannel: the shared driver (load.js) sends K receivers per request, bench/load.ts one');
  if (kannel && binds !== 'links') throw new Error('--kannel uses two links, one per sink, like kannel-aa.conf: leave BINDS unset');
  const out = process.env.OUT ? resolve(process.env.OUT) : mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
  // The gateway's redis-server listens on OUT/<run>/redis/redis.sock: a unix socket path has at most 107 bytes.
  if (Buffer.byteLength(join(out, 'sb-simulator-r99', 'redis', 'redis.sock')) > 100)
    throw new Error(`OUT is too long for a unix socket path under it: ${out}`);
  return {
    n: envInt('N', 20_000, 1, 1_000_000),
    c: envInt('C', 50, 1, 1000),
    rate,
    runs: envInt('RUNS', 3, 1, 20),
    quietMax,
    quietWaitS: envInt('QUIET_WAIT', 60, 0, 600),
    timeoutS: envInt('TIMEOUT', 300, 10, 3600),
    window: envInt('WINDOW', 100, 1, 10_000),
    binds,
    profile: process.env.PROFILE === '1',
    dlr: envInt('DLR', 0, 0, 1) === 1,
    receivers,
    receiptDelayMs: envInt('RECEIPT_DELAY', 50, 0, 60_000),
    persona: process.env.PERSONA || 'happy',
    encoding: envInt('ENCODING', 1, 0, 1) === 1,
    out,
    kannel,
    shared: resolve(REPO, process.env.SHARED_BENCH ?? '../shared/bench'),
    ref: process.env.REF || undefined,
    linger: envLinger(),
  };
}

/** LINGER: the gateway's queue.commit-linger, seconds (the config's own range). */
function envLinger(): number | undefined {
  const v = process.env.LINGER;
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 0.05) throw new Error(`LINGER must be seconds from 0 to 0.05, got ${JSON.stringify(v)}`);
  return n;
}

// ---------------------------------------------------------------------------------------------------- helpers

const log = (msg: string): void => {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
};

function newestMtime(dir: string, ext: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p, ext));
    else if (e.name.endsWith(ext)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** `npm run build` in `tree` when its dist/ is missing or older than a file in its src/. */
function ensureBuilt(tree: string): void {
  const cli = join(tree, 'dist', 'cli', 'main.js');
  const stale = !existsSync(cli) || newestMtime(join(tree, 'src'), '.ts') > statSync(cli).mtimeMs;
  if (!stale) return;
  log(`${tree}: dist/ is missing or older than src/: npm run build`);
  const r = spawnSync('npm', ['run', 'build'], { cwd: tree, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    throw new Error('npm run build failed (if others are editing src/ right now, REF=HEAD measures the last commit instead)');
  }
}

const git = (...args: string[]): string => spawnSync('git', ['-C', REPO, ...args], { encoding: 'utf8' }).stdout?.trim() ?? '';

function describeVersion(ref: string | undefined): string {
  if (ref) return git('rev-parse', '--short', ref) || ref;
  const head = git('rev-parse', '--short', 'HEAD') || 'unknown';
  const dirty = git('status', '--porcelain', '--', 'src', 'bin', 'package.json') ? '+uncommitted' : '';
  return `${head}${dirty}`;
}

/** Exports a git revision to OUT/tree (with this checkout's node_modules) and builds it there. */
function exportRef(ref: string, out: string): string {
  const tree = join(out, 'tree');
  rmSync(tree, { recursive: true, force: true });
  mkdirSync(tree, { recursive: true });
  const r = spawnSync('sh', ['-c', 'git -C "$1" archive "$2" | tar -x -C "$3"', 'sh', REPO, ref, tree], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0 || !existsSync(join(tree, 'package.json'))) throw new Error(`cannot export ${ref} from git`);
  symlinkSync(join(REPO, 'node_modules'), join(tree, 'node_modules'));
  log(`measuring ${ref} (${describeVersion(ref)}), exported to ${tree}`);
  return tree;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[(s.length - 1) >> 1]! : NaN;
}

// ---------------------------------------------------------------------------------------------------- one run

type System = 'switchboard' | 'kannel';

/** What a load driver measures (bench/load.ts and load.js print these fields). */
interface DriverFigures {
  n: number;
  c: number;
  accepted: number;
  errors: number;
  http_accept_rate: number;
  e2e_rate: number | null;
  e2e_secs: number | null;
  lat_ms: { p50: number; p90: number; p99: number; max: number };
  /** bench/load.ts against the simulator only: from each request's 202 to its submit_sm accepted by the SMSC. */
  accept_to_submit_ms?: { p50: number; p99: number; max: number; measured: number } | null;
  codes: Record<string, number>;
  /** With DLR: the callbacks the driver's receiver got (load.js and bench/load.ts print the same fields). */
  dlr?: DlrFigures;
}

interface DlrFigures {
  /** Final callbacks (type 1 or 2); bench/load.ts counts one per receiver, load.js every one. */
  final: number;
  all: number;
  types: Record<string, number>;
  /** bench/load.ts only: final callbacks a receiver got a second time, and callbacks naming no receiver we used. */
  duplicates?: number;
  strangers?: number;
  e2e_secs: number | null;
  e2e_rate: number | null;
}

interface DriverResult extends DriverFigures {
  sink_received: number;
  per_sink?: Record<string, number>;
  timed_out: boolean;
}

/** One measured run of either gateway, in one shape. */
interface Row extends DriverFigures {
  system: System;
  smsc: string;
  label: string;
  ok: boolean;
  problem?: string;
  noisy: boolean;
  profiled: boolean;
  /** CPU-seconds during the run, per process: the gateway's, then the SMSC side's. */
  cpu_s: Record<string, number>;
  driver_cpu_s: number;
  machine_cpu_s: number;
  other_cpu_s: number;
  /**
   * Switchboard runs: what the "other" CPU was: interrupt and softirq time of the whole machine (on this kernel
   * not charged to any process, so it counts as other: loopback networking of the bench itself is in it) and the
   * processes outside the bench that used the most.
   */
  other_detail?: { irq_softirq_s: number; top: string[]; wall_s: number; limit_cpu_s?: number };
  split?: Record<string, number>;
  /** Bytes redis-server wrote to its append-only file during the run. */
  aof_bytes?: number;
  /** Redis commands the gateway ran during the run, by command (INFO commandstats; a Lua script counts once as evalsha, and its redis.call()s count too). */
  redis_calls?: Record<string, number>;
  dir: string;
}

/** The gateway's processes in cpu_s: Switchboard's HTTP process, the links process it forks, its redis-server. */
const GATEWAY_PROCS: Record<System, readonly string[]> = {
  switchboard: ['gateway-http', 'gateway-links', 'redis-server'],
  kannel: ['bearerbox', 'smsbox'],
};

/** Waits (bounded) until processes other than ours use less than a tenth of a core, sampled over 1 s. */
async function waitQuiet(s: Settings, procs: Procs): Promise<void> {
  const ours = (): number => {
    const pids = procs.running().map((p) => p.pid);
    return pids.reduce((sum, pid) => sum + treeCpuSeconds(pid, pids), 0) + selfCpuSeconds();
  };
  const deadline = Date.now() + s.quietWaitS * 1000;
  let said = false;
  for (;;) {
    const m0 = machineBusySeconds();
    const o0 = ours();
    await sleep(1000);
    const other = machineBusySeconds() - m0 - (ours() - o0);
    if (other <= 0.1) return;
    if (Date.now() > deadline) {
      log(
        `the machine is still busy (other processes use ${(other * 100).toFixed(0)} % of a core); measuring anyway, the noise check will tell`,
      );
      return;
    }
    if (!said) log(`waiting for a quiet machine: other processes use ${(other * 100).toFixed(0)} % of a core`);
    said = true;
  }
}

/** Runs a driver process to its end (bounded) and returns the JSON line it printed. */
async function runDriver(
  procs: Procs,
  name: string,
  cmd: string,
  args: string[],
  logFile: string,
  timeoutS: number,
): Promise<DriverResult> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const d = procs.start(name, cmd, args, { cwd: REPO, env, logFile });
  const bounded = await Promise.race([d.exit.then(() => true), sleep((timeoutS + 30) * 1000).then(() => false)]);
  if (!bounded) {
    await procs.stop(d, 2000);
    throw new Error(`${name} did not finish within ${timeoutS + 30} s`);
  }
  await procs.stop(d); // already exited: just unregisters it
  const line = readFileSync(logFile, 'utf8')
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  if (d.exitCode !== 0 || !line) throw new Error(`${name} failed (exit ${d.exitCode}):\n${tail(logFile)}`);
  return JSON.parse(line) as DriverResult;
}

interface SwitchboardRunOptions {
  readonly smsc: 'simulator' | 'sinks';
  readonly sinkBinary?: string;
}

/** One Switchboard run from scratch: SMSC side, gateway, driver; then everything stopped again. */
async function switchboardRun(s: Settings, procs: Procs, tree: string, o: SwitchboardRunOptions, attempt: number): Promise<Row> {
  const dir = join(s.out, `sb-${o.smsc}-r${attempt}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const label = `switchboard ${o.smsc} binds=${s.binds} window=${s.window}${s.rate ? ` rate=${s.rate}` : ''}${s.linger !== undefined ? ` linger=${s.linger}` : ''}${s.dlr ? ' dlr' : ''}${s.persona !== 'happy' ? ` persona=${s.persona}` : ''}${s.profile ? ' profiled' : ''} run=${attempt}`;
  let gw: RunningGateway | undefined;
  let gatewayPid = 0;
  try {
    // SMSC side
    const smscProcs: Started[] = [];
    const smscs: Array<{ name: string; port: number }> = [];
    let control = 0;
    const stats: string[] = [];
    if (o.smsc === 'simulator') {
      const port = await freePort();
      control = await freePort();
      smscProcs.push(
        await startSimulator(
          procs,
          tree,
          dir,
          port,
          control,
          s.dlr ? { receipts: 'requested', delayMs: s.receiptDelayMs } : { receipts: 'none' },
          s.persona,
        ),
      );
      smscs.push({ name: 'A', port }, ...(s.binds === 'links' ? [{ name: 'B', port }] : []));
    } else {
      for (const name of ['A', 'B']) {
        // smsc_sink numbers its message ids from the second it starts (time(NULL) × 10⁶): two sinks started in
        // the same second, as run.sh starts them, issue the same ids. Kannel copes (its DLR lookup compares the
        // receiver too); Switchboard keeps one correlation per smsc-id and id, so with DLR about half the messages
        // would never get their final callback. With DLR, sink B starts in the next second.
        if (s.dlr && name === 'B') await sleep(1050 - (Date.now() % 1000));
        const port = await freePort();
        const sink = await startSink(procs, o.sinkBinary!, dir, name, port, s.dlr ? ['--dlr'] : []);
        smscProcs.push(sink.proc);
        stats.push(sink.stats);
        smscs.push({ name, port });
      }
    }
    // gateway
    const httpPort = await freePort();
    const bindsReady = async (): Promise<boolean> =>
      o.smsc === 'simulator' ? (await simulatorBinds(control)) >= 2 : stats.every((f) => sinkConnections(f) >= 1);
    gw = await startGateway(
      procs,
      tree,
      {
        dir,
        httpPort,
        smscs,
        binds: s.binds,
        window: s.window,
        ...(s.linger !== undefined ? { extraYaml: `queue:\n  commit-linger: ${s.linger}\n` } : {}),
      },
      s.profile ? join(dir, 'prof') : undefined,
      bindsReady,
    );
    await sleep(1000);
    await waitQuiet(s, procs);

    // measure
    gatewayPid = gw.gateway.pid;
    const measured = [gw.gateway, gw.redis, ...smscProcs];
    // The gateway's own processes count as the gateway: the HTTP process itself, and its descendants (the links
    // process) apart; its redis-server is measured on its own.
    const measuredPids = measured.map((p) => p.pid);
    const sample = (): Record<string, number> => {
      const out: Record<string, number> = {};
      const httpOnly = cpuSeconds(gw!.gateway.pid);
      out['gateway-http'] = httpOnly;
      out['gateway-links'] = treeCpuSeconds(gw!.gateway.pid, measuredPids) - httpOnly;
      for (const p of measured.slice(1)) out[p.name] = treeCpuSeconds(p.pid, measuredPids);
      return out;
    };
    const cpu0 = sample();
    const aof0 = writtenBytes(gw.redis.pid);
    const redisSock = join(dir, 'redis', 'redis.sock');
    const calls0 = await redisCommandCalls(redisSock);
    const m0 = machineBusySeconds();
    const wall0 = Date.now();
    const irq0 = machineIrqSeconds();
    const all0 = allProcesses();
    const self0 = selfCpuSeconds();
    const kids0 = reapedChildrenCpuSeconds();
    log(`run ${label}: N=${s.n} C=${s.c}`);
    const common = [
      '--n',
      String(s.n),
      '--c',
      String(s.c),
      '--rate',
      String(s.rate),
      '--port',
      String(httpPort),
      '--timeout',
      String(s.timeoutS),
      '--timeline',
      join(dir, 'timeline.jsonl'),
    ];
    if (s.dlr) common.push('--dlr-mask', '3', '--dlr-server', String(await freePort()));
    if (s.receivers > 1) common.push('--receivers', String(s.receivers));
    const r =
      o.smsc === 'simulator'
        ? await runDriver(
            procs,
            'driver',
            process.execPath,
            ['--import', 'tsx', join(BENCH, 'load.ts'), ...common, '--control', String(control)],
            join(dir, 'load.out'),
            s.timeoutS,
          )
        : await runDriver(
            procs,
            'driver',
            process.execPath,
            [join(s.shared, 'load.js'), ...common, '--stats', stats.join(','), '--label', label],
            join(dir, 'load.out'),
            s.timeoutS,
          );
    const cpu1 = sample();
    const aofBytes = writtenBytes(gw.redis.pid) - aof0;
    const calls1 = await redisCommandCalls(redisSock);
    const machine = machineBusySeconds() - m0;
    const wallS = (Date.now() - wall0) / 1000;
    const irq = machineIrqSeconds() - irq0;
    const oursNow = new Set([process.pid, ...measuredPids.flatMap((p) => [p, ...descendants(p)])]);
    const others = topOthers(all0, allProcesses(), oursNow);
    const self = selfCpuSeconds() - self0;
    const driver = reapedChildrenCpuSeconds() - kids0;
    const cpu: Record<string, number> = {};
    for (const k of Object.keys(cpu1)) cpu[k] = Number(((cpu1[k] ?? 0) - (cpu0[k] ?? 0)).toFixed(2));
    const ours = Object.values(cpu).reduce((a, b) => a + b, 0) + driver + self;
    const other = Number((machine - ours).toFixed(2));

    // split over the two binds: known from the sinks (the simulator counts all its sessions together)
    const split: Record<string, number> | undefined = r.per_sink;
    const problems: string[] = [];
    if (r.accepted !== s.n) problems.push(`${s.n - r.accepted} of ${s.n} requests not accepted: ${JSON.stringify(r.codes)}`);
    if (r.e2e_rate === null) problems.push(`only ${r.sink_received} of ${r.accepted} reached the SMSC within ${s.timeoutS} s`);
    if (s.dlr) problems.push(...dlrProblems(r));
    const row: Row = {
      system: 'switchboard',
      smsc: o.smsc === 'simulator' ? 'switchboard simulator' : 'smsc_sink (C) ×2',
      label,
      ok: problems.length === 0,
      ...(problems.length ? { problem: problems.join('; ') } : {}),
      noisy: s.quietMax !== undefined && other > quietLimit(s.quietMax, wallS),
      profiled: s.profile,
      // Messages, so that every per-message figure divides by them (N requests of RECEIVERS receivers each).
      n: s.n * s.receivers,
      c: s.c,
      accepted: r.accepted,
      errors: r.errors,
      http_accept_rate: r.http_accept_rate,
      e2e_rate: r.e2e_rate,
      e2e_secs: r.e2e_secs,
      lat_ms: r.lat_ms,
      accept_to_submit_ms: r.accept_to_submit_ms ?? null,
      cpu_s: cpu,
      driver_cpu_s: Number(driver.toFixed(2)),
      machine_cpu_s: Number(machine.toFixed(2)),
      other_cpu_s: other,
      other_detail: {
        irq_softirq_s: Number(irq.toFixed(2)),
        top: others,
        wall_s: Number(wallS.toFixed(2)),
        ...(s.quietMax !== undefined ? { limit_cpu_s: Number(quietLimit(s.quietMax, wallS).toFixed(2)) } : {}),
      },
      ...(split ? { split } : {}),
      ...(r.dlr ? { dlr: r.dlr } : {}),
      aof_bytes: aofBytes,
      redis_calls: callsDelta(calls0, calls1),
      codes: r.codes,
      dir,
    };
    // orderly stop: the gateway (it stops its redis-server), then whatever is left
    await procs.stop(gw.gateway, 30_000);
    if (gw.gateway.exitCode !== 0) log(`the gateway exited with code ${gw.gateway.exitCode}; its log ends:\n${tail(gw.gateway.logFile)}`);
    await procs.stop(gw.redis, 10_000);
    return row;
  } finally {
    if (gw && !gw.gateway.exited) await procs.stop(gw.gateway, 30_000);
    await procs.stopAll();
    if (s.profile) printProfiles(join(dir, 'prof'), gatewayPid);
    rmSync(join(dir, 'redis'), { recursive: true, force: true });
  }
}

/**
 * One summary per .cpuprofile (node names them CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile): the gateway's
 * HTTP process (the PID we started) and its links process (a child: inherits --cpu-prof through execArgv).
 */
function printProfiles(dir: string, gatewayPid: number): void {
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.cpuprofile'))) {
    const pid = Number(/^CPU\.\d+\.\d+\.(\d+)\./.exec(f)?.[1] ?? 0);
    const which = pid === gatewayPid ? 'HTTP process' : 'links process';
    const text = formatProfile(summarizeProfile(join(dir, f)));
    writeFileSync(join(dir, `${f}.txt`), `${which}\n${text}\n`);
    process.stderr.write(`\ngateway CPU profile, ${which} (PID ${pid}, ${join(dir, f)}):\n${text}\n\n`);
  }
}

function callsDelta(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(b)) if (v - (a[k] ?? 0) > 0 && k !== 'info') out[k] = v - (a[k] ?? 0);
  return Object.fromEntries(Object.entries(out).sort((x, y) => y[1] - x[1]));
}

/**
 * The noise limit of a run that lasted `wallS` seconds: QUIET_MAX CPU-seconds, as run.sh applies it, for a run of
 * up to 10 s (every run of N = 20 000 without DLR: 2–6 s); for a longer one (a Switchboard DLR run takes 15–18 s)
 * proportionally more, QUIET_MAX per 10 s. A fixed 0.3 CPU-s marks most long runs noisy for the machine's own
 * background alone: interrupt and softirq time (charged to no process; 0.3–0.45 CPU-s in an 18-s DLR run, most
 * of it the bench's own loopback traffic) and the kernel's kdamond (about 0.1).
 */
function quietLimit(quietMax: number, wallS: number): number {
  return quietMax * Math.max(1, wallS / 10);
}

/** What is wrong with a DLR run's callbacks, if anything. */
function dlrProblems(r: DriverFigures): string[] {
  if (!r.dlr) return ['the driver reported no DLR figures'];
  const p: string[] = [];
  if (r.dlr.e2e_rate === null) p.push(`only ${r.dlr.final} of ${r.accepted} final DLR callbacks arrived`);
  if (r.dlr.duplicates) p.push(`${r.dlr.duplicates} final DLR callbacks came twice`);
  if (r.dlr.strangers) p.push(`${r.dlr.strangers} DLR callbacks named a receiver never sent to`);
  return p;
}

/**
 * run.sh drives load.js closed loop; for a fixed offered rate, a copy of it that differs only by passing --rate to
 * load.js (and by finding lib.sh, the configs and load.js in the shared directory, not next to itself).
 */
function runShWithRate(s: Settings, out: string): string {
  const original = readFileSync(join(s.shared, 'run.sh'), 'utf8');
  const here = 'HERE=$(cd "$(dirname "$0")" && pwd)';
  const driver = 'node "$HERE/load.js" --n "$N" --c "$C"';
  if (!original.includes(here) || !original.includes(driver))
    throw new Error(`${join(s.shared, 'run.sh')} changed: cannot add --rate to its load.js call`);
  mkdirSync(out, { recursive: true });
  const copy = join(out, 'run-rate.sh');
  writeFileSync(copy, original.replace(here, `HERE=${JSON.stringify(resolve(s.shared))}`).replace(driver, `${driver} --rate "$RATE"`));
  return copy;
}

/** One Kannel measurement: /work/shared/bench/run.sh with RUNS=1 (it repeats a noisy run itself, up to 3 times). */
async function kannelRun(s: Settings, procs: Procs, i: number): Promise<Row[]> {
  const out = join(s.out, `kannel-${i}`);
  rmSync(out, { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    N: String(s.n),
    C: String(s.c),
    RUNS: '1',
    STORES: 'file',
    MODE: 'aa',
    MAXPEND: String(s.window),
    DLR: s.dlr ? '1' : '0',
    RECEIVERS: String(s.receivers),
    TIMEOUT: String(s.timeoutS),
    QUIET_MAX: s.quietMax === undefined ? '' : String(s.quietMax),
    OUT: out,
  };
  delete env.TAG;
  delete env.SINKA_OPT;
  if (s.rate > 0) env.TAG = `rate=${s.rate}`;
  log(`run kannel (run.sh) #${i}: N=${s.n} C=${s.c}${s.rate ? ` RATE=${s.rate}` : ''}, output in ${out}`);
  await waitQuiet(s, procs);
  const script = s.rate > 0 ? runShWithRate(s, out) : join(s.shared, 'run.sh');
  const p = procs.start('kannel run.sh', 'bash', [script], {
    cwd: s.shared,
    env: { ...env, RATE: String(s.rate) },
    logFile: join(s.out, `kannel-${i}.log`),
  });
  const finished = await Promise.race([p.exit.then(() => true), sleep(3 * (s.timeoutS + 120) * 1000).then(() => false)]);
  await procs.stop(p, 60_000);
  if (!finished) throw new Error(`run.sh did not finish in time; its log ends:\n${tail(p.logFile)}`);
  const results = join(out, 'results.jsonl');
  if (!existsSync(results)) throw new Error(`run.sh wrote no results; its log ends:\n${tail(p.logFile, 25)}`);
  const rows: Row[] = [];
  for (const line of readFileSync(results, 'utf8').trim().split('\n')) {
    const j = JSON.parse(line) as DriverResult & {
      label: string;
      bb_cpu_s: number;
      sb_cpu_s: number;
      machine_cpu_s: number;
      other_cpu_s: number;
      noisy: boolean;
      driver_cpu_s: number;
    };
    const run = /run=(\d+)/.exec(j.label)?.[1] ?? '1';
    const runDir = join(out, `aa-file-p${s.window}-dlr${s.dlr ? 1 : 0}-r${run}`);
    const cpuTxt = existsSync(join(runDir, 'cpu.txt')) ? readFileSync(join(runDir, 'cpu.txt'), 'utf8') : '';
    const sink = (n: string): number => Number(new RegExp(`sink${n} ([\\d.]+)`).exec(cpuTxt)?.[1] ?? NaN);
    const problems: string[] = [];
    if (j.accepted !== s.n) problems.push(`${s.n - j.accepted} of ${s.n} requests not accepted: ${JSON.stringify(j.codes)}`);
    if (j.e2e_rate === null) problems.push(`only ${j.sink_received} of ${j.accepted} reached the sinks`);
    if (s.dlr) problems.push(...dlrProblems(j));
    rows.push({
      system: 'kannel',
      smsc: 'smsc_sink (C) ×2',
      label: `kannel #${i} ${j.label}`,
      ok: problems.length === 0,
      ...(problems.length ? { problem: problems.join('; ') } : {}),
      noisy: j.noisy,
      profiled: false,
      n: j.n * s.receivers,
      c: j.c,
      accepted: j.accepted,
      errors: j.errors,
      http_accept_rate: j.http_accept_rate,
      e2e_rate: j.e2e_rate,
      e2e_secs: j.e2e_secs,
      lat_ms: j.lat_ms,
      cpu_s: { bearerbox: j.bb_cpu_s, smsbox: j.sb_cpu_s, sinkA: sink('A'), sinkB: sink('B') },
      driver_cpu_s: j.driver_cpu_s,
      machine_cpu_s: j.machine_cpu_s,
      other_cpu_s: j.other_cpu_s,
      ...(j.per_sink ? { split: j.per_sink } : {}),
      ...(j.dlr ? { dlr: j.dlr } : {}),
      codes: j.codes,
      dir: runDir,
    });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------- reporting

function runLine(r: Row): string {
  const cpu = Object.entries(r.cpu_s)
    .map(([k, v]) => `${k} ${v.toFixed(2)}`)
    .join(', ');
  const verdict = !r.ok ? `FAILED: ${r.problem}` : r.noisy ? 'NOISY (repeated)' : 'quiet';
  const od = r.other_detail;
  const detail = od
    ? ` (limit ${od.limit_cpu_s?.toFixed(2) ?? 'off'} for ${od.wall_s.toFixed(1)} s; irq+softirq ${od.irq_softirq_s.toFixed(2)}${od.top.length ? `; ${od.top.join(', ')}` : ''})`
    : '';
  return (
    `${r.label}: HTTP ${r.http_accept_rate.toFixed(0)} req/s, end-to-end ${r.e2e_rate?.toFixed(0) ?? '-'} msg/s ` +
    `(${r.e2e_secs ?? '-'} s)${r.dlr ? `, final DLR callbacks ${r.dlr.e2e_rate?.toFixed(0) ?? '-'}/s (${r.dlr.final} in ${r.dlr.e2e_secs ?? '-'} s)` : ''}, p50/p99/max ${r.lat_ms.p50}/${r.lat_ms.p99}/${r.lat_ms.max} ms | CPU-s ${cpu}, driver ${r.driver_cpu_s.toFixed(2)}, ` +
    `other ${r.other_cpu_s.toFixed(2)}${detail} of machine ${r.machine_cpu_s.toFixed(2)} → ${verdict}`
  );
}

/** The runs a summary uses: quiet good ones; when there are none, the good noisy ones (flagged). */
function usable(rows: readonly Row[]): { rows: Row[]; noisy: boolean; okRuns: number } {
  const good = rows.filter((r) => r.ok);
  const quiet = good.filter((r) => !r.noisy);
  return quiet.length ? { rows: quiet, noisy: false, okRuns: good.length } : { rows: good, noisy: good.length > 0, okRuns: good.length };
}

const fmt0 = (x: number): string => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US').replace(/,/g, ' ') : '-');
const fmt1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '-');

function rangeCell(xs: readonly number[]): string {
  const m = median(xs);
  if (xs.length < 2) return fmt0(m);
  return `**${fmt0(m)}** (${fmt0(Math.min(...xs))}–${fmt0(Math.max(...xs))})`;
}

interface Column {
  readonly title: string;
  readonly system: System;
  readonly rows: readonly Row[];
  readonly attempts: number;
  /** Runs that went through without a problem, quiet or not. */
  readonly okRuns: number;
  readonly noisy: boolean;
}

/** A Markdown table, metrics as rows and systems as columns; CPU in µs per message (median over the runs). */
function summaryTable(cols: readonly Column[]): string {
  const usPerMsg = (c: Column, proc: string): number => median(c.rows.map((r) => ((r.cpu_s[proc] ?? NaN) / r.n) * 1e6));
  const sumUs = (c: Column, procs: readonly string[]): number =>
    median(c.rows.map((r) => (procs.reduce((a, p) => a + (r.cpu_s[p] ?? NaN), 0) / r.n) * 1e6));
  const smscProcs = (c: Column): string[] => Object.keys(c.rows[0]?.cpu_s ?? {}).filter((k) => !GATEWAY_PROCS[c.system].includes(k));
  const lines: string[] = [];
  const row = (name: string, cell: (c: Column) => string): void => {
    lines.push(`| ${name} | ${cols.map(cell).join(' | ')} |`);
  };
  lines.push(`| | ${cols.map((c) => c.title).join(' | ')} |`, `|---|${cols.map(() => '---').join('|')}|`);
  row('quiet runs used / attempts', (c) => `${c.rows.length}${c.noisy ? ' (none quiet: NOISY runs)' : ''} / ${c.attempts}`);
  row('HTTP accept, req/s (median, min–max)', (c) => rangeCell(c.rows.map((r) => r.http_accept_rate)));
  row('end-to-end, msg/s (median, min–max)', (c) => rangeCell(c.rows.map((r) => r.e2e_rate ?? NaN)));
  row('s until the SMSC had all N', (c) => median(c.rows.map((r) => r.e2e_secs ?? NaN)).toFixed(2));
  if (cols.some((c) => c.rows.some((r) => r.dlr))) {
    row('**DLR end-to-end**, msg/s (N ÷ s until the last final callback; median, min–max)', (c) =>
      rangeCell(c.rows.map((r) => r.dlr?.e2e_rate ?? NaN)),
    );
    row('s until the last final DLR callback', (c) => median(c.rows.map((r) => r.dlr?.e2e_secs ?? NaN)).toFixed(2));
    row('DLR callbacks received, final / all (median run)', (c) => {
      const m = median(c.rows.map((r) => r.dlr?.e2e_rate ?? NaN));
      const d = (c.rows.find((x) => x.dlr?.e2e_rate === m) ?? c.rows[0])?.dlr;
      if (!d) return '-';
      const types = Object.entries(d.types)
        .map(([t, n]) => `type ${t}: ${fmt0(n)}`)
        .join(', ');
      return `${fmt0(d.final)} / ${fmt0(d.all)} (${types})`;
    });
  }
  row('HTTP latency p50 / p90 / p99 / max, ms', (c) =>
    (['p50', 'p90', 'p99', 'max'] as const).map((k) => fmt1(median(c.rows.map((r) => r.lat_ms[k])))).join(' / '),
  );
  row("accept → submit wait p50 / p99 / max, ms (202 to the SMSC's accept)", (c) => {
    const w = c.rows.map((r) => r.accept_to_submit_ms ?? undefined).filter((x) => x !== undefined);
    return w.length === 0
      ? 'not measured (the C sinks do not report per-message times)'
      : (['p50', 'p99', 'max'] as const).map((k) => fmt1(median(w.map((x) => x[k])))).join(' / ');
  });
  row('gateway CPU, µs per message', (c) => {
    const ps = GATEWAY_PROCS[c.system];
    return `**${fmt0(sumUs(c, ps))}** = ${ps.map((p) => `${p} ${fmt0(usPerMsg(c, p))}`).join(' + ')}`;
  });
  row('SMSC side CPU, µs per message', (c) =>
    smscProcs(c)
      .map((p) => `${p} ${fmt0(usPerMsg(c, p))}`)
      .join(' + '),
  );
  row('load driver CPU, µs per message', (c) => fmt0(median(c.rows.map((r) => (r.driver_cpu_s / r.n) * 1e6))));
  // A DLR run lasts until the last final callback, so its CPU is spread over that time.
  const runSecs = (r: Row): number => (r.dlr ? (r.dlr.e2e_secs ?? NaN) : (r.e2e_secs ?? NaN));
  const until = cols.some((c) => c.rows.some((r) => r.dlr)) ? 's until the last final DLR callback' : 'end-to-end s';
  row(`cores used (CPU-s ÷ ${until}): gateway processes; whole machine`, (c) => {
    const ps = GATEWAY_PROCS[c.system].map((p) => `${p} ${median(c.rows.map((r) => (r.cpu_s[p] ?? NaN) / runSecs(r))).toFixed(2)}`);
    return `${ps.join(', ')}; machine ${median(c.rows.map((r) => r.machine_cpu_s / runSecs(r))).toFixed(2)} of ${availableParallelism()}`;
  });
  row('other processes, CPU-s (noise)', (c) => median(c.rows.map((r) => r.other_cpu_s)).toFixed(2));
  row('split over the two binds (median run)', (c) => {
    const m = median(c.rows.map((r) => r.e2e_rate ?? NaN));
    const r = c.rows.find((x) => x.e2e_rate === m) ?? c.rows[0];
    return r?.split ? Object.values(r.split).map(fmt0).join(' / ') : 'not counted (one simulator serves both binds)';
  });
  if (cols.some((c) => c.system === 'switchboard')) {
    row('Redis append-only file written, bytes per message', (c) =>
      c.system === 'switchboard' ? fmt0(median(c.rows.map((r) => (r.aof_bytes ?? NaN) / r.n))) : '(file store)',
    );
    row('Redis commands per message (INFO commandstats; the calls inside Lua scripts included): total; top 6', (c) => {
      if (c.system !== 'switchboard') return '-';
      const per = (r: Row, k?: string): number =>
        (k ? (r.redis_calls?.[k] ?? 0) : Object.values(r.redis_calls ?? {}).reduce((a, b) => a + b, 0)) / r.n;
      const m = median(c.rows.map((r) => per(r)));
      const r = c.rows.find((x) => per(x) === m) ?? c.rows[0];
      if (!r?.redis_calls) return '-';
      const top = Object.keys(r.redis_calls)
        .slice(0, 6)
        .map((k) => `${k} ${per(r, k).toFixed(1)}`);
      return `**${m.toFixed(1)}**; ${top.join(', ')}`;
    });
  }
  return lines.join('\n');
}

function comparison(sb: Column, k: Column): string {
  const e2e = (c: Column): number => median(c.rows.map((r) => r.e2e_rate ?? NaN));
  const http = (c: Column): number => median(c.rows.map((r) => r.http_accept_rate));
  const gwUs = (c: Column): number =>
    median(c.rows.map((r) => (GATEWAY_PROCS[c.system].reduce((a, p) => a + (r.cpu_s[p] ?? NaN), 0) / r.n) * 1e6));
  const dlr = (c: Column): number => median(c.rows.map((r) => r.dlr?.e2e_rate ?? NaN));
  const vs = (a: number, b: number): string => {
    const ratio = a / b;
    const word = ratio >= 1 ? `${((ratio - 1) * 100).toFixed(0)} % faster` : `${((1 - ratio) * 100).toFixed(0)} % slower`;
    return `${fmt0(a)} msg/s against Kannel's ${fmt0(b)} msg/s: ${ratio.toFixed(2)}×, ${word}`;
  };
  const dlrText =
    Number.isFinite(dlr(sb)) && Number.isFinite(dlr(k))
      ? `DLR end to end (until the last final callback): Switchboard ${vs(dlr(sb), dlr(k))}. `
      : '';
  return (
    dlrText +
    `End to end (until the sinks had all N): Switchboard ${vs(e2e(sb), e2e(k))} (HTTP accept ${fmt0(http(sb))} vs ${fmt0(http(k))} req/s). ` +
    `Gateway CPU per message: ${fmt0(gwUs(sb))} µs vs ${fmt0(gwUs(k))} µs (${(gwUs(sb) / gwUs(k)).toFixed(1)}×).`
  );
}

/**
 * bench/encoding.ts (a few seconds, after the runs, on the same tree's dist/): encoding cost per message. Its
 * table, or why there is none.
 */
function encodingTable(tree: string): string {
  log('encoding cost per message (bench/encoding.ts; ENCODING=0 skips it)');
  const env: NodeJS.ProcessEnv = { ...process.env, ENCODING_MODULE: join(tree, 'dist', 'encoding', 'index.js') };
  delete env.NODE_OPTIONS;
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(BENCH, 'encoding.ts')], {
    cwd: REPO,
    env,
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (r.status !== 0)
    return `encoding table: bench/encoding.ts failed (exit ${r.status ?? r.signal}): ${(r.stderr ?? '').trim().split('\n').slice(-5).join('\n')}\n`;
  return r.stdout;
}

// ---------------------------------------------------------------------------------------------------- main

async function measure(
  s: Settings,
  procs: Procs,
  want: number,
  results: string,
  run: (attempt: number) => Promise<Row>,
  first: number,
): Promise<{ rows: Row[]; attempts: number; failed: number }> {
  const rows: Row[] = [];
  let attempts = 0;
  let failed = 0;
  let attempt = first;
  while (rows.filter((r) => r.ok && !r.noisy).length < want && attempts < 3 * want) {
    attempts++;
    try {
      const r = await run(attempt++);
      rows.push(r);
      appendFileSync(results, `${JSON.stringify(r)}\n`);
      log(runLine(r));
      if (!r.ok) failed++;
    } catch (e) {
      failed++;
      log(`run failed: ${(e as Error).message}`);
    }
  }
  return { rows, attempts, failed };
}

async function main(): Promise<number> {
  const s = settings(process.argv.slice(2));
  const procs = new Procs();
  let stopping = false;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log(`${sig}: stopping everything the bench started`);
    procs.close();
    void procs.stopAll(5000).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('exit', () => procs.killAllNow());

  try {
    mkdirSync(s.out, { recursive: true });
    const tree = s.ref ? exportRef(s.ref, s.out) : REPO;
    ensureBuilt(tree);
    const results = join(s.out, 'results.jsonl');
    const version = describeVersion(s.ref);
    log(
      `Switchboard ${version}; N=${s.n} C=${s.c}${s.rate ? ` RATE=${s.rate}` : ''} RUNS=${s.runs} WINDOW=${s.window} BINDS=${s.binds} QUIET_MAX=${s.quietMax ?? 'off'}; output in ${s.out}`,
    );

    const cols: Column[] = [];
    let failures = 0;
    if (!s.kannel) {
      const m = await measure(s, procs, s.runs, results, (a) => switchboardRun(s, procs, tree, { smsc: 'simulator' }, a), 1);
      failures += m.failed;
      const u = usable(m.rows);
      cols.push({
        title: `Switchboard ${version} → its simulator`,
        system: 'switchboard',
        rows: u.rows,
        attempts: m.attempts,
        okRuns: u.okRuns,
        noisy: u.noisy,
      });
    } else {
      const sinkSrc = join(s.shared, 'smsc_sink.c');
      if (!existsSync(join(s.shared, 'run.sh')) || !existsSync(sinkSrc))
        throw new Error(`--kannel needs the reference bench in ${s.shared} (SHARED_BENCH)`);
      const sinkBinary = join(s.out, 'smsc_sink');
      const gcc = spawnSync('gcc', ['-O2', '-Wall', '-o', sinkBinary, sinkSrc], { stdio: 'inherit' });
      if (gcc.status !== 0) throw new Error('cannot build smsc_sink with gcc');
      // Interleaved, one Kannel measurement then one Switchboard measurement, RUNS times: drift of the machine
      // then affects both alike (RESULTS.md: "compare only with quiet runs on the same machine, ideally interleaved").
      const kRows: Row[] = [];
      const sRows: Row[] = [];
      let kAttempts = 0;
      let sAttempts = 0;
      let kRound = 0;
      const kannelRound = async (): Promise<void> => {
        kRound++;
        try {
          const k = await kannelRun(s, procs, kRound);
          for (const r of k) {
            appendFileSync(results, `${JSON.stringify(r)}\n`);
            log(runLine(r));
            if (!r.ok) failures++;
          }
          kAttempts += k.length;
          kRows.push(...k);
          if (!k.some((r) => r.ok)) failures++;
        } catch (e) {
          failures++;
          kAttempts++;
          log(`kannel run failed: ${(e as Error).message}`);
        }
      };
      const switchboardRound = async (): Promise<void> => {
        const m = await measure(
          s,
          procs,
          1,
          results,
          (a) => switchboardRun(s, procs, tree, { smsc: 'sinks', sinkBinary }, a),
          sAttempts + 1,
        );
        sAttempts += m.attempts;
        failures += m.failed;
        sRows.push(...m.rows);
      };
      const quiet = (rows: readonly Row[]): number => rows.filter((r) => r.ok && !r.noisy).length;
      for (let i = 1; i <= s.runs; i++) {
        await kannelRound();
        await switchboardRound();
      }
      // A round whose every attempt was noisy is made up for, still interleaved, at most RUNS more rounds.
      for (let extra = 0; extra < s.runs && (quiet(kRows) < s.runs || quiet(sRows) < s.runs); extra++) {
        log(`quiet runs so far: Kannel ${quiet(kRows)}, Switchboard ${quiet(sRows)} of ${s.runs}; one more round`);
        if (quiet(kRows) < s.runs) await kannelRound();
        if (quiet(sRows) < s.runs) await switchboardRound();
      }
      const ku = usable(kRows);
      const su = usable(sRows);
      cols.push(
        {
          title: `Switchboard ${version} (Redis, append-only file)`,
          system: 'switchboard',
          rows: su.rows,
          attempts: sAttempts,
          okRuns: su.okRuns,
          noisy: su.noisy,
        },
        {
          title: 'Kannel 1.4.5 (store-type file)',
          system: 'kannel',
          rows: ku.rows,
          attempts: kAttempts,
          okRuns: ku.okRuns,
          noisy: ku.noisy,
        },
      );
    }

    const smscLine = s.kannel
      ? 'both → two smsc_sink (C) processes, driver /work/shared/bench/load.js'
      : 'SMSC: `switchboard simulator` (own process), driver bench/load.ts';
    const dlrLine = s.dlr
      ? `; DLR: dlr-mask=3 and a dlr-url to the driver on every request, a receipt for every submit (${s.kannel ? 'smsc_sink --dlr' : `simulator --receipts requested, ${s.receiptDelayMs} ms after the submit_sm_resp`})`
      : '';
    const header = `N=${s.n} requests${s.receivers > 1 ? ` of ${s.receivers} receivers each (${s.n * s.receivers} messages)` : ''}, C=${s.c}${s.rate ? `, offered at ${s.rate}/s` : ''}, window ${s.window}, two binds (BINDS=${s.binds}); ${smscLine}${dlrLine}; median of quiet runs`;
    let text = `${header}\n\n${summaryTable(cols)}\n`;
    const [sbCol, kCol] = cols;
    if (sbCol && kCol && sbCol.rows.length && kCol.rows.length) text += `\n${comparison(sbCol, kCol)}\n`;
    for (const c of cols) {
      if (c.rows.length < s.runs)
        text += `\nWARNING: ${c.title}: only ${c.rows.length} of ${s.runs} runs usable${c.noisy ? ' and none of them quiet' : ''}.\n`;
    }
    if (!s.kannel && s.encoding) text += `\n${encodingTable(tree)}`;
    writeFileSync(join(s.out, 'summary.md'), text);
    process.stdout.write(`\n${text}\nraw results: ${results}\n`);
    if (failures > 0) log(`${failures} run(s) failed; see the lines above and the logs in ${s.out}`);
    // Failing: a system without RUNS good runs because runs failed. Too few quiet runs only warns (noise is the
    // machine's, not the product's), and the summary says so.
    return cols.some((c) => c.okRuns < s.runs) ? 1 : 0;
  } finally {
    await procs.stopAll();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    log(`bench failed: ${(e as Error).message}`);
    process.exit(1);
  },
);
