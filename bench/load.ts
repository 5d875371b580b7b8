/**
 * Bounded sendsms load driver (Node built-ins only), Switchboard's counterpart of /work/shared/bench/load.js.
 *
 * Sends N GET /cgi-bin/sendsms requests with concurrency C over a keep-alive agent, every request to its own
 * receiver (BASE + i), and measures
 *   - HTTP accept rate = 202 responses / (last response - first request)
 *   - HTTP latency p50/p90/p99/max (ms)
 *   - end-to-end rate  = N / (time the SMSC simulator had accepted all N submit_sm - first request), polled from
 *                        the simulator's control port (GET /stats, counter `accepted`) every 10 ms at the end
 * and prints one JSON line with the same field names as load.js, so both drivers' results read the same way.
 *
 * usage: tsx bench/load.ts --port P --control C [--n 20000] [--c 50] [--rate 0 (req/s cap; 0: as fast as it goes)]
 *          [--user bench --pass bench] [--base 4670000000] [--timeout 180] [--timeline FILE]
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

const agent = new http.Agent({ keepAlive: true, maxSockets: C });
const controlAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const h0 = process.hrtime.bigint();
/** ms since the driver started (monotonic). */
const now = (): number => Number(process.hrtime.bigint() - h0) / 1e6;

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

function oneRequest(i: number): Promise<void> {
  return new Promise((resolve) => {
    const q = new URLSearchParams({ username: a.user!, password: a.pass!, to: String(BASE + i), text: `bench msg ${i}` });
    const start = now();
    if (tFirstReq < 0) tFirstReq = start;
    const finish = (key: string, ok: boolean): void => {
      const end = now();
      lat[i] = end - start;
      tLastResp = end;
      codes[key] = (codes[key] ?? 0) + 1;
      if (ok) accepted++;
      else if (key.startsWith('ERR')) errors++;
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
  const deadline = now() + TIMEOUT_MS;
  const base0 = await simAccepted();
  const timeline: Array<{ t_ms: number; http_done: number; http_ok: number; sim_accepted: number }> = [];
  let sampling = false;
  const tl = setInterval(() => {
    if (sampling) return;
    sampling = true;
    simAccepted()
      .then((n) => timeline.push({ t_ms: Math.round(now()), http_done: done, http_ok: accepted, sim_accepted: n - base0 }))
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
  clearInterval(tl);
  agent.destroy();
  controlAgent.destroy();

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
    lat_ms: { p50: round(pct(sorted, 50), 2), p90: round(pct(sorted, 90), 2), p99: round(pct(sorted, 99), 2), max: round(pct(sorted, 100), 2) },
    sink_received: received,
    e2e_secs: e2eMs === null ? null : round(e2eMs / 1000, 3),
    e2e_rate: e2eMs === null ? null : round(accepted / (e2eMs / 1000)),
    codes,
    timed_out: e2eMs === null || done < N,
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
