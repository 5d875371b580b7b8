/**
 * The regular expressions of Kannel's -regex keys (allowed-prefix-regex, white-list-regex, ...). Kannel compiles
 * them as POSIX extended expressions and searches (regexec, not anchored); JavaScript's syntax is a superset of
 * the usual ERE, searched the same way. Compiled once per source and kept. Pure.
 */
const compiled = new Map<string, RegExp>();

export function ruleRegex(source: string): RegExp {
  let re = compiled.get(source);
  if (re === undefined) {
    re = new RegExp(source);
    if (compiled.size < 10_000) compiled.set(source, re);
  }
  return re;
}

/** Why this source does not compile, or undefined. */
export function regexProblem(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (e) {
    return `not a valid regular expression: ${(e as Error).message}`;
  }
}
