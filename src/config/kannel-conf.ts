/**
 * Reads Kannel's configuration syntax (gwlib/cfg.c): `group = name` starts a group, `key = value` lines follow,
 * a blank line ends the group, `#` starts a comment line, values may be "quoted" with \" and \\ escapes (any other
 * backslash is kept as it is), and
 * `include = "file"` pulls in another file. Pure: the caller supplies a function that reads included files.
 */

export interface KannelEntry {
  readonly key: string;
  readonly value: string;
  readonly file: string;
  readonly line: number;
}

export interface KannelGroup {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly entries: readonly KannelEntry[];
}

export interface KannelSyntaxProblem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export interface KannelParse {
  readonly groups: readonly KannelGroup[];
  readonly problems: readonly KannelSyntaxProblem[];
}

/** Reads an included file relative to the including one; returns undefined when it cannot. */
export type IncludeReader = (path: string, fromFile: string) => { file: string; text: string } | undefined;

function unquote(raw: string): { ok: true; value: string } | { ok: false; message: string } {
  if (!raw.startsWith('"')) return { ok: true, value: raw };
  let out = '';
  for (let i = 1; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && i + 1 < raw.length) {
      // Kannel's parse_value: only \\ and \" are escapes; any other backslash is kept (a password "a\b" stays a\b).
      const next = raw[++i];
      out += next === '\\' || next === '"' ? next : `\\${next}`;
    } else if (c === '"') {
      if (raw.slice(i + 1).trim() !== '') return { ok: false, message: 'text after the closing quote' };
      return { ok: true, value: out };
    } else out += c;
  }
  return { ok: false, message: 'missing closing quote' };
}

export function parseKannelConf(text: string, file: string, readInclude: IncludeReader, depth = 0): KannelParse {
  const groups: KannelGroup[] = [];
  const problems: KannelSyntaxProblem[] = [];
  let current: { name: string; file: string; line: number; entries: KannelEntry[] } | undefined;
  const close = (): void => {
    if (current) groups.push(current);
    current = undefined;
  };
  const lines = text.split(/\r?\n/);
  lines.forEach((rawLine, idx) => {
    const line = idx + 1;
    const trimmed = rawLine.trim();
    if (trimmed === '') {
      close();
      return;
    }
    if (trimmed.startsWith('#')) return;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) {
      problems.push({ file, line, message: `expected "key = value", got ${JSON.stringify(trimmed)}` });
      return;
    }
    const key = trimmed.slice(0, eq).trim().toLowerCase();
    const parsed = unquote(trimmed.slice(eq + 1).trim());
    if (!parsed.ok) {
      problems.push({ file, line, message: `${key}: ${parsed.message}` });
      return;
    }
    const value = parsed.value;
    if (key === 'include') {
      if (depth > 16) {
        problems.push({ file, line, message: 'include nested too deeply (a file includes itself?)' });
        return;
      }
      const inc = readInclude(value, file);
      if (!inc) {
        problems.push({ file, line, message: `include: cannot read ${JSON.stringify(value)}` });
        return;
      }
      close();
      const sub = parseKannelConf(inc.text, inc.file, readInclude, depth + 1);
      groups.push(...sub.groups);
      problems.push(...sub.problems);
      return;
    }
    if (key === 'group') {
      close();
      current = { name: value.toLowerCase(), file, line, entries: [] };
      return;
    }
    if (!current) {
      problems.push({ file, line, message: `"${key}" is outside any group (a group starts with "group = ...")` });
      return;
    }
    current.entries.push({ key, value, file, line });
  });
  close();
  return { groups, problems };
}
