/**
 * Killing either process of a gateway with -9 while an SMPP client submits: every message that was answered with a
 * submit_sm_resp still reaches the SMSC. The links process comes back by itself; the HTTP process (the SMPP server's)
 * is started again by hand, as systemd would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { TestEsme } from '../helpers/esme.js';
import { freePort, linksPid, startChildGateway, writeConfig, type ChildGateway } from '../helpers/child-gateway.js';
import { sleep, waitFor } from '../helpers/links.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
let dir: string;
const children: ChildGateway[] = [];
beforeAll(async () => {
  redis = await startTestRedis();
  dir = mkdtempSync(join(tmpdir(), 'sb-smpps-crash-'));
});
afterAll(async () => {
  for (const c of children) await c.crash();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Submits with WINDOW outstanding until stopped or the session ends; `answered` holds the receivers answered OK. */
function submitUntilStopped(esme: TestEsme, base: number): { answered: Set<string>; stop: () => Promise<void> } {
  const WINDOW = 20;
  const answered = new Set<string>();
  let stopped = false;
  let n = 0;
  const lanes = Array.from({ length: WINDOW }, async () => {
    while (!stopped && !esme.conn.closed) {
      const to = String(base + n++);
      try {
        const r = await esme.submit({ destination_addr: to });
        if (r.command_status === 0) answered.add(to);
        await sleep(20); // about 1 000 submits a second over the lanes: enough in flight, not a flood to drain
      } catch {
        return; // the connection went with the process: this one was never answered
      }
    }
  });
  return {
    answered,
    stop: async () => {
      stopped = true;
      await Promise.all(lanes);
    },
  };
}

async function gateway(sim: SmscSimulator, name: string): Promise<{ start: () => Promise<ChildGateway>; smppPort: number }> {
  const [httpPort, smppPort] = [await freePort(), await freePort()];
  const config = writeConfig(dir, `${name}.yaml`, {
    http: { 'sendsms-port': httpPort, 'sendsms-interface': '127.0.0.1', 'global-sender': '12345' },
    admin: { 'admin-port': 0 },
    log: { level: 'warn' },
    queue: { 'lock-duration': 1 },
    redis: { 'key-prefix': name },
    'smpp-server': { port: smppPort, interface: '127.0.0.1' },
    links: [
      {
        'smsc-id': 'sim',
        host: '127.0.0.1',
        port: sim.port,
        'transceiver-mode': true,
        'smsc-username': 'u',
        'smsc-password': 'p',
        'max-pending-submits': 10,
        'reconnect-delay': 0.1,
      },
    ],
    accounts: [{ username: 'esme', password: 'secret' }],
  });
  return {
    smppPort,
    start: async () => {
      const gw = await startChildGateway(config, redis.server.socketPath, httpPort);
      children.push(gw);
      return gw;
    },
  };
}

/** Whether every one of `answered` was accepted by the SMSC (one pass: the simulator runs in this process too). */
function allDelivered(sim: SmscSimulator, answered: ReadonlySet<string>): boolean {
  const delivered = new Set(sim.received.filter((r) => r.status === 0).map((r) => r.destAddr));
  for (const to of answered) if (!delivered.has(to)) return false;
  return true;
}

describe('an SMPP client submitting while a gateway process is killed with -9', () => {
  it('the links process: every answered message reaches the SMSC once it is back', { timeout: 90_000 }, async () => {
    const sim = new SmscSimulator({ port: 0 });
    await sim.start();
    const g = await gateway(sim, 'smppcrash1');
    const gw = await g.start();
    await waitFor(() => sim.boundSessions().length === 1, 30_000, 'the link bound');
    const { esme, status } = await TestEsme.bind(g.smppPort, 'transmitter', 'esme', 'secret');
    expect(status).toBe(0);
    const run = submitUntilStopped(esme, 4675000000);
    await sleep(700);
    const first = linksPid(gw.proc.pid!);
    process.kill(first, 'SIGKILL');
    await sleep(700);
    await run.stop();
    expect(run.answered.size).toBeGreaterThan(100);
    await waitFor(() => allDelivered(sim, run.answered), 60_000, 'every answered message at the SMSC');
    expect(linksPid(gw.proc.pid!)).not.toBe(first);
    esme.close();
    gw.proc.kill('SIGTERM');
    await gw.exited;
    await sim.kill();
  });

  it("the SMPP server's process: every answered message reaches the SMSC after a restart", { timeout: 90_000 }, async () => {
    const sim = new SmscSimulator({ port: 0 });
    await sim.start();
    const g = await gateway(sim, 'smppcrash2');
    const gw = await g.start();
    await waitFor(() => sim.boundSessions().length === 1, 30_000, 'the link bound');
    const { esme } = await TestEsme.bind(g.smppPort, 'transmitter', 'esme', 'secret');
    const run = submitUntilStopped(esme, 4676000000);
    await sleep(700);
    await gw.crash();
    await run.stop();
    expect(esme.conn.closed).toBe(true);
    expect(run.answered.size).toBeGreaterThan(100);
    const again = await g.start();
    await waitFor(() => allDelivered(sim, run.answered), 60_000, 'every answered message at the SMSC');
    again.proc.kill('SIGTERM');
    await again.exited;
    await sim.kill();
  });
});
