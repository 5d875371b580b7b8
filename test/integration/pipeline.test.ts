import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { parsePersona } from '../../src/simulator/persona.js';
import { sendsms, startGateway, testConfig } from '../helpers/gateway.js';
import { testLink, waitFor } from '../helpers/links.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
const cleanups: Array<() => Promise<void>> = [];
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis.stop();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function sim(persona = 'happy'): Promise<SmscSimulator> {
  const s = new SmscSimulator({ port: 0, persona: parsePersona(persona) });
  await s.start();
  cleanups.push(() => s.kill());
  return s;
}

async function gateway(...args: Parameters<typeof testConfig>): Promise<App> {
  const app = await startGateway(testConfig(...args), redis);
  cleanups.push(() => app.stop());
  return app;
}

describe('sendsms → Redis → SMPP', () => {
  it('delivers a message with the right source, destination, data_coding and text', async () => {
    const s = await sim();
    const app = await gateway([testLink(s.port)]);
    await waitFor(() => app.runtimes.get(`sim${s.port}`)!.healthy());
    const r = await sendsms(app, { username: 'u', password: 'p', from: '4711', to: '4670000001', text: 'hello' });
    expect(r).toEqual({ status: 202, body: '0: Accepted for delivery' });
    await waitFor(() => s.received.length === 1, 5000, 'submit at the simulator');
    const m = s.received[0]!;
    expect(m.sourceAddr).toBe('4711');
    expect(m.destAddr).toBe('4670000001');
    expect(m.dataCoding).toBe(0);
    expect(m.shortMessage.toString('latin1')).toBe('hello');
  });

  it('answers 3: Queued when no link is up, and delivers once it binds', async () => {
    const s = await sim();
    const port = s.port;
    await s.kill();
    const app = await gateway([testLink(port)]);
    const r = await sendsms(app, { username: 'u', password: 'p', to: '4670000002', text: 'later' });
    expect(r).toEqual({ status: 202, body: '3: Queued for later delivery' });
    const s2 = new SmscSimulator({ port });
    await s2.start();
    cleanups.push(() => s2.kill());
    await waitFor(() => s2.received.length === 1, 5000, 'delivery after bind');
    expect(s2.received[0]?.destAddr).toBe('4670000002');
  });

  it('refuses bad credentials and bad parameters with Kannel replies, queueing nothing', async () => {
    const s = await sim();
    const app = await gateway([testLink(s.port)]);
    expect(await sendsms(app, { username: 'u', password: 'x', to: '1', text: 'a' })).toEqual({ status: 403, body: 'Authorization failed for sendsms' });
    expect(await sendsms(app, { username: 'u', password: 'p', text: 'a' })).toEqual({ status: 400, body: 'Missing receiver number, rejected' });
    expect(await sendsms(app, { username: 'u', password: 'p', to: '1', text: 'a', 'dlr-url': 'ftp://x' })).toEqual({ status: 400, body: 'DLR-URL field misformed, rejected' });
    expect(await sendsms(app, { username: 'u', password: 'p', to: '1', text: 'a', coding: '7' })).toEqual({ status: 400, body: 'Coding field misformed, rejected' });
    expect((await sendsms(app, { username: 'u', password: 'p', to: '1', text: 'Привет', coding: '0' })).status).toBe(400);
    await new Promise((r) => setTimeout(r, 200));
    expect(s.received).toHaveLength(0);
  });
});
