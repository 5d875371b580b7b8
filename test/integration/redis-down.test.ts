import { describe, expect, it } from 'vitest';
import { SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { startGateway, testConfig } from '../helpers/gateway.js';
import { testLink, waitFor } from '../helpers/links.js';
import { startTestRedis } from '../helpers/redis.js';
import { startEmbeddedRedis } from '../../src/redis/embedded-server.js';

describe('Redis unavailable', () => {
  it('answers 503 at once and accepts nothing; accepts again when Redis is back', async () => {
    const redis = await startTestRedis();
    const sim = new SmscSimulator({ port: 0 });
    await sim.start();
    const app = await startGateway(testConfig([testLink(sim.port, { id: 'l1' })]), redis);
    try {
      await waitFor(() => app.runtimes.get('l1')!.healthy());
      await redis.server.stop();
      const t0 = Date.now();
      const res = await app.http.inject({ method: 'GET', url: '/cgi-bin/sendsms?username=u&password=p&to=4670000501&text=x' });
      expect([res.statusCode, res.body]).toEqual([503, 'Temporal failure, try again later.']);
      expect(Date.now() - t0).toBeLessThan(2000);
      const api = await app.http.inject({
        method: 'POST',
        url: '/api/v1/messages',
        headers: { authorization: `Basic ${Buffer.from('u:p').toString('base64')}`, 'content-type': 'application/json' },
        payload: { to: '4670000502', text: 'x' },
      });
      expect([api.statusCode, api.json<{ error: { code: string } }>().error.code]).toEqual([503, 'temporarily_unavailable']);
      expect(sim.received).toHaveLength(0);
      const again = await startEmbeddedRedis({ dataDir: redis.dir, persistence: false, detached: false });
      try {
        let last = '';
        await waitFor(
          async () => {
            last = (await app.http.inject({ method: 'GET', url: '/cgi-bin/sendsms?username=u&password=p&to=4670000503&text=back' })).body;
            return last === '0: Accepted for delivery';
          },
          10_000,
          'accepting again',
        );
        await waitFor(() => sim.received.length === 1, 10_000, 'delivered after Redis came back');
        expect(sim.received[0]?.destAddr).toBe('4670000503');
      } finally {
        await Promise.race([app.stop(), new Promise((r) => setTimeout(r, 3000))]);
        await again.stop();
      }
    } finally {
      await Promise.race([app.stop(), new Promise((r) => setTimeout(r, 3000))]);
      await sim.kill();
      await redis.stop().catch(() => undefined);
    }
  });
});
