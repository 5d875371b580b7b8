/**
 * What is wrong with a configuration file, said so that the operator can fix it: the file, the line, the key and
 * what was expected there. Pure.
 */

/** One problem found in a configuration file: where it is and what was expected there. */
export interface ConfigProblem {
  readonly file: string;
  /** 1-based line, when the loader knows it. */
  readonly line: number | undefined;
  /** Key path as the user wrote it, e.g. `links[0].port` or `group smsc #2 port`. */
  readonly path: string;
  readonly message: string;
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}`;
  return p.path ? `${where}: ${p.path}: ${p.message}` : `${where}: ${p.message}`;
}

/** A configuration that must not start a gateway. Carries every problem found, not only the first. */
export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
