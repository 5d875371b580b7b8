import { describe, expect, it } from 'vitest';
import { ansi, printable, styled, textTable, truncate } from '../../../src/cli/text-table.js';

describe('textTable', () => {
  it('aligns columns two spaces apart, right-aligns where asked, pads no last column and leaves no trailing blanks', () => {
    const out = textTable(
      [
        ['NAME', 'COUNT', 'NOTE'],
        ['a', '1', 'x'],
        ['longer', '1,000', ''],
      ],
      { align: ['left', 'right'] },
    );
    expect(out).toBe(['NAME    COUNT  NOTE', 'a           1  x', 'longer  1,000'].join('\n'));
  });

  it('measures a styled cell by its text, so colours do not shift the columns', () => {
    const rows = [
      ['STATE', 'NODE'],
      [styled('bound', 'green'), 'a'],
      [styled('down', 'red'), 'b'],
    ];
    const coloured = textTable(rows, { paint: ansi }).split('\n');
    expect(coloured[1]).toBe('\u001b[32mbound\u001b[39m  a');
    expect(coloured[2]).toBe('\u001b[31mdown\u001b[39m   b');
    // Without a paint, styles are dropped.
    expect(textTable(rows).split('\n')[2]).toBe('down   b');
  });

  it('escapes control characters, so a cell can neither break a row nor drive the terminal', () => {
    expect(printable('a\nb\tc\u001b[2Jd\u0085')).toBe('a\\nb\\tc\\x1b[2Jd\\x85');
    expect(
      textTable([
        ['X', 'Y'],
        ['line\nbreak', '\u001b[31mred'],
      ]).split('\n'),
    ).toEqual(['X            Y', 'line\\nbreak  \\x1b[31mred']);
  });

  it('truncate cuts to a number of characters (not UTF-16 units) and marks the cut', () => {
    expect(truncate('abcdef', 6)).toBe('abcdef');
    expect(truncate('abcdefg', 6)).toBe('abcde…');
    expect(truncate('😀😀😀😀', 3)).toBe('😀😀…');
  });
});
