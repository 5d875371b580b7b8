/**
 * Kannel's per-link SMPP keys (issue 18): each one, set on a link through the configuration loader, changes the
 * field it names in the PDU the simulator logs, read byte by byte (test/helpers/pdu-bytes.ts); the keys that name
 * no field (dead-start, max-error-count, wait-ack-expire) change what the link does.
 */
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { validateConfig } from '../../src/config/validate.js';
import type { Link } from '../../src/domain/link.js';
import { parsePersona } from '../../src/simulator/persona.js';
import type { SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { sendsms, startGateway, testConfig } from '../helpers/gateway.js';
import { startSimulator, waitFor } from '../helpers/links.js';
import { readBindFrame, readSubmitFrame, type RawSubmit } from '../helpers/pdu-bytes.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();
const { cleanups } = env;

/** A link as the loader makes it from these keys (Kannel's names), pointed at the simulator, with short timers. */
function link(port: number, keys: Record<string, unknown>): Link {
  const config = validateConfig(
    {
      links: [
        {
          'smsc-id': 'interop',
          host: '127.0.0.1',
          port,
          'transceiver-mode': true,
          'smsc-username': 'sys',
          'smsc-password': 'pw',
          'enquire-link-interval': 1,
          'response-timeout': 1,
          'connect-timeout': 1,
          'reconnect-delay': 0.05,
          'reconnect-delay-max': 0.2,
          ...keys,
        },
      ],
    },
    { file: 'test' },
  );
  return config.links[0]!;
}

async function gateway(l: Link): Promise<App> {
  return startGateway(testConfig([l]), env.redis, cleanups);
}

function submits(s: SmscSimulator): RawSubmit[] {
  return s.pduLog.filter((p) => p.command === 'submit_sm').map((p) => readSubmitFrame(p.frame));
}

describe('per-link SMPP keys, checked in the raw PDUs the SMSC receives', () => {
  it('Kannel defaults: esm_class 3, interface_version 0x34, bind TON/NPI 0, empty service_type, priority 0, no validity', async () => {
    const s = await startSimulator(cleanups);
    const app = await gateway(link(s.port, {}));
    await waitFor(() => app.runtimes.get('interop')!.healthy(), 5000, 'bound');
    expect(await sendsms(app, { username: 'u', password: 'p', from: '4711', to: '46701234567', text: 'hi' })).toMatchObject({
      status: 202,
    });
    await waitFor(() => submits(s).length === 1, 5000, 'the submit');
    const bind = readBindFrame(s.pduLog.find((p) => p.command.startsWith('bind_'))!.frame);
    expect(bind).toMatchObject({ interfaceVersion: 0x34, addrTon: 0, addrNpi: 0, addressRange: '', systemId: 'sys' });
    expect(submits(s)[0]).toMatchObject({ serviceType: '', esmClass: 0x03, priorityFlag: 0, validityPeriod: '', dataCoding: 0 });
  });

  it('bind-addr-ton, bind-addr-npi, address-range and interface-version go into the bind PDU', async () => {
    const s = await startSimulator(cleanups);
    const app = await gateway(link(s.port, { 'bind-addr-ton': 1, 'bind-addr-npi': 1, 'address-range': '^46', 'interface-version': 33 }));
    await waitFor(() => app.runtimes.get('interop')!.healthy(), 5000, 'bound');
    const bind = readBindFrame(s.pduLog.find((p) => p.command === 'bind_transceiver')!.frame);
    expect(bind).toMatchObject({ commandId: 0x00000009, interfaceVersion: 0x33, addrTon: 1, addrNpi: 1, addressRange: '^46' });
  });

  it('service-type, esm-class, priority, validityperiod, alt-charset and alt-addr-charset go into each submit_sm', async () => {
    const s = await startSimulator(cleanups);
    const app = await gateway(
      link(s.port, {
        'service-type': 'CMT',
        'esm-class': 0,
        priority: 2,
        validityperiod: 60,
        'alt-charset': 'ISO-8859-1',
        'alt-addr-charset': 'GSM',
      }),
    );
    await waitFor(() => app.runtimes.get('interop')!.healthy(), 5000, 'bound');
    const before = Date.now();
    const send = (q: Record<string, string>): ReturnType<typeof sendsms> =>
      sendsms(app, { username: 'u', password: 'p', to: '46701234567', ...q });
    expect((await send({ from: 'Shop@', text: 'é{ü' })).status).toBe(202);
    expect((await send({ from: '4711', text: 'b', binfo: 'VIP', priority: '0', validity: '10' })).status).toBe(202);
    expect((await send({ from: '4711', text: 'c', udh: '\x05\x00\x03\x01\x01\x01', rpi: '1' })).status).toBe(202);
    await waitFor(() => submits(s).length === 3, 5000, 'three submits');
    const [a, b, c] = submits(s) as [RawSubmit, RawSubmit, RawSubmit];

    // The link's defaults fill what the message left open.
    expect(a.serviceType).toBe('CMT');
    expect(a.esmClass).toBe(0x00);
    expect(a.priorityFlag).toBe(2);
    // validityperiod: 60 minutes from the submit, in SMPP's absolute form (YYMMDDhhmmss000+), UTC
    expect(a.validityPeriod).toMatch(/^\d{12}000\+$/);
    const p = a.validityPeriod;
    const validUntil = Date.UTC(
      2000 + Number(p.slice(0, 2)),
      Number(p.slice(2, 4)) - 1,
      Number(p.slice(4, 6)),
      Number(p.slice(6, 8)),
      Number(p.slice(8, 10)),
      Number(p.slice(10, 12)),
    );
    expect(validUntil).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 60 * 60_000);
    expect(validUntil).toBeLessThanOrEqual(Date.now() + 60 * 60_000);
    // alt-charset ISO-8859-1: data_coding 0 text as Latin-1 octets (GSM would be 0x04 0x1b 0x28 0x7e)
    expect(a.dataCoding).toBe(0);
    expect(a.shortMessage).toEqual(Buffer.from([0xe9, 0x7b, 0xfc]));
    // alt-addr-charset GSM: the alphanumeric sender in GSM septets, '@' (septet 0, a NUL) written as '?'
    expect(a.sourceTon).toBe(5);
    expect(a.sourceAddr).toEqual(Buffer.from('Shop?', 'latin1'));

    // What the request gives wins: binfo over service-type, an explicit priority 0, its own validity.
    expect(b.serviceType).toBe('VIP');
    expect(b.priorityFlag).toBe(0);
    expect(b.validityPeriod).not.toBe(a.validityPeriod);

    // UDHI and reply path are ORed into the configured esm_class.
    expect(c.esmClass).toBe(0x40 | 0x80);
  });

  it('explain and the links API show the keys', async () => {
    const s = await startSimulator(cleanups);
    const app = await gateway(link(s.port, { 'service-type': 'CMT', 'interface-version': 50, 'wait-ack-expire': 0, 'dead-start': false }));
    const links = await app.operations.links();
    expect(links[0]?.smpp).toMatchObject({ 'service-type': 'CMT', 'interface-version': 50, 'wait-ack-expire': 0, 'esm-class': 3 });
    const e = await app.operations.explain('u', '46701234567', undefined);
    expect(e.links[0]?.smpp).toMatchObject({ 'service-type': 'CMT', 'interface-version': 50 });
  });
});

describe('per-link keys that change what the link does', () => {
  it('dead-start: the link starts stopped, binds nothing, and start-smsc starts it', async () => {
    const s = await startSimulator(cleanups);
    const app = await gateway(link(s.port, { 'dead-start': true }));
    expect(app.operator.linkState('interop')).toBe('stopped');
    await new Promise((r) => setTimeout(r, 600));
    expect(s.counters.binds).toBe(0);
    await app.operations.linkAction('interop', 'start', 'test');
    await waitFor(() => app.runtimes.get('interop')!.healthy(), 5000, 'bound after start');
    expect(s.counters.binds).toBe(1);
  });

  it('max-error-count: after that many refused binds in a row the link is stopped until an operator starts it', async () => {
    const s = await startSimulator(cleanups, { persona: parsePersona('bind-refused') });
    const app = await gateway(link(s.port, { 'max-error-count': 3 }));
    await waitFor(() => app.operator.linkState('interop') === 'stopped', 5000, 'the link stopped');
    const refused = s.counters.bindsRefused;
    expect(refused).toBe(3);
    await new Promise((r) => setTimeout(r, 500));
    expect(s.counters.bindsRefused).toBe(refused);
  });

  it.each([
    // 0x00 reconnect: the SMSC answers enquire_link but not the submit; the session is closed all the same
    [0, 'reconnect'],
    // 0x01 requeue (Kannel's actual default): the submit alone is given up; the session stays
    [1, 'requeue'],
    // 0x02: the submit keeps waiting for its answer
    [2, 'wait'],
  ] as const)('wait-ack-expire %i (%s) with an SMSC that swallows submits but answers enquire_link', async (code, mode) => {
    const s = await startSimulator(cleanups, { persona: parsePersona('black-hole') });
    const l = link(s.port, { 'wait-ack-expire': code, 'response-timeout': 0.3, 'enquire-link-interval': 0.05, 'unhealthy-after': 5 });
    const app = await gateway(l);
    await waitFor(() => app.runtimes.get('interop')!.healthy(), 5000, 'bound');
    expect((await sendsms(app, { username: 'u', password: 'p', to: '46701234567', text: 'x' })).status).toBe(202);
    await waitFor(() => s.counters.submits >= 1, 5000, 'the submit');
    await new Promise((r) => setTimeout(r, 1200));
    const bind = app.runtimes.get('interop')!.senders[0]!;
    if (mode === 'reconnect') expect(bind.counters.sessions).toBeGreaterThan(1);
    else expect(bind.counters.sessions).toBe(1);
    if (mode === 'wait') {
      expect(bind.outstanding).toBe(1);
      expect(bind.counters.unanswered).toBe(0);
    } else expect(bind.counters.unanswered).toBeGreaterThanOrEqual(1);
  });
});
