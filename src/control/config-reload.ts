/**
 * Live reload (SIGHUP, the admin API, `switchboard reload`): the file is read and validated first, and a bad file
 * changes nothing (the ConfigError with every problem goes back to whoever asked). A good one is announced on the
 * bus, so every other gateway process sharing the Redis re-reads its own file and applies it too (the links child
 * of this gateway, the other gateways of a cluster), and applied here.
 *
 * A file that would leave the gateway without any link or any account (an empty or truncated file, most likely), or
 * would leave waiting messages without a link that may carry them, is refused unless the operator asks for it
 * explicitly (`force`: `switchboard reload --force`, `POST /api/v1/reload?force=1`; SIGHUP never forces). Those
 * messages then wait, shown as having no link, until a later reload gives them one.
 *
 * Reloads are applied one at a time: a second request waits for the first, so two never interleave their link
 * changes.
 */
import type { Logger } from 'pino';
import { describeDiff, diffConfig, type ConfigDiff } from '../config/config-diff.js';
import type { Config } from '../config/config.js';
import type { ActionResult } from '../domain/admin-views.js';

export interface ReloadBus {
  publish(kind: 'reload', arg: string): Promise<void>;
  on(event: 'reload', listener: (arg: string) => void): unknown;
}

export interface ReloadOptions {
  /** Apply a file the checks refuse (it removes every link or account, or leaves messages without a link). */
  readonly force?: boolean;
}

export interface ConfigReloaderDeps {
  /** Reads and validates the file again; throws ConfigError naming what is wrong. */
  readonly load: () => Config;
  readonly running: () => Config;
  /** What the next configuration would do that a reload refuses without `force` (empty: nothing). */
  readonly refusals: (next: Config, diff: ConfigDiff) => Promise<readonly string[]>;
  /** Says to every process that `next` is now the running configuration, before it is announced and applied. */
  readonly declare: (next: Config) => Promise<void>;
  /** Makes `next` the running configuration; `diff` says what changed. */
  readonly apply: (next: Config, diff: ConfigDiff) => Promise<void>;
  readonly bus: ReloadBus;
  readonly nodeId: string;
  readonly logger: Logger;
}

export class ConfigReloader {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: ConfigReloaderDeps) {}

  /** Hears reloads other processes announce. */
  listen(): void {
    this.deps.bus.on('reload', (arg) => {
      const space = arg.indexOf(' ');
      const origin = arg.slice(0, space);
      if (origin === this.deps.nodeId) return;
      const who = arg.slice(space + 1);
      // A failure is logged by once(); this process keeps its running configuration.
      this.run(`${who} (via ${origin})`, false).catch(() => undefined);
    });
  }

  /**
   * Reloads here and, when it worked, in every other process. A bad file throws its ConfigError; a valid one the
   * checks refuse is answered `ok: false`, with what it would have done, and changes nothing.
   */
  reload(who: string, opts: ReloadOptions = {}): Promise<ActionResult> {
    return this.run(who, true, opts.force === true);
  }

  /**
   * `announce`: this process took the reload (the others follow it, and apply what it checked). `force`: apply what
   * the checks refuse.
   */
  private run(who: string, announce: boolean, force = false): Promise<ActionResult> {
    const next = this.chain.then(() => this.once(who, announce, force));
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Every failure is logged here, once; callers only pass it on (the API's reply, SIGHUP has nobody to tell). */
  private async once(who: string, announce: boolean, force: boolean): Promise<ActionResult> {
    const log = this.deps.logger;
    let loaded: Config;
    try {
      loaded = this.deps.load();
    } catch (e) {
      log.error({ err: e, asked: who }, 'configuration reload refused: the running configuration is kept');
      throw e;
    }
    const diff = diffConfig(this.deps.running(), loaded);
    if (announce) {
      const reasons = await this.deps.refusals(loaded, diff);
      if (reasons.length > 0 && !force) {
        log.error({ asked: who, reasons }, 'configuration reload refused: the running configuration is kept');
        return {
          action: 'reload',
          ok: false,
          detail: `refused: ${reasons.join('; ')}; the running configuration is kept (reload --force applies it anyway)`,
        };
      }
      if (reasons.length > 0) log.warn({ asked: who, reasons }, 'configuration reload forced despite its checks');
      await this.deps.declare(loaded);
    }
    // The others are told first, so that every process changes its links at about the same time.
    if (announce) {
      await this.deps.bus
        .publish('reload', `${this.deps.nodeId} ${who}`)
        .catch((e: unknown) => log.warn({ err: e }, 'cannot tell the other gateway processes to reload; reload them one by one'));
    }
    try {
      await this.deps.apply(loaded, diff);
    } catch (e) {
      log.error({ err: e, asked: who }, 'configuration reload failed part way; links not yet changed keep their running settings');
      throw e;
    }
    const detail = describeDiff(diff);
    log.warn(
      {
        asked: who,
        added: diff.added.map((l) => l.id),
        removed: diff.removed.map((l) => l.id),
        changed: diff.changed.map((l) => l.id),
        needRestart: diff.needRestart,
      },
      `configuration reloaded: ${detail}`,
    );
    return { action: 'reload', ok: true, detail };
  }
}
