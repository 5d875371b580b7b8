/**
 * `${VAR}`, `${VAR:-default}` and the `$${VAR}` escape in every string of a parsed configuration (README
 * "Configuration": secrets stay out of the file).
 */
import { describe, it, expect } from 'vitest';
import { missingEnvProblem, substituteEnv } from '../../../src/config/substitute-env.js';

const ENV: Readonly<Record<string, string | undefined>> = { A: 'alpha', B: 'beta', EMPTY: '', PW: 's3cr3t$', NUM: '2775' };

function run(value: unknown, env = ENV): { out: unknown; missing: Array<[(string | number)[], string]> } {
  const missing: Array<[(string | number)[], string]> = [];
  const out = substituteEnv(value, env, (path, name) => missing.push([path, name]));
  return { out, missing };
}

describe('substituteEnv on one string', () => {
  it.each([
    ['no reference at all', 'plain text', 'plain text'],
    ['a lone dollar', 'cost $5', 'cost $5'],
    ['$VAR without braces is not a reference', '$A', '$A'],
    ['${VAR}', '${A}', 'alpha'],
    ['inside other text', 'pre-${A}-post', 'pre-alpha-post'],
    ['two references', '${A}${B}', 'alphabeta'],
    ['the same one twice', '${A}/${A}', 'alpha/alpha'],
    ['a value with $ in it is not expanded again', '${PW}', 's3cr3t$'],
    ['a number-looking value stays a string', '${NUM}', '2775'],
    ['${VAR:-default} with VAR set', '${A:-fallback}', 'alpha'],
    ['${VAR:-default} with VAR unset', '${NOPE:-fallback}', 'fallback'],
    // shell semantics of ":-": an empty value takes the default too
    ['${VAR:-default} with VAR empty', '${EMPTY:-fallback}', 'fallback'],
    ['an empty default', '${NOPE:-}', ''],
    ['a default with ":" and "/" in it', '${NOPE:-redis://127.0.0.1:6379/0}', 'redis://127.0.0.1:6379/0'],
    ['a default with spaces', '${NOPE:-two words}', 'two words'],
    // the escape: $${VAR} is the literal text ${VAR}
    ['$${VAR} escapes a reference', '$${A}', '${A}'],
    ['$${VAR} escapes even an unset one', '$${NOPE}', '${NOPE}'],
    ['an escape beside a reference', '$${A}=${A}', '${A}=alpha'],
    ['an escaped default', '$${NOPE:-x}', '${NOPE:-x}'],
    // not references: left exactly as written
    ['an unterminated reference', '${A', '${A'],
    ['a name starting with a digit', '${1A}', '${1A}'],
    ['a name with a dash', '${A-B}', '${A-B}'],
    ['empty braces', '${}', '${}'],
  ])('%s: %j → %j', (_what, input, expected) => {
    const { out, missing } = run(input);
    expect(out).toBe(expected);
    expect(missing).toEqual([]);
  });

  it.each([
    ['${NOPE}', '', ['NOPE']],
    ['a-${NOPE}-b', 'a--b', ['NOPE']],
    ['${X1}${X2}', '', ['X1', 'X2']],
    ['${A}${NOPE}', 'alpha', ['NOPE']],
  ])('an unset variable without a default is reported, never silently "": %j', (input, expected, names) => {
    const { out, missing } = run(input);
    expect(out).toBe(expected);
    expect(missing.map(([, n]) => n)).toEqual(names);
  });

  it('is case-sensitive in names', () => {
    expect(run('${a}').missing.map(([, n]) => n)).toEqual(['a']);
  });
});

describe('substituteEnv over a whole parsed configuration', () => {
  it('walks maps and lists, leaves keys and non-strings alone, and reports missing names with their key path', () => {
    const input = {
      http: { 'sendsms-port': 13013, 'global-sender': '${A}', flag: true, none: null },
      links: [
        { host: '${B}', 'smsc-password': '${PW}' },
        { host: 'h', 'smsc-password': '${LINK_PW}', 'allowed-smsc-id': ['${A}', 'x', '${NOPE}'] },
      ],
      '${A}': 'keys are not substituted',
    };
    const { out, missing } = run(input);
    expect(out).toEqual({
      http: { 'sendsms-port': 13013, 'global-sender': 'alpha', flag: true, none: null },
      links: [
        { host: 'beta', 'smsc-password': 's3cr3t$' },
        { host: 'h', 'smsc-password': '', 'allowed-smsc-id': ['alpha', 'x', ''] },
      ],
      '${A}': 'keys are not substituted',
    });
    expect(missing).toEqual([
      [['links', 1, 'smsc-password'], 'LINK_PW'],
      [['links', 1, 'allowed-smsc-id', 2], 'NOPE'],
    ]);
  });

  it('does not change its input', () => {
    const input = { a: '${A}', list: ['${B}'] };
    run(input);
    expect(input).toEqual({ a: '${A}', list: ['${B}'] });
  });

  it.each([[42], [true], [null], [undefined]])('returns %j as it is', (v) => {
    expect(run(v).out).toBe(v);
  });
});

describe('missingEnvProblem', () => {
  it('says which variable, where, and how to give a default', () => {
    expect(missingEnvProblem('sb.yaml', 7, 'links[0].smsc-password', 'SMSC_PW')).toEqual({
      file: 'sb.yaml',
      line: 7,
      path: 'links[0].smsc-password',
      message: 'environment variable SMSC_PW is not set (write ${SMSC_PW:-default} to give a default)',
    });
  });
});
