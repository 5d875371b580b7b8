/**
 * A newcomer's first five minutes (issue 17, point 9): `npm start` runs the demo configuration
 * (config/switchboard.yaml) through the real CLI, with its own redis-server and its built-in simulator; the start
 * log names the dashboard's URL; that URL, opened in headless Chromium, shows the demo link bound, with no password
 * (the admin port listens on loopback). On a terminal the log is text a person reads; piped, it is JSON.
 *
 * The demo file is used as it is, but for its ports and Redis directory, which move to free ones so that the test
 * never meets another gateway on this machine.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { parse } from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { withParentDeathSignal } from '../../src/redis/parent-death-signal.js';
import { launchChromium, watchedPage } from '../helpers/browser.js';
import { freePort, startChildGateway, writeConfig, type ChildGateway } from '../helpers/child-gateway.js';
import { waitFor } from '../helpers/links.js';

let dir: string;
let browser: Browser;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sb-first-start-'));
  browser = await launchChromium();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface DemoPorts {
  readonly http: number;
  readonly admin: number;
  readonly smsc: number;
}

/** config/switchboard.yaml with free ports and a Redis directory of its own; everything else as shipped. */
async function demoConfig(name: string): Promise<{ file: string; ports: DemoPorts }> {
  const demo = parse(readFileSync('config/switchboard.yaml', 'utf8')) as {
    http: Record<string, unknown>;
    admin: Record<string, unknown>;
    simulator: Record<string, unknown>;
    links: Record<string, unknown>[];
    redis: Record<string, unknown>;
  };
  // What the newcomer relies on, as shipped: the admin port on loopback, with no password.
  expect(demo.admin['admin-interface']).toBe('127.0.0.1');
  expect(demo.admin['admin-password']).toBeUndefined();
  const ports = { http: await freePort(), admin: await freePort(), smsc: await freePort() };
  const file = writeConfig(dir, `${name}.yaml`, {
    ...demo,
    http: { ...demo.http, 'sendsms-port': ports.http },
    admin: { ...demo.admin, 'admin-port': ports.admin },
    simulator: { ...demo.simulator, port: ports.smsc },
    links: demo.links.map((l) => ({ ...l, port: ports.smsc })),
    redis: { ...demo.redis, 'data-dir': join(dir, `${name}-redis`) },
  });
  return { file, ports };
}

async function start(name: string): Promise<{ gw: ChildGateway; ports: DemoPorts }> {
  const { file, ports } = await demoConfig(name);
  const gw = await startChildGateway(file, '', ports.http, 30_000);
  cleanups.push(() => gw.crash());
  return { gw, ports };
}

describe('npm start with the demo configuration', () => {
  it(
    'logs the dashboard URL; opened in Chromium, the page shows the demo link bound, without a password',
    { timeout: 60_000 },
    async () => {
      const { gw, ports } = await start('demo');
      let url: string | undefined;
      await waitFor(
        () => {
          const line = gw
            .output()
            .split('\n')
            .filter((l) => l.startsWith('{'))
            .map((l) => JSON.parse(l) as { msg?: string; url?: string })
            .find((l) => l.msg?.startsWith('admin port listening'));
          url = line?.url;
          return url !== undefined;
        },
        10_000,
        'the dashboard URL in the log',
      );
      expect(url).toBe(`http://127.0.0.1:${ports.admin}/`);
      expect(gw.output()).toContain(`the dashboard is at http://127.0.0.1:${ports.admin}/`);
      expect(gw.output()).not.toContain('closed to everyone');

      const w = await watchedPage(browser);
      cleanups.push(() => w.close());
      await w.page.goto(url!);
      const card = w.page.locator('[data-link="demo-smsc"]');
      await card.and(w.page.locator('[data-health="up"]')).waitFor({ timeout: 15_000 });
      await expect(card.locator('.state').first().textContent()).resolves.toBe('bound');
      await expect(w.page.locator('#login').isHidden()).resolves.toBe(true);
      await w.screenshot('first-start-demo');
      expect(w.problems).toEqual([]);
    },
  );

  it('on a terminal writes the log as text, not JSON', { timeout: 60_000 }, async () => {
    const { file, ports } = await demoConfig('tty');
    // `script` gives the CLI a pseudo-terminal for stdout, as a shell would. The CLI then runs in a session of its own
    // (killing script's process group does not reach it) and takes the terminal's hang-up for a reload: it gets its
    // own parent-death signal, so it ends with script whatever ends the test.
    const inner = withParentDeathSignal('node', ['--import', 'tsx', 'src/cli/main.ts', 'start', '--config', file], 'KILL');
    const cli = [inner.command, ...inner.args].join(' ');
    const cmd = withParentDeathSignal('script', ['-qfec', cli, '/dev/null'], 'KILL');
    const proc = spawn(cmd.command, cmd.args, {
      env: { ...process.env, REDIS_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    cleanups.push(async () => {
      try {
        process.kill(-(proc.pid ?? 0), 'SIGKILL');
      } catch {
        // gone already
      }
      await new Promise((r) => setTimeout(r, 200));
    });
    await waitFor(() => out.includes('the dashboard is at'), 30_000, 'the start log');
    const line = out.split(/\r?\n/).find((l) => l.includes('the dashboard is at'))!;
    const plain = line.replace(/\u001b\[[0-9;]*m/g, '');
    expect(plain).toMatch(
      new RegExp(
        `^\\[\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\] INFO.*admin port listening: the dashboard is at http://127\\.0\\.0\\.1:${ports.admin}/`,
      ),
    );
    expect(out).not.toMatch(/^\{"level"/m);
  });
});
