/**
 * kill -9 of the links process at 2 000 msg/s: the HTTP process starts it again, nothing accepted is lost, and the
 * messages the SMSC gets twice are no more than the windows of the binds that died, and counted (possible resends
 * of interrupted batches, in the log).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { freePort, linksPid, startChildGateway, writeConfig, type ChildGateway } from '../helpers/child-gateway.js';
import { sleep, waitFor } from '../helpers/links.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
let dir: string;
const children: ChildGateway[] = [];
beforeAll(async () => {
  redis = await startTestRedis();
  dir = mkdtempSync(join(tmpdir(), 'sb-links-crash-'));
});
afterAll(async () => {
  for (const c of children) await c.crash();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the links process killed with -9 under load', () => {
  it('loses nothing, and re-sends at most the windows of its binds, counted', { timeout: 90_000 }, async () => {
    const WINDOW = 10;
    const BINDS = 2;
    const RATE = 2000;
    const SECONDS = 3;
    const sim = new SmscSimulator({ port: 0 });
    await sim.start();
    const httpPort = await freePort();
    const config = writeConfig(dir, 'links-crash.yaml', {
      http: { 'sendsms-port': httpPort, 'sendsms-interface': '127.0.0.1', 'global-sender': '12345' },
      admin: { 'admin-port': 0 },
      log: { level: 'warn' },
      queue: { 'lock-duration': 1 },
      redis: { 'key-prefix': 'lcrash' },
      links: [
        {
          'smsc-id': 'sim',
          host: '127.0.0.1',
          port: sim.port,
          'transceiver-mode': true,
          'smsc-username': 'u',
          'smsc-password': 'p',
          'max-pending-submits': WINDOW,
          instances: BINDS,
          'reconnect-delay': 0.1,
        },
      ],
      accounts: [{ username: 'u', password: 'p' }],
    });
    const gw = await startChildGateway(config, redis.server.socketPath, httpPort);
    children.push(gw);
    const parentPid = gw.proc.pid!;
    await waitFor(() => sim.boundSessions().length === BINDS, 10_000, 'both binds');
    const firstLinks = linksPid(parentPid);

    // RATE messages a second in slices of 10 ms, each to its own receiver; the links process dies a second in.
    const tos: string[] = [];
    const replies: Promise<number>[] = [];
    const start = Date.now();
    let killed = false;
    for (let slice = 0; slice < SECONDS * 100; slice++) {
      for (let k = 0; k < RATE / 100; k++) {
        const to = String(4673000000 + tos.length);
        tos.push(to);
        replies.push(
          fetch(`http://127.0.0.1:${httpPort}/cgi-bin/sendsms?username=u&password=p&to=${to}&text=load`).then(
            async (r) => (await r.text(), r.status),
            // A connection the client saw reset (0): under load undici opens sockets beyond the server's limits.
            () => 0,
          ),
        );
      }
      if (!killed && Date.now() - start >= 1000) {
        process.kill(firstLinks, 'SIGKILL');
        killed = true;
      }
      const next = start + (slice + 1) * 10;
      if (next > Date.now()) await sleep(next - Date.now());
    }
    const statuses = await Promise.all(replies);
    // The HTTP side does not depend on the links process, and everything it answers 202 must arrive. How many it
    // refuses (503 when a Redis write passes its command timeout, a reset connection) is the machine's load, not
    // this test's subject: in a CI run beside another kill -9 test a third were refused for a moment. Nothing else
    // may be answered, and most must be accepted, so that the crash happens under real traffic.
    const refused = statuses.filter((s) => s === 503 || s === 0).length;
    console.log(
      `links-crash: ${statuses.length - refused} answered 202, ${statuses.filter((s) => s === 503).length} answered 503, ${statuses.filter((s) => s === 0).length} reset`,
    );
    expect(statuses.filter((s) => s !== 202 && s !== 503 && s !== 0)).toEqual([]);
    expect(refused).toBeLessThan(statuses.length / 2);
    expect(killed).toBe(true);
    const promised = tos.filter((_, i) => statuses[i] === 202);

    const accepted = (): string[] => sim.received.filter((r) => r.status === 0).map((r) => r.destAddr);
    await waitFor(
      () => {
        const at = new Set(accepted());
        return promised.every((to) => at.has(to));
      },
      60_000,
      `all ${promised.length} answered 202 delivered after the links process came back`,
    );
    expect(linksPid(parentPid)).not.toBe(firstLinks);
    await sleep(500);
    const all = accepted();
    const duplicates = all.length - new Set(all).size;
    expect(duplicates).toBeLessThanOrEqual(WINDOW * BINDS);
    const counted = gw
      .output()
      .split('\n')
      .filter((l) => l.includes('"possibleResends"'))
      .reduce((n, l) => n + Number((JSON.parse(l) as { possibleResends: number }).possibleResends), 0);
    expect(counted).toBeGreaterThanOrEqual(duplicates);
    gw.proc.kill('SIGTERM');
    await gw.exited;
    await sim.kill();
  });
});
