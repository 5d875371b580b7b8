/**
 * `npm run bench:smpp-server`: submits per second from SMPP clients through Switchboard's SMPP server to the
 * simulator SMSC, and the gateway's CPU per message; then the same number of messages through the HTTP sendsms path
 * (bench/load.ts) on the same gateway, so the two read side by side. With DLR=1 every submit asks a receipt
 * (registered_delivery 1) and the run lasts until every receipt has come back to its client as a deliver_sm (and, on
 * the HTTP side, every final dlr-url callback).
 *
 * All on 127.0.0.1, each in its own process: the simulator (`switchboard simulator`), the gateway (`switchboard start`,
 * its HTTP and links processes, its own redis-server with the append-only file on), and the clients here: SESSIONS
 * transceiver binds of one account, each keeping WINDOW submits outstanding, on the project's own SMPP connection.
 * Everything the bench started is stopped by PID at the end, on an error and on Ctrl-C.
 *
 *   npm run bench:smpp-server                N=20000 SESSIONS=4 WINDOW=100
 *   DLR=1 npm run bench:smpp-server          with receipts as deliver_sm (and dlr-url callbacks on the HTTP side)
 *
 * env: N=20000 SESSIONS=4 WINDOW=100 (submits outstanding per client session; also the gateway links' window and the
 *      server's deliver_sm window) DLR=0|1 HTTP=1 (0: skip the HTTP run) C=50 (HTTP concurrency) TIMEOUT=300 (s)
 *      OUT=a fresh temporary directory (config, logs)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RawPdu } from '../src/smpp/codec.js';
import { SmppConnection } from '../src/smpp/connection.js';
import { cpuSeconds, freePort, Procs, selfCpuSeconds, sleep, treeCpuSeconds } from './lib/proc.js';
import { getJson, startGateway, startSimulator, simulatorBinds, waitUntil } from './lib/systems.js';

const N = Number(process.env.N ?? 20_000);
const SESSIONS = Number(process.env.SESSIONS ?? 4);
const WINDOW = Number(process.env.WINDOW ?? 100);
const DLR = process.env.DLR === '1';
const HTTP = process.env.HTTP !== '0';
const C = Number(process.env.C ?? 50);
const TIMEOUT_MS = Number(process.env.TIMEOUT ?? 300) * 1000;
const REPO = resolve(new URL('..', import.meta.url).pathname);

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** The gateway runs from dist/: `npm run build` when it is missing or older than src/. */
function ensureBuilt(): void {
  const cli = join(REPO, 'dist', 'cli', 'main.js');
  if (existsSync(cli) && newestMtime(join(REPO, 'src')) <= statSync(cli).mtimeMs) return;
  process.stderr.write('[bench] dist/ is missing or older than src/: npm run build\n');
  const r = spawnSync('npm', ['run', 'build'], { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error('npm run build failed');
}

interface Client {
  readonly conn: SmppConnection;
  receipts: number;
}

async function bindClient(port: number, i: number, onReceipt: () => void): Promise<Client> {
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((ok, fail) => {
    socket.once('connect', ok);
    socket.once('error', fail);
  });
  const conn = new SmppConnection(socket, { closeOnTimeout: false });
  const client: Client = { conn, receipts: 0 };
  conn.on('request', (pdu: RawPdu) => {
    if (pdu.command === 'deliver_sm') {
      client.receipts++;
      onReceipt();
    }
    conn.respond(pdu, 0);
  });
  const resp = await conn.request(
    'bind_transceiver',
    { system_id: 'bench', password: 'bench', system_type: '', interface_version: 0x34 },
    10_000,
  );
  if (resp.command_status !== 0) throw new Error(`session ${i}: bind refused with 0x${resp.command_status.toString(16)}`);
  return client;
}

/** Submits `count` messages on one session with at most WINDOW outstanding; resends what is throttled. */
async function drive(client: Client, from: number, count: number, answered: () => void): Promise<number> {
  let next = 0;
  let refused = 0;
  const todo: number[] = [];
  await new Promise<void>((done, fail) => {
    let inFlight = 0;
    let ok = 0;
    const pump = (): void => {
      while (inFlight < WINDOW && (todo.length > 0 || next < count)) {
        const n = todo.length > 0 ? todo.shift()! : from + next++;
        inFlight++;
        client.conn
          .request(
            'submit_sm',
            {
              source_addr: '4711',
              destination_addr: String(4670000000 + n),
              short_message: Buffer.from('bench message'),
              registered_delivery: DLR ? 1 : 0,
            },
            30_000,
          )
          .then((r) => {
            inFlight--;
            if (r.command_status === 0) {
              ok++;
              answered();
            } else {
              refused++;
              todo.push(n);
            }
            if (ok === count) done();
            else pump();
          }, fail);
      }
    };
    pump();
  });
  return refused;
}

interface Figures {
  readonly label: string;
  readonly acceptRate: number;
  readonly endToEndRate: number;
  readonly dlrRate: number | undefined;
  readonly gatewayCpuUsPerMsg: number;
  readonly redisCpuUsPerMsg: number;
  readonly clientCpuUsPerMsg: number;
  readonly refused: number;
}

async function main(): Promise<void> {
  ensureBuilt();
  const out = process.env.OUT ?? mkdtempSync(join(tmpdir(), 'sb-bench-smpps-'));
  const procs = new Procs();
  const onSignal = (): void => {
    procs.close();
    void procs.stopAll(2000).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('exit', () => procs.killAllNow());
  try {
    const [httpPort, smppPort, simPort, simControl] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    await startSimulator(procs, REPO, out, simPort, simControl, DLR ? { receipts: 'requested', delayMs: 50 } : { receipts: 'none' });
    const extraYaml = [
      'smpp-server:',
      `  port: ${smppPort}`,
      '  interface: 127.0.0.1',
      `  window: ${WINDOW}`,
      '  max-binds: 100',
      ...(DLR ? ['callbacks:', '  concurrency: 200'] : []),
    ].join('\n');
    const gw = await startGateway(
      procs,
      REPO,
      {
        dir: out,
        httpPort,
        smscs: [
          { name: 'A', port: simPort },
          { name: 'B', port: simPort },
        ],
        binds: 'links',
        window: WINDOW,
        extraYaml,
      },
      undefined,
      async () => (await simulatorBinds(simControl)) >= 2,
    );
    const measured = [gw.redis.pid];
    const gatewayCpu = (): number => treeCpuSeconds(gw.gateway.pid, measured);
    const stats = (): Promise<{ accepted: number; receiptsSent: number }> => getJson(simControl, '/stats');

    // SMPP: SESSIONS clients of one account, WINDOW submits outstanding each.
    let receipts = 0;
    let lastReceiptAt = 0;
    let lastAnswerAt = 0;
    const clients = await Promise.all(
      Array.from({ length: SESSIONS }, (_, i) =>
        bindClient(smppPort, i, () => {
          receipts++;
          lastReceiptAt = performance.now();
        }),
      ),
    );
    const base = (await stats()).accepted;
    const cpu0 = { gw: gatewayCpu(), redis: cpuSeconds(gw.redis.pid), self: selfCpuSeconds() };
    const t0 = performance.now();
    const per = Math.ceil(N / SESSIONS);
    const refusedCounts = await Promise.all(
      clients.map((c, i) => drive(c, i * per, Math.min(per, N - i * per), () => (lastAnswerAt = performance.now()))),
    );
    let endAt = 0;
    await waitUntil('every submit at the SMSC', TIMEOUT_MS, [gw.gateway], async () => {
      const done = (await stats()).accepted - base >= N;
      if (done) endAt = performance.now();
      return done;
    });
    if (DLR) await waitUntil('every receipt back as deliver_sm', TIMEOUT_MS, [gw.gateway], () => receipts >= N);
    const smpp: Figures = {
      label: 'SMPP server',
      acceptRate: N / ((lastAnswerAt - t0) / 1000),
      endToEndRate: N / ((endAt - t0) / 1000),
      dlrRate: DLR ? N / ((lastReceiptAt - t0) / 1000) : undefined,
      gatewayCpuUsPerMsg: ((gatewayCpu() - cpu0.gw) / N) * 1e6,
      redisCpuUsPerMsg: ((cpuSeconds(gw.redis.pid) - cpu0.redis) / N) * 1e6,
      clientCpuUsPerMsg: ((selfCpuSeconds() - cpu0.self) / N) * 1e6,
      refused: refusedCounts.reduce((a, b) => a + b, 0),
    };
    for (const c of clients) await c.conn.request('unbind', {}, 5000).catch(() => undefined);
    const figures: Figures[] = [smpp];

    if (HTTP) {
      await sleep(1000);
      const h0 = { gw: gatewayCpu(), redis: cpuSeconds(gw.redis.pid) };
      const args = ['bench/load.ts', '--port', String(httpPort), '--control', String(simControl), '--n', String(N), '--c', String(C)];
      if (DLR) args.push('--dlr-mask', '3', '--dlr-server', '0');
      const run = spawnSync(join(REPO, 'node_modules/.bin/tsx'), args, { cwd: REPO, encoding: 'utf8', timeout: TIMEOUT_MS });
      const line = run.stdout.trim().split('\n').pop() ?? '{}';
      const r = JSON.parse(line) as {
        http_accept_rate?: number;
        e2e_rate?: number | null;
        errors?: number;
        dlr?: { e2e_rate: number | null };
      };
      figures.push({
        label: 'HTTP sendsms',
        acceptRate: r.http_accept_rate ?? NaN,
        endToEndRate: r.e2e_rate ?? NaN,
        dlrRate: DLR ? (r.dlr?.e2e_rate ?? NaN) : undefined,
        gatewayCpuUsPerMsg: ((gatewayCpu() - h0.gw) / N) * 1e6,
        redisCpuUsPerMsg: ((cpuSeconds(gw.redis.pid) - h0.redis) / N) * 1e6,
        clientCpuUsPerMsg: NaN,
        refused: r.errors ?? 0,
      });
      if (!Number.isFinite(figures[1]!.endToEndRate)) process.stderr.write(`[bench] load.ts said: ${line}\n${run.stderr}\n`);
    }

    const f0 = (v: number | undefined): string => (v === undefined ? '–' : Number.isFinite(v) ? Math.round(v).toLocaleString('en') : '?');
    const rows = [
      '| path | submits answered, msg/s | end to end, msg/s | receipts back, msg/s | gateway CPU, µs/msg | redis CPU, µs/msg | refused (sent again) |',
      '|---|---|---|---|---|---|---|',
      ...figures.map(
        (f) =>
          `| ${f.label} | ${f0(f.acceptRate)} | ${f0(f.endToEndRate)} | ${f0(f.dlrRate)} | ${f0(f.gatewayCpuUsPerMsg)} | ${f0(f.redisCpuUsPerMsg)} | ${f.refused} |`,
      ),
    ];
    console.log(`N=${N} SESSIONS=${SESSIONS} WINDOW=${WINDOW} DLR=${DLR ? 1 : 0} (HTTP: C=${C}); output in ${out}\n`);
    console.log(rows.join('\n'));
    console.log(`\nclient CPU (this process), SMPP: ${f0(smpp.clientCpuUsPerMsg)} µs/msg`);
  } finally {
    await procs.stopAll(10_000);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`[bench] ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
