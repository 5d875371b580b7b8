import { App } from '../../src/app.js';
import type { Config } from '../../src/config/config.js';
import { validateConfig } from '../../src/config/validate.js';
import type { Link } from '../../src/domain/link.js';
import { createLogger } from '../../src/observability/logger.js';
import type { TestRedis } from './redis.js';

/** A config for tests: loopback, an ephemeral HTTP port, one account `u`/`p`, and the given links. */
export function testConfig(links: Link[], over: { raw?: Record<string, unknown>; prefix?: string } = {}): Config {
  const base = validateConfig(
    {
      http: { 'sendsms-port': 0, 'sendsms-interface': '127.0.0.1', 'global-sender': '12345' },
      admin: { 'admin-port': 0 },
      queue: { 'lock-duration': 2, 'retry-delay': 0.05 },
      redis: { 'key-prefix': over.prefix ?? `t${Math.random().toString(36).slice(2, 8)}` },
      accounts: [{ username: 'u', password: 'p', 'max-messages': 10 }],
      ...over.raw,
    },
    { file: 'test' },
  );
  return { ...base, links };
}

/** A started gateway on the test Redis; with `cleanups`, stopped after the test. */
export async function startGateway(config: Config, redis: TestRedis, cleanups?: Array<() => Promise<void> | void>): Promise<App> {
  const app = new App({ config, redis: redis.target, logger: createLogger(process.env.TEST_LOG ? 'debug' : 'silent'), drainMs: 1000 });
  cleanups?.push(() => app.stop());
  await app.start();
  return app;
}

export async function sendsms(app: App, query: Record<string, string>): Promise<{ status: number; body: string }> {
  const res = await app.http.inject({ method: 'GET', url: `/cgi-bin/sendsms?${new URLSearchParams(query).toString()}` });
  return { status: res.statusCode, body: res.body };
}
