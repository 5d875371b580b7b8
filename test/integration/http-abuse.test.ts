/**
 * The sendsms port under the floods and slow clients a front cache or balancer usually absorbs: oversize bodies sent
 * whole before the reply is read, 1 000 slow clients beside normal traffic, 10 000 idle keep-alive clients, a
 * connection cap. The abusive clients run in a child process, so that their own work does not slow the gateway's
 * event loop (the gateway runs in this one) and their sockets do not count against this process's open-file limit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { startGateway, testConfig } from '../helpers/gateway.js';
import { startSimulator, testLink, waitFor } from '../helpers/links.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();
const cleanups = env.cleanups;

const HTTP = { 'sendsms-port': 0, 'sendsms-interface': '127.0.0.1', 'global-sender': '12345' };
const MB = 1024 * 1024;

async function gateway(http: Record<string, unknown>): Promise<App> {
  const sim = await startSimulator(cleanups);
  const app = await startGateway(
    testConfig([testLink(sim.port, { id: 'l1', maxPendingSubmits: 100 })], { raw: { http: { ...HTTP, ...http } } }),
    env.redis,
    cleanups,
  );
  await waitFor(() => app.runtimes.get('l1')!.healthy(), 5000, 'the link up');
  return app;
}

interface RawReply {
  /** What went wrong writing the request, if anything (EPIPE, ECONNRESET: the server reset the connection). */
  readonly writeError: string | undefined;
  readonly statusLine: string;
  readonly body: string;
  /** ms from the end of the write to the server's close. */
  readonly closedAfterMs: number;
}

/**
 * A request sent as Python's http.client sends it: the whole body is written, and only then is the reply read (the
 * socket is not read meanwhile, so a reset from the server loses the reply).
 */
function sendWholeThenRead(port: number, head: string, body: Buffer, chunked: boolean): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    s.pause();
    let got = '';
    let writeError: string | undefined;
    let wroteAt = 0;
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no close within 15 s; got ${JSON.stringify(got.slice(0, 80))}`));
    }, 15_000);
    s.on('data', (d: Buffer) => (got += d.toString('latin1')));
    s.on('error', (e) => (writeError ??= e.message));
    s.on('close', () => {
      clearTimeout(timer);
      const [headers = '', text = ''] = got.split('\r\n\r\n');
      resolve({ writeError, statusLine: headers.split('\r\n')[0] ?? '', body: text, closedAfterMs: Date.now() - wroteAt });
    });
    const wrote = (e?: Error | null): void => {
      if (e) writeError ??= e.message;
      wroteAt = Date.now();
      s.resume();
    };
    s.write(head);
    if (!chunked) {
      s.write(body, wrote);
      return;
    }
    for (let i = 0; i < body.length; i += 64 * 1024) {
      const chunk = body.subarray(i, i + 64 * 1024);
      s.write(`${chunk.length.toString(16)}\r\n`);
      s.write(chunk);
      s.write('\r\n');
    }
    s.write('0\r\n\r\n', wrote);
  });
}

const postHead = (path: string, type: string, length: number | 'chunked', extra = ''): string =>
  `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\n${length === 'chunked' ? 'Transfer-Encoding: chunked' : `Content-Length: ${length}`}\r\n${extra}\r\n`;

describe('an oversize body sent whole before the reply is read', () => {
  it('gets a 413 the client can read, on sendsms and on the JSON API, with or without Connection: close', { timeout: 60_000 }, async () => {
    const app = await gateway({});
    const port = app.httpPort;
    const kannel = postHead(
      '/cgi-bin/sendsms',
      'text/plain',
      2 * MB,
      'X-Kannel-Username: u\r\nX-Kannel-Password: p\r\nX-Kannel-To: 4677000001\r\n',
    );
    const r1 = await sendWholeThenRead(port, kannel, Buffer.alloc(2 * MB, 0x61), false);
    expect(r1).toMatchObject({
      writeError: undefined,
      statusLine: 'HTTP/1.1 413 Payload Too Large',
      body: 'Request body too large, rejected',
    });
    const api = postHead(
      '/api/v1/messages',
      'application/json',
      2 * MB,
      `Authorization: Basic ${Buffer.from('u:p').toString('base64')}\r\nConnection: close\r\n`,
    );
    const r2 = await sendWholeThenRead(port, api, Buffer.alloc(2 * MB, 0x20), false);
    expect(r2).toMatchObject({ writeError: undefined, statusLine: 'HTTP/1.1 413 Payload Too Large' });
    expect(JSON.parse(r2.body)).toMatchObject({ error: { code: 'body_too_large' } });
    // Larger than loopback's socket buffers (a real network's are smaller still): without draining, the server's
    // close resets the connection while the client is still writing (EPIPE) and the reply is lost.
    for (const [chunked, extra] of [
      [false, ''],
      [true, 'Connection: close\r\n'],
    ] as const) {
      const head = postHead('/cgi-bin/sendsms', 'text/plain', chunked ? 'chunked' : 16 * MB, extra);
      const r = await sendWholeThenRead(port, head, Buffer.alloc(16 * MB, 0x62), chunked);
      expect(r).toMatchObject({
        writeError: undefined,
        statusLine: 'HTTP/1.1 413 Payload Too Large',
        body: 'Request body too large, rejected',
      });
      // and the connection is closed once the body is read, not held
      expect(r.closedAfterMs).toBeLessThan(2000);
    }
  });

  it('a client over its rate limit reads the refusal too, although it comes before its body is read', { timeout: 30_000 }, async () => {
    const app = await gateway({ 'ip-rate-limit': 1, 'ip-rate-burst': 1, 'max-body-size': 32 * MB });
    const port = app.httpPort;
    const head = postHead(
      '/cgi-bin/sendsms',
      'text/plain',
      12 * MB,
      'X-Kannel-Username: u\r\nX-Kannel-Password: p\r\nX-Kannel-To: 4677000002\r\nConnection: close\r\n',
    );
    const first = await fetch(`http://127.0.0.1:${port}/cgi-bin/sendsms?username=u&password=p&to=4677000003&text=x`);
    expect(first.status).toBe(202);
    await first.text();
    const second = await sendWholeThenRead(port, head, Buffer.alloc(12 * MB, 0x61), false);
    expect(second).toMatchObject({
      writeError: undefined,
      statusLine: 'HTTP/1.1 503 Service Unavailable',
      body: 'Temporal failure, try again later.',
    });
  });
});

/** A child process running `script` with the arguments; it talks over IPC. */
function child(
  script: string,
  args: readonly (string | number)[],
): { proc: ChildProcess; next: <T>() => Promise<T>; send: (m: string) => void } {
  const proc = spawn(process.execPath, ['-e', script, ...args.map(String)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  cleanups.push(async () => {
    if (proc.exitCode === null) {
      proc.kill('SIGKILL');
      await new Promise((r) => proc.once('exit', r));
    }
  });
  const inbox: unknown[] = [];
  const waiting: ((m: unknown) => void)[] = [];
  proc.on('message', (m) => {
    const w = waiting.shift();
    if (w) w(m);
    else inbox.push(m);
  });
  return {
    proc,
    next: <T>() =>
      new Promise<T>((resolve, reject) => {
        if (inbox.length > 0) return resolve(inbox.shift() as T);
        const timer = setTimeout(() => reject(new Error('the client process did not answer within 30 s')), 30_000);
        waiting.push((m) => {
          clearTimeout(timer);
          resolve(m as T);
        });
      }),
    send: (m) => proc.send(m),
  };
}

/**
 * `count` slow clients: half send their headers a byte at a time, half send whole headers and then their body a
 * byte at a time, one byte every `everyMs`; each one cut off is replaced. Says {open} once all are connected, and
 * on 'stop' {cutOff, answered408, refused} (refused: connections that closed before they were accepted).
 */
const SLOW_CLIENTS = `
const net = require('node:net');
const [port, count, everyMs] = process.argv.slice(1).map(Number);
let open = 0, cutOff = 0, answered408 = 0, refused = 0, stopping = false, readySent = false;
const sockets = new Set();
function slow(i) {
  const s = net.connect(port, '127.0.0.1');
  sockets.add(s);
  let got = '', timer, connected = false;
  s.on('connect', () => {
    connected = true;
    open++;
    if (i % 2 === 0) s.write('GET /cgi-bin/sendsms?username=u&password=p&to=1&text=x HTTP/1.1\\r\\nHost: x\\r\\nX-Slow: ');
    else s.write('POST /cgi-bin/sendsms HTTP/1.1\\r\\nHost: x\\r\\nContent-Type: text/plain\\r\\nX-Kannel-Username: u\\r\\nX-Kannel-Password: p\\r\\nX-Kannel-To: 1\\r\\nContent-Length: 100000\\r\\n\\r\\n');
    timer = setInterval(() => s.write('a'), everyMs);
    if (!readySent && open >= count) { readySent = true; process.send({ open }); }
  });
  s.on('data', (d) => (got += d));
  s.on('error', () => {});
  s.on('close', () => {
    clearInterval(timer);
    sockets.delete(s);
    if (!connected) { refused++; if (!stopping) slow(i); return; }
    open--;
    if (stopping) return;
    cutOff++;
    if (got.startsWith('HTTP/1.1 408')) answered408++;
    slow(i);
  });
}
for (let i = 0; i < count; i++) setTimeout(() => slow(i), Math.floor(i / 50) * 10);
process.on('message', () => {
  stopping = true;
  process.send({ cutOff, answered408, refused });
  for (const s of sockets) s.destroy();
  setTimeout(() => process.exit(0), 100);
});
`;

/**
 * `count` keep-alive clients: each sends one request, reads the reply and then stays connected, idle, `parallel`
 * connecting at a time. Says {held} once all are; on 'report' {held, closed}; on 'stop' exits.
 */
const IDLE_CLIENTS = `
const net = require('node:net');
const [port, count, parallel] = process.argv.slice(1).map(Number);
let started = 0, held = 0, closed = 0, failed = 0;
const sockets = [];
function one() {
  if (started >= count) return;
  started++;
  const s = net.connect(port, '127.0.0.1');
  sockets.push(s);
  let got = '', counted = false;
  s.on('connect', () => s.write('GET /health HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n'));
  s.on('data', (d) => {
    got += d;
    if (!counted && got.includes('"status"')) {
      counted = true;
      held++;
      if (held === count) process.send({ held, failed });
      one();
    }
  });
  s.on('error', () => {});
  s.on('close', () => {
    if (counted) closed++;
    else { failed++; one(); }
  });
}
for (let i = 0; i < parallel; i++) one();
process.on('message', (m) => {
  if (m === 'report') process.send({ held, closed, failed });
  else process.exit(0);
});
`;

/** Latency of `n` sendsms requests, `concurrency` at a time over keep-alive connections; every status. */
async function normalTraffic(
  port: number,
  n: number,
  concurrency: number,
  base: number,
): Promise<{ latenciesMs: number[]; statuses: number[] }> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latenciesMs: number[] = [];
  const statuses: number[] = [];
  let next = 0;
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const t0 = process.hrtime.bigint();
      const req = request(
        { host: '127.0.0.1', port, agent, path: `/cgi-bin/sendsms?username=u&password=p&to=${base + next++}&text=normal` },
        (res) => {
          res.resume();
          res.on('end', () => {
            latenciesMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
            statuses.push(res.statusCode ?? 0);
            resolve();
          });
        },
      );
      req.setTimeout(10_000, () => req.destroy(new Error('a normal request was not answered within 10 s')));
      req.on('error', reject);
      req.end();
    });
  const worker = async (): Promise<void> => {
    while (next < n) await one();
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return { latenciesMs, statuses };
}

const p99 = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.99) - 1]!;

describe('slow and idle clients', () => {
  it(
    '1 000 slow clients beside normal traffic: every normal request is answered, p99 within 2× the baseline + 5 ms',
    { timeout: 90_000 },
    async () => {
      const app = await gateway({ 'headers-timeout': 2, 'request-timeout': 3 });
      const port = app.httpPort;
      await normalTraffic(port, 200, 2, 4678000000); // warm up
      // Latency on a shared two-core machine also measures whatever else runs on it (another test file, another
      // process). The baseline is measured before and after the slow clients, and the lower one counts (a baseline
      // the machine inflated must not excuse a slow result); a round the machine disturbed is taken again, at most
      // three times, and the first that meets the bound decides. Every round is printed.
      let verdict: { base99: number; load99: number } | undefined;
      for (let attempt = 1; attempt <= 3 && !verdict; attempt++) {
        const base = 4678100000 + attempt * 10_000;
        const baseline = await normalTraffic(port, 300, 2, base);
        const slow = child(SLOW_CLIENTS, [port, 1000, 500]);
        expect((await slow.next<{ open: number }>()).open).toBeGreaterThanOrEqual(1000);
        const loaded = await normalTraffic(port, 300, 2, base + 1000);
        // keep them on until the deadlines have cut them off (headers-timeout, request-timeout) at least once
        await new Promise((r) => setTimeout(r, 3500));
        slow.send('stop');
        const report = await slow.next<{ cutOff: number; answered408: number; refused: number }>();
        await new Promise<void>((r) => (slow.proc.exitCode === null ? slow.proc.once('exit', () => r()) : r()));
        const after = await normalTraffic(port, 300, 2, base + 2000);
        // Every normal request answered, whatever the machine did.
        expect(baseline.statuses.every((x) => x === 202)).toBe(true);
        expect(loaded.statuses).toHaveLength(300);
        expect(loaded.statuses.every((x) => x === 202)).toBe(true);
        // The deadlines cut the slow clients off with 408, and every replacement was accepted. (How many are
        // connected at the moment of 'stop' depends on where in their reconnect the deadlines left them, so that
        // count is not asserted: a busy machine leaves a hundred mid-connect.)
        expect(report.cutOff).toBeGreaterThanOrEqual(1000);
        expect(report.answered408).toBeGreaterThanOrEqual(900);
        expect(report.refused).toBe(0);
        const [before99, load99, after99] = [p99(baseline.latenciesMs), p99(loaded.latenciesMs), p99(after.latenciesMs)];
        const base99 = Math.min(before99, after99);
        console.log(
          `round ${attempt}: normal sendsms p99 ${before99.toFixed(2)} ms alone, ${load99.toFixed(2)} ms beside 1 000 slow clients, ${after99.toFixed(2)} ms alone again (${report.cutOff} slow clients cut off, ${report.answered408} with 408)`,
        );
        if (load99 <= 2 * base99 + 5) verdict = { base99, load99 };
      }
      expect(verdict).toBeDefined();
    },
  );

  it('10 000 idle keep-alive clients are held, and normal requests are answered meanwhile', { timeout: 90_000 }, async () => {
    const app = await gateway({});
    const port = app.httpPort;
    const idle = child(IDLE_CLIENTS, [port, 10_000, 200]);
    const t0 = Date.now();
    expect(await idle.next<{ held: number; failed: number }>()).toEqual({ held: 10_000, failed: 0 });
    const connectMs = Date.now() - t0;
    const connections = await new Promise<number>((resolve, reject) =>
      app.http.server.getConnections((e, n) => (e ? reject(e) : resolve(n))),
    );
    expect(connections).toBeGreaterThanOrEqual(10_000);
    const normal = await normalTraffic(port, 200, 2, 4678300000);
    expect(normal.statuses.every((s) => s === 202)).toBe(true);
    await new Promise((r) => setTimeout(r, 1000));
    idle.send('report');
    expect(await idle.next<{ held: number; closed: number }>()).toMatchObject({ held: 10_000, closed: 0 });
    console.log(
      `10 000 idle keep-alive clients connected in ${connectMs} ms; normal sendsms p99 meanwhile ${p99(normal.latenciesMs).toFixed(2)} ms; RSS ${Math.round(process.memoryUsage().rss / MB)} MB`,
    );
    idle.send('stop');
  });

  it('connections beyond http.max-connections are closed as they arrive, and counted', async () => {
    const app = await gateway({ 'max-connections': 20 });
    const port = app.httpPort;
    const sockets = await Promise.all(
      Array.from(
        { length: 30 },
        () =>
          new Promise<{ closed: () => boolean }>((resolve) => {
            let closed = false;
            const s = connect(port, '127.0.0.1', () => resolve({ closed: () => closed }));
            s.on('close', () => (closed = true));
            s.on('error', () => undefined);
            cleanups.push(async () => void s.destroy());
          }),
      ),
    );
    await waitFor(() => sockets.filter((s) => s.closed()).length >= 10, 3000, 'ten connections closed');
    await new Promise((r) => setTimeout(r, 100));
    expect(sockets.filter((s) => s.closed())).toHaveLength(10);
    expect(await app.metrics.registry.getSingleMetricAsString('switchboard_limit_refusals_total')).toMatch(/reason="connections"} 10/);
  });
});
