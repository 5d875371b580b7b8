/**
 * The SMPP server with an ESME nobody here wrote: Debian's libnet-smpp-perl (Net::SMPP) binds, submits a thousand
 * messages at the account's max-tps and reads its receipts; a wrong password is refused; a client that drops mid-run
 * gets the rest of its receipts when it binds again; an MO for the account's prefix arrives on its receiver bind.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { startGateway, testConfig } from '../helpers/gateway.js';
import { startSimulator, testLink, waitFor } from '../helpers/links.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();
const { cleanups } = env;
const SCRIPT = fileURLToPath(new URL('../interop/net-smpp-esme.pl', import.meta.url));

interface PerlRun {
  readonly lines: string[];
  readonly exited: Promise<number>;
}

/** Runs the Net::SMPP client; its output lines arrive in `lines` as they are printed. */
function netSmpp(app: App, args: readonly (string | number)[], envVars: Record<string, string> = {}): PerlRun {
  const [mode, user, pass, ...rest] = args;
  const child = spawn(
    'perl',
    [SCRIPT, String(mode), '127.0.0.1', String(app.smppServer!.ports.plain), String(user), String(pass), ...rest.map(String)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...envVars },
    },
  );
  const lines: string[] = [];
  let partial = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString('latin1');
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number>((resolve) =>
    child.on('exit', (code) => {
      if (code !== 0 && process.env.TEST_LOG) console.error(stderr);
      resolve(code ?? -1);
    }),
  );
  cleanups.push(async () => {
    child.kill('SIGKILL');
    await exited;
  });
  return { lines, exited };
}

async function gateway(
  s: SmscSimulator,
  prefix: string,
  account: Record<string, unknown> = {},
  raw: Record<string, unknown> = {},
): Promise<App> {
  const link = testLink(s.port, { id: 'carrier', maxPendingSubmits: 50 });
  const app = await startGateway(
    testConfig([link], {
      prefix,
      raw: {
        callbacks: { 'retry-delay': 0.05, 'retry-delay-max': 0.2 },
        'smpp-server': { port: 0, interface: '127.0.0.1', window: 20, 'response-timeout': 1 },
        accounts: [{ username: 'esme', password: 'secret', 'max-messages': 10, ...account }],
        ...raw,
      },
    }),
    env.redis,
    cleanups,
  );
  await waitFor(() => app.cluster.linkHealthy(link.id), 5000, 'the link bound');
  return app;
}

const starting = (lines: readonly string[], word: string): string[][] =>
  lines.filter((l) => l.startsWith(`${word} `)).map((l) => l.split(' '));

describe('SMPP server with Net::SMPP as the client', () => {
  it('1,000 submits at max-tps with registered_delivery: all reach the SMSC, every submit_sm_resp id comes back as a receipt', async () => {
    const s = await startSimulator(cleanups, { receiptDelayMs: 10, record: true });
    const app = await gateway(s, 'nsmpp1', { 'max-tps': 400, 'max-tps-burst': 40 });
    const run = netSmpp(app, ['run', 'esme', 'secret', 1000, 50, 1000]);
    expect(await run.exited).toBe(0);
    expect(run.lines[0]).toBe('bind 0');
    const resps = starting(run.lines, 'resp');
    expect(resps).toHaveLength(1000);
    expect(resps.every((r) => r[2] === '0')).toBe(true);
    const ids = new Set(resps.map((r) => r[3]));
    expect(ids.size).toBe(1000);
    expect(s.counters.accepted).toBe(1000);
    expect(new Set(s.received.map((m) => m.destAddr))).toEqual(new Set(resps.map((r) => r[1])));
    const dlrs = starting(run.lines, 'dlr');
    expect(dlrs).toHaveLength(1000);
    expect(new Set(dlrs.map((d) => d[1]))).toEqual(ids);
    expect(dlrs.every((d) => d[2] === '2' && d[3] === 'DELIVRD')).toBe(true);
    // max-tps held: refused with ESME_RTHROTTLED when the client went faster (it sent those again), never dropped.
    const times = s.received.map((m) => m.receivedAt);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(((1000 - 40) / 400) * 1000 - 300);
  }, 60_000);

  it('refuses a wrong password with ESME_RBINDFAIL and an unknown system_id alike', async () => {
    const s = await startSimulator(cleanups);
    const app = await gateway(s, 'nsmpp2');
    const wrong = netSmpp(app, ['bind', 'esme', 'nope', 'transceiver']);
    await wrong.exited;
    expect(wrong.lines).toEqual(['bind 13']);
    const unknown = netSmpp(app, ['bind', 'nobody', 'secret', 'transmitter']);
    await unknown.exited;
    expect(unknown.lines).toEqual(['bind 13']);
    const right = netSmpp(app, ['bind', 'esme', 'secret', 'receiver']);
    await right.exited;
    expect(right.lines).toEqual(['bind 0']);
  });

  it('a client dropped mid-run gets its remaining receipts once it binds again', async () => {
    const s = await startSimulator(cleanups, { receiptDelayMs: 300 });
    const app = await gateway(s, 'nsmpp3');
    const first = netSmpp(app, ['run', 'esme', 'secret', 100, 20, 100, 10]);
    expect(await first.exited).toBe(0);
    expect(first.lines).toContain('dropped');
    const ids = new Set(starting(first.lines, 'resp').map((r) => r[3]));
    expect(ids.size).toBe(100);
    const before = starting(first.lines, 'dlr').map((d) => d[1]);
    // The rest come while the client is away. Some it saw may come again: the last was never answered, and answers
    // it wrote just before it went can be lost with the connection (a reset drops what the server had not read).
    await waitFor(() => s.counters.receiptsSent >= 100, 10_000, 'the SMSC sent every receipt');
    const second = netSmpp(app, ['run', 'esme', 'secret', 0, 20, 100 - before.length], { SEEN_IDS: before.join(',') });
    expect(await second.exited).toBe(0);
    const after = starting(second.lines, 'dlr').map((d) => d[1]);
    expect(new Set([...before, ...after])).toEqual(ids);
  }, 40_000);

  it("an MO for the account's receiver prefix arrives on its receiver bind", async () => {
    const s = await startSimulator(cleanups);
    const app = await gateway(s, 'nsmpp4', {}, { services: [{ keyword: 'default', 'receiver-prefix': '4720', 'smpp-account': 'esme' }] });
    const rx = netSmpp(app, ['receive', 'esme', 'secret', 'receiver', 1]);
    await waitFor(() => rx.lines.includes('bind 0'), 5000, 'the receiver bound');
    expect(
      await s.deliver({
        sourceAddr: '46701234567',
        destAddr: '4720999',
        esmClass: 0,
        dataCoding: 0,
        shortMessage: Buffer.from('hello gateway'),
      }),
    ).toBe(0);
    expect(await rx.exited).toBe(0);
    expect(starting(rx.lines, 'deliver')[0]).toEqual(['deliver', '46701234567', '4720999', '0', 'hello', 'gateway']);
  });
});
