import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import { fileIncludeReader } from '../../src/config/load-config.js';
import { parseKannelConfig } from '../../src/config/load-kannel.js';
import { createLogger } from '../../src/observability/logger.js';
import { SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { waitFor } from '../helpers/links.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis.stop();
});

describe('a Kannel configuration taken as it is', () => {
  it('starts from config/kannel-example.conf (one smpp smsc group, one sendsms-user) and delivers', async () => {
    const sim = new SmscSimulator({ port: 0 });
    await sim.start();
    // The example file as shipped, with only the SMSC port and the sendsms port pointed at this test's.
    const text = readFileSync('config/kannel-example.conf', 'utf8')
      .replace('port = 2775', `port = ${sim.port}`)
      .replace('sendsms-port = 13013', 'sendsms-port = 0')
      .replace('admin-port = 13000', 'admin-port = 0');
    const { config, warnings } = parseKannelConfig(text, 'config/kannel-example.conf', fileIncludeReader);
    expect(warnings.map((w) => `${w.line} ${w.path}`)).toContain('12 group smsbox (line 11) bearerbox-host');
    const app = new App({
      config: { ...config, redis: { ...config.redis, keyPrefix: 'kannelconf' } },
      redis: redis.target,
      logger: createLogger('silent'),
    });
    await app.start();
    try {
      await waitFor(() => app.runtimes.get('carrier')?.healthy() ?? false, 5000, 'bound');
      const res = await app.http.inject({
        method: 'GET',
        url: '/cgi-bin/sendsms?username=tester&password=foobar&to=4670000123&text=from+kannel+conf',
      });
      expect(res.statusCode).toBe(202);
      expect(res.body).toBe('0: Accepted for delivery');
      await waitFor(() => sim.received.length === 1, 5000, 'delivered');
      expect(sim.received[0]).toMatchObject({ destAddr: '4670000123', sourceAddr: '12345', systemId: 'kannel' });
      expect(sim.received[0]?.shortMessage.toString('latin1')).toBe('from kannel conf');
    } finally {
      await app.stop();
      await sim.kill();
    }
  });
});
