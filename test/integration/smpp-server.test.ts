/**
 * The SMPP server for client ESMEs, end to end over loopback: a client binds to the gateway, submits through the
 * accept path to the simulator SMSC, and gets its receipts (and MO) back as deliver_sm. Our own codec plays the
 * client here; smpp-server-interop.test.ts uses Net::SMPP.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Link } from '../../src/domain/link.js';
import type { SmscSimulator, SimulatorOptions } from '../../src/simulator/smsc-simulator.js';
import { SmppConnection } from '../../src/smpp/connection.js';
import { receiptFields, TestEsme, type EsmeBindKind } from '../helpers/esme.js';
import { freePort } from '../helpers/child-gateway.js';
import { makeTestPki } from '../helpers/test-pki.js';
import { startGateway, testConfig } from '../helpers/gateway.js';
import { sleep, startSimulator, testLink, waitFor } from '../helpers/links.js';
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

  it('binds all three kinds; refuses wrong credentials, smpp-max-binds across the account, submits on a receiver', async () => {
    const s = await sim();
    const app = await gateway(testLink(s.port, { id: 'c2' }), 'ss2', {
      accounts: [
        { username: 'u', password: 'p', 'smpp-max-binds': 2 },
        { username: 'http-only', password: 'p', 'smpp-max-binds': 0 },
      ],
    });
    const tx = await bind(app, 'transmitter');
    const rx = await bind(app, 'receiver');
    expect([tx.status, rx.status]).toEqual([0, 0]);
    // The third session of the account is over its cap, whatever its kind; so is any bind of an HTTP-only account.
    expect((await bind(app, 'transceiver')).status).toBe(0x0d);
    expect((await bind(app, 'transceiver', 'http-only', 'p')).status).toBe(0x0d);
    expect((await bind(app, 'transceiver', 'u', 'wrong')).status).toBe(0x0d);
    // A receiver may not submit; a transmitter may; a second bind on a bound session is refused.
    expect((await rx.esme.submit({})).command_status).toBe(0x04);
    expect((await tx.esme.submit({})).command_status).toBe(0);
    expect((await tx.esme.conn.request('bind_transmitter', { system_id: 'u', password: 'p' }, 2000)).command_status).toBe(0x05);
    // Once a session goes, the account may bind again.
    await tx.esme.conn.request('unbind', {}, 2000);
    await waitFor(async () => (await app.smppSessions!.sessions()).length === 1, 5000, 'the session released');
    expect((await bind(app, 'transceiver')).status).toBe(0);
  });

  it('data_sm and submit_multi go through the accept path too; refusals carry their command_status', async () => {
    const s = await sim();
    const app = await gateway(
      testLink(s.port, {
        id: 'c3',
        routing: {
          allowedSmscId: [],
          deniedSmscId: [],
          preferredSmscId: [],
          allowedPrefix: ['467'],
          deniedPrefix: [],
          preferredPrefix: [],
        },
      }),
      'ss3',
      {
        accounts: [{ username: 'u', password: 'p', 'denied-prefix': ['4699'] }],
      },
    );
    const { esme } = await bind(app);
    const data = await esme.submit(
      { destination_addr: '46700000002', message_payload: Buffer.from('data sm body'), data_coding: 0 },
      'data_sm',
    );
    expect(data.command_status).toBe(0);
    expect(data.message_id).toMatch(/\./);
    const multi = await esme.submit(
      {
        dest_address: [
          { dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '46700000003' },
          { dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '4699000000' },
          { dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '4800000000' },
        ],
        short_message: Buffer.from('to many'),
      },
      'submit_multi',
    );
    expect(multi.command_status).toBe(0);
    expect(multi.unsuccess_sme).toEqual([
      { dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '4699000000', error_status_code: 0x0b },
      { dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '4800000000', error_status_code: 0x0b },
    ]);
    await waitFor(() => s.received.length === 2, 5000, 'two submits at the SMSC');
    expect(s.received.map((m) => m.destAddr).sort()).toEqual(['46700000002', '46700000003']);
    expect(s.received.find((m) => m.destAddr === '46700000002')!.shortMessage.toString('latin1')).toBe('data sm body');
    // Not routable, denied, a bad validity, a text the account may not send in so many parts: each its status.
    expect((await esme.submit({ destination_addr: '4800000000' })).command_status).toBe(0x0b);
    expect((await esme.submit({ destination_addr: '4699000000' })).command_status).toBe(0x0b);
    expect((await esme.submit({ validity_period: 'tomorrow' })).command_status).toBe(0x62);
    expect((await esme.submit({ short_message: Buffer.alloc(0), message_payload: Buffer.alloc(1700, 0x41) })).command_status).toBe(0x01);
  });

  it('UCS-2, a client UDH and SAR parts reach the SMSC as the same text; validity and priority are kept', async () => {
    const s = await sim();
    const app = await gateway(testLink(s.port, { id: 'c4' }), 'ss4');
    const { esme } = await bind(app);
    expect((await esme.submit({ data_coding: 8, short_message: Buffer.from('пр', 'utf16le').swap16() })).command_status).toBe(0);
    const udh = Buffer.from('050003aa0201', 'hex');
    expect((await esme.submit({ esm_class: 0x40, short_message: Buffer.concat([udh, Buffer.from('first half ')]) })).command_status).toBe(
      0,
    );
    expect(
      (
        await esme.submit({
          esm_class: 0x40,
          short_message: Buffer.concat([Buffer.from('050003aa0202', 'hex'), Buffer.from('second half')]),
        })
      ).command_status,
    ).toBe(0);
    expect(
      (
        await esme.submit({
          short_message: Buffer.from('sar one '),
          sar_msg_ref_num: 7,
          sar_total_segments: 2,
          sar_segment_seqnum: 1,
          priority_flag: 2,
          validity_period: '000001000000000R',
        })
      ).command_status,
    ).toBe(0);
    expect(
      (await esme.submit({ short_message: Buffer.from('sar two'), sar_msg_ref_num: 7, sar_total_segments: 2, sar_segment_seqnum: 2 }))
        .command_status,
    ).toBe(0);
    await waitFor(() => s.received.length === 5, 5000, 'five submits at the SMSC');
    const texts = s
      .reassembled()
      .map((m) => m.text)
      .sort();
    expect(texts).toEqual(['first half second half', 'sar one sar two', 'пр']);
    // By content, not by position: the parts may reach the SMSC in another order (two binds, batches).
    expect(s.received.filter((m) => m.dataCoding === 8)).toHaveLength(1);
    expect(s.received.find((m) => m.shortMessage.includes('sar one'))?.priorityFlag).toBe(2);
  });

  it('a receipt waits in Redis while the client is not bound, and comes on its next bind; unanswered ones are sent again', async () => {
    const s = await sim({ receiptDelayMs: 200 });
    const app = await gateway(testLink(s.port, { id: 'c5' }), 'ss5');
    const tx = await bind(app, 'transmitter');
    const resp = await tx.esme.submit({ registered_delivery: 1 });
    expect(resp.command_status).toBe(0);
    tx.esme.close();
    await waitFor(() => s.counters.receiptsSent === 1, 5000, 'the receipt reached the gateway');
    await sleep(300);
    // A receiver that never answers: the receipt goes (window 1 here), is not answered, and is sent again.
    const silent = await bind(app, 'receiver');
    silent.esme.answerStatus = undefined;
    await waitFor(() => silent.esme.delivers.length >= 2, 8000, 'the receipt sent again after no answer');
    silent.esme.close();
    const rx = await bind(app, 'receiver');
    await waitFor(() => rx.esme.delivers.length === 1, 8000, 'the receipt on the next bind');
    expect(rx.esme.delivers[0]!.receipted_message_id).toBe(resp.message_id);
    await sleep(300);
    expect(rx.esme.delivers).toHaveLength(1);
  });

  it('keeps a session alive with enquire_link, and ends one that stops answering', async () => {
    const s = await sim();
    const app = await gateway(testLink(s.port, { id: 'c6' }), 'ss6', {
      'smpp-server': { 'enquire-link-interval': 0.1, 'inactivity-timeout': 0.6 },
    });
    const { esme } = await bind(app);
    await waitFor(() => esme.otherRequests.includes('enquire_link'), 3000, 'an enquire_link from the server');
    expect((await esme.conn.request('enquire_link', {}, 2000)).command_status).toBe(0);
    await sleep(800);
    expect(esme.conn.closed).toBe(false);
    // Now the client goes silent (reads nothing, answers nothing): the server ends the session.
    const { esme: mute } = await bind(app, 'receiver');
    mute.conn.removeAllListeners('request');
    await waitFor(() => mute.conn.closed, 5000, 'the silent session ended');
    expect(esme.conn.closed).toBe(false);
  });

  it('hostile clients: a huge length, a submit before the bind, an unknown command; other sessions carry on', async () => {
    const s = await sim();
    const app = await gateway(testLink(s.port, { id: 'c7' }), 'ss7', { 'smpp-server': { 'max-binds': 3 } });
    const port = app.smppServer!.ports.plain;
    const { esme: good } = await bind(app);
    const raw = async (bytes: Buffer): Promise<Buffer> => {
      const sock = connect({ host: '127.0.0.1', port });
      const chunks: Buffer[] = [];
      sock.on('data', (c: Buffer) => chunks.push(c));
      await new Promise<void>((r) => sock.once('connect', () => r()));
      sock.write(bytes);
      // The first answer (a PDU header at least), or the connection closed, is all there is to wait for.
      await waitFor(() => sock.destroyed || Buffer.concat(chunks).length >= 16, 3000, 'an answer or a close');
      sock.destroy();
      return Buffer.concat(chunks);
    };
    // A length far over any PDU: a generic_nack (ESME_RINVCMDLEN) and the connection closed.
    const huge = await raw(Buffer.from('7fffffff0000000400000000000000010000', 'hex'));
    expect(huge.readUInt32BE(4)).toBe(0x80000000);
    expect(huge.readUInt32BE(8)).toBe(0x02);
    // A submit before any bind: ESME_RINVBNDSTS.
    const pre = await raw(Buffer.from('0000001500000004000000000000000900000000000000', 'hex').subarray(0, 0x15));
    expect(pre.readUInt32BE(4)).toBe(0x80000004);
    expect(pre.readUInt32BE(8)).toBe(0x04);
    // A command nobody defined: a generic_nack with ESME_RINVCMDID.
    const unknown = await raw(Buffer.concat([Buffer.from('00000020', 'hex'), Buffer.alloc(28, 0x0e)]));
    expect(unknown.readUInt32BE(4)).toBe(0x80000000);
    expect(unknown.readUInt32BE(8)).toBe(0x03);
    expect((await good.submit({})).command_status).toBe(0);
    expect(good.conn.closed).toBe(false);
  });

  it('the admin port shows every session (JSON, status lines, /metrics) and disconnects a session or an account', async () => {
    const s = await sim();
    const app = await gateway(testLink(s.port, { id: 'c8' }), 'ss8', {
      admin: { 'admin-port': 0, 'admin-password': 's3cret' },
      accounts: [
        { username: 'u', password: 'p' },
        { username: 'v', password: 'p', 'smpp-max-binds': 2 },
      ],
    });
    const auth = `Basic ${Buffer.from('admin:s3cret').toString('base64')}`;
    const get = async (url: string): Promise<{ status: number; body: string }> => {
      const r = await app.admin.inject({ method: 'GET', url, headers: { authorization: auth } });
      return { status: r.statusCode, body: r.body };
    };
    const u1 = await bind(app, 'transceiver');
    const u2 = await bind(app, 'receiver');
    const v1 = await bind(app, 'transmitter', 'v', 'p');
    await v1.esme.submit({ registered_delivery: 1 });
    await waitFor(async () => JSON.parse((await get('/api/v1/smpp-sessions')).body).sessions.length === 3, 5000, 'three sessions shown');
    const view = JSON.parse((await get('/api/v1/smpp-sessions')).body) as {
      sessions: { id: string; account: string; kind: string }[];
      waiting: Record<string, number>;
    };
    expect(view.sessions.map((x) => `${x.account}/${x.kind}`).sort()).toEqual(['u/receiver', 'u/transceiver', 'v/transmitter']);
    // v has no receiving bind: its receipt waits in its queue, and the admin port says so.
    await waitFor(async () => JSON.parse((await get('/api/v1/smpp-sessions')).body).waiting.v === 1, 5000, "v's receipt waiting");
    const text = (await get('/smpp-status')).body;
    expect(text).toContain('SMPP client sessions: 3');
    expect(text).toMatch(/v: 1 bound, 1 deliver_sm waiting/);
    const metrics = (await get('/metrics')).body;
    expect(metrics).toContain('switchboard_smpp_client_sessions{account="u",kind="transceiver"} 1');
    expect(metrics).toContain('switchboard_smpp_client_deliver_waiting{account="v"} 1');
    // Disconnect one session by id, then every session of an account.
    const one = view.sessions.find((x) => x.account === 'u' && x.kind === 'receiver')!.id;
    const r1 = await app.admin.inject({
      method: 'POST',
      url: `/api/v1/smpp-sessions/disconnect?session=${encodeURIComponent(one)}`,
      headers: { authorization: auth },
    });
    expect(r1.statusCode).toBe(202);
    await waitFor(() => u2.esme.conn.closed, 5000, 'the session disconnected');
    expect(u2.esme.otherRequests).toContain('unbind');
    expect(u1.esme.conn.closed).toBe(false);
    await app.admin.inject({ method: 'POST', url: '/api/v1/smpp-sessions/disconnect?account=u', headers: { authorization: auth } });
    await waitFor(() => u1.esme.conn.closed, 5000, "the account's sessions disconnected");
    expect(v1.esme.conn.closed).toBe(false);
    const anonymous = await app.admin.inject({ method: 'POST', url: '/api/v1/smpp-sessions/disconnect?account=v' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('serves SMPP over TLS on ssl-port, and a reload of the certificate files applies to new connections', async () => {
    const pki = makeTestPki();
    cleanups.push(async () => pki.remove());
    // The files the configuration names; a reload re-reads them, so they are replaced in place.
    const cert = `${pki.dir}/smpp-cert.pem`;
    const key = `${pki.dir}/smpp-key.pem`;
    copyFileSync(pki.server.certFile, cert);
    copyFileSync(pki.server.keyFile, key);
    const s = await sim();
    const plain = await gateway(testLink(s.port, { id: 'c9' }), 'ss9', {
      'smpp-server': { 'ssl-port': await freePort(), 'ssl-server-cert-file': cert, 'ssl-server-key-file': key },
    });
    const tlsPort = plain.smppServer!.ports.tls;
    expect(tlsPort).toBeGreaterThan(0);
    const bindOverTls = async (): Promise<{ status: number; fingerprint: string }> => {
      const socket: TLSSocket = tlsConnect({ host: '127.0.0.1', port: tlsPort, ca: readFileSync(pki.caFile), servername: 'localhost' });
      await new Promise<void>((ok, fail) => {
        socket.once('secureConnect', ok);
        socket.once('error', fail);
      });
      const fingerprint = socket.getPeerCertificate().fingerprint256;
      const conn = new SmppConnection(socket, { closeOnTimeout: false });
      const resp = await conn.request('bind_transceiver', { system_id: 'u', password: 'p' }, 5000);
      conn.destroy({ kind: 'local', detail: 'done' });
      return { status: resp.command_status, fingerprint };
    };
    const before = await bindOverTls();
    expect(before).toEqual({ status: 0, fingerprint: pki.fingerprint(pki.server.certFile) });
    copyFileSync(pki.server2.certFile, cert);
    copyFileSync(pki.server2.keyFile, key);
    expect(plain.reloadTls().every((r) => r.ok)).toBe(true);
    const after = await bindOverTls();
    expect(after).toEqual({ status: 0, fingerprint: pki.fingerprint(pki.server2.certFile) });
  });
});
