/**
 * TLS on real sockets over loopback, with certificates made at test time: HTTPS on the sendsms port (TLS 1.2 and
 * up, certificate reload), and SMPP over TLS from a bind to the simulator (verification on by default, typed TLS
 * failures, never a fallback to plain TCP).
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer as createTcpServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { connect as tlsConnect, createServer as createTlsServer, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerTlsFiles } from '../../src/config/config.js';
import type { Link, LinkTls } from '../../src/domain/link.js';
import { createLogger } from '../../src/observability/logger.js';
import { parsePersona } from '../../src/simulator/persona.js';
import { SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { Bind, describeDown, type DownReason } from '../../src/smpp/bind.js';
import { openSocket } from '../../src/smpp/open-socket.js';
import type { SubmitPart } from '../../src/smpp/submit-part.js';
import { loadServerCredentials, reloadServerCredentials } from '../../src/tls/server-credentials.js';
import { TlsFileError } from '../../src/tls/tls-file-error.js';
import { startGateway, testConfig } from '../helpers/gateway.js';
import { testLink, waitFor } from '../helpers/links.js';
import { useTestRedis } from '../helpers/redis.js';
import { makeTestPki, type TestPki } from '../helpers/test-pki.js';

const frame = useTestRedis();
const { cleanups } = frame;
const log = createLogger('silent');
let pki: TestPki;
beforeAll(() => {
  pki = makeTestPki();
});
afterAll(() => pki.remove());

async function tlsSim(files: ServerTlsFiles, persona = 'happy'): Promise<SmscSimulator> {
  const s = new SmscSimulator({ port: 0, persona: parsePersona(persona), tls: files });
  await s.start();
  cleanups.push(() => s.kill());
  return s;
}

const trusted = (over: Partial<LinkTls> = {}): LinkTls => ({
  caFile: pki.caFile,
  verify: true,
  serverName: undefined,
  clientCertKeyFile: undefined,
  ...over,
});

function bind(link: Link): Bind {
  const b = new Bind({ link, mode: 'transceiver', port: link.port, instance: 1, logger: log });
  b.start();
  cleanups.push(() => b.stop(500));
  return b;
}

function part(dest: string, text: string): SubmitPart {
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

type Handshake = { ok: true; protocol: string | null; fingerprint256: string } | { ok: false; code: string };

/** One TLS handshake with a server on 127.0.0.1, trusting the test CA. */
function handshake(port: number, over: ConnectionOptions = {}): Promise<Handshake> {
  return new Promise((resolve) => {
    const s = tlsConnect({ host: '127.0.0.1', port, ca: readFileSync(pki.caFile), ...over });
    s.once('secureConnect', () => {
      resolve({ ok: true, protocol: s.getProtocol(), fingerprint256: s.getPeerCertificate().fingerprint256 });
      s.destroy();
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, code: e.code ?? e.message }));
  });
}

/** A TLS 1.1-only client (and at OpenSSL security level 0, so the client itself is able to speak TLS 1.1). */
const TLS11_ONLY: ConnectionOptions = { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' };

function httpsGet(port: number, path: string): Promise<{ status: number; body: string; fingerprint256: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', ca: readFileSync(pki.caFile), agent: false }, (res) => {
      const fingerprint256 = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, fingerprint256 }));
    });
    req.on('error', reject);
    req.end();
  });
}

function copyFiles(from: ServerTlsFiles, to: ServerTlsFiles): void {
  copyFileSync(from.certFile, to.certFile);
  copyFileSync(from.keyFile, to.keyFile);
}

describe('HTTPS on the sendsms port', () => {
  async function httpsGateway(files: ServerTlsFiles, links: Link[] = []) {
    const config = testConfig(links, {
      raw: {
        http: {
          'sendsms-port': 0,
          'sendsms-interface': '127.0.0.1',
          'global-sender': '12345',
          'sendsms-port-ssl': true,
          'ssl-server-cert-file': files.certFile,
          'ssl-server-key-file': files.keyFile,
        },
      },
    });
    const app = await startGateway(config, frame.redis);
    cleanups.push(() => app.stop());
    return app;
  }

  it('accepts an HTTPS sendsms request and delivers it over SMPP over TLS', async () => {
    const sim = await tlsSim(pki.server);
    const app = await httpsGateway(pki.server, [testLink(sim.port, { id: 'tls1', tls: trusted() })]);
    await waitFor(() => app.runtimes.get('tls1')!.healthy(), 5000, 'the TLS link bound');
    const res = await httpsGet(app.httpPort, '/cgi-bin/sendsms?username=u&password=p&to=4670000501&text=over+tls');
    expect(res).toMatchObject({ status: 202, body: '0: Accepted for delivery' });
    expect(res.fingerprint256).toBe(pki.fingerprint(pki.server.certFile));
    await waitFor(() => sim.received.length === 1, 5000, 'the submit at the TLS simulator');
    expect(sim.received[0]).toMatchObject({ destAddr: '4670000501' });
    expect(sim.received[0]!.shortMessage.toString('latin1')).toBe('over tls');
  });

  it('refuses a TLS 1.1 client and takes a TLS 1.2 one', async () => {
    const app = await httpsGateway(pki.server);
    expect(await handshake(app.httpPort, TLS11_ONLY)).toEqual({ ok: false, code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' });
    expect(await handshake(app.httpPort, { maxVersion: 'TLSv1.2' })).toMatchObject({ ok: true, protocol: 'TLSv1.2' });
    expect(await handshake(app.httpPort)).toMatchObject({ ok: true, protocol: 'TLSv1.3' });
    // The same client does get through to a server that allows TLS 1.1: the refusal above is the gateway's.
    const old = createTlsServer({ ...loadServerCredentials(pki.server), minVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }, (c) =>
      c.end(),
    );
    await new Promise<void>((r) => old.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => old.close(() => r())));
    expect(await handshake((old.address() as { port: number }).port, TLS11_ONLY)).toMatchObject({ ok: true, protocol: 'TLSv1.1' });
  });

  it('reload swaps the certificate for new connections; a bad file keeps the current one and names it', async () => {
    // The gateway reads its own copies, so the test can replace them as an operator would.
    const live: ServerTlsFiles = { certFile: join(pki.dir, 'live.pem'), keyFile: join(pki.dir, 'live.key') };
    copyFiles(pki.server, live);
    const app = await httpsGateway(live);
    const first = pki.fingerprint(pki.server.certFile);
    const second = pki.fingerprint(pki.server2.certFile);
    expect(first).not.toBe(second);
    expect((await httpsGet(app.httpPort, '/health')).fingerprint256).toBe(first);

    copyFiles(pki.server2, live);
    expect(app.reloadTls()).toEqual([{ ok: true, fingerprint256: second }]);
    const after = await httpsGet(app.httpPort, '/health');
    expect(after).toMatchObject({ status: 200, fingerprint256: second });
    expect(await handshake(app.httpPort, TLS11_ONLY)).toEqual({ ok: false, code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' });

    const lines: string[] = [];
    const capture = pino({ level: 'info' }, { write: (s: string) => void lines.push(s) });
    const broken: Array<[string, () => void, string, RegExp]> = [
      ['a key that is not PEM', () => writeFileSync(live.keyFile, 'not a key\n'), live.keyFile, /is not a PEM private key/],
      [
        'the key of another certificate',
        () => copyFileSync(pki.server.keyFile, live.keyFile),
        live.keyFile,
        /is not the private key of the certificate in/,
      ],
      [
        'a certificate that is not PEM',
        () => writeFileSync(live.certFile, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'),
        live.certFile,
        /is not a PEM certificate/,
      ],
      ['an empty certificate file', () => writeFileSync(live.certFile, ''), live.certFile, /is not a PEM certificate/],
    ];
    for (const [what, breakIt, file, problem] of broken) {
      copyFiles(pki.server2, live);
      breakIt();
      lines.length = 0;
      const result = reloadServerCredentials(app.http.server, live, capture);
      expect(result.ok, what).toBe(false);
      if (!result.ok) {
        expect(result.error.file, what).toBe(file);
        expect(result.error.message, what).toMatch(problem);
      }
      expect(lines.join(''), what).toContain(file);
      expect(JSON.parse(lines[0]!)).toMatchObject({ level: 50, file });
      expect((await httpsGet(app.httpPort, '/health')).fingerprint256, what).toBe(second);
    }
    const gone = reloadServerCredentials(app.http.server, { certFile: join(pki.dir, 'nope.pem'), keyFile: live.keyFile }, capture);
    expect(gone.ok).toBe(false);
    if (!gone.ok) expect(gone.error.message).toBe(`${join(pki.dir, 'nope.pem')}: cannot read the certificate (ENOENT)`);
    expect((await httpsGet(app.httpPort, '/health')).fingerprint256).toBe(second);
  });

  it('a certificate that cannot be used stops the start, naming the file', () => {
    expect(() => loadServerCredentials({ certFile: pki.server.certFile, keyFile: pki.server2.keyFile })).toThrow(TlsFileError);
    expect(() => loadServerCredentials({ certFile: pki.server.certFile, keyFile: pki.server2.keyFile })).toThrow(
      `${pki.server2.keyFile}: is not the private key of the certificate in ${pki.server.certFile}`,
    );
  });
});

describe('SMPP over TLS', () => {
  it('binds to the TLS simulator, verifying its certificate, and delivers a message', async () => {
    const sim = await tlsSim(pki.server);
    const b = bind(testLink(sim.port, { tls: trusted() }));
    await waitFor(() => b.state.kind === 'bound', 5000, 'bound over TLS');
    expect(await b.submit(part('4670000601', 'secret'))).toEqual({ kind: 'accepted', messageId: '1' });
    expect(sim.received.map((r) => r.shortMessage.toString('latin1'))).toEqual(['secret']);
  });

  /** A TCP relay in front of a server that records the first bytes each connection sends. */
  async function recordingRelay(targetPort: number): Promise<{ port: number; firstBytes: Buffer[] }> {
    const firstBytes: Buffer[] = [];
    const server: Server = createTcpServer((client: Socket) => {
      const upstream = tcpConnect({ host: '127.0.0.1', port: targetPort });
      client.once('data', (b: Buffer) => firstBytes.push(b));
      client.pipe(upstream).pipe(client);
      const end = (): void => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    return { port: (server.address() as { port: number }).port, firstBytes };
  }

  it('an untrusted certificate is a typed TLS failure, retried over TLS only, never plain', async () => {
    const sim = await tlsSim(pki.untrusted);
    const relay = await recordingRelay(sim.port);
    const states: DownReason[] = [];
    const b = bind(testLink(relay.port, { tls: trusted(), reconnectDelayMs: 20, reconnectDelayMaxMs: 40 }));
    b.on('state', (s) => s.kind === 'down' && states.push(s.reason));
    await waitFor(() => states.length >= 3, 5000, 'three failed attempts');
    for (const r of states) expect(r).toEqual({ kind: 'tls', detail: expect.stringContaining('UNABLE_TO_VERIFY_LEAF_SIGNATURE') });
    expect(describeDown(states[0]!)).toMatch(/^TLS failed: /);
    expect(sim.counters.binds).toBe(0);
    expect(relay.firstBytes.length).toBeGreaterThanOrEqual(3);
    // Every connection opened with a TLS handshake record (0x16), none with an SMPP bind PDU.
    for (const bytes of relay.firstBytes) {
      expect(bytes[0]).toBe(0x16);
      expect(bytes.length >= 8 && bytes.readUInt32BE(4) === 0x00000009).toBe(false);
    }
  });

  it('ssl-verify false binds to the untrusted certificate anyway', async () => {
    const sim = await tlsSim(pki.untrusted);
    const b = bind(testLink(sim.port, { tls: trusted({ verify: false }) }));
    await waitFor(() => b.state.kind === 'bound', 5000, 'bound without verification');
    expect(sim.counters.binds).toBe(1);
  });

  it('a certificate for another name is a TLS failure; ssl-server-name checks the name given', async () => {
    const sim = await tlsSim(pki.server);
    const wrong = bind(testLink(sim.port, { tls: trusted({ serverName: 'smsc.example.net' }) }));
    await waitFor(() => wrong.state.kind === 'down', 5000, 'down');
    expect(wrong.state).toMatchObject({ reason: { kind: 'tls', detail: expect.stringContaining('ERR_TLS_CERT_ALTNAME_INVALID') } });
    const right = bind(testLink(sim.port, { id: 'named', tls: trusted({ serverName: 'localhost' }) }));
    await waitFor(() => right.state.kind === 'bound', 5000, 'bound by name');
  });

  it('an SMSC that does not speak TLS is a TLS failure, not a plain bind', async () => {
    const plain = new SmscSimulator({ port: 0 });
    await plain.start();
    cleanups.push(() => plain.kill());
    const b = bind(testLink(plain.port, { tls: trusted(), connectTimeoutMs: 500 }));
    await waitFor(() => b.state.kind === 'down', 5000, 'down');
    expect(b.state).toMatchObject({ reason: { kind: 'tls' } });
    expect(plain.counters.binds).toBe(0);
  });

  it('a peer that accepts TCP and never answers the handshake is a TLS timeout', async () => {
    // Reads (and drops) the ClientHello, answers nothing.
    const silent = createTcpServer((s) => s.resume());
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    // openSocket destroys its socket on failure, so close() does not wait on it.
    cleanups.push(() => new Promise<void>((r) => silent.close(() => r())));
    const port = (silent.address() as { port: number }).port;
    const opened = await openSocket({ host: '127.0.0.1', port, timeoutMs: 200, tls: trusted(), log });
    expect(opened).toEqual({ ok: false, reason: { kind: 'tls', detail: 'no TLS handshake within 200 ms' } });
  });

  it('a CA file that cannot be read is a TLS failure naming the file', async () => {
    const sim = await tlsSim(pki.server);
    const missing = join(pki.dir, 'missing-ca.pem');
    const b = bind(testLink(sim.port, { tls: trusted({ caFile: missing }) }));
    await waitFor(() => b.state.kind === 'down', 5000, 'down');
    expect(b.state).toMatchObject({ reason: { kind: 'tls', detail: `${missing}: cannot read the trusted CA certificates (ENOENT)` } });
  });

  it('presents the client certificate from ssl-client-certkey-file to a server that asks for one', async () => {
    const seen: string[] = [];
    const server = createTlsServer(
      { ...loadServerCredentials(pki.server), requestCert: true, rejectUnauthorized: true, ca: readFileSync(pki.caFile) },
      (s) => {
        seen.push(String(s.getPeerCertificate().subject.CN));
        s.end();
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    const port = (server.address() as { port: number }).port;
    const without = await openSocket({ host: '127.0.0.1', port, timeoutMs: 2000, tls: trusted(), log });
    // TLS 1.3 reports a missing client certificate after the handshake: the server refuses it with an alert.
    expect(without.ok).toBe(true);
    if (without.ok) {
      const refused = await new Promise<string>((r) => without.socket.once('error', (e: NodeJS.ErrnoException) => r(e.code ?? '')));
      expect(refused).toBe('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED');
    }
    const withCert = await openSocket({
      host: '127.0.0.1',
      port,
      timeoutMs: 2000,
      tls: trusted({ clientCertKeyFile: pki.clientCertKeyFile }),
      log,
    });
    expect(withCert.ok).toBe(true);
    if (withCert.ok) {
      withCert.socket.on('error', () => undefined);
      withCert.socket.resume();
    }
    await waitFor(() => seen.length === 1, 2000, 'the server saw a client certificate');
    expect(seen).toEqual(['client']);
  });
});
