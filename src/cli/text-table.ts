/**
 * Aligned text tables for the CLI. Widths are measured before colour is applied, so coloured cells line up; the
 * last column is not padded (no trailing blanks). Control characters in a cell (a message's newline, an escape
 * sequence in a text or a reason an SMSC sent) are shown escaped, so a cell can neither break a row nor drive the
 * terminal. Pure.
 */

/** The styles the CLI uses: bind and link states, and secondary text. */
export type CellStyle = 'green' | 'yellow' | 'red' | 'dim';

export interface StyledCell {
  readonly text: string;
  readonly style: CellStyle | undefined;
}

export type Cell = string | StyledCell;

export type Align = 'left' | 'right';

/** Applies a style to a cell's text once it is padded; `plain` leaves it as it is. */
export type Paint = (style: CellStyle, text: string) => string;

export const plain: Paint = (_style, text) => text;

// SGR codes written by hand: the decision to colour is made once (stdout a TTY, NO_COLOR unset) and node:util's
// styleText checks the stream itself in some Node versions and not in others.
const SGR: Record<CellStyle, readonly [number, number]> = { green: [32, 39], yellow: [33, 39], red: [31, 39], dim: [2, 22] };

export const ansi: Paint = (style, text) => `\u001b[${SGR[style][0]}m${text}\u001b[${SGR[style][1]}m`;

export function styled(text: string, style: CellStyle | undefined): StyledCell {
  return { text, style };
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** The text with control characters escaped (`\n`, `\x1b`). */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Cut to `max` characters, ending with `…` when cut. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

const textOf = (c: Cell): string => printable(typeof c === 'string' ? c : c.text);
const width = (s: string): number => [...s].length;

export interface TableOptions {
  /** Per column; columns not listed are left-aligned. */
  readonly align?: readonly Align[];
  readonly paint?: Paint;
}

/** The rows (the first one being the header) as lines of aligned columns separated by two spaces, with no final newline. */
export function textTable(rows: readonly (readonly Cell[])[], opts: TableOptions = {}): string {
  const paint = opts.paint ?? plain;
  const texts = rows.map((r) => r.map(textOf));
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, c) => Math.max(0, ...texts.map((r) => width(r[c] ?? ''))));
  return rows
    .map((row, r) =>
      row
        .map((cell, c) => {
          const text = texts[r]?.[c] ?? '';
          const pad = ' '.repeat((widths[c] ?? 0) - width(text));
          const right = opts.align?.[c] === 'right';
          const last = c === row.length - 1;
          const style = typeof cell === 'string' ? undefined : cell.style;
          const shown = style === undefined ? text : paint(style, text);
          return right ? pad + shown : last ? shown : shown + pad;
        })
        .join('  ')
        // Empty cells at the end of a row leave their separators.
        .trimEnd(),
    )
    .join('\n');
}
