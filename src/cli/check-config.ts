/**
 * `switchboard check-config FILE`: loads a configuration (YAML or Kannel .conf) as `start` would, and prints its
 * errors, or the loader's warnings (keys not carried over) and checkConfig's (unknown smsc-ids, unreachable links
 * and accounts, duplicates). Exit codes let a deploy script tell the cases apart: a file with warnings still starts.
 */
import { ConfigError, formatProblem } from '../config/config-error.js';
import { byPlace, checkConfig, formatWarning, missingEssentials } from '../config/check-config.js';
import { loadConfigFile } from '../config/load-config.js';

export const CHECK_CONFIG_EXIT = {
  /** Valid, nothing to say. */
  clean: 0,
  /** Invalid (or with no link or no account): `start` would refuse it. */
  invalid: 1,
  /** Valid, with warnings: `start` runs it and logs them. */
  warnings: 3,
} as const;

export interface CheckConfigResult {
  readonly output: string;
  readonly exitCode: (typeof CHECK_CONFIG_EXIT)[keyof typeof CHECK_CONFIG_EXIT];
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function checkConfigFile(file: string, env: Readonly<Record<string, string | undefined>> = process.env): CheckConfigResult {
  let loaded;
  try {
    loaded = loadConfigFile(file, env);
    const missing = missingEssentials(loaded.config, loaded.source);
    if (missing.length > 0) throw new ConfigError(missing);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const lines = e.problems.map((p) => `error: ${formatProblem(p)}`);
    return {
      output: `${[...lines, `${file}: invalid, ${plural(e.problems.length, 'error')}`].join('\n')}\n`,
      exitCode: CHECK_CONFIG_EXIT.invalid,
    };
  }
  const warnings = [...loaded.warnings, ...checkConfig(loaded.config, loaded.source)].sort(byPlace);
  const lines = warnings.map((w) => `warning: ${formatWarning(w)}`);
  const summary = warnings.length === 0 ? `${file}: valid, no warnings` : `${file}: valid, ${plural(warnings.length, 'warning')}`;
  return {
    output: `${[...lines, summary].join('\n')}\n`,
    exitCode: warnings.length === 0 ? CHECK_CONFIG_EXIT.clean : CHECK_CONFIG_EXIT.warnings,
  };
}
