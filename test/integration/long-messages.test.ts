/**
 * Every text arrives intact: long GSM text with extension characters and Cyrillic with an emoji, split by each
 * concatenation method, reach the simulator as parts that put back together give the original exactly.
 */
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { ConcatenationMethod } from '../../src/domain/link.js';
import { parsePersona } from '../../src/simulator/persona.js';
import { SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { startGateway, testConfig } from '../helpers/gateway.js';
import { testLink, waitFor } from '../helpers/links.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();
const { cleanups } = env;

const GSM_500 = Array.from({ length: 25 }, (_, i) => `Line ${String(i).padStart(2, '0')}: {}[]€ ok!`)
  .join(' ')
  .padEnd(500, '.')
  .slice(0, 500);
const CYRILLIC_200 = `${'Съешь же ещё этих мягких французских булок, да выпей чаю. '.repeat(4)}`.slice(0, 198) + '👍';

async function gateway(method: ConcatenationMethod, persona = 'happy'): Promise<{ app: App; sim: SmscSimulator }> {
  const sim = new SmscSimulator({ port: 0, persona: parsePersona(persona) });
  await sim.start();
  cleanups.push(() => sim.kill());
  const app = await startGateway(
    testConfig([testLink(sim.port, { id: `l-${method}`, concatenation: method })], {
      prefix: `long-${method}-${persona.replace(/\W/g, '')}`,
    }),
    env.redis,
    cleanups,
  );
  await waitFor(() => app.cluster.linkHealthy(`l-${method}`), 5000, 'bound');
  return { app, sim };
}

async function api(app: App, body: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await app.http.inject({
    method: 'POST',
    url: '/api/v1/messages',
    headers: { authorization: `Basic ${Buffer.from('u:p').toString('base64')}`, 'content-type': 'application/json' },
    payload: body,
  });
  return { status: res.statusCode, json: res.json() };
}

describe('long messages, every concatenation method', () => {
  for (const method of ['udh8', 'udh16', 'sar', 'payload'] as const) {
    it(`${method}: 500 GSM characters with {}[]€ and 200 Cyrillic characters with an emoji arrive exactly`, async () => {
      expect(GSM_500).toHaveLength(500);
      const { app, sim } = await gateway(method);
      expect((await api(app, { to: '4678000001', text: GSM_500 })).status).toBe(202);
      expect((await api(app, { to: '4678000002', text: CYRILLIC_200 })).status).toBe(202);
      await waitFor(() => sim.reassembled().length === 2, 8000, 'both messages reassembled');
      const got = new Map(sim.reassembled().map((m) => [m.to, m]));
      expect(got.get('4678000001')?.text).toBe(GSM_500);
      expect(got.get('4678000002')?.text).toBe(CYRILLIC_200);
      const gsmParts = sim.received.filter((r) => r.destAddr === '4678000001');
      const ucsParts = sim.received.filter((r) => r.destAddr === '4678000002');
      if (method === 'payload') {
        expect(gsmParts).toHaveLength(1);
        expect(gsmParts[0]!.messagePayload?.length).toBeGreaterThan(500); // escapes take two septets
      } else {
        // 500 GSM characters with 125 escapes are 625 septets: 5 parts of 153 (udh8) or 152 (udh16), 4 of 160 (SAR).
        // 200 UTF-16 units (the emoji is two): 67+67+66 (udh8), 66+66+66+2 (udh16, the pair never split), 70+70+60 (SAR).
        expect(gsmParts).toHaveLength({ udh8: 5, udh16: 5, sar: 4 }[method]);
        expect(ucsParts).toHaveLength({ udh8: 3, udh16: 4, sar: 3 }[method]);
        expect(new Set(gsmParts.map((r) => r.esmClass & 0x40)).size).toBe(1);
        expect(gsmParts.every((r) => r.dataCoding === 0) && ucsParts.every((r) => r.dataCoding === 8)).toBe(true);
        // Parts leave in order on one bind.
        expect(new Set(gsmParts.map((r) => r.sessionId)).size).toBe(1);
      }
    });
  }

  it('a retry of the remaining parts keeps the same reference and the same link', async () => {
    const { app, sim } = await gateway('udh8', 'disconnect-after:3');
    expect((await api(app, { to: '4678000101', text: GSM_500 })).status).toBe(202);
    await waitFor(() => sim.reassembled().some((m) => m.to === '4678000101'), 10_000, 'reassembled after the rebind');
    const parts = sim.received.filter((r) => r.destAddr === '4678000101' && r.status === 0);
    const refs = new Set(parts.map((r) => r.shortMessage[3]));
    expect(refs.size).toBe(1); // one concatenation reference across the retry
    expect(new Set(parts.map((r) => r.sessionId)).size).toBeGreaterThan(1); // it did span a reconnect
    expect(sim.reassembled().find((m) => m.to === '4678000101')?.text).toBe(GSM_500);
    // Parts the SMSC accepted were not sent again.
    expect(parts.map((r) => r.shortMessage[5]).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('a text that does not fit the asked coding, or needs more parts than max-messages, is refused and nothing is queued', async () => {
    const { app, sim } = await gateway('udh8');
    const bad = await app.http.inject({
      method: 'GET',
      url: `/cgi-bin/sendsms?username=u&password=p&to=4678000201&coding=0&text=${encodeURIComponent('Привет')}`,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('rejected');
    const long = await app.http.inject({
      method: 'GET',
      url: `/cgi-bin/sendsms?username=u&password=p&to=4678000202&text=${'x'.repeat(153 * 10 + 1)}`,
    });
    expect([long.statusCode, long.body]).toEqual([400, 'Message needs 11 parts, more than max-messages (10), rejected']);
    expect((await api(app, { to: '4678000203', text: 'Ж', coding: 'gsm7' })).json).toMatchObject({ error: { code: 'text_unencodable' } });
    await new Promise((r) => setTimeout(r, 300));
    expect(sim.received).toHaveLength(0);
  });
});
