/**
 * The Lua loader without Redis: the constants it declares before a script, and the scripts it refuses (no header
 * naming KEYS and ARGV, a constant the script does not use, a name Lua cannot take). Running scripts in Redis is
 * test/integration/lua-scripts.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { declareConstants, hasScriptHeader, LuaScript, LuaScriptError } from '../../../src/redis/lua-script.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-lua-'));
const dirUrl = pathToFileURL(`${dir}/`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, text: string): string {
  writeFileSync(join(dir, `${name}.lua`), text);
  return name;
}

const HEADER = '--[[\n  KEYS[1] the key.\n  ARGV[1] a value.\n  Reply: the value.\n]]\n';

describe('declareConstants', () => {
  it('declares numbers and strings as locals, and a table with string keys', () => {
    expect(declareConstants({ SLACK: 0.001, MARK: 'ok', CODE: { admitted: 0, tps: 2 }, FIELD: { sent: 'w' } })).toBe(
      'local SLACK = 0.001\n' +
        'local MARK = "ok"\n' +
        'local CODE = { ["admitted"] = 0, ["tps"] = 2 }\n' +
        'local FIELD = { ["sent"] = "w" }\n',
    );
  });

  it('quotes a string so that no value can end the literal', () => {
    expect(declareConstants({ S: 'a"b\\c\nd' })).toBe('local S = "a\\"b\\\\c\\nd"\n');
  });

  it('declares nothing for no constants', () => {
    expect(declareConstants({})).toBe('');
  });

  it('refuses a name Lua cannot take', () => {
    expect(() => declareConstants({ 'not-a-name': 1 })).toThrow(LuaScriptError);
    expect(() => declareConstants({ '1st': 1 })).toThrow(/not a Lua name/);
  });
});

describe('LuaScript.load', () => {
  it('puts the constants before the script and hashes what Redis will run', () => {
    const s = LuaScript.load(script('good', `${HEADER}return MARK .. ARGV[1]\n`), { MARK: 'ok' }, dirUrl);
    expect(s.name).toBe('good');
    expect(s.source).toBe(`local MARK = "ok"\n${HEADER}return MARK .. ARGV[1]\n`);
    expect(s.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(LuaScript.load('good', { MARK: 'failed' }, dirUrl).sha).not.toBe(s.sha);
  });

  it('refuses a script without a header', () => {
    const name = script('bare', "return redis.call('get', KEYS[1])\n");
    expect(() => LuaScript.load(name, {}, dirUrl)).toThrow(/must open with a --\[\[ … \]\] header that names its KEYS and ARGV/);
  });

  it('refuses a header that does not name KEYS and ARGV, or that is not at the top', () => {
    const noArgv = script('no-argv', "--[[\n  KEYS[1] the key.\n]]\nreturn redis.call('get', KEYS[1])\n");
    const late = script('late', `local x = 1\n${HEADER}return x\n`);
    const line = script('line-comment', "-- KEYS[1] the key. ARGV[1] a value.\nreturn redis.call('get', KEYS[1])\n");
    for (const name of [noArgv, late, line]) expect(() => LuaScript.load(name, {}, dirUrl)).toThrow(LuaScriptError);
  });

  it('refuses a constant the script does not use below its header', () => {
    const name = script('mentions', `--[[\n  KEYS: none. ARGV: none. Given by the loader: MARK.\n]]\nreturn 1\n`);
    expect(() => LuaScript.load(name, { MARK: 'ok' }, dirUrl)).toThrow(/does not use the constants given to it: MARK/);
    expect(() => LuaScript.load(script('uses', `${HEADER}return MARKS\n`), { MARK: 'ok' }, dirUrl)).toThrow(/MARK/);
  });

  it('refuses a script that is not there', () => {
    expect(() => LuaScript.load('no-such-script', {}, dirUrl)).toThrow(/no-such-script\.lua cannot be read/);
  });

  it('hasScriptHeader is the test the loader applies', () => {
    expect(hasScriptHeader(`${HEADER}return 1`)).toBe(true);
    expect(hasScriptHeader('--[[ KEYS ]]\n-- ARGV\nreturn 1')).toBe(false);
  });
});
