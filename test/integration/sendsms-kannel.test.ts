/**
 * sendsms as Kannel 1.4.5 answers it, end to end with the simulator: the XML POST form, a request with some
 * receivers denied, a sendsms-user's default dlr-url and text shaping, and `account` carried to the record and %o.
 * Each Kannel answer quoted here was measured on the Debian package with the same request.
 */
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { decodeShortMessage } from '../../src/encoding/index.js';
import type { ReceivedMessage, SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { startGateway, testConfig } from '../helpers/gateway.js';
import { startReceiverFor } from '../helpers/http-receiver.js';
import { sleep, startSimulator, testLink, waitFor } from '../helpers/links.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();
const { cleanups } = env;

const ACCOUNTS = [
  { username: 'bench', password: 'bench', 'max-messages': 3, 'denied-prefix': '999' },
  {
    username: 'shaped',
    password: 'shaped',
    'max-messages': 3,
    header: 'H:',
    footer: ':F',
    'split-chars': ' ',
    'split-suffix': '+',
    concatenation: false,
  },
];

async function gateway(prefix: string, raw: Record<string, unknown> = {}): Promise<{ app: App; sim: SmscSimulator }> {
  const sim = await startSimulator(cleanups);
  const link = testLink(sim.port, { id: 'opA' });
  const app = await startGateway(
    testConfig([link], { prefix, raw: { accounts: ACCOUNTS, callbacks: { 'retry-delay': 0.05, 'retry-delay-max': 0.2 }, ...raw } }),
    env.redis,
    cleanups,
  );
  await waitFor(() => app.cluster.linkHealthy('opA'), 5000, 'bound');
  return { app, sim };
}

async function get(app: App, query: string): Promise<{ status: number; body: string }> {
  const res = await app.http.inject({ method: 'GET', url: `/cgi-bin/sendsms?${query}` });
  return { status: res.statusCode, body: res.body };
}

async function postXml(app: App, xml: string): Promise<{ status: number; body: string }> {
  const res = await app.http.inject({ method: 'POST', url: '/cgi-bin/sendsms', headers: { 'content-type': 'text/xml' }, payload: xml });
  return { status: res.statusCode, body: res.body };
}

const textOf = (m: ReceivedMessage): string =>
  decodeShortMessage({ dataCoding: m.dataCoding, esmClass: m.esmClass, shortMessage: m.shortMessage, sar: m.sar }).text;

/** Kannel's user guide form of the XML POST, filled in. */
const GUIDE_XML = `<?xml version="1.0"?>
<message>
  <submit>
    <da><number>46700000007</number></da>
    <da><number>46700000008</number></da>
    <oa><number>5555</number></oa>
    <ud>Hello+from+XML</ud>
    <from>
      <user>bench</user>
      <pass>bench</pass>
      <account>xmlacct</account>
    </from>
    <statusrequest><dlr-mask>1</dlr-mask></statusrequest>
  </submit>
</message>`;

describe('sendsms as Kannel answers it', () => {
  it('the XML POST of Kannel\'s documentation is accepted and delivered to every <da> (Kannel 1.4.5: "0: Accepted for delivery")', async () => {
    const { app, sim } = await gateway('ks1');
    expect(await postXml(app, GUIDE_XML)).toEqual({ status: 202, body: '0: Accepted for delivery' });
    await waitFor(() => sim.received.length === 2, 5000, 'two submits');
    expect(sim.received.map((m) => [m.sourceAddr, m.destAddr, m.registeredDelivery, textOf(m)]).sort()).toEqual([
      ['5555', '46700000007', 1, 'Hello from XML'],
      ['5555', '46700000008', 1, 'Hello from XML'],
    ]);
  });

  it("XML POST refusals in Kannel's words: no <da>, a wrong password, a document that is not XML", async () => {
    const { app, sim } = await gateway('ks2');
    const noDa = '<?xml version="1.0"?><message><submit><ud>x</ud><from><user>bench</user><pass>bench</pass></from></submit></message>';
    expect(await postXml(app, noDa)).toEqual({ status: 400, body: 'Missing receiver(s) number(s), rejected' });
    expect(await postXml(app, GUIDE_XML.replace('<pass>bench</pass>', '<pass>nope</pass>'))).toEqual({
      status: 403,
      body: 'Authorization failed for sendsms',
    });
    expect(await postXml(app, 'not xml at all')).toEqual({ status: 403, body: 'Authorization failed for sendsms' });
    await sleep(100);
    expect(sim.received).toHaveLength(0);
  });

  it('a request with one receiver denied sends to the others and names the denied one', async () => {
    const { app, sim } = await gateway('ks3');
    // Kannel 1.4.5 (default immediate-sendsms-reply = false) answers "0: Accepted for delivery" and drops 4670abc silently.
    expect(await get(app, 'username=bench&password=bench&to=46700000003+4670abc&text=hi3')).toEqual({
      status: 202,
      body: '0: Accepted for delivery. Denied receivers are: 4670abc',
    });
    expect(await get(app, 'username=bench&password=bench&to=9990001+46700000004&text=hi4')).toEqual({
      status: 202,
      body: '0: Accepted for delivery. Denied receivers are: 9990001',
    });
    await waitFor(() => sim.received.length === 2, 5000, 'two submits');
    expect(sim.received.map((m) => m.destAddr).sort()).toEqual(['46700000003', '46700000004']);
    // Every receiver denied is a 400, as before.
    expect(await get(app, 'username=bench&password=bench&to=4670abc&text=x')).toMatchObject({ status: 400 });
  });

  it('immediate-sendsms-reply answers as Kannel 1.4.5 does with it: "Sent. Denied receivers are: …", "Message splits: N"', async () => {
    const { app, sim } = await gateway('ks4', {
      http: { 'sendsms-port': 0, 'sendsms-interface': '127.0.0.1', 'global-sender': '4444', 'immediate-sendsms-reply': true },
    });
    expect(await get(app, 'username=bench&password=bench&to=46700000003+4670abc+46x&text=hi3')).toEqual({
      status: 202,
      body: 'Sent. Denied receivers are: 4670abc 46x',
    });
    const words = Array.from({ length: 60 }, (_, i) => `w${String(i).padStart(2, '0')}`).join('+');
    expect(await get(app, `username=shaped&password=shaped&to=46700000004&text=${words}`)).toEqual({
      status: 202,
      body: 'Sent. Message splits: 2',
    });
    await waitFor(() => sim.received.length === 3, 5000, 'three submits');
  });

  it("a sendsms-user's header, footer, split-chars, split-suffix and concatenation = false: separate SMS, as Kannel 1.4.5 sent them", async () => {
    const { app, sim } = await gateway('ks5');
    const words = Array.from({ length: 60 }, (_, i) => `w${String(i).padStart(2, '0')}`).join('+');
    expect(await get(app, `username=shaped&password=shaped&to=46700000004&text=${words}`)).toEqual({
      status: 202,
      body: '0: Accepted for delivery',
    });
    await waitFor(() => sim.received.length === 2, 5000, 'two SMS');
    const texts = sim.received.map(textOf).sort();
    // Kannel 1.4.5: 157 characters ("H:w00 … w37 :F+") and 91 ("H:w38 … w59:F"), no concatenation header.
    expect(texts.map((t) => t.length).sort()).toEqual([157, 91].sort());
    expect(texts.find((t) => t.startsWith('H:w00'))).toMatch(/^H:w00 .* w37 :F\+$/);
    expect(texts.find((t) => t.startsWith('H:w38'))).toMatch(/^H:w38 .* w59:F$/);
    expect(sim.received.every((m) => (m.esmClass & 0x40) === 0)).toBe(true);
    // More than max-messages pieces is refused, never cut.
    const many = Array.from({ length: 200 }, (_, i) => `w${i}`).join('+');
    expect(await get(app, `username=shaped&password=shaped&to=46700000005&text=${many}`)).toMatchObject({ status: 400 });
  });

  it("a sendsms-user's dlr-url and dlr-mask serve requests that give none; account reaches the record and %o", async () => {
    const r = await startReceiverFor(cleanups);
    const { app, sim } = await gateway('ks6', {
      accounts: [
        {
          username: 'withdlr',
          password: 'withdlr',
          'dlr-url': `http://127.0.0.1:${r.port}/userdlr?t=%d&o=%o&id=%I`,
          'dlr-mask': 1,
        },
      ],
    });
    // Kannel 1.4.5 called the user's dlr-url for this request (types 8 and 1, measured).
    expect(await get(app, 'username=withdlr&password=withdlr&to=46700000005&text=dlr&dlr-mask=9')).toMatchObject({ status: 202 });
    expect(await get(app, 'username=withdlr&password=withdlr&to=46700000006&text=acct&account=billing42')).toMatchObject({ status: 202 });
    await waitFor(() => r.requests.length === 3, 5000, 'three callbacks');
    const byType = r.requests.map((q) => [q.query.get('t'), q.query.get('o')]).sort();
    // %o: the request's account when it gave one; else the bind's system_id, as Kannel 1.4.5 prints it for an SMPP DLR.
    expect(byType).toEqual([
      ['1', 'billing42'],
      ['1', 'test'],
      ['8', 'test'],
    ]);
    expect(sim.received.map((m) => m.registeredDelivery).sort()).toEqual([1, 1]);
    const id = r.requests.find((q) => q.query.get('o') === 'billing42')?.query.get('id');
    const basic = `Basic ${Buffer.from('withdlr:withdlr').toString('base64')}`;
    const view = await app.http.inject({ method: 'GET', url: `/api/v1/messages/${id}`, headers: { authorization: basic } });
    expect(view.json()).toMatchObject({ id, billing: 'billing42', dlrUrl: expect.stringContaining('/userdlr') });
  });
});
