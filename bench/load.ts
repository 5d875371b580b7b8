/**
 * Bounded sendsms load driver (Node built-ins only), Switchboard's counterpart of /work/shared/bench/load.js.
 *
 * Sends N GET /cgi-bin/sendsms requests with concurrency C over a keep-alive agent, every request to its own
 * receiver (BASE + i), and measures
 *   - HTTP accept rate = 202 responses / (last response - first request)
 *   - HTTP latency p50/p90/p99/max (ms)
 *   - end-to-end rate  = N / (time the SMSC simulator had accepted all N submit_sm - first request), polled from
 *                        the simulator's control port (GET /stats, counter `accepted`) every 10 ms at the end
 *   - accept-to-submit wait p50/p99/max (ms) = when the simulator accepted each receiver's submit_sm (GET
 *                        /submit-times) - when its request got its 202
 *   - with --dlr-mask M --dlr-server PORT (as load.js): every request asks dlr-mask=M with a dlr-url pointing at an
 *     HTTP receiver this driver runs on 127.0.0.1:PORT (PORT 0: any free port), and the run waits (bounded) for one
 *     final DLR callback (type 1 or 2) per accepted message. DLR end-to-end rate = N / (time the last final
 *     callback arrived - first request). The receiver also counts callbacks for receivers never sent to, and
 *     final callbacks that came twice for one receiver.
 * and prints one JSON line with the same field names as load.js, so both drivers' results read the same way.
 *
 * usage: tsx bench/load.ts --port P --control C [--n 20000] [--c 50] [--rate 0 (req/s cap; 0: as fast as it goes)]
 *          [--user bench --pass bench] [--base 4670000000] [--timeout 180] [--timeline FILE]
 *          [--dlr-mask 3 --dlr-server PORT]
 */
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values: a } = parseArgs({
  options: {
    port: { type: 'string' },
    control: { type: 'string' },
    n: { type: 'string', default: '20000' },
    c: { type: 'string', default: '50' },
    rate: { type: 'string', default: '0' },
    user: { type: 'string', default: 'bench' },
    pass: { type: 'string', default: 'bench' },
    base: { type: 'string', default: '4670000000' },
    timeout: { type: 'string', default: '180' },
    timeline: { type: 'string' },
    'dlr-mask': { type: 'string', default: '0' },
    'dlr-server': { type: 'string' },
  },
  strict: true,
});

const N = Number(a.n);
const C = Number(a.c);
const RATE = Number(a.rate);
const PORT = Number(a.port);
const CONTROL = Number(a.control);
const BASE = Number(a.base);
const TIMEOUT_MS = Number(a.timeout) * 1000;
if (!(Number.isInteger(N) && N > 0 && N <= 1_000_000)) throw new Error(`--n must be 1..1000000, got ${a.n}`);
if (!(Number.isInteger(C) && C > 0 && C <= 1000)) throw new Error(`--c must be 1..1000, got ${a.c}`);
if (!(RATE >= 0 && RATE <= 1_000_000)) throw new Error(`--rate must be 0..1000000, got ${a.rate}`);
if (!(PORT > 0 && CONTROL > 0)) throw new Error('--port and --control are required');
if (!(TIMEOUT_MS > 0 && TIMEOUT_MS <= 3_600_000)) throw new Error('--timeout must be 1..3600 seconds');
const DLR_MASK = Number(a['dlr-mask']);
const DLR_PORT = a['dlr-server'] === undefined ? undefined : Number(a['dlr-server']);
if (!(Number.isInteger(DLR_MASK) && DLR_MASK >= 0 && DLR_MASK <= 255)) throw new Error(`--dlr-mask must be 0..255, got ${a['dlr-mask']}`);
if (DLR_PORT !== undefined && !(Number.isInteger(DLR_PORT) && DLR_PORT >= 0 && DLR_PORT <= 65535))
  throw new Error(`--dlr-server must be a port, got ${a['dlr-server']}`);
if (DLR_MASK > 0 !== (DLR_PORT !== undefined)) throw new Error('--dlr-mask and --dlr-server go together');

const agent = new http.Agent({ keepAlive: true, maxSockets: C });
const controlAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const h0 = process.hrtime.bigint();
/** ms since the driver started (monotonic). */
const now = (): number => Number(process.hrtime.bigint() - h0) / 1e6;

/** The simulator's first-accept time per receiver (GET /submit-times; epoch ms). */
function simSubmitTimes(): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: CONTROL, path: '/submit-times', agent: controlAgent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        try {
          resolve((JSON.parse(body) as { times: Record<string, number> }).times);
        } catch (e) {
          reject(e as Error);
        }
      });
    });
    req.setTimeout(30_000, () => req.destroy(new Error('control port timeout')));
    req.on('error', reject);
  });
}

/**
 * The wait from accept (the client's 202) to submit (the SMSC accepted it), per message: what a throttled or
 * handed-back message costs shows in p99 and max.
 */
async function acceptToSubmit(): Promise<{ p50: number; p99: number; max: number; measured: number } | null> {
  const times = await simSubmitTimes().catch(() => undefined);
  if (!times) return null;
  const waits: number[] = [];
  for (let i = 0; i < N; i++) {
    const at = times[String(BASE + i)];
    if (at !== undefined && acceptedAtEpoch[i]! > 0) waits.push(Math.max(0, at - acceptedAtEpoch[i]!));
  }
  const sorted = Float64Array.from(waits).sort();
  return { p50: round(pct(sorted, 50), 1), p99: round(pct(sorted, 99), 1), max: round(pct(sorted, 100), 1), measured: waits.length };
}

function simAccepted(): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: CONTROL, path: '/stats', agent: controlAgent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        try {
          resolve(Number((JSON.parse(body) as { accepted?: number }).accepted ?? 0));
        } catch (e) {
          reject(e as Error);
        }
      });
    });
    req.setTimeout(5000, () => req.destroy(new Error('control port timeout')));
    req.on('error', reject);
  });
}

const lat = new Float64Array(N);
const codes: Record<string, number> = {};
let sent = 0;
let done = 0;
let accepted = 0;
let errors = 0;
let tFirstReq = -1;
let tLastResp = 0;

// ------------------------------------------------------------------ DLR receiver (as load.js --dlr-server)
let dlrFinal = 0;
let dlrAll = 0;
let dlrLastMs = 0;
/** Final callbacks for a receiver that had one already, and callbacks naming a receiver we never sent to. */
let dlrDuplicates = 0;
let dlrStrangers = 0;
const dlrTypes: Record<string, number> = {};
const finalSeen = new Uint8Array(N);
let dlrUrl = '';
/** When each request's 202 arrived (epoch ms), to compare with when the simulator accepted its submit_sm. */
const acceptedAtEpoch = new Float64Array(N);

function startDlrServer(port: number): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const t = u.searchParams.get('type') ?? '?';
    dlrTypes[t] = (dlrTypes[t] ?? 0) + 1;
    dlrAll++;
    const i = Number(u.searchParams.get('to')) - BASE;
    const known = Number.isInteger(i) && i >= 0 && i < N;
    if (!known) dlrStrangers++;
    if (t === '1' || t === '2') {
      if (known && finalSeen[i]) dlrDuplicates++;
      else {
        if (known) finalSeen[i] = 1;
        dlrFinal++;
        dlrLastMs = now();
      }
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  server.keepAliveTimeout = 30_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function oneRequest(i: number): Promise<void> {
  return new Promise((resolve) => {
    const q = new URLSearchParams({ username: a.user!, password: a.pass!, to: String(BASE + i), text: `bench msg ${i}` });
    if (DLR_MASK) {
      q.set('dlr-mask', String(DLR_MASK));
      q.set('dlr-url', dlrUrl);
    }
    const start = now();
    if (tFirstReq < 0) tFirstReq = start;
    const finish = (key: string, ok: boolean): void => {
      const end = now();
      lat[i] = end - start;
      tLastResp = end;
      codes[key] = (codes[key] ?? 0) + 1;
      if (ok) {
        accepted++;
        acceptedAtEpoch[i] = performance.timeOrigin + performance.now();
      } else if (key.startsWith('ERR')) errors++;
      done++;
      resolve();
    };
    const req = http.request({ host: '127.0.0.1', port: PORT, path: `/cgi-bin/sendsms?${q.toString()}`, method: 'GET', agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => finish(`${res.statusCode} ${body.trim().slice(0, 40)}`, res.statusCode === 202));
    });
    req.setTimeout(60_000, () => req.destroy(new Error('timeout')));
    req.on('error', (e: NodeJS.ErrnoException) => finish(`ERR ${e.code ?? e.message}`, false));
    req.end();
  });
}

async function worker(): Promise<void> {
  for (;;) {
    const i = sent++;
    if (i >= N) return;
    if (RATE > 0) {
      const wait = (i / RATE) * 1000 - now(); // request i is due i/RATE seconds after the start
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    await oneRequest(i);
  }
}

function pct(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] ?? 0;
}

const round = (x: number, d = 1): number => Number(x.toFixed(d));

async function main(): Promise<void> {
  let dlrServer: http.Server | undefined;
  if (DLR_PORT !== undefined) {
    dlrServer = await startDlrServer(DLR_PORT);
    const addr = dlrServer.address();
    const port = typeof addr === 'object' && addr ? addr.port : DLR_PORT;
    // load.js's URL: Kannel escapes %d (DLR type), %F (the SMSC's message id), %p (the receiver)
    dlrUrl = `http://127.0.0.1:${port}/dlr?type=%d&id=%F&to=%p`;
  }
  const deadline = now() + TIMEOUT_MS;
  const base0 = await simAccepted();
  const timeline: Array<{ t_ms: number; http_done: number; http_ok: number; sim_accepted: number; dlr_final?: number }> = [];
  let sampling = false;
  const tl = setInterval(() => {
    if (sampling) return;
    sampling = true;
    simAccepted()
      .then((n) =>
        timeline.push({
          t_ms: Math.round(now()),
          http_done: done,
          http_ok: accepted,
          sim_accepted: n - base0,
          ...(dlrServer ? { dlr_final: dlrFinal } : {}),
        }),
      )
      .catch(() => undefined)
      .finally(() => (sampling = false));
  }, 100);

  const workers: Promise<void>[] = [];
  for (let k = 0; k < C; k++) workers.push(worker());
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(workers), new Promise<void>((r) => (timer = setTimeout(r, TIMEOUT_MS)))]);
  clearTimeout(timer);
  const httpDoneMs = now();

  // Wait (bounded) until the simulator has accepted every message the gateway accepted.
  let e2eMs: number | null = null;
  let received = 0;
  while (now() < deadline) {
    received = (await simAccepted().catch(() => base0)) - base0;
    if (received >= accepted) {
      e2eMs = now() - tFirstReq;
      break;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  // Then (bounded by the same deadline) one final DLR callback per accepted message.
  let dlrE2eMs: number | null = null;
  if (dlrServer) {
    while (now() < deadline && dlrFinal < accepted) await new Promise((r) => setTimeout(r, 10));
    if (dlrFinal >= accepted) dlrE2eMs = dlrLastMs - tFirstReq;
  }
  const wait = e2eMs === null ? null : await acceptToSubmit();
  clearInterval(tl);
  agent.destroy();
  controlAgent.destroy();
  dlrServer?.close();
  dlrServer?.closeAllConnections();

  const sorted = lat.slice(0, Math.min(done, N)).sort();
  const httpSecs = (tLastResp - tFirstReq) / 1000;
  const cpu = process.cpuUsage();
  const res = {
    n: N,
    c: C,
    rate_limit: RATE,
    sent: Math.min(sent, N),
    done,
    accepted,
    errors,
    http_secs: round(httpSecs, 3),
    http_accept_rate: round(accepted / httpSecs),
    lat_ms: {
      p50: round(pct(sorted, 50), 2),
      p90: round(pct(sorted, 90), 2),
      p99: round(pct(sorted, 99), 2),
      max: round(pct(sorted, 100), 2),
    },
    sink_received: received,
    e2e_secs: e2eMs === null ? null : round(e2eMs / 1000, 3),
    e2e_rate: e2eMs === null ? null : round(accepted / (e2eMs / 1000)),
    accept_to_submit_ms: wait,
    codes,
    ...(dlrServer
      ? {
          dlr: {
            final: dlrFinal,
            all: dlrAll,
            types: dlrTypes,
            duplicates: dlrDuplicates,
            strangers: dlrStrangers,
            e2e_secs: dlrE2eMs === null ? null : round(dlrE2eMs / 1000, 3),
            e2e_rate: dlrE2eMs === null ? null : round(accepted / (dlrE2eMs / 1000)),
          },
        }
      : {}),
    timed_out: e2eMs === null || done < N || (dlrServer !== undefined && dlrE2eMs === null),
    driver_cpu_s: round((cpu.user + cpu.system) / 1e6, 2),
    http_phase_secs: round(httpDoneMs / 1000, 3),
  };
  process.stdout.write(`${JSON.stringify(res)}\n`);
  if (a.timeline) writeFileSync(a.timeline, timeline.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`load: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
