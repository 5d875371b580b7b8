/**
 * One run of the hostile-SMSC fuzz (`npm run fuzz:smpp`, and test/integration/smpp-fuzz.test.ts with a small
 * count): a private redis-server, a real gateway as a child process (`switchboard start --processes 1` from the
 * sources, so the process under test is the one holding the bind, and a crash is its exit, not a silent restart),
 * and the fake SMSC of hostile-smsc.ts. The gateway binds, carries a few normal messages, then takes COUNT hostile
 * PDUs while a trickle of messages keeps its submit path busy; then the SMSC turns valid and one more message must
 * go through end to end (submit, receipt, status "delivered", DLR callback). Measured: the gateway's RSS (from
 * /proc) along the way and its peak, its CPU time, the sessions and rebinds the SMSC saw, how long /health took,
 * and what the gateway logged. Everything listens on 127.0.0.1, is bounded in count and time, and is stopped at the
 * end, on an error, and (through the signal) on Ctrl-C.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedRedis, type EmbeddedRedis } from '../../src/redis/embedded-server.js';
import { HostileSmsc, type SmscStats } from './hostile-smsc.js';
import { cpuSeconds, freePort, Procs, residentBytes, sleep, tail, type Started } from './proc.js';

export interface FuzzOptions {
  readonly count: number;
  readonly seed: number;
  /** The whole run, start to stop. */
  readonly timeoutMs: number;
  /** The checkout whose src/ runs as the gateway. */
  readonly repo: string;
  readonly log: (line: string) => void;
  /** Aborting stops the run where it is (Ctrl-C); everything is still stopped. */
  readonly signal?: AbortSignal;
  /** Keep the directory with the gateway's configuration and log even when the run passed. */
  readonly keepDir?: boolean;
  /** V8's old-space limit for the gateway, MB (--max-old-space-size); undefined: Node's default. */
  readonly heapMb?: number;
}

export interface RssPoint {
  readonly pdus: number;
  readonly rssBytes: number;
}

export interface FuzzResult {
  readonly ok: boolean;
  readonly problems: string[];
  readonly seed: number;
  readonly count: number;
  readonly smsc: SmscStats;
  /** From the first hostile PDU to the last. */
  readonly hostileMs: number;
  readonly gateway: {
    readonly alive: boolean;
    /** RSS after the warm-up (normal traffic only), before the first hostile PDU. */
    readonly rssBeforeBytes: number;
    /** RSS once the run is over and the final message went through. */
    readonly rssAfterBytes: number;
    /** The largest RSS the process ever had (VmHWM). */
    readonly rssPeakBytes: number;
    /** RSS at every tenth of the hostile PDUs. */
    readonly rssSeries: RssPoint[];
    /** CPU seconds during the hostile phase. */
    readonly cpuSeconds: number;
    readonly healthChecks: number;
    readonly healthFailures: number;
    readonly healthMaxMs: number;
    /** Exited by itself on SIGTERM at the end. */
    readonly stoppedCleanly: boolean;
    readonly logLines: number;
    readonly logBytes: number;
    /** Log lines by message, most frequent first, and lines that were not JSON (a stack trace is a crash). */
    readonly logTop: Array<[string, number]>;
    readonly logErrors: number;
    readonly logNotJson: number;
  };
  readonly redisCpuSeconds: number;
  /** CPU seconds of this process (the fake SMSC and the driver) during the hostile phase. */
  readonly smscCpuSeconds: number;
  readonly messages: { sent: number; refused: number; dlrCallbacks: number; moForwards: number };
  /** From the last hostile PDU until the final message was reported delivered; undefined when it never was. */
  readonly recoveryMs: number | undefined;
  readonly dir: string;
}

const FINAL_TO = '46799999999';

/** A local HTTP endpoint for the gateway's DLR callbacks and MO forwards: answers 200, counts. */
async function startReceiver(): Promise<{ server: Server; port: number; counts: { dlr: number; mo: number }; finalDlr: string[] }> {
  const counts = { dlr: 0, mo: 0 };
  const finalDlr: string[] = [];
  // A 64 KB MO text makes a GET URL of about 190 KB; the default 16 KB limit would answer 431 and count against
  // the gateway's log what is the receiver's limit.
  const server = createServer({ maxHeaderSize: 1 << 20 }, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/dlr') {
      counts.dlr++;
      if (url.searchParams.get('final') === '1') finalDlr.push(url.searchParams.get('type') ?? '');
    } else if (url.pathname === '/mo') counts.mo++;
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  return { server, port: typeof a === 'object' && a ? a.port : 0, counts, finalDlr };
}

function gatewayYaml(httpPort: number, smscPort: number, receiverPort: number): string {
  return `# generated by bench/lib/fuzz-run.ts
http:
  sendsms-port: ${httpPort}
  sendsms-interface: 127.0.0.1
  global-sender: "12345"
admin:
  admin-port: 0
log:
  level: warn
redis:
  key-prefix: fuzz
queue:
  retry-delay: 0.1
receipts:
  unmatched-retry: 2
mo:
  reassembly-timeout: 5
callbacks:
  retry-delay: 0.2
  retry-delay-max: 1
  max-attempts: 3
  timeout: 2
links:
  - smsc-id: hostile
    host: 127.0.0.1
    port: ${smscPort}
    transceiver-mode: true
    smsc-username: fuzz
    smsc-password: fuzz
    enquire-link-interval: 1
    response-timeout: 1
    unhealthy-after: 0.5
    connect-timeout: 2
    reconnect-delay: 0.01
    reconnect-delay-max: 0.25
    throttle-pause: 0.1
    max-pending-submits: 10
services:
  - keyword: default
    get-url: "http://127.0.0.1:${receiverPort}/mo?from=%p&to=%P&text=%a"
accounts:
  - username: fuzz
    password: fuzz
    max-messages: 5
`;
}

const AUTH = `Basic ${Buffer.from('fuzz:fuzz').toString('base64')}`;

async function postMessage(httpPort: number, to: string, text: string, dlrUrl: string): Promise<string | undefined> {
  const res = await fetch(`http://127.0.0.1:${httpPort}/api/v1/messages`, {
    method: 'POST',
    headers: { authorization: AUTH, 'content-type': 'application/json' },
    body: JSON.stringify({ to, text, dlrMask: 31, dlrUrl }),
    signal: AbortSignal.timeout(5000),
  });
  const body = (await res.json()) as { messages?: Array<{ id?: string }> };
  return res.status === 202 ? body.messages?.[0]?.id : undefined;
}

async function messageStatus(httpPort: number, id: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${httpPort}/api/v1/messages/${id}`, {
    headers: { authorization: AUTH },
    signal: AbortSignal.timeout(3000),
  });
  return ((await res.json()) as { status?: string }).status ?? '';
}

async function messageJson(httpPort: number, id: string): Promise<string> {
  try {
    const res = await fetch(`http://127.0.0.1:${httpPort}/api/v1/messages/${id}`, {
      headers: { authorization: AUTH },
      signal: AbortSignal.timeout(3000),
    });
    return await res.text();
  } catch (e) {
    return `(no answer: ${(e as Error).message})`;
  }
}

async function healthMs(httpPort: number): Promise<number | undefined> {
  const t = Date.now();
  try {
    const res = await fetch(`http://127.0.0.1:${httpPort}/health`, { signal: AbortSignal.timeout(3000) });
    await res.text();
    return res.ok ? Date.now() - t : undefined;
  } catch {
    return undefined;
  }
}

async function linkHealthy(httpPort: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${httpPort}/api/v1/status`, { signal: AbortSignal.timeout(3000) });
    const s = (await res.json()) as { links?: Array<{ healthy?: boolean; binds?: Array<{ state?: string }> }> };
    const link = s.links?.[0];
    return link?.healthy === true && (link.binds ?? []).every((b) => b.state === 'bound');
  } catch {
    return false;
  }
}

function analyseLog(file: string): { lines: number; bytes: number; top: Array<[string, number]>; errors: number; notJson: number } {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // no log
  }
  const counts = new Map<string, number>();
  let lines = 0;
  let errors = 0;
  let notJson = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    lines++;
    try {
      const entry = JSON.parse(line) as { msg?: string; level?: number };
      const key = entry.msg ?? '(no msg)';
      counts.set(key, (counts.get(key) ?? 0) + 1);
      if ((entry.level ?? 0) >= 50) errors++;
    } catch {
      notJson++;
    }
  }
  return { lines, bytes: Buffer.byteLength(text), top: [...counts].sort((a, b) => b[1] - a[1]).slice(0, 8), errors, notJson };
}

/** Runs the fuzz once; never throws for what the gateway did (that is in `problems`), only for a broken setup. */
export async function runFuzz(o: FuzzOptions): Promise<FuzzResult> {
  const started = Date.now();
  const deadline = started + o.timeoutMs;
  const dir = mkdtempSync(join(tmpdir(), 'sb-fuzz-'));
  const problems: string[] = [];
  const procs = new Procs();
  const smsc = new HostileSmsc({ seed: o.seed, count: o.count });
  let redis: EmbeddedRedis | undefined;
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  let gateway: Started | undefined;
  const aborted = (): boolean => o.signal?.aborted === true;
  const left = (): number => deadline - Date.now();
  /** Kept back from the hostile phase for the recovery check. */
  const reserveMs = Math.min(20_000, o.timeoutMs * 0.4);
  const waitUntil = async (what: string, ms: number, pred: () => boolean | Promise<boolean>): Promise<boolean> => {
    const start = Date.now();
    const until = Math.min(deadline, start + ms);
    for (;;) {
      if (await pred()) return true;
      if (gateway?.exited) {
        problems.push(`the gateway exited (code ${gateway.exitCode}) while waiting for ${what}`);
        return false;
      }
      if (aborted()) {
        problems.push(`interrupted while waiting for ${what}`);
        return false;
      }
      if (Date.now() > until) {
        problems.push(`no ${what} within ${Math.round((until - start) / 1000)} s`);
        return false;
      }
      await sleep(20);
    }
  };

  const messages = { sent: 0, refused: 0 };
  const series: RssPoint[] = [];
  const health = { checks: 0, failures: 0, maxMs: 0 };
  let rssBefore = 0;
  let rssAfter = 0;
  let rssPeak = 0;
  let cpuGateway = 0;
  let cpuRedis = 0;
  let cpuSelf = 0;
  let hostileMs = 0;
  let recoveryMs: number | undefined;
  let stoppedCleanly = false;
  const logFile = join(dir, 'gateway.log');
  /** Last resort when this process exits in the middle (a second Ctrl-C): KILL what was started. */
  let killOnExit: (() => void) | undefined;
  try {
    // In its own process group, like the gateway: a Ctrl-C reaches only this process, which stops the gateway
    // before the Redis it is using.
    redis = await startEmbeddedRedis({ dataDir: join(dir, 'redis'), persistence: false, detached: true });
    const redisPid = redis.pid;
    killOnExit = () => {
      procs.killAllNow();
      try {
        process.kill(redisPid, 'SIGKILL');
      } catch {
        // gone
      }
    };
    process.on('exit', killOnExit);
    receiver = await startReceiver();
    await smsc.listen();
    const httpPort = await freePort();
    const cfg = join(dir, 'switchboard.yaml');
    writeFileSync(cfg, gatewayYaml(httpPort, smsc.port, receiver.port));
    const env: NodeJS.ProcessEnv = { ...process.env, REDIS_URL: `unix://${redis.socketPath}` };
    delete env.NODE_OPTIONS;
    gateway = procs.start(
      'gateway',
      process.execPath,
      [
        ...(o.heapMb ? [`--max-old-space-size=${o.heapMb}`] : []),
        '--import',
        'tsx',
        'src/cli/main.ts',
        'start',
        '--config',
        cfg,
        '--processes',
        '1',
      ],
      { cwd: o.repo, env, logFile },
    );
    const gw = gateway;
    o.log(`gateway PID ${gw.pid} (log ${logFile}), fake SMSC on 127.0.0.1:${smsc.port}, seed ${o.seed}, ${o.count} PDUs`);
    if (!(await waitUntil('gateway start and bind', 30_000, async () => smsc.bound && (await healthMs(httpPort)) !== undefined)))
      throw new Stop();

    // Warm-up with normal traffic, so the baseline is a gateway that has done its ordinary work once.
    const dlrUrl = (final: boolean): string => `http://127.0.0.1:${receiver!.port}/dlr?type=%d${final ? '&final=1' : ''}`;
    for (let i = 0; i < 20; i++) await postMessage(httpPort, `4670000${String(i).padStart(4, '0')}`, `warm-up ${i}`, dlrUrl(false));
    if (!(await waitUntil('warm-up submits', 15_000, () => smsc.submits.length >= 20))) throw new Stop();
    for (const s of smsc.submits.splice(0)) await smsc.deliverReceipt(s.messageId, s.destAddr).catch(() => undefined);
    await sleep(500);
    rssBefore = residentBytes(gw.pid).now;
    series.push({ pdus: 0, rssBytes: rssBefore });
    o.log(`warm-up done; RSS ${mb(rssBefore)}; hostile phase starts`);

    // The hostile phase.
    const cpu0 = { gateway: cpuSeconds(gw.pid), redis: cpuSeconds(redis.pid), self: process.cpuUsage() };
    const t0 = Date.now();
    smsc.startHostile();
    let nextTenth = 1;
    let trickleBusy = false;
    let lastTrickle = 0;
    let lastHealth = 0;
    let unboundSince: number | undefined;
    let lastCpu = { gateway: cpu0.gateway, redis: cpu0.redis };
    while (!smsc.done) {
      const now = Date.now();
      // Read while alive: a process that is gone reads as 0.
      lastCpu = { gateway: Math.max(lastCpu.gateway, cpuSeconds(gw.pid)), redis: Math.max(lastCpu.redis, cpuSeconds(redis.pid)) };
      if (gw.exited) {
        problems.push(`the gateway exited (code ${gw.exitCode}) after ${smsc.stats.pdus} PDUs; its log ends:\n${tail(logFile, 20)}`);
        break;
      }
      if (aborted()) {
        problems.push(`interrupted after ${smsc.stats.pdus} PDUs`);
        break;
      }
      if (left() < reserveMs) {
        problems.push(`time ran out after ${smsc.stats.pdus} of ${o.count} PDUs (TIMEOUT ${Math.round(o.timeoutMs / 1000)} s)`);
        break;
      }
      if (!smsc.bound) {
        unboundSince ??= now;
        if (now - unboundSince > 10_000) {
          problems.push(`the gateway did not bind again within 10 s (after ${smsc.stats.pdus} PDUs)`);
          break;
        }
      } else unboundSince = undefined;
      if (smsc.stats.pdus >= (o.count * nextTenth) / 10 && nextTenth <= 10) {
        const point = { pdus: smsc.stats.pdus, rssBytes: residentBytes(gw.pid).now };
        series.push(point);
        o.log(`${point.pdus} PDUs, ${smsc.stats.binds} binds, RSS ${mb(point.rssBytes)}, ${((now - t0) / 1000).toFixed(1)} s`);
        while (smsc.stats.pdus >= (o.count * nextTenth) / 10 && nextTenth <= 10) nextTenth++;
      }
      // A trickle of messages keeps the submit path busy, so the SMSC's odd answers to submit_sm get exercised.
      if (!trickleBusy && now - lastTrickle >= 50) {
        trickleBusy = true;
        lastTrickle = now;
        messages.sent++;
        postMessage(httpPort, `4671${String(messages.sent).padStart(7, '0')}`, `fuzz ${messages.sent}`, dlrUrl(false))
          .then(
            (id) => {
              if (id === undefined) messages.refused++;
            },
            () => messages.refused++,
          )
          .finally(() => (trickleBusy = false));
      }
      if (now - lastHealth >= 1000) {
        lastHealth = now;
        void healthMs(httpPort).then((ms) => {
          health.checks++;
          if (ms === undefined) health.failures++;
          else health.maxMs = Math.max(health.maxMs, ms);
        });
      }
      await sleep(20);
    }
    hostileMs = Date.now() - t0;
    smsc.setValid();
    cpuGateway = Math.max(lastCpu.gateway, cpuSeconds(gw.pid)) - cpu0.gateway;
    cpuRedis = Math.max(lastCpu.redis, cpuSeconds(redis.pid)) - cpu0.redis;
    const self = process.cpuUsage(cpu0.self);
    cpuSelf = (self.user + self.system) / 1e6;
    if (problems.length > 0) throw new Stop();
    o.log(
      `hostile phase over: ${smsc.stats.pdus} PDUs in ${(hostileMs / 1000).toFixed(1)} s; the SMSC is valid now, one more message must get through`,
    );

    // Recovery: the gateway binds (or keeps its bind), and a normal message goes through end to end.
    const tEnd = Date.now();
    const finalId = await postMessage(httpPort, FINAL_TO, 'after the storm', dlrUrl(true)).catch(() => undefined);
    if (!finalId) {
      problems.push('the gateway refused the final message');
      throw new Stop();
    }
    if (!(await waitUntil('final submit_sm at the SMSC', 30_000, () => smsc.submits.some((s) => s.destAddr === FINAL_TO))))
      throw new Stop();
    // A receipt for every submit of it: one that went out on a session the garbage had desynchronised was sent
    // again, and only the id of the one the gateway saw answered is on record.
    const receipted = new Set<string>();
    const delivered = await waitUntil('status "delivered" for the final message', 30_000, async () => {
      for (const s of smsc.submits) {
        if (s.destAddr !== FINAL_TO || receipted.has(s.messageId) || !smsc.bound) continue;
        if ((await smsc.deliverReceipt(s.messageId, FINAL_TO, 2000).catch(() => undefined)) === 0) receipted.add(s.messageId);
      }
      return (await messageStatus(httpPort, finalId).catch(() => '')) === 'delivered';
    });
    if (!delivered) {
      const ids = smsc.submits.filter((s) => s.destAddr === FINAL_TO).map((s) => s.messageId);
      problems.push(
        `the final message was submitted ${ids.length} time(s) (ids ${ids.join(', ')}), receipts answered for ${[...receipted].join(', ') || 'none'}; the gateway says: ${await messageJson(httpPort, finalId)}`,
      );
      throw new Stop();
    }
    if (!(await waitUntil('the final DLR callback', 15_000, () => receiver!.finalDlr.includes('1')))) throw new Stop();
    recoveryMs = Date.now() - tEnd;
    if (!(await waitUntil('a healthy, bound link in /api/v1/status', 5000, () => linkHealthy(httpPort)))) throw new Stop();
    o.log(`recovered: the final message was delivered ${recoveryMs} ms after the last hostile PDU`);
    await sleep(1000);
    const rss = residentBytes(gw.pid);
    rssAfter = rss.now;
    rssPeak = rss.peak;
  } catch (e) {
    if (!(e instanceof Stop)) problems.push(`run failed: ${(e as Error).stack ?? String(e)}`);
  } finally {
    if (gateway && !gateway.exited && rssPeak === 0) {
      const rss = residentBytes(gateway.pid);
      rssAfter = rss.now;
      rssPeak = rss.peak;
    }
    procs.close();
    if (gateway && !gateway.exited) {
      const wasAlive = !gateway.exited;
      await procs.stop(gateway, 10_000);
      stoppedCleanly = wasAlive && gateway.exitCode === 0;
    }
    await procs.stopAll(3000);
    await smsc.stop();
    if (receiver) await new Promise<void>((r) => receiver!.server.close(() => r()));
    receiver?.server.closeAllConnections();
    await redis?.stop();
    if (killOnExit) process.off('exit', killOnExit);
  }
  const log = analyseLog(logFile);
  if (log.notJson > 0)
    problems.push(`the gateway wrote ${log.notJson} lines that are not log entries (a crash or a stack trace?); see ${logFile}`);
  const alive = gateway !== undefined && problems.every((p) => !p.startsWith('the gateway exited'));
  const ok = problems.length === 0;
  if (ok && !o.keepDir) rmSync(dir, { recursive: true, force: true });
  return {
    ok,
    problems,
    seed: o.seed,
    count: o.count,
    smsc: smsc.stats,
    hostileMs,
    gateway: {
      alive,
      rssBeforeBytes: rssBefore,
      rssAfterBytes: rssAfter,
      rssPeakBytes: rssPeak,
      rssSeries: series,
      cpuSeconds: cpuGateway,
      healthChecks: health.checks,
      healthFailures: health.failures,
      healthMaxMs: health.maxMs,
      stoppedCleanly,
      logLines: log.lines,
      logBytes: log.bytes,
      logTop: log.top,
      logErrors: log.errors,
      logNotJson: log.notJson,
    },
    redisCpuSeconds: cpuRedis,
    smscCpuSeconds: cpuSelf,
    messages: { ...messages, dlrCallbacks: receiver?.counts.dlr ?? 0, moForwards: receiver?.counts.mo ?? 0 },
    recoveryMs,
    dir,
  };
}

/** Ends the run early; what went wrong is already in `problems`. */
class Stop extends Error {}

export function mb(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MB`;
}
