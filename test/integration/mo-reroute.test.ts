/**
 * Kannel's SMS hub mode end to end: an MO from a link with reroute keys goes straight out as an MT through another
 * link (durable, routed through the accept path), never to the services.
 */
import { describe, expect, it } from 'vitest';
import type { Link, LinkReroute } from '../../src/domain/link.js';
import { decodeShortMessage } from '../../src/encoding/index.js';
import type { SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { startGateway, testConfig } from '../helpers/gateway.js';
import { startReceiverFor } from '../helpers/http-receiver.js';
import { sleep, startSimulator, testLink, waitFor } from '../helpers/links.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();
const { cleanups } = env;

const routing = (over: Partial<Link['routing']>): Link['routing'] => ({
  allowedSmscId: [],
  deniedSmscId: [],
  preferredSmscId: [],
  allowedPrefix: [],
  deniedPrefix: [],
  preferredPrefix: [],
  ...over,
});

const reroute = (over: Partial<LinkReroute>): LinkReroute => ({ all: false, toSmscId: undefined, byReceiver: {}, dlr: false, ...over });

/** Link A (opA, where MO come in: it never carries opB traffic) and link B (opB: only opB traffic). */
async function hub(
  prefix: string,
  rr: Partial<LinkReroute>,
  bRouting: Partial<Link['routing']> = { allowedSmscId: ['opB'] },
  aDenied = ['opB'],
) {
  const a = await startSimulator(cleanups);
  const b = await startSimulator(cleanups);
  const svc = await startReceiverFor(cleanups);
  const links = [
    testLink(a.port, { id: 'A', smscId: 'opA', routing: routing({ deniedSmscId: aDenied }), reroute: reroute(rr) }),
    testLink(b.port, { id: 'B', smscId: 'opB', routing: routing(bRouting) }),
  ];
  const app = await startGateway(
    testConfig(links, { prefix, raw: { services: [{ keyword: 'default', 'get-url': `http://127.0.0.1:${svc.port}/mo?text=%a` }] } }),
    env.redis,
    cleanups,
  );
  await waitFor(() => app.cluster.linkHealthy('A') && app.cluster.linkHealthy('B'), 5000, 'both links bound');
  return { app, a, b, svc };
}

async function mo(sim: SmscSimulator, to: string, text: string, dataCoding = 0, body?: Buffer): Promise<void> {
  expect(
    await sim.deliver({
      sourceAddr: '46701111111',
      destAddr: to,
      esmClass: 0,
      dataCoding,
      shortMessage: body ?? Buffer.from(text, 'latin1'),
    }),
  ).toBe(0);
}

describe('reroute: MO from one SMSC sent straight out as MT through another', () => {
  it('reroute-smsc-id: every MO of link A leaves through link B, sender, receiver and text kept; no service is called', async () => {
    const { app, a, b, svc } = await hub('rr1', { toSmscId: 'opB' });
    await mo(a, '46702222222', 'hello hub');
    await waitFor(() => b.received.length === 1, 5000, 'the MT on link B');
    const [mt] = b.received;
    expect(mt).toMatchObject({ sourceAddr: '46701111111', destAddr: '46702222222' });
    expect(decodeShortMessage({ dataCoding: mt!.dataCoding, esmClass: mt!.esmClass, shortMessage: mt!.shortMessage }).text).toBe(
      'hello hub',
    );
    await sleep(200);
    expect(a.received).toHaveLength(0);
    expect(svc.requests).toHaveLength(0);
    expect(app.mo.stats()).toMatchObject({ rerouted: 1, rerouteDropped: 0, forwarded: 0 });
  });

  it('reroute-receiver: only MO to the listed numbers are rerouted; the others go to the services', async () => {
    const { a, b, svc } = await hub('rr2', { byReceiver: { '4444': 'opB' } });
    await mo(a, '4444', 'to the hub');
    await mo(a, '5555', 'to the service');
    await waitFor(() => b.received.length === 1 && svc.requests.length === 1, 5000, 'one MT and one service call');
    expect(b.received[0]).toMatchObject({ destAddr: '4444' });
    expect(svc.requests[0]?.query.get('text')).toBe('to the service');
  });

  it("reroute: routed like any message with the incoming link's smsc-id; UCS-2 stays UCS-2", async () => {
    // A link's own smsc-id does not attract its messages (Kannel): A must deny opA for B to be the only way out.
    const { a, b } = await hub('rr3', { all: true }, { allowedSmscId: ['opA'] }, ['opA', 'opB']);
    await mo(a, '46703333333', '', 8, Buffer.from('043f04400438043204350442', 'hex'));
    await waitFor(() => b.received.length === 1, 5000, 'the MT on link B');
    expect(b.received[0]).toMatchObject({ destAddr: '46703333333', dataCoding: 8 });
    expect(decodeShortMessage({ dataCoding: 8, esmClass: 0, shortMessage: b.received[0]!.shortMessage }).text).toBe('привет');
    expect(a.received).toHaveLength(0);
  });

  it('a rerouted MO no link may carry is dropped and counted, not retried for ever', async () => {
    const { app, a, b } = await hub('rr4', { toSmscId: 'nowhere' }, { allowedSmscId: ['opB'] }, ['opB', 'nowhere']);
    await mo(a, '46704444444', 'lost');
    await waitFor(() => app.mo.stats().rerouteDropped === 1, 5000, 'the drop');
    expect(app.mo.stats().rerouted).toBe(1);
    expect([...a.received, ...b.received]).toHaveLength(0);
  });
});
