/**
 * Closing the HTTP servers (sendsms and admin) is not held by a keep-alive client whose request was being answered
 * when close() was called: Node alone keeps that connection open until keepAliveTimeout.
 */
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { createNodeServer } from '../../src/http/node-server.js';

describe('closing a server with a keep-alive request in flight', () => {
  it('closes once the reply is out, not after the keep-alive timeout', async () => {
    const server = createNodeServer((_req, res) => setTimeout(() => res.end('ok'), 200), {
      https: null,
      requestTimeoutMs: 10_000,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 30_000,
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const agent = new http.Agent({ keepAlive: true });
    const answered = new Promise<number>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        })
        .on('error', reject);
    });
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    const closed = new Promise<number>((r) => server.close(() => r(Date.now() - t0)));
    expect(await answered).toBe(200);
    const ms = await closed;
    agent.destroy();
    expect(ms).toBeLessThan(1000);
  });
});
