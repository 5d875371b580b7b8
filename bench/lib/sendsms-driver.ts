/**
 * A keep-alive GET driver in a process of its own, so that its CPU is not the measured process's: N requests,
 * at most C in flight, either as fast as they are answered (RATE 0) or offered at RATE requests a second (open
 * loop, ticked every millisecond; still at most C in flight). Resolves with how many were answered 202; bounded by
 * `timeoutMs` (the driver is killed and the promise rejects).
 */
import { spawn } from 'node:child_process';

const SOURCE = `
const http = require('node:http');
const [port, n, c, rate] = process.argv.slice(1, 5).map(Number);
const path = process.argv[5];
const agent = new http.Agent({ keepAlive: true, maxSockets: c });
let sent = 0, done = 0, ok = 0, inFlight = 0;
const start = Date.now();
const due = () => (rate > 0 ? Math.min(n, Math.floor(((Date.now() - start) * rate) / 1000) + 1) : n);
const pump = () => {
  while (sent < due() && inFlight < c) one();
};
const one = () => {
  const i = sent++;
  inFlight++;
  http.get({ host: '127.0.0.1', port, agent, path: path + (4670000000 + i) }, (res) => {
    if (res.statusCode === 202) ok++;
    else if (!process.env.QUIET_ERR) { process.env.QUIET_ERR = '1'; let b = ''; res.on('data', (d) => (b += d)); res.on('end', () => console.error('first refusal', res.statusCode, b)); }
    res.resume();
    res.on('end', () => { inFlight--; if (++done === n) { console.log(ok); agent.destroy(); clearInterval(tick); } else pump(); });
  }).on('error', (e) => { console.error(e.message); process.exit(1); });
};
const tick = setInterval(pump, rate > 0 ? 1 : 1000);
pump();
`;

export interface DriveOptions {
  readonly port: number;
  readonly n: number;
  readonly c: number;
  /** Requests a second offered; 0: closed loop. */
  readonly rate?: number;
  /** The request path up to the receiver, which the driver appends (a unique number per request). */
  readonly path?: string;
  readonly timeoutMs: number;
}

export const SENDSMS_PATH = '/cgi-bin/sendsms?username=bench&password=bench&text=bench+msg+12345&to=';

export function driveSendsms(o: DriveOptions): Promise<number> {
  const p = spawn(process.execPath, ['-e', SOURCE, String(o.port), String(o.n), String(o.c), String(o.rate ?? 0), o.path ?? SENDSMS_PATH], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  p.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`the driver did not finish within ${o.timeoutMs} ms`));
    }, o.timeoutMs);
    p.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(Number(out));
      else reject(new Error(`driver exited with ${code}`));
    });
  });
}
