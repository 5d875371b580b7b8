/**
 * `switchboard start`: load the configuration (YAML or Kannel .conf), find or run Redis, start the gateway, and
 * shut it down in order on SIGINT/SIGTERM (a second signal forces the exit).
 */
import type { Logger } from 'pino';
import { App } from '../app.js';
import { formatProblem } from '../config/config-error.js';
import { loadConfigFile } from '../config/load-config.js';
import { createLogger } from '../observability/logger.js';
import type { RedisTarget } from '../redis/connect.js';
import { describeTarget, parseRedisUrl } from '../redis/connect.js';
import { startEmbeddedRedis, type EmbeddedRedis } from '../redis/embedded-server.js';

export interface StartOptions {
  readonly configFile: string;
}

function warnAboutIpLists(app: App, log: Logger): void {
  for (const a of app.config.accounts) {
    if (a.allowIp.length > 0 && a.denyIp.length === 0) {
      log.warn({ account: a.username }, 'user-allow-ip is set without user-deny-ip: as in Kannel, every address is allowed. Add user-deny-ip = "*.*.*.*" to allow only the listed ones');
    }
  }
}

export async function start(opts: StartOptions): Promise<void> {
  const loaded = loadConfigFile(opts.configFile);
  const { config } = loaded;
  const log = createLogger(config.log.level);
  for (const w of loaded.warnings) log.warn({ file: w.file, line: w.line, key: w.path }, formatProblem(w));
  log.info({ config: opts.configFile, format: loaded.format, links: config.links.length, accounts: config.accounts.length }, 'configuration loaded');

  let embedded: EmbeddedRedis | undefined;
  let target: RedisTarget;
  const url = process.env.REDIS_URL || config.redis.url;
  if (url) target = parseRedisUrl(url);
  else {
    embedded = await startEmbeddedRedis({ dataDir: config.redis.dataDir, persistence: true, detached: true, logger: log });
    target = { path: embedded.socketPath };
  }
  log.info({ redis: describeTarget(target), embedded: embedded !== undefined }, 'using Redis');

  const app = new App({ config, redis: target, logger: log });
  warnAboutIpLists(app, log);
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down (send the signal again to force)');
    void app
      .stop()
      .then(() => embedded?.stop())
      .then(
        () => process.exit(0),
        (e: unknown) => {
          log.error({ err: e }, 'error during shutdown');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  try {
    await app.start();
  } catch (e) {
    log.fatal({ err: e }, 'cannot start');
    await app.stop().catch(() => undefined);
    await embedded?.stop();
    throw e;
  }
}
