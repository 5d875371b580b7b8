/**
 * `npm run bench:failover`: the long Redis failover runs, bounded, with their figures printed (and put in the
 * README). Three redis-server processes (a primary, two replicas) with the append-only file on, three Sentinels, two
 * gateway nodes (`switchboard start`, each its HTTP and links processes) with redis.sentinels and wait-replicas: 1,
 * one link with two binds shared through leases, and the SMSC simulator (in this process, which also sends the load:
 * one request every 1000/RATE ms, alternately to each node, each to its own receiver).
 *
 *   kill9     kill -9 of the primary under the load
 *   sigstop   SIGSTOP of the primary for 10 s under the load (Sentinel promotes a replica; the old primary comes
 *             back as a replica of the new one)
 *   gateway   kill -9 of the primary, and 0.5 s later kill -9 of the gateway node holding the binds: they are
 *             taken over once, by the other node
 *
 * For each: requests answered 202, 503 and otherwise, the slowest answer, the 503 window, how long after Sentinel's
 * promotion requests were accepted again, messages answered 202 that never reached the SMSC (lost), messages that
 * reached it twice, and the resends the gateways counted (switchboard_possible_resends_total on /metrics).
 *
 * env: RATE=500 SCENARIOS=kill9,sigstop,gateway OUT=a fresh temporary directory LOG_LEVEL=warn (the gateways')
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SmscSimulator } from '../src/simulator/smsc-simulator.js';
import { startSentinels, type SentinelDeployment } from '../test/helpers/sentinel.js';
import { freePort, Procs, sleep, type Started } from './lib/proc.js';
import { waitUntil } from './lib/systems.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RATE = Number(process.env.RATE ?? 500);
const SCENARIOS = (process.env.SCENARIOS ?? 'kill9,sigstop,gateway').split(',');
const OUT = process.env.OUT ?? mkdtempSync(join(tmpdir(), 'sb-bench-failover-'));
const log = (s: string): void => void process.stderr.write(`${s}\n`);

interface Reply {
  readonly to: string;
  readonly at: number;
  readonly ms: number;
  readonly status: number;
}

function gatewayConfig(d: SentinelDeployment, httpPort: number, adminPort: number, simPort: number, prefix: string): string {
  const file = join(OUT, `gateway-${httpPort}.yaml`);
  writeFileSync(
    file,
    `http:
  sendsms-port: ${httpPort}
  sendsms-interface: 127.0.0.1
  global-sender: "12345"
admin:
  admin-port: ${adminPort}
  admin-interface: 127.0.0.1
log:
  level: ${process.env.LOG_LEVEL ?? 'warn'}
redis:
  key-prefix: ${prefix}
  sentinels: [${d.sentinelAddresses.join(', ')}]
  name: ${d.name}
  wait-replicas: 1
  wait-timeout: 0.25
  command-timeout: 0.5
queue:
  lock-duration: 5
cluster:
  lease-ttl: 2
  refresh-interval: 0.5
links:
  - smsc-id: sim
    host: 127.0.0.1
    port: ${simPort}
    transceiver-mode: true
    smsc-username: sb
    smsc-password: x
    instances: 2
    reconnect-delay: 0.2
    response-timeout: 2
accounts:
  - username: u
    password: p
`,
  );
  return file;
}

async function metric(adminPort: number, name: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${adminPort}/metrics`);
  if (!res.ok) throw new Error(`GET /metrics on the admin port: HTTP ${res.status}`);
  const text = await res.text();
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith(name)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}

async function scenario(name: string, d: SentinelDeployment, procs: Procs, round: number): Promise<Record<string, unknown>> {
  const sim = new SmscSimulator({ port: 0 });
  await sim.start();
  const nodes: { http: number; admin: number; proc: Started }[] = [];
  const env: NodeJS.ProcessEnv = { ...process.env, REDIS_URL: '' };
  delete env.NODE_OPTIONS;
  for (let i = 0; i < 2; i++) {
    const [httpPort, adminPort] = [await freePort(), await freePort()];
    const cfg = gatewayConfig(d, httpPort, adminPort, sim.port, `fo${round}`);
    const proc = procs.start(
      `${name}-gateway-${i + 1}`,
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'start', '--config', cfg],
      {
        cwd: REPO,
        env,
        logFile: join(OUT, `${name}-gateway-${i + 1}.log`),
      },
    );
    nodes.push({ http: httpPort, admin: adminPort, proc });
    // The first node takes both leases: it is the one the gateway scenario kills.
    if (i === 0) await waitUntil('node 1 bound', 60_000, [proc], () => sim.boundSessions().length === 2);
  }
  await waitUntil('node 2 listening', 60_000, [nodes[1]!.proc], async () => (await fetch(`http://127.0.0.1:${nodes[1]!.http}/health`)).ok);
  let maxBound = 0;
  const bindsBefore = sim.counters.binds;
  const watch = setInterval(() => (maxBound = Math.max(maxBound, sim.boundSessions().length)), 10);
  const replies: Reply[] = [];
  const pending: Promise<void>[] = [];
  let i = 0;
  const base = 4_690_000_000 + round * 1_000_000;
  // A burst every 10 ms: a timer per request cannot keep 500 a second on a busy machine.
  const perTick = RATE / 100;
  let due = 0;
  const timer = setInterval(() => {
    for (due += perTick; due >= 1; due--) send();
  }, 10);
  const send = (): void => {
    const to = String(base + i);
    const node = nodes[i++ % nodes.length]!;
    const at = Date.now();
    pending.push(
      fetch(`http://127.0.0.1:${node.http}/cgi-bin/sendsms?username=u&password=p&to=${to}&text=failover`, {
        signal: AbortSignal.timeout(10_000),
      })
        .then(async (r) => {
          await r.text();
          replies.push({ to, at, ms: Date.now() - at, status: r.status });
        })
        .catch(() => void replies.push({ to, at, ms: Date.now() - at, status: 0 })),
    );
  };
  await sleep(4000);
  const old = await d.primaryPort();
  const faultAt = Date.now();
  let promotedAt = 0;
  if (name === 'sigstop') {
    d.node(old).proc.kill('SIGSTOP');
    promotedAt = (await d.promotedFrom(old)).at;
    await sleep(10_000 - (Date.now() - faultAt));
    d.node(old).proc.kill('SIGCONT');
  } else {
    d.node(old).proc.kill('SIGKILL');
    if (name === 'gateway') {
      await sleep(500);
      process.kill(-nodes[0]!.proc.pid, 'SIGKILL');
    }
    promotedAt = (await d.promotedFrom(old)).at;
  }
  // Only the living node gets the rest of the load.
  if (name === 'gateway') nodes.splice(0, 1);
  await sleep(6000);
  clearInterval(timer);
  await Promise.all(pending);
  const accepted = replies.filter((r) => r.status === 202);
  const deliveredTimes = new Map<string, number>();
  const delivered = (): Map<string, number> => {
    deliveredTimes.clear();
    for (const r of sim.received) if (r.status === 0) deliveredTimes.set(r.destAddr, (deliveredTimes.get(r.destAddr) ?? 0) + 1);
    return deliveredTimes;
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !accepted.every((r) => delivered().has(r.to))) await sleep(100);
  await sleep(6000); // a late resend would show, and every process publishes its counters (every 5 s)
  clearInterval(watch);
  const got = delivered();
  const refused = replies.filter((r) => r.status === 503);
  const again = accepted.filter((r) => r.at + r.ms >= promotedAt).sort((x, y) => x.at + x.ms - (y.at + y.ms))[0];
  const living = nodes[nodes.length - 1]!;
  const result = {
    scenario: name,
    rate: RATE,
    requests: replies.length,
    accepted: accepted.length,
    refused503: refused.length,
    other: replies.length - accepted.length - refused.length,
    slowestMs: Math.max(...replies.map((r) => r.ms)),
    window503Ms: refused.length > 0 ? Math.max(...refused.map((r) => r.at)) - Math.min(...refused.map((r) => r.at)) : 0,
    promotionAfterFaultMs: promotedAt - faultAt,
    acceptingAgainAfterPromotionMs: again ? again.at + again.ms - promotedAt : null,
    lost: accepted.filter((r) => !got.has(r.to)).length,
    twice: [...got.values()].reduce((s, n) => s + n - 1, 0),
    countedResends: await metric(living.admin, 'switchboard_possible_resends_total'),
    failoversSeen: await metric(living.admin, 'switchboard_redis_failovers_total'),
    withoutPrimaryS: Number((await metric(living.admin, 'switchboard_redis_without_primary_seconds_total')).toFixed(2)),
    bindsOpened: sim.counters.binds - bindsBefore,
    mostBindsAtOnce: maxBound,
  };
  for (const n of nodes) await procs.stop(n.proc, 5000);
  await sim.kill();
  return result;
}

async function main(): Promise<void> {
  const procs = new Procs();
  process.on('SIGINT', () => {
    procs.close();
    procs.killAllNow();
    process.exit(130);
  });
  let d: SentinelDeployment | undefined;
  try {
    log(`bench:failover RATE=${RATE} scenarios ${SCENARIOS.join(',')}; logs in ${OUT}`);
    d = await startSentinels({
      replicas: 2,
      sentinels: 3,
      downAfterMs: 1000,
      redisArgs: ['--appendonly', 'yes', '--appendfsync', 'everysec'],
    });
    let round = 0;
    for (const name of SCENARIOS) {
      const dead = d.nodes.find((n) => n.proc.exitCode !== null || n.proc.signalCode !== null);
      if (dead) await d.restart(dead.port);
      await d.settled(2);
      const r = await scenario(name, d, procs, round++);
      console.log(JSON.stringify(r));
    }
  } finally {
    await procs.stopAll(5000);
    await d?.stop();
  }
}

main().catch((e: unknown) => {
  log(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
