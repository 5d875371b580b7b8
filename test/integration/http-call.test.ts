/**
 * The outbound HTTP client of callbacks and MO forwarding, against real local servers: a 2xx, an error status, a
 * server that never answers (the deadline), a port with nothing listening, and a destination the policy refuses.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpCall } from '../../src/http-client/http-call.js';
import { OutboundGuards } from '../../src/http-client/outbound-guard.js';
import { OutboundPolicies } from '../../src/security/outbound-policy.js';
import { freePort } from '../helpers/child-gateway.js';

let server: Server;
let port: number;
const guard = new OutboundGuards(new OutboundPolicies({ networks: ['169.254.0.0/16'], hosts: [] }, [])).forAccount(undefined);

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith('/hang')) return; // never answers
    res.writeHead(req.url?.startsWith('/fail') ? 500 : 200).end('x');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('httpCall', () => {
  it('a 2xx is ok, anything else says its status', async () => {
    expect(await httpCall({ url: `http://127.0.0.1:${port}/dlr?type=1`, method: 'GET', guard }, 1000)).toEqual({ ok: true, status: 200 });
    expect(await httpCall({ url: `http://127.0.0.1:${port}/fail`, method: 'POST', body: 'a=b', guard }, 1000)).toEqual({
      ok: false,
      kind: 'status',
      status: 500,
      detail: 'HTTP 500',
    });
  });

  it('a server that never answers is a timeout within the deadline', async () => {
    const t0 = Date.now();
    const r = await httpCall({ url: `http://127.0.0.1:${port}/hang`, method: 'GET', guard }, 300);
    expect(r).toEqual({ ok: false, kind: 'timeout', detail: 'no answer within 300 ms' });
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('nothing listening is a connection error; a denied address is refused before any connection', async () => {
    const closed = await freePort();
    expect(await httpCall({ url: `http://127.0.0.1:${closed}/x`, method: 'GET', guard }, 1000)).toMatchObject({
      ok: false,
      kind: 'connection',
      detail: 'ECONNREFUSED',
    });
    expect(await httpCall({ url: 'http://169.254.169.254/latest/meta-data', method: 'GET', guard }, 1000)).toMatchObject({
      ok: false,
      kind: 'refused',
    });
    expect(await httpCall({ url: 'ftp://127.0.0.1/x', method: 'GET', guard }, 1000)).toMatchObject({ ok: false, kind: 'bad-url' });
  });
});
