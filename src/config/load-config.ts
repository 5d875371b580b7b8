import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Config } from './config.js';
import { ConfigError, type ConfigProblem } from './config-error.js';
import type { IncludeReader } from './kannel-conf.js';
import { parseKannelConfig } from './load-kannel.js';
import { parseYamlConfig } from './load-yaml.js';
import type { ConfigSource } from './validate.js';

export interface LoadedConfig {
  readonly config: Config;
  readonly format: 'yaml' | 'kannel';
  readonly warnings: readonly ConfigProblem[];
  /** Where each key path was written, for messages about the loaded configuration. */
  readonly source: ConfigSource;
}

export function isKannelConf(file: string, text: string): boolean {
  return file.endsWith('.conf') || /^\s*group\s*=/m.test(text);
}

export const fileIncludeReader: IncludeReader = (path, fromFile) => {
  const full = resolve(dirname(fromFile), path);
  try {
    return { file: full, text: readFileSync(full, 'utf8') };
  } catch {
    return undefined;
  }
};

/** Reads a configuration file, YAML or Kannel .conf; throws ConfigError naming the file, key and expectation. */
export function loadConfigFile(file: string, env: Readonly<Record<string, string | undefined>> = process.env): LoadedConfig {
  let text: string;
  try {
    if (statSync(file).isDirectory()) throw new Error('is a directory');
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError([{ file, line: undefined, path: '', message: `cannot read the file (${(e as Error).message})` }]);
  }
  if (isKannelConf(file, text)) {
    const { config, warnings, source } = parseKannelConfig(text, file, fileIncludeReader);
    return { config, format: 'kannel', warnings, source };
  }
  const { config, warnings, source } = parseYamlConfig(text, file, env);
  return { config, format: 'yaml', warnings, source };
}
