/**
 * The admin port against requests another site's page makes a browser send (issue 17, point 6), on a real gateway
 * listening on a real port (real Redis, the simulator): `GET /suspend.txt` with `Sec-Fetch-Site: cross-site` and a
 * POST to the JSON API with `Origin: http://evil.example` are refused (403) and change nothing; the same requests
 * from curl, which sends no such headers, still work; a JSON API POST must be `application/json`; a browser gets no
 * Basic challenge to remember.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { freePort } from '../helpers/child-gateway.js';
import { startGateway, testConfig } from '../helpers/gateway.js';
import { startSimulator, testLink, waitFor } from '../helpers/links.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();
const { cleanups } = env;
const run = promisify(execFile);

const PASSWORD = 'adm-s3cret';

async function gateway(admin: Record<string, unknown> = {}): Promise<{ app: App; base: string }> {
  const s = await startSimulator(cleanups);
  const port = await freePort();
  const app = await startGateway(
    testConfig([testLink(s.port, { id: 'alpha' })], {
      raw: { admin: { 'admin-port': port, 'admin-interface': '127.0.0.1', 'admin-password': PASSWORD, ...admin } },
    }),
    env.redis,
    cleanups,
  );
  await waitFor(() => app.cluster.linkHealthy('alpha'), 5000, 'bound');
  return { app, base: `http://127.0.0.1:${port}` };
}

/** curl as an operator's script runs it: status, headers and body of the reply. */
async function curl(args: readonly string[]): Promise<{ status: number; headers: string; body: string }> {
  const { stdout } = await run('curl', ['-s', '-i', '--max-time', '10', ...args]);
  const [head, ...rest] = stdout.split('\r\n\r\n');
  return { status: Number(/^HTTP\/[\d.]+ (\d+)/.exec(head ?? '')?.[1]), headers: (head ?? '').toLowerCase(), body: rest.join('\r\n\r\n') };
}

describe('cross-site requests on the admin port', () => {
  it('refuses GET /suspend.txt marked cross-site and a JSON API POST from another Origin; curl without them still works', async () => {
    const { app, base } = await gateway();

    const suspend = await curl(['-H', 'Sec-Fetch-Site: cross-site', `${base}/suspend.txt?password=${PASSWORD}`]);
    expect(suspend.status).toBe(403);
    expect(suspend.body).toMatch(/another site/);
    expect(app.operator.gatewayState()).toBe('running');

    const stop = await curl([
      '-X',
      'POST',
      '-u',
      `ops:${PASSWORD}`,
      '-H',
      'Origin: http://evil.example',
      `${base}/api/v1/links/alpha/stop`,
    ]);
    expect([stop.status, JSON.parse(stop.body).error.code]).toEqual([403, 'cross_site']);
    expect(app.operator.linkState('alpha')).toBe('running');

    // the same from curl as scripts send them: carried out
    expect((await curl([`${base}/suspend.txt?password=${PASSWORD}`])).status).toBe(200);
    await waitFor(() => app.operator.gatewayState() === 'suspended', 3000, 'suspended');
    expect((await curl([`${base}/resume.txt?password=${PASSWORD}`])).status).toBe(200);
    const stopped = await curl(['-X', 'POST', '-u', `ops:${PASSWORD}`, `${base}/api/v1/links/alpha/stop`]);
    expect(stopped.status).toBe(200);
    await waitFor(() => app.operator.linkState('alpha') === 'stopped', 3000, 'stopped');
    // the port's own pages (same Origin) and the operator typing a URL (Sec-Fetch-Site: none) are not cross-site
    const own = await curl(['-X', 'POST', '-u', `ops:${PASSWORD}`, '-H', `Origin: ${base}`, `${base}/api/v1/links/alpha/start`]);
    expect(own.status).toBe(200);
    expect((await curl(['-H', 'Sec-Fetch-Site: none', `${base}/status.txt?password=${PASSWORD}`])).status).toBe(200);
  });

  it('lets admin.allowed-origins send commands; reading is left to the browser (no CORS grant)', async () => {
    const { base } = await gateway({ 'allowed-origins': ['https://ops.example.com'] });
    const allowed = await curl([
      '-X',
      'POST',
      '-u',
      `ops:${PASSWORD}`,
      '-H',
      'Origin: https://ops.example.com',
      '-H',
      'Sec-Fetch-Site: cross-site',
      `${base}/api/v1/links/alpha/drain`,
    ]);
    expect(allowed.status).toBe(200);
    const read = await curl(['-u', `ops:${PASSWORD}`, '-H', 'Origin: http://evil.example', `${base}/api/v1/links`]);
    expect(read.status).toBe(200);
    expect(read.headers).not.toContain('access-control-allow-origin');
  });

  it('takes JSON API bodies as application/json only (415 otherwise), and sends browsers no Basic challenge', async () => {
    const { app, base } = await gateway();
    const plain = await curl([
      '-X',
      'POST',
      '-u',
      `ops:${PASSWORD}`,
      '-H',
      'Content-Type: text/plain',
      '--data',
      '{}',
      `${base}/api/v1/links/alpha/stop`,
    ]);
    expect([plain.status, JSON.parse(plain.body).error.code]).toEqual([415, 'unsupported_media_type']);
    const jsonx = await curl([
      '-X',
      'POST',
      '-u',
      `ops:${PASSWORD}`,
      '-H',
      'Content-Type: application/jsonx',
      '--data',
      '{}',
      `${base}/api/v1/links/alpha/stop`,
    ]);
    expect(jsonx.status).toBe(415);
    expect(app.operator.linkState('alpha')).toBe('running');
    const json = await curl([
      '-X',
      'POST',
      '-u',
      `ops:${PASSWORD}`,
      '-H',
      'Content-Type: application/json',
      '--data',
      '{}',
      `${base}/api/v1/links/alpha/stop`,
    ]);
    expect(json.status).toBe(200);

    const browser = await curl([
      '-H',
      'User-Agent: Mozilla/5.0 (X11; Linux x86_64)',
      '-H',
      'Sec-Fetch-Mode: navigate',
      `${base}/status.html`,
    ]);
    expect(browser.status).toBe(401);
    expect(browser.headers).not.toContain('www-authenticate');
    const script = await curl([`${base}/status.txt`]);
    expect(script.status).toBe(401);
    expect(script.headers).toContain('www-authenticate: basic realm="switchboard admin"');
  });
});
