import type { Config } from './config.js';
import { ConfigError, type ConfigProblem } from './config-error.js';
import { mapKannelGroups, pathKey, type KannelMapping } from './from-kannel.js';
import { parseKannelConf, type IncludeReader } from './kannel-conf.js';
import { validateWithWarnings, type ConfigSource } from './validate.js';

export interface KannelLoad {
  readonly mapping: KannelMapping;
  readonly warnings: readonly ConfigProblem[];
}

/** Parses and maps a Kannel configuration without validating it against the schema (for import-kannel). */
export function readKannelConfig(text: string, file: string, readInclude: IncludeReader): KannelLoad {
  const parsed = parseKannelConf(text, file, readInclude);
  const syntax: ConfigProblem[] = parsed.problems.map((p) => ({ file: p.file, line: p.line, path: '', message: p.message }));
  const mapping = mapKannelGroups(parsed.groups);
  const errors = [...syntax, ...mapping.errors];
  if (errors.length > 0) throw new ConfigError(errors);
  return { mapping, warnings: mapping.warnings };
}

/**
 * A Kannel .conf taken as it is: same keys, same meaning. Returns the config, where each key was written, and
 * warnings: every key not carried over, and every plain-text password.
 */
export function parseKannelConfig(
  text: string,
  file: string,
  readInclude: IncludeReader,
): { config: Config; warnings: readonly ConfigProblem[]; source: ConfigSource } {
  const { mapping, warnings } = readKannelConfig(text, file, readInclude);
  // Messages name the file and line where the Kannel key was written, and the group it belongs to.
  const nearest = (path: readonly (string | number)[]): { file: string; line: number } | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const hit = mapping.lines.get(pathKey(path.slice(0, n)));
      if (hit) return hit;
    }
    return undefined;
  };
  const source: ConfigSource = {
    file,
    lineOf: (path) => nearest(path)?.line,
    fileOf: (path) => nearest(path)?.file,
    describePath: (path) => {
      const exact = mapping.groupLabel.get(pathKey(path));
      if (exact) return exact;
      const parent = mapping.groupLabel.get(pathKey(path.slice(0, -1)));
      const key = path[path.length - 1];
      return parent ? `${parent} ${String(key)}` : path.join('.');
    },
  };
  const { config, warnings: checked } = validateWithWarnings(mapping.raw, source);
  return { config, warnings: [...warnings, ...checked], source };
}
