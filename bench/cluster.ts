/**
 * `npm run bench:cluster`: 1, 2 and 3 gateway nodes on one Redis primary (with a replica, append-only file on, on
 * loopback TCP), each without and with acknowledged replication (redis.wait-replicas: 1), against the SMSC
 * simulator. For each configuration it reports the HTTP accept rate, the end-to-end rate (until the simulator has
 * accepted every message answered 202), the CPU per message of each gateway node (its HTTP and links processes
 * together), of the Redis primary and of its replica, and the Redis commands (and WAITs) per message; then what
 * acknowledged replication costs per message, and the ceiling of one Redis primary at these commands per message
 * (messages per second per Redis core: 1 s ÷ the primary's CPU per message).
 *
 * Everything runs on this machine, on 127.0.0.1, started by the bench and stopped by PID at the end, on an error and
 * on Ctrl-C. The load is closed-loop: C requests in flight, spread over the nodes, each to its own receiver.
 *
 * env: N=12000 (messages per configuration) C=60 (requests in flight) NODES=1,2,3 WAIT=0,1
 *      WINDOW=100 (max-pending-submits; one link, instances: 2, whose binds the nodes share through leases)
 *      OUT=a fresh temporary directory (configs, logs)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { startSentinels, type SentinelDeployment } from '../test/helpers/sentinel.js';
import { cpuSeconds, freePort, Procs, selfCpuSeconds, sleep, treeCpuSeconds, type Started } from './lib/proc.js';
import { getJson, startSimulator, waitUntil } from './lib/systems.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const log = (s: string): void => void process.stderr.write(`${s}\n`);

const N = Number(process.env.N ?? 12_000);
const C = Number(process.env.C ?? 60);
const WINDOW = Number(process.env.WINDOW ?? 100);
const NODES = (process.env.NODES ?? '1,2,3').split(',').map(Number);
const WAITS = (process.env.WAIT ?? '0,1').split(',').map(Number);
const OUT = process.env.OUT ?? mkdtempSync(join(tmpdir(), 'sb-bench-cluster-'));

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function ensureBuilt(): void {
  const cli = join(REPO, 'dist', 'cli', 'main.js');
  if (existsSync(cli) && newest(join(REPO, 'src')) <= statSync(cli).mtimeMs) return;
  log('dist/ is missing or older than src/: npm run build');
  const r = spawnSync('npm', ['run', 'build'], { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error('npm run build failed');
}

function config(dir: string, httpPort: number, simPort: number, waitReplicas: number, prefix: string): string {
  const file = join(dir, `gateway-${httpPort}.yaml`);
  writeFileSync(
    file,
    `http:
  sendsms-port: ${httpPort}
  sendsms-interface: 127.0.0.1
  global-sender: "12345"
admin:
  admin-port: 0
log:
  level: warn
redis:
  key-prefix: ${prefix}
  wait-replicas: ${waitReplicas}
links:
  - smsc-id: SINK
    host: 127.0.0.1
    port: ${simPort}
    transceiver-mode: true
    smsc-username: bench
    smsc-password: x
    max-pending-submits: ${WINDOW}
    instances: 2
    reconnect-delay: 0.2
accounts:
  - username: bench
    password: bench
    max-messages: 1
`,
  );
  return file;
}

/** Closed loop: C requests in flight, round robin over the ports, each to its own receiver. */
async function drive(ports: readonly number[], n: number, base: number): Promise<{ accepted: number; firstMs: number; lastMs: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: C });
  let next = 0;
  let accepted = 0;
  let lastMs = 0;
  const firstMs = Date.now();
  const one = (i: number): Promise<void> =>
    new Promise((done) => {
      const port = ports[i % ports.length]!;
      const req = http.get(
        { host: '127.0.0.1', port, agent, path: `/cgi-bin/sendsms?username=bench&password=bench&to=${base + i}&text=cluster+bench` },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 202) accepted++;
            lastMs = Date.now();
            done();
          });
        },
      );
      req.on('error', () => done());
    });
  await Promise.all(
    Array.from({ length: C }, async () => {
      for (let i = next++; i < n; i = next++) await one(i);
    }),
  );
  agent.destroy();
  return { accepted, firstMs, lastMs };
}

async function commandCalls(client: Redis): Promise<{ total: number; wait: number }> {
  const info = await client.info('commandstats');
  let total = 0;
  let wait = 0;
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    total += Number(m[2]);
    if (m[1] === 'wait') wait = Number(m[2]);
  }
  return { total, wait };
}

interface Row {
  nodes: number;
  wait: number;
  acceptRate: number;
  e2eRate: number;
  /** µs of CPU per message: each node, the nodes together, the primary, the replica, the simulator. */
  nodeUs: number[];
  gatewaysUs: number;
  primaryUs: number;
  replicaUs: number;
  simUs: number;
  commandsPerMsg: number;
  waitsPerMsg: number;
  accepted: number;
}

async function run(
  procs: Procs,
  d: SentinelDeployment,
  simPort: number,
  control: number,
  sim: Started,
  nodes: number,
  wait: number,
  round: number,
): Promise<Row> {
  const primary = d.nodes[0]!;
  const replica = d.nodes[1]!;
  const dir = join(OUT, `n${nodes}-w${wait}`);
  mkdirSync(dir, { recursive: true });
  const prefix = `bc${round}`;
  const ports: number[] = [];
  const gateways: Started[] = [];
  const env: NodeJS.ProcessEnv = { ...process.env, REDIS_URL: `redis://127.0.0.1:${primary.port}` };
  delete env.NODE_OPTIONS;
  for (let i = 0; i < nodes; i++) {
    const port = await freePort();
    ports.push(port);
    const cfg = config(dir, port, simPort, wait, prefix);
    gateways.push(
      procs.start(`gateway-${i + 1}`, process.execPath, ['bin/switchboard.js', 'start', '--config', cfg], {
        cwd: REPO,
        env,
        logFile: join(dir, `gateway-${i + 1}.log`),
      }),
    );
  }
  await waitUntil('every node listening and both binds up', 60_000, [...gateways, sim], async () => {
    for (const p of ports) if ((await getJson<{ status?: string }>(p, '/health')).status !== 'ok') return false;
    const s = await getJson<{ bound?: unknown[] }>(control, '/stats');
    return (s.bound?.length ?? 0) === 2;
  });
  await sleep(1500); // leases settle, workers start
  const client = d.client(primary.port);
  const acceptedBefore = (await getJson<{ accepted?: number }>(control, '/stats')).accepted ?? 0;
  const calls0 = await commandCalls(client);
  const cpu0 = {
    nodes: gateways.map((g) => treeCpuSeconds(g.pid)),
    primary: cpuSeconds(primary.proc.pid!),
    replica: cpuSeconds(replica.proc.pid!),
    sim: treeCpuSeconds(sim.pid),
  };
  const self0 = selfCpuSeconds();
  const r = await drive(ports, N, 4_600_000_000 + round * 1_000_000);
  let e2eMs = Number.NaN;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const got = ((await getJson<{ accepted?: number }>(control, '/stats')).accepted ?? 0) - acceptedBefore;
    if (got >= r.accepted) {
      e2eMs = Date.now() - r.firstMs;
      break;
    }
    await sleep(10);
  }
  const cpu1 = {
    nodes: gateways.map((g) => treeCpuSeconds(g.pid)),
    primary: cpuSeconds(primary.proc.pid!),
    replica: cpuSeconds(replica.proc.pid!),
    sim: treeCpuSeconds(sim.pid),
  };
  const calls1 = await commandCalls(client);
  const us = (s: number): number => Math.round((s / N) * 1e6);
  const row: Row = {
    nodes,
    wait,
    accepted: r.accepted,
    acceptRate: Math.round(r.accepted / ((r.lastMs - r.firstMs) / 1000)),
    e2eRate: Math.round(r.accepted / (e2eMs / 1000)),
    nodeUs: cpu1.nodes.map((c, i) => us(c - cpu0.nodes[i]!)),
    gatewaysUs: us(cpu1.nodes.reduce((s, c, i) => s + c - cpu0.nodes[i]!, 0)),
    primaryUs: us(cpu1.primary - cpu0.primary),
    replicaUs: us(cpu1.replica - cpu0.replica),
    simUs: us(cpu1.sim - cpu0.sim),
    commandsPerMsg: Number(((calls1.total - calls0.total) / N).toFixed(2)),
    waitsPerMsg: Number(((calls1.wait - calls0.wait) / N).toFixed(3)),
  };
  log(`  nodes=${nodes} wait=${wait}: ${JSON.stringify(row)} (driver ${us(selfCpuSeconds() - self0)} µs/msg)`);
  for (const g of gateways) await procs.stop(g);
  await client.flushall();
  return row;
}

async function main(): Promise<void> {
  ensureBuilt();
  const procs = new Procs();
  process.on('SIGINT', () => {
    procs.close();
    procs.killAllNow();
    process.exit(130);
  });
  let d: SentinelDeployment | undefined;
  try {
    log(`bench:cluster N=${N} C=${C} nodes ${NODES.join(',')} wait-replicas ${WAITS.join(',')}; files in ${OUT}`);
    d = await startSentinels({ replicas: 1, sentinels: 0, redisArgs: ['--appendonly', 'yes', '--appendfsync', 'everysec'] });
    const simPort = await freePort();
    const control = await freePort();
    const sim = await startSimulator(procs, REPO, OUT, simPort, control, { receipts: 'none' });
    const rows: Row[] = [];
    let round = 0;
    for (const nodes of NODES) for (const wait of WAITS) rows.push(await run(procs, d, simPort, control, sim, nodes, wait, round++));
    const out: string[] = [
      '| nodes | wait-replicas | accepted/s | end-to-end/s | CPU µs/msg: gateway nodes (each) | Redis primary | replica | simulator | Redis commands/msg | WAITs/msg |',
      '|---|---|---|---|---|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.nodes} | ${r.wait} | ${r.acceptRate} | ${r.e2eRate} | ${r.gatewaysUs} (${r.nodeUs.join(' + ')}) | ${r.primaryUs} | ${r.replicaUs} | ${r.simUs} | ${r.commandsPerMsg} | ${r.waitsPerMsg} |`,
      ),
    ];
    out.push('');
    for (const nodes of NODES) {
      const a = rows.find((r) => r.nodes === nodes && r.wait === 0);
      const b = rows.find((r) => r.nodes === nodes && r.wait === 1);
      if (a && b)
        out.push(
          `${nodes} node(s): acknowledged replication costs ${b.gatewaysUs - a.gatewaysUs} µs of gateway CPU and ${b.primaryUs - a.primaryUs} µs of primary CPU per message, ${b.waitsPerMsg} WAITs per message; accept rate ${a.acceptRate} → ${b.acceptRate}/s`,
        );
    }
    const primaries = rows.map((r) => r.primaryUs).filter((x) => x > 0);
    const worst = Math.max(...primaries);
    const best = Math.min(...primaries);
    out.push(
      `One Redis primary at these commands per message: ${best}–${worst} µs of its CPU per message, so ${Math.round(1e6 / worst)}–${Math.round(1e6 / best)} messages/s per Redis core (Redis runs commands on one core).`,
    );
    const text = out.join('\n');
    writeFileSync(join(OUT, 'summary.md'), `${text}\n`);
    console.log(text);
  } finally {
    await procs.stopAll(5000);
    await d?.stop();
  }
}

main().catch((e: unknown) => {
  log(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
