import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { Bind, type SubmitOutcome } from '../../src/smpp/bind.js';
import type { SubmitPart } from '../../src/smpp/submit-part.js';
import { STATUS } from '../../src/smpp/command-status.js';
import type { SimulatorOptions, SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { parsePersona } from '../../src/simulator/persona.js';
import { createLogger } from '../../src/observability/logger.js';
import { sleep, testLink, waitFor, startSimulator } from '../helpers/links.js';
import type { Link } from '../../src/domain/link.js';

const log = createLogger('silent');
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const sim = (persona = 'happy', extra: Partial<SimulatorOptions> = {}): Promise<SmscSimulator> =>
  startSimulator(cleanups, { persona: parsePersona(persona), ...extra });

function bind(link: Link): Bind {
  const b = new Bind({ link, mode: 'transceiver', port: link.port, instance: 1, logger: log });
  b.start();
  cleanups.push(() => b.stop(500));
  return b;
}

function part(dest: string, text = 'hello'): SubmitPart {
  return {
    serviceType: '',
    sourceAddr: '12345',
    sourceTon: 2,
    sourceNpi: 1,
    destAddr: dest,
    destTon: 1,
    destNpi: 1,
    esmClass: 0,
    protocolId: 0,
    priorityFlag: 0,
    scheduleDeliveryTime: '',
    validityPeriod: '',
    registeredDelivery: 0,
    dataCoding: 0,
    shortMessage: Buffer.from(text, 'latin1'),
    sar: undefined,
    messagePayload: undefined,
  };
}

describe('Bind against the simulator', () => {
  it('binds, submits and gets the SMSC message id', async () => {
    const s = await sim();
    const b = bind(testLink(s.port));
    await waitFor(() => b.state.kind === 'bound', 3000, 'bound');
    const out = await b.submit(part('4670000001'));
    expect(out).toEqual({ kind: 'accepted', messageId: '1' });
    expect(s.received).toHaveLength(1);
    expect(s.received[0]?.destAddr).toBe('4670000001');
    expect(s.received[0]?.shortMessage.toString('latin1')).toBe('hello');
  });

  it('never has more than the window outstanding', async () => {
    const s = await sim('slow:50');
    const b = bind(testLink(s.port, { maxPendingSubmits: 3 }));
    await waitFor(() => b.state.kind === 'bound');
    let maxSeen = 0;
    const outcomes = Array.from({ length: 12 }, (_, i) => b.submit(part(`46700000${10 + i}`)));
    const watch = setInterval(() => (maxSeen = Math.max(maxSeen, b.outstanding)), 1);
    const res = await Promise.all(outcomes);
    clearInterval(watch);
    expect(res.every((r) => r.kind === 'accepted')).toBe(true);
    expect(maxSeen).toBeLessThanOrEqual(3);
    expect(maxSeen).toBe(3);
  });

  it('respects the throughput limit', async () => {
    const s = await sim();
    const b = bind(testLink(s.port, { throughput: 50, maxPendingSubmits: 50 }));
    await waitFor(() => b.state.kind === 'bound');
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 60 }, (_, i) => b.submit(part(`4670001${i}`))));
    const elapsed = Date.now() - t0;
    // 60 submits at 50/s need at least ~1.2 s minus the one-token start and the 1-token burst.
    expect(elapsed).toBeGreaterThan(1000);
    const times = s.received.map((r) => r.receivedAt);
    for (const t of times) expect(times.filter((x) => x >= t && x < t + 1000).length).toBeLessThanOrEqual(52);
  });

  it('a throttled submit pauses the bind and is reported as throttle', async () => {
    const s = await sim('throttling:2');
    const b = bind(testLink(s.port, { throttlePauseMs: 300 }));
    await waitFor(() => b.state.kind === 'bound');
    const first = await b.submit(part('1'));
    const second = await b.submit(part('2'));
    expect(first.kind).toBe('accepted');
    expect(second).toEqual({ kind: 'refused', status: STATUS.ESME_RTHROTTLED, action: 'throttle' });
    // The first pause is short (smpp/throttle-backoff.ts): the next submit waits for it.
    const t0 = Date.now();
    expect((await b.submit(part('3'))).kind).toBe('accepted');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
    // Throttled again right after an accept: still the short pause, not the link's 300 ms.
    const t1 = Date.now();
    expect((await b.submit(part('4'))).kind).toBe('refused');
    expect((await b.submit(part('5'))).kind).toBe('accepted');
    expect(Date.now() - t1).toBeLessThan(250);
    expect(b.counters.throttled).toBe(2);
  });

  it('black-hole: submits time out, the session is closed, and it rebinds', async () => {
    const s = await sim('black-hole');
    const b = bind(testLink(s.port, { responseTimeoutMs: 300, unhealthyAfterMs: 100 }));
    await waitFor(() => b.state.kind === 'bound');
    const healthSeen: boolean[] = [];
    b.on('health', (h) => healthSeen.push(h));
    const out: SubmitOutcome = await b.submit(part('1'));
    expect(out.kind).toBe('unanswered');
    expect(healthSeen).toContain(false);
    await waitFor(() => s.counters.binds >= 2, 3000, 'rebind');
  });

  it('garbage from the SMSC closes the session and it rebinds', async () => {
    const s = await sim('garbage:1');
    const b = bind(testLink(s.port));
    await waitFor(() => b.state.kind === 'bound');
    const out = await b.submit(part('1'));
    expect(out.kind).toBe('unanswered');
    await waitFor(() => s.counters.binds >= 2, 3000, 'rebind after garbage');
  });

  it('a refused bind is reported with its status and retried with backoff', async () => {
    const s = await sim('bind-refused:0x0e');
    const b = bind(testLink(s.port));
    await waitFor(() => b.state.kind === 'down', 3000, 'down');
    const st = b.state;
    expect(st.kind === 'down' && st.reason).toEqual({ kind: 'bind-rejected', status: 0x0e });
    await waitFor(() => s.counters.bindsRefused >= 3, 3000, 'retries');
  });

  it('a refused connection is reported as refused', async () => {
    const srv: Server = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const b = bind(testLink(port));
    await waitFor(() => b.state.kind === 'down');
    const st = b.state;
    expect(st.kind === 'down' && st.reason.kind).toBe('refused');
  });

  it('keep-alive: a hung SMSC (no enquire_link_resp) is detected and the session dropped', async () => {
    const s = await sim('hang');
    const b = bind(testLink(s.port, { enquireLinkIntervalMs: 100, responseTimeoutMs: 200 }));
    await waitFor(() => s.counters.binds >= 1);
    await waitFor(() => b.state.kind === 'down', 3000, 'down after missed enquire_link_resp');
    const st = b.state;
    expect(st.kind === 'down' && st.reason.kind).toBe('lost');
  });

  it('a dropped connection fails in-flight submits as unanswered and rebinds', async () => {
    const s = await sim('disconnect-after:3');
    const b = bind(testLink(s.port));
    await waitFor(() => b.state.kind === 'bound');
    const r = await Promise.all([b.submit(part('1')), b.submit(part('2')), b.submit(part('3'))]);
    expect(r.map((x) => x.kind)).toEqual(['accepted', 'accepted', 'unanswered']);
    await waitFor(() => b.state.kind === 'bound' && s.counters.binds >= 2, 3000, 'rebound');
    expect((await b.submit(part('4'))).kind).toBe('accepted');
  });

  it('answers an MO deliver_sm once the handler has taken it', async () => {
    const s = await sim();
    const link = testLink(s.port);
    const got: string[] = [];
    const b = new Bind({
      link,
      mode: 'transceiver',
      port: link.port,
      instance: 1,
      logger: log,
      onInbound: async (sm) => {
        await sleep(20);
        got.push(sm.body.toString('latin1'));
        return 'ok';
      },
    });
    b.start();
    cleanups.push(() => b.stop(200));
    await waitFor(() => b.state.kind === 'bound');
    const status = await s.deliver({
      sourceAddr: '4670000009',
      destAddr: '1234',
      esmClass: 0,
      dataCoding: 0,
      shortMessage: Buffer.from('hi there', 'latin1'),
    });
    expect(status).toBe(0);
    expect(got).toEqual(['hi there']);
  });

  it('unbinds gracefully on stop', async () => {
    const s = await sim();
    const b = bind(testLink(s.port));
    await waitFor(() => b.state.kind === 'bound');
    await b.stop(500);
    expect(b.state.kind).toBe('stopped');
    await waitFor(() => s.boundSessions().length === 0, 2000, 'session closed at the simulator');
  });
});
