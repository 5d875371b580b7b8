import { pino, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import type { LogLevel } from '../config/config.js';

/**
 * The loggers made from each root (its children, their children…), so that a level set at run time (Kannel's
 * log-level command) reaches them all: a pino child keeps the level it was made with. Weak, so a child that is
 * no longer used is not kept alive by this, and its entry goes when it is collected (children come and go with
 * sessions: a set that only grew would be a leak).
 */
const families = new WeakMap<Logger, Set<WeakRef<Logger>>>();
const forget = new FinalizationRegistry<{ family: Set<WeakRef<Logger>>; ref: WeakRef<Logger> }>(({ family, ref }) => family.delete(ref));

export interface LoggerOptions {
  /**
   * One line of text per entry (time, level, message, then the fields), coloured, for a person at a terminal
   * (pino-pretty, in this process, written synchronously so lines keep their order at exit); otherwise one JSON
   * object per line, for log collectors.
   */
  readonly pretty?: boolean;
}

/** Structured logs on stdout (pino): JSON, or readable text on a terminal. Tests pass `silent`. */
export function createLogger(level: LogLevel | 'silent', name = 'switchboard', opts: LoggerOptions = {}): Logger {
  const family = new Set<WeakRef<Logger>>();
  const options = {
    name,
    level,
    base: { pid: process.pid },
    onChild: (child: Logger) => {
      const ref = new WeakRef(child);
      family.add(ref);
      families.set(child, family);
      forget.register(child, { family, ref });
    },
  };
  const root: Logger = opts.pretty
    ? pino(options, pinoPretty({ colorize: true, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name' }))
    : pino(options);
  families.set(root, family);
  family.add(new WeakRef(root));
  return root;
}

/** Sets the level of a logger made by createLogger (or from one), of its root, and of every logger of that root. */
export function setLogLevel(logger: Logger, level: LogLevel): void {
  logger.level = level;
  const family = families.get(logger);
  if (!family) return;
  for (const ref of family) {
    const child = ref.deref();
    if (child) child.level = level;
    else family.delete(ref);
  }
}

export type { Logger };
