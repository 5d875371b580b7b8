import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { parsePersona } from '../../src/simulator/persona.js';
import { freePort, startChildGateway, writeConfig, type ChildGateway } from '../helpers/child-gateway.js';
import { waitFor } from '../helpers/links.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
let dir: string;
const children: ChildGateway[] = [];
beforeAll(async () => {
  redis = await startTestRedis();
  dir = mkdtempSync(join(tmpdir(), 'sb-crash-'));
});
afterAll(async () => {
  for (const c of children) await c.crash();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function send(port: number, to: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/cgi-bin/sendsms?username=u&password=p&to=${to}&text=crash+test`);
  await res.text();
  return res.status;
}

describe('a gateway killed with -9', () => {
  it('delivers every queued message after a restart, with at most one window of duplicates', { timeout: 90_000 }, async () => {
    const WINDOW = 10;
    const N = 1000;
    const sim = new SmscSimulator({ port: 0, persona: parsePersona('slow:25') });
    await sim.start();
    const httpPort = await freePort();
    const config = writeConfig(dir, 'crash.yaml', {
      http: { 'sendsms-port': httpPort, 'sendsms-interface': '127.0.0.1', 'global-sender': '12345' },
      admin: { 'admin-port': 0 },
      log: { level: 'warn' },
      queue: { 'lock-duration': 1 },
      redis: { 'key-prefix': 'crash' },
      links: [
        {
          'smsc-id': 'sim',
          host: '127.0.0.1',
          port: sim.port,
          'transceiver-mode': true,
          'smsc-username': 'u',
          'smsc-password': 'p',
          'max-pending-submits': WINDOW,
          'reconnect-delay': 0.1,
        },
      ],
      accounts: [{ username: 'u', password: 'p' }],
    });
    const first = await startChildGateway(config, redis.server.socketPath, httpPort);
    children.push(first);
    const tos = Array.from({ length: N }, (_, i) => String(4670200000 + i));
    for (let i = 0; i < N; i += 50) {
      const statuses = await Promise.all(tos.slice(i, i + 50).map((to) => send(httpPort, to)));
      expect(statuses.every((s) => s === 202)).toBe(true);
    }
    await waitFor(() => sim.counters.accepted >= 150, 20_000, 'some delivered before the kill');
    await first.crash();
    const beforeRestart = sim.counters.accepted;
    expect(beforeRestart).toBeLessThan(N); // the kill really left messages queued

    const second = await startChildGateway(config, redis.server.socketPath, httpPort);
    children.push(second);
    const accepted = (): string[] => sim.received.filter((r) => r.status === 0).map((r) => r.destAddr);
    await waitFor(() => new Set(accepted()).size === N, 60_000, 'all 1000 delivered after the restart');
    second.proc.kill('SIGTERM');
    await second.exited;
    await sim.kill();
    const all = accepted();
    const duplicates = all.length - new Set(all).size;
    expect(tos.every((to) => all.includes(to))).toBe(true);
    expect(duplicates).toBeLessThanOrEqual(WINDOW);
  });
});
