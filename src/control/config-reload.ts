/**
 * Live reload (SIGHUP, the admin API, `switchboard reload`): the file is read and validated first, and a bad file
 * changes nothing (the ConfigError with every problem goes back to whoever asked). A good one is announced on the
 * bus, so every other gateway process sharing the Redis re-reads its own file and applies it too (the links child
 * of this gateway, the other gateways of a cluster), and applied here.
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

export interface ConfigReloaderDeps {
  /** Reads and validates the file again; throws ConfigError naming what is wrong. */
  readonly load: () => Config;
  readonly running: () => Config;
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

  /** Reloads here and, when it worked, in every other process. A bad file throws its ConfigError. */
  reload(who: string): Promise<ActionResult> {
    return this.run(who, true);
  }

  private run(who: string, announce: boolean): Promise<ActionResult> {
    const next = this.chain.then(() => this.once(who, announce));
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Every failure is logged here, once; callers only pass it on (the API's reply, SIGHUP has nobody to tell). */
  private async once(who: string, announce: boolean): Promise<ActionResult> {
    const log = this.deps.logger;
    let loaded: Config;
    try {
      loaded = this.deps.load();
    } catch (e) {
      log.error({ err: e, asked: who }, 'configuration reload refused: the running configuration is kept');
      throw e;
    }
    const diff = diffConfig(this.deps.running(), loaded);
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
