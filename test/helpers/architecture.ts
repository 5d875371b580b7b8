/**
 * The dependency rules of src/layers.json as functions over source text, so that the architecture test can run
 * them on the real tree and, to show that they catch something, on small made-up trees.
 */
import { posix } from 'node:path';

export interface SourceFile {
  /** Path relative to src/, with forward slashes (`queue/producer.ts`). */
  readonly path: string;
  readonly text: string;
}

export interface LayerTable {
  readonly layers: readonly { readonly name: string; readonly folders: readonly string[] }[];
  /** Folders that are pure as a whole. */
  readonly pure: readonly string[];
}

export interface Import {
  readonly spec: string;
  /** `import type …` or `export type …`: nothing of it exists at run time. */
  readonly typeOnly: boolean;
  /** The names in braces (`import { a, b as c }` → a, b). */
  readonly names: readonly string[];
}

/** Libraries and Node modules a pure file may use: computation only, no socket, file, process or clock of theirs. */
const PURE_PACKAGES = new Set([
  '@sinclair/typebox',
  '@sinclair/typebox/value',
  'fastest-levenshtein',
  'fast-xml-parser',
  'node:crypto',
  'node:util',
  'node:buffer',
]);
/** Address arithmetic from node:net opens no socket; nothing else of node:net is allowed in a pure file. */
const NET_ARITHMETIC = new Set(['BlockList', 'isIP', 'isIPv4', 'isIPv6']);

/** The folder a file belongs to; files at the top of src/ are the composition root, 'app'. */
export function folderOf(path: string): string {
  const i = path.indexOf('/');
  return i < 0 ? 'app' : path.slice(0, i);
}

export function importsOf(text: string): Import[] {
  const found: Import[] = [];
  for (const m of text.matchAll(/^\s*(import|export)(\s+type)?\s([^'";]*?)from\s+'([^']+)'/gm)) {
    const names =
      /{([^}]*)}/
        .exec(m[3]!)?.[1]
        ?.split(',')
        .map((n) =>
          n
            .trim()
            .split(/\s+as\s+/)[0]!
            .replace(/^type\s+/, ''),
        ) ?? [];
    found.push({ spec: m[4]!, typeOnly: !!m[2], names: names.filter((n) => n !== '') });
  }
  for (const m of text.matchAll(/^\s*import\s+'([^']+)'/gm)) found.push({ spec: m[1]!, typeOnly: false, names: [] });
  for (const m of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) found.push({ spec: m[1]!, typeOnly: false, names: [] });
  return found;
}

/** The src/-relative .ts path an import names, or undefined for a package. */
export function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  return posix.normalize(posix.join(posix.dirname(from), spec)).replace(/\.js$/, '.ts');
}

function layerIndex(table: LayerTable): Map<string, number> {
  const index = new Map<string, number>();
  table.layers.forEach((layer, i) => layer.folders.forEach((f) => index.set(f, i)));
  return index;
}

/** Folders that have files but no layer, and layers' folders that have no file. */
export function unlistedFolders(files: readonly SourceFile[], table: LayerTable): { unlisted: string[]; missing: string[] } {
  const index = layerIndex(table);
  const present = new Set(files.map((f) => folderOf(f.path)));
  return {
    unlisted: [...present].filter((f) => !index.has(f)).sort(),
    missing: [...index.keys()].filter((f) => !present.has(f)).sort(),
  };
}

/** Every import of another folder that does not point to a lower layer, as `file → target`. */
export function layerViolations(files: readonly SourceFile[], table: LayerTable): string[] {
  const index = layerIndex(table);
  const out: string[] = [];
  for (const f of files) {
    const from = folderOf(f.path);
    for (const imp of importsOf(f.text)) {
      const target = resolveImport(f.path, imp.spec);
      if (target === undefined) continue;
      const to = folderOf(target);
      if (to === from) continue;
      const a = index.get(from);
      const b = index.get(to);
      if (a === undefined || b === undefined || b >= a) out.push(`${f.path} → ${target} (${from} may not import ${to})`);
    }
  }
  return out;
}

/** Cycles in the graph of folders (each as the folders in order), found by depth-first search. */
export function folderCycles(files: readonly SourceFile[]): string[][] {
  const edges = new Map<string, Set<string>>();
  for (const f of files) {
    const from = folderOf(f.path);
    for (const imp of importsOf(f.text)) {
      const target = resolveImport(f.path, imp.spec);
      if (target === undefined || folderOf(target) === from) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(folderOf(target));
    }
  }
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): void => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of edges.get(n) ?? []) {
      if (state.get(m) === 'open') cycles.push([...stack.slice(stack.indexOf(m)), m]);
      else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of [...edges.keys()].sort()) if (!state.has(n)) visit(n);
  return cycles;
}

/** The header comment of a file (its first block comment), where a pure module says "Pure.". */
export function headerOf(text: string): string {
  return /^\s*\/\*\*([\s\S]*?)\*\//.exec(text)?.[1] ?? '';
}

export function pureFiles(files: readonly SourceFile[], table: LayerTable): Set<string> {
  return new Set(files.filter((f) => table.pure.includes(folderOf(f.path)) || /\bPure[.:]/.test(headerOf(f.text))).map((f) => f.path));
}

/**
 * Imports a pure file may not make: a module of ours that is not pure (a type-only import excepted: nothing of it
 * runs), or a package that does I/O.
 */
export function pureViolations(files: readonly SourceFile[], table: LayerTable): string[] {
  const pure = pureFiles(files, table);
  const out: string[] = [];
  for (const f of files) {
    if (!pure.has(f.path)) continue;
    for (const imp of importsOf(f.text)) {
      const target = resolveImport(f.path, imp.spec);
      if (target !== undefined) {
        if (!imp.typeOnly && !pure.has(target)) out.push(`${f.path} → ${target} (not pure)`);
      } else if (imp.spec === 'node:net') {
        if (imp.names.length === 0 || imp.names.some((n) => !NET_ARITHMETIC.has(n))) out.push(`${f.path} → node:net (sockets)`);
      } else if (!imp.typeOnly && !PURE_PACKAGES.has(imp.spec)) out.push(`${f.path} → ${imp.spec} (I/O library)`);
    }
  }
  return out;
}
