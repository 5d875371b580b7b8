/**
 * Issue 18's every-key configuration (test/unit/config/fixtures/kannel-every-key.conf): the gateway starts on it
 * unchanged (its lists read from the files beside it) and accepts a message through every rule it sets.
 */
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load-config.js';
import { sendsms, startGateway } from '../helpers/gateway.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();

describe('the every-key configuration', () => {
  it('starts unchanged and routes a message through its lists, regexes and unified-prefix', async () => {
    const { config } = loadConfigFile('test/unit/config/fixtures/kannel-every-key.conf');
    const app = await startGateway(config, env.redis, env.cleanups);
    const loaded = app.numberLists.lists;
    expect(loaded.accounts.get('shop')?.white?.has('46700000001')).toBe(true);
    expect(loaded.links.get('opA')?.black?.has('46700000000')).toBe(true);
    // 0700000001: unified to +46700000001, in every white list, matched by every regex; the SMSCs are not there
    // (ports 2775, 2776 on loopback), so it waits.
    expect(await sendsms(app, { username: 'shop', password: 'shop-secret', from: '4711', to: '0700000001', text: 'hi' })).toEqual({
      status: 202,
      body: '3: Queued for later delivery',
    });
    // 0700000000 is on the black lists.
    expect((await sendsms(app, { username: 'shop', password: 'shop-secret', from: '4711', to: '0700000000', text: 'hi' })).status).toBe(
      400,
    );
    const e = await app.operations.explain('shop', '0700000001', undefined);
    expect(e.route?.preferred).toEqual(['opA']);
  });
});
