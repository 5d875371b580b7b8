/**
 * Logins under attack, against a real gateway (`switchboard start` as a child process: its HTTP and links
 * processes, a real redis-server, SMPP to the simulator), with scrypt hashes of the default cost:
 *
 * - 40 connections, each from its own loopback address, guess one account's password as fast as they can for
 *   LOGIN_FLOOD_S seconds (default 10); meanwhile three other accounts (each logging in for the first time part of
 *   the way through, so their hashes are verified under the flood) and the admin (Kannel's status and the JSON API)
 *   send correct requests. Every one of those is answered with success, none 503; their p99 is printed.
 * - One address guessing on its own is refused after 20 failures (sendsms 503, the JSON APIs 429, Retry-After), on
 *   both ports, logged once per burst and counted in /metrics.
 * - A known user with a wrong password and an unknown user take the same time (lower quartiles within 10 %).
 *
 * Source addresses are picked from 127.0.0.0/8 (every address in it reaches the gateway listening on 127.0.0.1),
 * so each client is limited on its own as distinct hosts would be.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/security/password-hash.js';
import { freePort, startChildGateway, writeConfig, type ChildGateway } from '../helpers/child-gateway.js';
import { startSimulator, waitFor } from '../helpers/links.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';

const FLOOD_S = Number(process.env.LOGIN_FLOOD_S ?? 10);
/** Refusals timed for each of a known and an unknown user name. */
const PAIRS = 40;
const ATTACKERS = Number(process.env.LOGIN_FLOOD_CONNECTIONS ?? 40);

const salt = (i: number): Buffer => Buffer.from(`login-flood-salt-${i}`);
const ADMIN_PASSWORD = 'admin-s3cret';
const ACCOUNTS = ['victim', 'other0', 'other1', 'other2'];
const password = (user: string): string => `${user}-pw`;

let dir: string;
let redis: TestRedis;
let gw: ChildGateway;
let httpPort: number;
let adminPort: number;
const cleanups: Array<() => Promise<void> | void> = [];

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly ms: number;
  readonly retryAfter: string | undefined;
}

/** One HTTP request from a given source address (a fresh connection unless an agent is given). */
function get(
  port: number,
  path: string,
  from: string,
  opts: { agent?: Agent; headers?: Record<string, string>; method?: string } = {},
): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: opts.method ?? 'GET',
        headers: opts.headers,
        ...(opts.agent ? { agent: opts.agent } : { localAddress: from, agent: false }),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body,
            ms: performance.now() - started,
            retryAfter: res.headers['retry-after'] as string | undefined,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const basic = (user: string, pw: string): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`,
});
const sendsmsPath = (user: string, pw: string, to: string): string =>
  `/cgi-bin/sendsms?${new URLSearchParams({ username: user, password: pw, to, text: 'x' }).toString()}`;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const median = (values: readonly number[]): number => percentile(values, 50);

/**
 * `connections` keep-alive connections, connection i from 127.0.0.(10 + i), each sending sendsms requests for
 * `victim` with a new wrong password as soon as the last was answered, for `ms`; resolves to the count per status.
 */
function floodFromWorker(port: number, connections: number, ms: number): Promise<Record<string, number>> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { Agent, request } = require('node:http');
    const { port, connections, ms } = workerData;
    const until = Date.now() + ms;
    const counts = {};
    const one = (agent, path) => new Promise((resolve) => {
      const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
        res.resume();
        res.on('end', () => { counts[res.statusCode] = (counts[res.statusCode] ?? 0) + 1; resolve(); });
      });
      req.on('error', () => { counts.error = (counts.error ?? 0) + 1; resolve(); });
      req.end();
    });
    const attacker = async (i) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1, localAddress: '127.0.0.' + (10 + i) });
      for (let n = 0; Date.now() < until; n++)
        await one(agent, '/cgi-bin/sendsms?username=victim&password=guess-' + i + '-' + n + '&to=4670000000&text=x');
      agent.destroy();
    };
    Promise.all(Array.from({ length: connections }, (_, i) => attacker(i))).then(() => parentPort.postMessage(counts));
  `;
  const worker = new Worker(code, { eval: true, workerData: { port, connections, ms } });
  return new Promise((resolve, reject) => {
    worker.once('message', (counts: Record<string, number>) => {
      resolve(counts);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sb-login-flood-'));
  redis = await startTestRedis();
  const sim = await startSimulator(cleanups);
  httpPort = await freePort();
  adminPort = await freePort();
  const config = writeConfig(dir, 'flood.yaml', {
    http: { 'sendsms-port': httpPort, 'sendsms-interface': '127.0.0.1', 'global-sender': '12345' },
    admin: {
      'admin-port': adminPort,
      'admin-interface': '127.0.0.1',
      'admin-password': hashPassword(ADMIN_PASSWORD, salt(99)),
    },
    log: { level: 'warn' },
    redis: { 'key-prefix': 'flood' },
    links: [
      {
        'smsc-id': 'sim',
        host: '127.0.0.1',
        port: sim.port,
        'transceiver-mode': true,
        'smsc-username': 'u',
        'smsc-password': 'p',
        'reconnect-delay': 0.1,
      },
    ],
    accounts: [
      ...ACCOUNTS.map((u, i) => ({ username: u, password: hashPassword(password(u), salt(i)) })),
      { username: 'plain', password: password('plain') },
    ],
  });
  gw = await startChildGateway(config, redis.server.socketPath, httpPort);
  cleanups.push(() => gw.crash());
  await waitFor(() => sim.boundSessions().length === 1, 10_000, 'bound');
}, 60_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a flood of wrong passwords for one account', () => {
  it(
    `leaves other accounts and the admin answered: 40 connections guessing for ${FLOOD_S} s, none 503 for the others`,
    { timeout: 60_000 + FLOOD_S * 2000 },
    async () => {
      const until = Date.now() + FLOOD_S * 1000;
      // The guessing runs in a worker thread: its thousands of requests must not slow the event loop that times
      // the others' requests.
      const flood = floodFromWorker(httpPort, ATTACKERS, FLOOD_S * 1000);
      const legit: Answer[] = [];
      const admin: Answer[] = [];
      // Each other account begins part of the way through, so its hash is first verified under the flood.
      const account = async (user: string, startAfterMs: number): Promise<void> => {
        await new Promise((r) => setTimeout(r, startAfterMs));
        const agent = new Agent({ keepAlive: true, maxSockets: 1, localAddress: '127.0.0.2' });
        try {
          for (let n = 0; Date.now() < until; n++) {
            legit.push(await get(httpPort, sendsmsPath(user, password(user), String(4671000000 + n)), '', { agent }));
            await new Promise((r) => setTimeout(r, 50));
          }
        } finally {
          agent.destroy();
        }
      };
      const operator = async (): Promise<void> => {
        const agent = new Agent({ keepAlive: true, maxSockets: 1, localAddress: '127.0.0.3' });
        try {
          for (let n = 0; Date.now() < until; n++) {
            admin.push(
              n % 2 === 0
                ? await get(adminPort, `/status.txt?password=${ADMIN_PASSWORD}`, '', { agent })
                : await get(adminPort, '/api/v1/status', '', { agent, headers: basic('ops', ADMIN_PASSWORD) }),
            );
            await new Promise((r) => setTimeout(r, 50));
          }
        } finally {
          agent.destroy();
        }
      };
      const floodMs = FLOOD_S * 1000;
      const [floodStatuses] = await Promise.all([
        flood,
        ...['other0', 'other1', 'other2'].map((u, i) => account(u, (floodMs * i) / 4)),
        operator(),
      ]);

      const p99 = (xs: readonly Answer[]): string =>
        `${percentile(
          xs.map((a) => a.ms),
          99,
        ).toFixed(1)} ms (p50 ${median(xs.map((a) => a.ms)).toFixed(1)} ms)`;
      console.log(
        `login flood, ${FLOOD_S} s: ${Object.values(floodStatuses).reduce((a, b) => a + b, 0)} guesses by ${ATTACKERS} connections ` +
          `(${JSON.stringify(floodStatuses)}); other accounts: ${legit.length} requests, p99 ${p99(legit)}; ` +
          `admin: ${admin.length} requests, p99 ${p99(admin)}`,
      );
      // How many fit in the time depends on the machine (scrypt has a core to itself only on an idle one); that
      // they kept coming, and every one went through, does not.
      expect(legit.length).toBeGreaterThanOrEqual(FLOOD_S);
      expect(admin.length).toBeGreaterThanOrEqual(FLOOD_S);
      expect(new Set(legit.map((a) => a.status))).toEqual(new Set([202]));
      expect(new Set(admin.map((a) => a.status))).toEqual(new Set([200]));
      // The flood itself was answered too: refused, or told to wait (its own name's budget), never let in.
      expect(Object.keys(floodStatuses).every((s) => s === '403' || s === '503')).toBe(true);
      expect(floodStatuses['403'] ?? 0).toBeGreaterThan(0);
    },
  );
});

describe('one address guessing', () => {
  it('is refused unchecked after 20 failures on either port, with Retry-After; logged once per burst and counted in /metrics', async () => {
    // sendsms, with a plain-text account: 20 failures at once, so no slot of the limit frees meanwhile (one per 3 s)
    const from = '127.0.0.60';
    for (let i = 0; i < 20; i++) expect((await get(httpPort, sendsmsPath('plain', `g${i}`, '4670000001'), from)).status).toBe(403);
    const refused = await Promise.all([
      get(httpPort, sendsmsPath('plain', 'g20', '4670000001'), from),
      // the right password does not get through either: nothing from this address is checked now
      get(httpPort, sendsmsPath('plain', password('plain'), '4670000001'), from),
      get(httpPort, '/api/v1/messages/x', from, { headers: basic('plain', password('plain')) }),
    ]);
    expect(refused.map((a) => [a.status, Number(a.retryAfter) >= 1])).toEqual([
      [503, true],
      [503, true],
      [429, true],
    ]);
    expect(refused[0]!.body).toBe('Temporal failure, try again later.');
    expect(JSON.parse(refused[2]!.body).error.code).toBe('rate_limited');
    // another address is not touched
    expect((await get(httpPort, sendsmsPath('plain', password('plain'), '4670000001'), '127.0.0.62')).status).toBe(202);

    // the admin port (a hashed password: each wrong guess takes a verification, so a slot or two may free meanwhile)
    const adminFrom = '127.0.0.61';
    const started = Date.now();
    for (let i = 0; i < 20; i++) expect((await get(adminPort, `/status?password=g${i}`, adminFrom)).status).toBe(401);
    const mayHaveFreed = Math.floor((Date.now() - started) / 3000) + 1;
    const burst = await Promise.all([
      ...Array.from({ length: mayHaveFreed + 3 }, (_, i) => get(adminPort, `/status?password=h${i}`, adminFrom)),
      get(adminPort, '/api/v1/links', adminFrom, { headers: basic('ops', `h-json`) }),
    ]);
    // checked (401), or busy if the slots that freed let more checks start at once than the admin's budget (503)
    expect(burst.map((a) => a.status).filter((st) => st !== 401 && st !== 429 && st !== 503)).toEqual([]);
    const limited = burst.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(3);
    for (const a of limited) expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
    // the operator elsewhere is not touched
    expect((await get(adminPort, `/status?password=${ADMIN_PASSWORD}`, '127.0.0.3')).status).toBe(200);

    const lines = gw
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const shutOut = lines.filter((l) => String(l.msg).startsWith('too many failed logins from this address'));
    expect(shutOut.filter((l) => l.client === from || l.client === adminFrom).map((l) => [l.interface, l.client])).toEqual([
      ['sendsms', from],
      ['admin', adminFrom],
    ]);
    // the admin port's 20 failed logins: one line for the address, not 20
    expect(lines.filter((l) => l.msg === 'admin command refused' && l.ip === adminFrom && l.refused === 'unauthorized')).toHaveLength(1);

    // metrics are published every 5 s by each process
    const counted = async (iface: string, reason: string): Promise<number> => {
      const page = await get(adminPort, '/metrics', '127.0.0.3', { headers: basic('ops', ADMIN_PASSWORD) });
      const m = new RegExp(`switchboard_login_failures_total\\{interface="${iface}",reason="${reason}"\\} (\\d+)`).exec(page.body);
      return Number(m?.[1] ?? 0);
    };
    await waitFor(async () => (await counted('sendsms', 'limited')) >= 3 && (await counted('admin', 'limited')) >= 3, 12_000, 'counted');
    expect(await counted('sendsms', 'bad_password')).toBeGreaterThanOrEqual(20);
    expect(await counted('admin', 'bad_password')).toBeGreaterThanOrEqual(20);
  }, 60_000);
});

describe('user names cannot be told by timing', () => {
  it('a known user with a wrong password and an unknown user take the same time (within 10 %)', async () => {
    const known: number[] = [];
    const unknown: number[] = [];
    // In pairs, in a random order within each pair (the machine's load drifts; so might whatever runs first), each
    // from its own address (no limit reached) on a fresh connection.
    for (let i = 0; i < PAIRS; i++) {
      const pair = [
        async () => known.push((await get(httpPort, sendsmsPath('victim', `wrong${i}`, '4670000002'), `127.0.1.${i + 1}`)).ms),
        async () => unknown.push((await get(httpPort, sendsmsPath(`nobody${i}`, `wrong${i}`, '4670000002'), `127.0.2.${i + 1}`)).ms),
      ];
      if (Math.random() < 0.5) pair.reverse();
      for (const run of pair) await run();
    }
    // The lower quartile, as someone timing refusals would take it: what a refusal costs with the least noise of the
    // machine's other work on it (on a busy machine the upper half of either set is mostly that noise).
    const [k, u] = [percentile(known, 25), percentile(unknown, 25)];
    console.log(
      `refusal time, ${PAIRS} of each: known user p25 ${k.toFixed(1)} ms (median ${median(known).toFixed(1)} ms), ` +
        `unknown user p25 ${u.toFixed(1)} ms (median ${median(unknown).toFixed(1)} ms)`,
    );
    expect(k).toBeGreaterThan(20);
    expect(Math.abs(k - u) / Math.max(k, u)).toBeLessThan(0.1);
  }, 60_000);
});
