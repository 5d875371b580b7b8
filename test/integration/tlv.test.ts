/**
 * TLVs (issue 18): `smpp-tlv` groups from a Kannel file, meta-data on sendsms (`?smpp?name=value`) and `tlvs` on the
 * JSON API reach the SMSC in the submit_sm bytes (read by hand, test/helpers/pdu-bytes.ts) on the links they are
 * declared for; an unknown name is refused at accept time; TLVs of an MO reach the service in %D and
 * X-Kannel-Meta-Data.
 */
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { readKannelConfig } from '../../src/config/load-kannel.js';
import { validateConfig } from '../../src/config/validate.js';
import type { Link } from '../../src/domain/link.js';
import type { SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { sendsms, startGateway, testConfig } from '../helpers/gateway.js';
import { startReceiver } from '../helpers/http-receiver.js';
import { startSimulator, waitFor } from '../helpers/links.js';
import { readSubmitFrame, type RawSubmit } from '../helpers/pdu-bytes.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();
const { cleanups } = env;

/** Links A and B (smsc-ids A, B) and the TLV groups, from a Kannel file as an operator writes it. */
function kannelLinks(portA: number, portB: number): Link[] {
  const text = `
group = smsc
smsc = smpp
smsc-id = A
allowed-smsc-id = A
host = 127.0.0.1
port = ${portA}
transceiver-mode = true
smsc-username = a
smsc-password = p
reconnect-delay = 0.05

group = smsc
smsc = smpp
smsc-id = B
allowed-smsc-id = B
host = 127.0.0.1
port = ${portB}
transceiver-mode = true
smsc-username = b
smsc-password = p
reconnect-delay = 0.05

group = smpp-tlv
name = my_tlv
tag = 0x1400
type = nulterminated
length = 10

group = smpp-tlv
name = billing_id
tag = 0x1401
type = octetstring
length = 8
smsc-id = A

group = smpp-tlv
name = template
tag = 0x1402
type = integer
length = 2
smsc-id = A
`;
  const { mapping, warnings } = readKannelConfig(text, 'kannel.conf', () => undefined);
  expect(warnings).toEqual([]);
  return validateConfig(mapping.raw, { file: 'kannel.conf' }).links.map((l) => ({ ...l, enquireLinkIntervalMs: 1000 }));
}

function submits(s: SmscSimulator): RawSubmit[] {
  return s.pduLog.filter((p) => p.command === 'submit_sm').map((p) => readSubmitFrame(p.frame));
}

async function setup(raw: Record<string, unknown> = {}): Promise<{ app: App; a: SmscSimulator; b: SmscSimulator }> {
  const a = await startSimulator(cleanups);
  const b = await startSimulator(cleanups);
  const app = await startGateway(testConfig(kannelLinks(a.port, b.port), { raw }), env.redis, cleanups);
  await waitFor(() => app.runtimes.get('A')!.healthy() && app.runtimes.get('B')!.healthy(), 5000, 'both links bound');
  return { app, a, b };
}

describe('TLVs from meta-data into submit_sm', () => {
  it('meta-data=?smpp?my_tlv=abc: the SMSC sees tag 0x1400, length 4, "abc" and its NUL', async () => {
    const { app, a } = await setup();
    const r = await sendsms(app, {
      username: 'u',
      password: 'p',
      to: '46701234567',
      text: 'hi',
      smsc: 'A',
      'meta-data': '?smpp?my_tlv=abc',
    });
    expect(r).toEqual({ status: 202, body: '0: Accepted for delivery' });
    await waitFor(() => submits(a).length === 1, 5000, 'the submit');
    const tlv = submits(a)[0]!.tlvs.find((t) => t.tag === 0x1400);
    expect(tlv).toEqual({ tag: 0x1400, length: 4, value: Buffer.from('abc\0', 'latin1') });
    // The raw bytes, as the SMSC's PDU log shows them: 14 00 00 04 61 62 63 00
    expect(
      a.pduLog.find((p) => p.command === 'submit_sm')!.frame.includes(Buffer.from([0x14, 0x00, 0x00, 0x04, 0x61, 0x62, 0x63, 0x00])),
    ).toBe(true);
  });

  it('octetstring and integer TLVs, URL-encoded values decoded once more as Kannel does', async () => {
    const { app, a } = await setup();
    const meta = '?smpp?billing_id=%00%FFx&template=513&my_tlv=a%20b';
    const r = await sendsms(app, { username: 'u', password: 'p', to: '46701234567', text: 'hi', smsc: 'A', 'meta-data': meta });
    expect(r.status).toBe(202);
    await waitFor(() => submits(a).length === 1, 5000, 'the submit');
    const tlvs = submits(a)[0]!.tlvs;
    expect(tlvs.find((t) => t.tag === 0x1401)).toEqual({ tag: 0x1401, length: 3, value: Buffer.from([0x00, 0xff, 0x78]) });
    expect(tlvs.find((t) => t.tag === 0x1402)).toEqual({ tag: 0x1402, length: 2, value: Buffer.from([0x02, 0x01]) });
    expect(tlvs.find((t) => t.tag === 0x1400)).toEqual({ tag: 0x1400, length: 4, value: Buffer.from('a b\0', 'latin1') });
  });

  it('refuses at accept time, with a clear 400, a name no link of the route declares and a value that does not fit', async () => {
    const { app, a, b } = await setup();
    const unknown = await sendsms(app, {
      username: 'u',
      password: 'p',
      to: '46701234567',
      text: 'hi',
      smsc: 'A',
      'meta-data': '?smpp?nope=1',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toBe(
      'Meta-Data field misformed: unknown TLV "nope": no smpp-tlv group declares it for A (declared: billing_id, template, my_tlv), rejected',
    );
    // billing_id is declared for smsc-id A only: a message that can only go through B cannot carry it.
    const elsewhere = await sendsms(app, {
      username: 'u',
      password: 'p',
      to: '46701234567',
      text: 'hi',
      smsc: 'B',
      'meta-data': '?smpp?billing_id=x',
    });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body).toContain('unknown TLV "billing_id": no smpp-tlv group declares it for B (declared: my_tlv)');
    const tooLong = await sendsms(app, {
      username: 'u',
      password: 'p',
      to: '46701234567',
      text: 'hi',
      smsc: 'A',
      'meta-data': '?smpp?my_tlv=0123456789X',
    });
    expect(tooLong).toEqual({ status: 400, body: 'Meta-Data field misformed: my_tlv takes at most 10 octets; got 11, rejected' });
    const notInt = await sendsms(app, {
      username: 'u',
      password: 'p',
      to: '46701234567',
      text: 'hi',
      smsc: 'A',
      'meta-data': '?smpp?template=x',
    });
    expect(notInt.status).toBe(400);
    await new Promise((r) => setTimeout(r, 200));
    expect(submits(a).length + submits(b).length).toBe(0);
  });

  it('the JSON API takes `tlvs`; an unknown one is invalid_tlv', async () => {
    const { app, a } = await setup();
    const auth = `Basic ${Buffer.from('u:p').toString('base64')}`;
    const post = (body: Record<string, unknown>) =>
      app.http.inject({
        method: 'POST',
        url: '/api/v1/messages',
        headers: { authorization: auth, 'content-type': 'application/json' },
        payload: body,
      });
    const ok = await post({ to: '46701234567', text: 'hi', smsc: 'A', tlvs: { my_tlv: 'xyz', template: 7 } });
    expect(ok.statusCode).toBe(202);
    await waitFor(() => submits(a).length === 1, 5000, 'the submit');
    const tlvs = submits(a)[0]!.tlvs;
    expect(tlvs.find((t) => t.tag === 0x1400)?.value).toEqual(Buffer.from('xyz\0', 'latin1'));
    expect(tlvs.find((t) => t.tag === 0x1402)?.value).toEqual(Buffer.from([0x00, 0x07]));
    const bad = await post({ to: '46701234567', text: 'hi', smsc: 'A', tlvs: { nope: 'x' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'invalid_tlv' } });
  });

  it('dest_addr_ton and dest_addr_npi in meta-data force the destination type, as Kannel', async () => {
    const { app, a } = await setup();
    const r = await sendsms(app, {
      username: 'u',
      password: 'p',
      to: '46701234567',
      text: 'hi',
      smsc: 'A',
      'meta-data': '?smpp?dest_addr_ton=5&dest_addr_npi=0',
    });
    expect(r.status).toBe(202);
    await waitFor(() => submits(a).length === 1, 5000, 'the submit');
    expect(submits(a)[0]).toMatchObject({ destTon: 5, destNpi: 0, destAddr: '46701234567' });
  });
});

describe('TLVs of an MO', () => {
  it('a deliver_sm carrying a declared TLV shows it in %D and X-Kannel-Meta-Data; undeclared ones are not passed on', async () => {
    const svc = await startReceiver();
    cleanups.push(() => svc.close());
    const { a } = await setup({
      services: [
        { keyword: 'get', 'get-url': `http://127.0.0.1:${svc.port}/mo?meta=%D&one=%#smpp#my_tlv#` },
        { keyword: 'default', 'post-url': `http://127.0.0.1:${svc.port}/post` },
      ],
    });
    const tlv = (tag: number, value: Buffer): Buffer =>
      Buffer.concat([Buffer.from([tag >> 8, tag & 0xff, value.length >> 8, value.length & 0xff]), value]);
    const tlvs = Buffer.concat([
      tlv(0x1400, Buffer.from('hey\0', 'latin1')),
      tlv(0x1402, Buffer.from([0x01, 0x00])),
      tlv(0x1499, Buffer.from('zz')),
    ]);
    const base = { sourceAddr: '46709999999', destAddr: '1234', esmClass: 0, dataCoding: 0, rawTlvs: tlvs };
    // The get service's URL takes no words after its keyword (Kannel's check_num_args), so the MO is its keyword alone.
    await a.deliver({ ...base, shortMessage: Buffer.from('get') });
    await a.deliver({ ...base, shortMessage: Buffer.from('post me') });
    await waitFor(() => svc.requests.length === 2, 5000, 'both MO at the service');
    const get = svc.requests.find((r) => r.url.startsWith('/mo'))!;
    // %D: the packed meta-data, URL-encoded once more (Kannel's escape)
    expect(get.query.get('meta')).toBe('?smpp?my_tlv=hey&template=256&');
    expect(get.query.get('one')).toBe('hey');
    const post = svc.requests.find((r) => r.url.startsWith('/post'))!;
    expect(post.headers['x-kannel-meta-data']).toBe('?smpp?my_tlv=hey&template=256&');
  });
});
