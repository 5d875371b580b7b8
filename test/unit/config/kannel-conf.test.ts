/**
 * Kannel's configuration syntax (gwlib/cfg.c cfg_read / parse_value / expand_file), as parseKannelConf reads it.
 */
import { describe, it, expect } from 'vitest';
import { parseKannelConf, type IncludeReader, type KannelGroup } from '../../../src/config/kannel-conf.js';

const noInclude: IncludeReader = () => undefined;

/** An include reader over an in-memory file set; records every call. */
function memoryReader(files: Record<string, string>): { read: IncludeReader; calls: Array<[string, string]> } {
  const calls: Array<[string, string]> = [];
  const read: IncludeReader = (path, fromFile) => {
    calls.push([path, fromFile]);
    const text = files[path];
    return text === undefined ? undefined : { file: path, text };
  };
  return { read, calls };
}

const entries = (g: KannelGroup | undefined): Array<[string, string]> => (g?.entries ?? []).map((e) => [e.key, e.value]);

describe('parseKannelConf: groups and lines (cfg_read)', () => {
  it('a blank line ends a group; each group and entry keeps its file and 1-based line', () => {
    const text = ['group = core', 'admin-port = 13000', '', 'group = smsbox', 'sendsms-port = 13013', ''].join('\n');
    const p = parseKannelConf(text, 'k.conf', noInclude);
    expect(p.problems).toEqual([]);
    expect(p.groups.map((g) => [g.name, g.file, g.line])).toEqual([
      ['core', 'k.conf', 1],
      ['smsbox', 'k.conf', 4],
    ]);
    expect(p.groups[0]?.entries).toEqual([{ key: 'admin-port', value: '13000', file: 'k.conf', line: 2 }]);
    expect(p.groups[1]?.entries).toEqual([{ key: 'sendsms-port', value: '13013', file: 'k.conf', line: 5 }]);
  });

  it.each([
    ['several blank lines between groups', 'group = a\nx = 1\n\n\n\ngroup = b\ny = 2', [['a', [['x', '1']]], ['b', [['y', '2']]]]],
    // octstr_strip_blanks: a line of spaces or tabs is blank too
    ['a whitespace-only line ends a group', 'group = a\nx = 1\n  \t \ngroup = b\ny = 2', [['a', [['x', '1']]], ['b', [['y', '2']]]]],
    ['CRLF line endings', 'group = a\r\nx = 1\r\n\r\ngroup = b\r\ny = 2\r\n', [['a', [['x', '1']]], ['b', [['y', '2']]]]],
    ['the last group needs no trailing newline', 'group = a\nx = 1', [['a', [['x', '1']]]]],
    ['a group line without a blank line before it starts a new group', 'group = a\nx = 1\ngroup = b\ny = 2', [['a', [['x', '1']]], ['b', [['y', '2']]]]],
    ['an empty group is still a group', 'group = a\n\ngroup = b', [['a', []], ['b', []]]],
    // '#' starts a comment only as the first non-blank character; a comment does not end the group
    ['comment lines are skipped and do not end the group', 'group = a\n# a comment\n   # indented comment\nx = 1', [['a', [['x', '1']]]]],
    ['comments before the first group are fine', '# header\n#\ngroup = a\nx = 1', [['a', [['x', '1']]]]],
    // cfg_read splits at the first '=' and strips blanks around name and value
    ['blanks around key, "=" and value are stripped', 'group = a\n   x   =    1   ', [['a', [['x', '1']]]]],
    ['no blanks around "=" at all', 'group=a\nx=1', [['a', [['x', '1']]]]],
    ['a value may contain "="', 'group = a\nmeta = k=v&k2=v2', [['a', [['meta', 'k=v&k2=v2']]]]],
    ['"#" inside a value is part of the value', 'group = a\nsmsc-password = ab#cd', [['a', [['smsc-password', 'ab#cd']]]]],
    ['an empty value', 'group = a\naddress-range =', [['a', [['address-range', '']]]]],
    ['keys and group names are case-insensitive (lower-cased)', 'GROUP = SMSC\nSMSC-ID = Carrier', [['smsc', [['smsc-id', 'Carrier']]]]],
    ['a key set twice keeps both entries, in order', 'group = a\nx = 1\nx = 2', [['a', [['x', '1'], ['x', '2']]]]],
    ['nothing at all', '', []],
    ['only comments and blank lines', '# a\n\n# b\n', []],
  ] as const)('%s', (_what, text, expected) => {
    const p = parseKannelConf(text, 'k.conf', noInclude);
    expect(p.problems).toEqual([]);
    expect(p.groups.map((g) => [g.name, entries(g)])).toEqual(expected);
  });
});

describe('parseKannelConf: quoted values (parse_value)', () => {
  it.each([
    ['"VMA"', 'VMA'],
    ['""', ''],
    ['"  padded  "', '  padded  '],
    ['"127.0.0.1;10.0.0.*"', '127.0.0.1;10.0.0.*'],
    ['"with # hash"', 'with # hash'],
    ['"a \\"quoted\\" word"', 'a "quoted" word'],
    ['"back\\\\slash"', 'back\\slash'],
    // Kannel keeps a backslash that does not escape \ or " (parse_value's default branch)
    ['"a\\b"', 'a\\b'],
    ['"C:\\kannel\\store"', 'C:\\kannel\\store'],
    ['"^\\+?358"', '^\\+?358'],
    ['"trailing\\\\"', 'trailing\\'],
    // not starting with a quote: taken as written, quotes and backslashes included
    ['plain', 'plain'],
    ['ab"cd"', 'ab"cd"'],
    ['a\\b', 'a\\b'],
    ['"quoted" ', 'quoted'],
  ])('%s → %j', (raw, value) => {
    const p = parseKannelConf(`group = a\nx = ${raw}`, 'k.conf', noInclude);
    expect(p.problems).toEqual([]);
    expect(entries(p.groups[0])).toEqual([['x', value]]);
  });

  it.each([
    ['"unterminated', 'x: missing closing quote'],
    ['"ends with an escaped quote\\"', 'x: missing closing quote'],
    ['"a" b', 'x: text after the closing quote'],
    ['"a""b"', 'x: text after the closing quote'],
  ])('%s is a problem at its line, and the entry is dropped', (raw, message) => {
    const p = parseKannelConf(`group = a\ny = 1\nx = ${raw}\nz = 2`, 'k.conf', noInclude);
    expect(p.problems).toEqual([{ file: 'k.conf', line: 3, message }]);
    expect(entries(p.groups[0])).toEqual([
      ['y', '1'],
      ['z', '2'],
    ]);
  });
});

describe('parseKannelConf: syntax problems name the file and line', () => {
  it.each([
    // cfg_read: "An equals sign ('=') is missing on line N"
    ['a line without "="', 'group = a\nnot a setting', 2, 'expected "key = value", got "not a setting"'],
    ['a line starting with "="', 'group = a\n= value', 2, 'expected "key = value", got "= value"'],
    ['a key before any group', 'admin-port = 13000\n\ngroup = core', 1, '"admin-port" is outside any group (a group starts with "group = ...")'],
    ['a key after a blank line that ended the group', 'group = core\nx = 1\n\ny = 2', 4, '"y" is outside any group (a group starts with "group = ...")'],
  ])('%s', (_what, text, line, message) => {
    const p = parseKannelConf(text, 'dir/kannel.conf', noInclude);
    expect(p.problems).toEqual([{ file: 'dir/kannel.conf', line, message }]);
  });

  it('reports every problem, not only the first, and keeps the good groups', () => {
    const p = parseKannelConf('oops\ngroup = a\nx = "open\n\ngroup = b\ny = 1\nbad line', 'k.conf', noInclude);
    expect(p.problems.map((x) => x.line)).toEqual([1, 3, 7]);
    expect(p.groups.map((g) => [g.name, entries(g)])).toEqual([
      ['a', []],
      ['b', [['y', '1']]],
    ]);
  });
});

describe('parseKannelConf: include (expand_file), through the injected reader', () => {
  it('inserts the included groups in place; entries carry the included file and its own lines', () => {
    const { read, calls } = memoryReader({
      'links.conf': '# links\ngroup = smsc\nsmsc = smpp\nhost = h\n',
    });
    const text = 'group = core\nadmin-port = 1\n\ninclude = "links.conf"\n\ngroup = sendsms-user\nusername = u';
    const p = parseKannelConf(text, '/etc/kannel/kannel.conf', read);
    expect(p.problems).toEqual([]);
    expect(calls).toEqual([['links.conf', '/etc/kannel/kannel.conf']]);
    expect(p.groups.map((g) => [g.name, g.file, g.line])).toEqual([
      ['core', '/etc/kannel/kannel.conf', 1],
      ['smsc', 'links.conf', 2],
      ['sendsms-user', '/etc/kannel/kannel.conf', 6],
    ]);
    expect(p.groups[1]?.entries).toEqual([
      { key: 'smsc', value: 'smpp', file: 'links.conf', line: 3 },
      { key: 'host', value: 'h', file: 'links.conf', line: 4 },
    ]);
  });

  it('an unquoted include path works too', () => {
    const { read, calls } = memoryReader({ 'a.conf': 'group = core\nx = 1' });
    const p = parseKannelConf('include = a.conf', 'k.conf', read);
    expect(calls).toEqual([['a.conf', 'k.conf']]);
    expect(p.groups.map((g) => g.name)).toEqual(['core']);
  });

  it('an include line ends the current group (an included file never extends it)', () => {
    const { read } = memoryReader({ 'more.conf': 'group = smsbox\ny = 2' });
    const p = parseKannelConf('group = core\nx = 1\ninclude = "more.conf"\nz = 3', 'k.conf', read);
    expect(p.groups.map((g) => [g.name, entries(g)])).toEqual([
      ['core', [['x', '1']]],
      ['smsbox', [['y', '2']]],
    ]);
    // after the include there is no open group
    expect(p.problems).toEqual([{ file: 'k.conf', line: 4, message: '"z" is outside any group (a group starts with "group = ...")' }]);
  });

  it('nested includes resolve relative to the including file', () => {
    const { read, calls } = memoryReader({
      'one.conf': 'group = core\nx = 1\n\ninclude = "two.conf"',
      'two.conf': 'group = smsbox\ny = 2',
    });
    const p = parseKannelConf('include = "one.conf"', 'main.conf', read);
    expect(calls).toEqual([
      ['one.conf', 'main.conf'],
      ['two.conf', 'one.conf'],
    ]);
    expect(p.groups.map((g) => [g.name, g.file])).toEqual([
      ['core', 'one.conf'],
      ['smsbox', 'two.conf'],
    ]);
  });

  it('a file that cannot be read is a problem at the include line', () => {
    const p = parseKannelConf('group = core\nx = 1\n\ninclude = "missing.conf"', 'k.conf', noInclude);
    expect(p.problems).toEqual([{ file: 'k.conf', line: 4, message: 'include: cannot read "missing.conf"' }]);
    expect(p.groups.map((g) => g.name)).toEqual(['core']);
  });

  it('problems inside an included file name that file and its line', () => {
    const { read } = memoryReader({ 'bad.conf': 'group = smsc\nhost "h"' });
    const p = parseKannelConf('include = "bad.conf"', 'k.conf', read);
    expect(p.problems).toEqual([{ file: 'bad.conf', line: 2, message: 'expected "key = value", got "host \\"h\\""' }]);
  });

  it('a file that includes itself stops with a problem instead of looping', () => {
    const { read, calls } = memoryReader({ 'loop.conf': 'include = "loop.conf"' });
    const p = parseKannelConf('include = "loop.conf"', 'k.conf', read);
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.length).toBeLessThan(30);
    expect(p.problems).toHaveLength(1);
    expect(p.problems[0]).toMatchObject({ file: 'loop.conf', line: 1 });
    expect(p.problems[0]?.message).toMatch(/nested too deeply/);
  });
});
