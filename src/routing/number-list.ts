/**
 * Kannel's number lists (gw/numhash.c): a text/plain list, one number a line, '#' comments; within a number, spaces,
 * '+' and '-' are ignored and the number ends at any other character. Numbers are compared by their value over
 * their last 19 digits, so +46701234567, 0046701234567 and 46701234567 are the same entry. Pure.
 */
import type { ListRules, NumberSet } from '../domain/number-lists.js';

const PRECISION = 19;

/**
 * A number's key, as numhash's strtoll over its last 19 characters: an optional sign, then the digits up to the
 * first other character, leading zeros dropped ('0' for none).
 */
export function numberKey(number: string): string {
  const tail = number.length > PRECISION ? number.slice(number.length - PRECISION) : number;
  const m = /^\s*[+-]?(\d+)/.exec(tail);
  const digits = m?.[1]?.replace(/^0+/, '') ?? '';
  return digits === '' ? '0' : digits;
}

export interface ParsedList {
  readonly numbers: NumberSet;
  /** Lines that were neither a number nor a comment (numhash warns "Corrupted line" and skips them). */
  readonly skipped: number;
}

export function parseNumberList(text: string): ParsedList {
  const numbers = new Set<string>();
  let skipped = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trimStart();
    if (line === '' || line.startsWith('#')) continue;
    let digits = '';
    for (const c of line) {
      if (c >= '0' && c <= '9') digits += c;
      else if (c === ' ' || c === '+' || c === '-') continue;
      else break;
    }
    if (digits === '') skipped++;
    else numbers.add(numberKey(digits));
  }
  return { numbers, skipped };
}

export type ListRefusal = 'white-list' | 'white-list-regex' | 'black-list' | 'black-list-regex';

/** The list that refuses this number, or undefined (Kannel's order: white, white regex, black, black regex). */
export function listRefusal(rules: ListRules, number: string): ListRefusal | undefined {
  if (rules.white === undefined && rules.whiteRegex === undefined && rules.black === undefined && rules.blackRegex === undefined)
    return undefined;
  const key = rules.white !== undefined || rules.black !== undefined ? numberKey(number) : '';
  if (rules.white !== undefined && !rules.white.has(key)) return 'white-list';
  if (rules.whiteRegex !== undefined && !rules.whiteRegex.test(number)) return 'white-list-regex';
  if (rules.black !== undefined && rules.black.has(key)) return 'black-list';
  if (rules.blackRegex !== undefined && rules.blackRegex.test(number)) return 'black-list-regex';
  return undefined;
}
