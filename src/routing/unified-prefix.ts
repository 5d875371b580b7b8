/**
 * Kannel's `unified-prefix` (gwlib/utils.c normalize_number): `"+46,0046,0;+,00"` is a list of groups separated by
 * ';', each the unified prefix first and then the prefixes it replaces. The entries are tried in order and the first
 * one the number starts with decides: a replaced prefix gives way to its group's unified one, the unified one itself
 * leaves the number as it is. A unified prefix written `-` removes what it replaces. Pure.
 */

/** The written rule, kept as written: it is short and read once per receiver. */
export type UnifiedPrefix = string;

/** The number with its prefix unified, or as it was when no entry matches (or there is no rule). */
export function unifyNumber(rule: UnifiedPrefix | undefined, number: string): string {
  if (rule === undefined || rule === '') return number;
  let official = '';
  let first = true;
  let start = 0;
  for (let i = 0; i <= rule.length; i++) {
    const c = rule[i];
    if (c !== ',' && c !== ';' && c !== undefined) continue;
    const entry = rule.slice(start, i);
    if (first) official = entry === '-' || entry.startsWith('-') ? '' : entry;
    if (entry !== '' && number.startsWith(entry)) return first ? number : official + number.slice(entry.length);
    first = c === ';';
    start = i + 1;
  }
  return number;
}

/** What is wrong with a written rule (an empty group, an empty entry), or undefined. */
export function unifiedPrefixProblem(rule: string): string | undefined {
  for (const group of rule.split(';')) {
    const entries = group.split(',');
    if (entries.length < 2) return `group ${JSON.stringify(group)} has no prefix to replace (write "unified,replaced,...")`;
    if (entries.some((e) => e.trim() === '')) return `group ${JSON.stringify(group)} has an empty entry`;
  }
  return undefined;
}
