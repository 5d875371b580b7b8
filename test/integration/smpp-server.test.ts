/**
 * The SMPP server for client ESMEs, end to end over loopback: a client binds to the gateway, submits through the
 * accept path to the simulator SMSC, and gets its receipts (and MO) back as deliver_sm. Our own codec plays the
 * client here; smpp-server-interop.test.ts uses Net::SMPP.
 */
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Link } from '../../src/domain/link.js';
import type { SmscSimulator, SimulatorOptions } from '../../src/simulator/smsc-simulator.js';
import { receiptFields, TestEsme, type EsmeBindKind } from '../helpers/esme.js';
import { startGateway, testConfig } from '../helpers/gateway.js';
import { startSimulator, testLink, waitFor } from '../helpers/links.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();
const { cleanups } = env;

const sim = (opts: Partial<SimulatorOptions> = {}): Promise<SmscSimulator> => startSimulator(cleanups, { receiptDelayMs: 20, ...opts });

const fast = { callbacks: { 'retry-delay': 0.05, 'retry-delay-max': 0.2 }, receipts: { 'unmatched-retry': 5 } };

async function gateway(link: Link, prefix: string, raw: Record<string, unknown> = {}): Promise<App> {
  const app = await startGateway(
    testConfig([link], {
      prefix,
      raw: {
        ...fast,
        'smpp-server': { port: 0, interface: '127.0.0.1', 'response-timeout': 1, ...((raw['smpp-server'] as object) ?? {}) },
        accounts: [{ username: 'u', password: 'p', 'max-messages': 10 }],
        ...Object.fromEntries(Object.entries(raw).filter(([k]) => k !== 'smpp-server')),
      },
    }),
    env.redis,
    cleanups,
  );
  await waitFor(() => app.cluster.linkHealthy(link.id), 5000, 'bound');
  return app;
}

async function bind(app: App, kind: EsmeBindKind = 'transceiver', user = 'u', password = 'p'): Promise<{ esme: TestEsme; status: number }> {
  const r = await TestEsme.bind(app.smppServer!.ports.plain, kind, user, password);
  cleanups.push(async () => r.esme.close());
  return r;
}

describe('SMPP server', () => {
  it('binds a transceiver, takes a submit_sm through the accept path and returns its receipt as deliver_sm', async () => {
    const s = await sim();
    const app = await gateway(testLink(s.port, { id: 'carrier' }), 'ss1');
    const { esme, status } = await bind(app);
    expect(status).toBe(0);
    const resp = await esme.submit({ registered_delivery: 1, short_message: Buffer.from('hello there') });
    expect(resp.command_status).toBe(0);
    const id = resp.message_id as string;
    expect(id).toMatch(/^[0-9a-z.]+$/);
    await waitFor(() => s.received.length === 1, 5000, 'the SMSC got the submit');
    expect(s.received[0]).toMatchObject({ destAddr: '46700000001', sourceAddr: '4711', registeredDelivery: 1 });
    expect(s.received[0]!.shortMessage.toString('latin1')).toBe('hello there');
    await waitFor(() => esme.delivers.length === 1, 5000, 'the receipt as deliver_sm');
    const d = esme.delivers[0]!;
    expect(d.esm_class).toBe(0x04);
    expect(d.receipted_message_id).toBe(id);
    expect(d.message_state).toBe(2);
    expect(d.source_addr).toBe('46700000001');
    expect(d.destination_addr).toBe('4711');
    const f = receiptFields(d);
    expect(f).toMatchObject({ id, sub: '001', dlvrd: '001', stat: 'DELIVRD', err: '000' });
    expect(f['submit date']).toMatch(/^\d{10}$/);
  });
});
