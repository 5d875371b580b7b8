/**
 * `switchboard start`: load the configuration (YAML or Kannel .conf), find or run Redis, start the gateway, and
 * shut it down in order on SIGINT/SIGTERM (a second signal forces the exit). SIGHUP reloads the configuration
 * (control/config-reload.ts) and re-reads the TLS certificate and key of the sendsms port.
 *
 * On a machine with two cores or more the gateway runs as two processes: this one takes HTTP (accept, route,
 * queue) and a child runs the links (binds, queue workers, receipts, callbacks, MO). Node runs one thread of
 * JavaScript per process, and one process was measured at 100 % of a core while the other core idled. The two
 * share nothing but Redis, exactly as two gateways of a cluster do, so no new coordination is involved. The child
 * is restarted if it dies, and stops when this process goes away, however it goes.
 *
 * Every process of the gateway has exited within process.shutdown-timeout of the first signal, whatever Redis does
 * (graceful-exit.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import { App, type AppRoles } from '../app.js';
import type { Config } from '../config/config.js';
import { checkConfig, formatWarning, missingEssentials } from '../config/check-config.js';
import { ConfigError, formatProblem } from '../config/config-error.js';
import { loadConfigFile } from '../config/load-config.js';
import { createLogger } from '../observability/logger.js';
import { describeTarget, parseRedisUrl, type RedisTarget } from '../redis/connect.js';
import { startEmbeddedRedis, type EmbeddedRedis } from '../redis/embedded-server.js';
import { loadServerCredentials } from '../tls/server-credentials.js';
import { GracefulExit, linksBoundMs, PARENT_GONE_BOUND_MS } from './graceful-exit.js';

export type StartRole = 'all' | 'http' | 'links';

export interface StartOptions {
  readonly configFile: string;
  /** 1: everything in this process; 2: HTTP here, links in a child. Default: 2 when there are two cores. */
  readonly processes?: 1 | 2;
  /** Internal: what a process started by another one does. */
  readonly role?: StartRole;
}

/** Runs the links process and keeps it running until this process stops. */
class LinksChild {
  private child: ChildProcess | undefined;
  private stopping = false;

  constructor(
    private readonly configFile: string,
    private readonly redisUrl: string,
    private readonly log: Logger,
  ) {}

  start(): void {
    const entry = process.argv[1] ?? '';
    const child = fork(entry, ['start', '--config', this.configFile, '--role', 'links'], {
      env: { ...process.env, REDIS_URL: this.redisUrl },
      execArgv: process.execArgv,
      stdio: 'inherit',
    });
    this.child = child;
    this.log.info({ pid: child.pid }, 'links process started');
    child.once('exit', (code, signal) => {
      if (this.stopping) return;
      this.log.error({ code, signal }, 'links process died; starting it again in 1 s');
      setTimeout(() => {
        if (!this.stopping) this.start();
      }, 1000).unref();
    });
  }

  /** Asks it to stop gracefully and waits until `deadline` (epoch ms) at most; it unbinds and hands its binds back. */
  async stop(deadline: number): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), Math.max(0, deadline - Date.now()));
    await exited;
    clearTimeout(timer);
  }

  /** Starts it again after stop() (a restart in place). */
  restart(): void {
    this.stopping = false;
    this.start();
  }

  /** Ends it now: this process is exiting without waiting. */
  kill(): void {
    this.stopping = true;
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

export async function start(opts: StartOptions): Promise<void> {
  const loaded = loadConfigFile(opts.configFile);
  const { config } = loaded;
  const missing = missingEssentials(config, loaded.source);
  if (missing.length > 0) throw new ConfigError(missing);
  const role: StartRole = opts.role ?? ((opts.processes ?? (availableParallelism() >= 2 ? 2 : 1)) === 2 ? 'http' : 'all');
  // Readable text when a person watches (stdout is a terminal: `npm start`), JSON for journald, Docker and files.
  const log = createLogger(config.log.level, undefined, { pretty: process.stdout.isTTY === true }).child(role === 'all' ? {} : { role });
  if (role !== 'links') {
    for (const w of loaded.warnings) log.warn({ file: w.file, line: w.line, key: w.path }, formatProblem(w));
    log.info(
      { config: opts.configFile, format: loaded.format, links: config.links.length, accounts: config.accounts.length },
      'configuration loaded',
    );
    // What `switchboard check-config` says about the file, at every start.
    for (const w of checkConfig(config, loaded.source))
      log.warn({ file: w.file, line: w.line, key: w.path, check: w.code }, formatWarning(w));
    // A certificate that cannot be used stops the start before anything runs, naming the file.
    if (config.http.tls) loadServerCredentials(config.http.tls);
  }

  let embedded: EmbeddedRedis | undefined;
  let target: RedisTarget;
  const url = process.env.REDIS_URL || config.redis.url;
  if (url) target = parseRedisUrl(url);
  else if (config.redis.sentinel) target = { sentinel: config.redis.sentinel };
  else {
    embedded = await startEmbeddedRedis({ dataDir: config.redis.dataDir, persistence: true, detached: true, logger: log });
    target = { path: embedded.socketPath };
  }
  if (role !== 'links') log.info({ redis: describeTarget(target), embedded: embedded !== undefined }, 'using Redis');

  const roles: AppRoles = { http: role !== 'links', links: role !== 'http' };
  const reloadConfig = (): Config => {
    const next = loadConfigFile(opts.configFile);
    for (const w of next.warnings) log.warn({ file: w.file, line: w.line, key: w.path }, formatProblem(w));
    return next.config;
  };
  // Every process of the gateway has exited within process.shutdown-timeout of the first signal, whatever Redis does:
  // this one stops its App and the links process side by side, and kills the child just before its own deadline.
  const boundMs = role === 'links' ? linksBoundMs(config.process.shutdownTimeoutMs) : config.process.shutdownTimeoutMs;
  // Windows drain and the last writes wait this long at most, so that a stop finishes well inside the bound.
  const drainMs = Math.min(5000, Math.floor(boundMs / 4));
  // The links process finds Redis as this one did: the same URL or socket, or (with Sentinel) the configuration's
  // Sentinels, asked afresh, since the primary may change at any time.
  const childRedisUrl = 'path' in target ? `unix://${target.path}` : 'url' in target ? target.url : '';
  const child = role === 'http' ? new LinksChild(opts.configFile, childRedisUrl, log) : undefined;
  // Kannel's restart: Node cannot exec() itself, and a new process would leave the supervisor (systemd watches this
  // PID). So the gateway restarts in place: the App and the links process stop as at a shutdown, the configuration
  // file is read again, and a new App starts; Redis (the queues) and this process stay.
  let restarting = false;
  const restartInPlace = async (): Promise<void> => {
    if (restarting) return;
    restarting = true;
    log.warn('restart: stopping the gateway, then starting it again in this process; queued messages wait in Redis');
    try {
      await Promise.all([app.stop(), child?.stop(Date.now() + boundMs - 200)]);
      let next = config;
      try {
        next = reloadConfig();
      } catch (e) {
        log.error({ err: e }, 'restart: the configuration file cannot be loaded; starting again with the one that ran');
      }
      app = makeApp(next);
      await app.start();
      child?.restart();
      log.info('restart: the gateway runs again');
    } catch (e) {
      log.fatal({ err: e }, 'restart failed; exiting (the supervisor starts it again)');
      child?.kill();
      process.exit(1);
    } finally {
      restarting = false;
    }
  };
  const makeApp = (c: Config): App =>
    new App({
      config: c,
      redis: target,
      logger: log,
      roles,
      reloadConfig,
      drainMs,
      ...(role === 'links' ? {} : { restart: () => void restartInPlace() }),
    });
  let app = makeApp(config);
  const exit = new GracefulExit({
    log,
    announce: role !== 'links',
    stop: async () => {
      const childDeadline = Date.now() + boundMs - 200;
      await Promise.all([app.stop(), child?.stop(childDeadline)]);
      await embedded?.stop();
    },
    exit: (code) => {
      // An embedded redis-server ends with this process by itself (redis/parent-death-signal.ts).
      child?.kill();
      process.exit(code);
    },
  });
  const shutdown = (why: string): void => exit.signal(why, boundMs);
  if (role === 'links') {
    // Ctrl-C reaches the whole process group; the parent decides, and tells this process with SIGTERM.
    process.on('SIGINT', () => undefined);
    // A links process whose parent is gone (even by kill -9: the kernel closes the IPC channel) stops too, quickly.
    process.on('disconnect', () => exit.begin('parent process gone', Math.min(boundMs, PARENT_GONE_BOUND_MS)));
    // The links re-read their TLS files at each connect; only the HTTP side has certificates to reload.
    process.on('SIGHUP', () => undefined);
  } else {
    process.on('SIGINT', () => shutdown('SIGINT'));
    // SIGHUP re-reads the configuration (every process sharing the Redis follows; a bad file changes nothing and
    // is logged) and the sendsms port's TLS certificate and key.
    process.on('SIGHUP', () => {
      log.info('SIGHUP: reloading the configuration and TLS certificates');
      app.reloadTls();
      // A failure is logged by the reloader, with every problem of the file.
      app.reload('SIGHUP').catch(() => undefined);
    });
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  try {
    await app.start();
    child?.start();
  } catch (e) {
    log.fatal({ err: e }, 'cannot start');
    await app.stop().catch(() => undefined);
    await embedded?.stop();
    throw e;
  }
}
