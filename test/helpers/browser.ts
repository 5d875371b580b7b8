/**
 * Headless Chromium for the dashboard tests: Debian's `chromium` driven by playwright-core (no browser download).
 * `.ci/run` installs chromium when it is missing; a machine without it fails these tests with that advice rather
 * than skipping them. Every page is watched: a console error, an uncaught exception, a failed request or an HTTP
 * error answer fails the test unless the test said it expects it.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);

export const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'dashboard');

export async function launchChromium(): Promise<Browser> {
  const executablePath = CANDIDATES.find((p) => existsSync(p));
  if (!executablePath)
    throw new Error(
      `no Chromium at ${CANDIDATES.join(', ')}: install Debian's chromium (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH`,
    );
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage'], timeout: 15_000 });
}

export interface WatchedPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Everything that went wrong on the page and was not expected. */
  readonly problems: string[];
  /** Every URL the page asked for. */
  readonly requests: string[];
  /** From now on, problems matching this are expected (a refused login, a restart). Returns a function that stops expecting them. */
  expect(match: RegExp): () => void;
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function watchedPage(browser: Browser): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(5000);
  const problems: string[] = [];
  const requests: string[] = [];
  const expected = new Set<RegExp>();
  const note = (what: string): void => {
    if (![...expected].some((re) => re.test(what))) problems.push(what);
  };
  page.on('console', (m) => {
    if (m.type() === 'error') note(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => note(`page error: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  page.on('requestfailed', (r) => note(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (r.status() >= 400) note(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  return {
    page,
    context,
    problems,
    requests,
    expect(match) {
      expected.add(match);
      return () => void expected.delete(match);
    },
    async screenshot(name) {
      mkdirSync(ARTIFACTS, { recursive: true });
      const path = join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      // Requests cut off by the close are not the page's fault.
      expected.add(/./);
      await context.close();
    },
  };
}
