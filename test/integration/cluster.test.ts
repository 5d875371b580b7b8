/** Two gateway processes on one Redis with the same configuration share the binds through leases. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { freePort, startChildGateway, writeConfig, type ChildGateway } from '../helpers/child-gateway.js';
import { waitFor } from '../helpers/links.js';
import { steadyLoad } from '../helpers/load.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
let dir: string;
const children: ChildGateway[] = [];
beforeAll(async () => {
  redis = await startTestRedis();
  dir = mkdtempSync(join(tmpdir(), 'sb-cluster-'));
});
afterAll(async () => {
  for (const c of children) await c.crash();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('two gateway processes, one Redis, one configuration', () => {
  it(
    'open exactly `instances` binds between them, agree on link state, and take over a killed one within 5 s',
    { timeout: 60_000 },
    async () => {
      const sim = new SmscSimulator({ port: 0 });
      await sim.start();
      const [portA, portB] = [await freePort(), await freePort()];
      const base = {
        log: { level: 'warn' },
        queue: { 'lock-duration': 1 },
        redis: { 'key-prefix': 'cluster' },
        links: [
          {
            'smsc-id': 'sim',
            host: '127.0.0.1',
            port: sim.port,
            'transceiver-mode': true,
            'smsc-username': 'u',
            'smsc-password': 'p',
            instances: 2,
            'reconnect-delay': 0.1,
          },
        ],
        accounts: [{ username: 'u', password: 'p' }],
      };
      const http = (port: number) => ({
        http: { 'sendsms-port': port, 'sendsms-interface': '127.0.0.1', 'global-sender': '12345' },
        admin: { 'admin-port': 0 },
      });
      const a = await startChildGateway(writeConfig(dir, 'a.yaml', { ...base, ...http(portA) }), redis.server.socketPath, portA);
      children.push(a);
      const b = await startChildGateway(writeConfig(dir, 'b.yaml', { ...base, ...http(portB) }), redis.server.socketPath, portB);
      children.push(b);
      await waitFor(() => sim.boundSessions().length === 2, 10_000, 'two binds');
      await new Promise((r) => setTimeout(r, 2500)); // a few lease rounds: still two, never more
      expect(sim.boundSessions()).toHaveLength(2);
      expect(sim.counters.binds).toBe(2);

      type Health = { links: { id: string; healthy: boolean; binds: { state: string; node: string }[] }[] };
      const health = async (port: number): Promise<Health> =>
        (await (await fetch(`http://127.0.0.1:${port}/api/v1/status`)).json()) as Health;
      const [ha, hb] = [await health(portA), await health(portB)];
      expect(ha.links[0]?.healthy).toBe(true);
      expect(hb.links[0]?.healthy).toBe(true);
      expect(ha.links[0]?.binds.map((x) => x.state)).toEqual(['bound', 'bound']);
      expect(hb.links[0]?.binds.map((x) => `${x.state}@${x.node}`)).toEqual(ha.links[0]?.binds.map((x) => `${x.state}@${x.node}`));

      // Load through B while A (which may hold one or both binds) is killed.
      const send = async (to: string): Promise<number> => {
        const res = await fetch(`http://127.0.0.1:${portB}/cgi-bin/sendsms?username=u&password=p&to=${to}&text=cluster`);
        await res.text();
        return res.status;
      };
      const load = steadyLoad(send, 50, 400, 4674000000);
      await new Promise((r) => setTimeout(r, 1000));
      // A started first, so it took the leases: killing it exercises the takeover.
      const nodes = (await health(portB)).links[0]!.binds.map((x) => x.node);
      // A gateway's binds run in its links process, whose node id starts with the gateway's pid.
      const aNode = nodes.find((n) => n.includes(`:${a.proc.pid}:`) || n.includes(`:${a.proc.pid}.`));
      const heldByA = nodes.filter((n) => n === aNode).length;
      expect(heldByA).toBeGreaterThan(0);
      const tKill = Date.now();
      await a.crash();
      await waitFor(() => sim.boundSessions().length === 2 && sim.counters.binds >= 2 + heldByA, 10_000, 'binds back to two');
      expect(Date.now() - tKill).toBeLessThan(5000);
      await load.stop();
      expect(load.sent.every((s) => s.status === 202)).toBe(true);
      const delivered = () => sim.received.filter((r) => r.status === 0).map((r) => r.destAddr);
      await waitFor(() => load.sent.every((s) => delivered().includes(s.to)), 15_000, 'nothing lost');
      expect(sim.boundSessions()).toHaveLength(2);
      b.proc.kill('SIGTERM');
      await b.exited;
      await sim.kill();
    },
  );
});
