import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';
import type { Config } from './config.js';
import { ConfigError, type ConfigProblem } from './config-error.js';
import { missingEnvProblem, substituteEnv } from './substitute-env.js';
import { ConfigSchema } from './schema.js';
import { dottedPath, schemaAt, validateWithWarnings, type ConfigSource } from './validate.js';

/**
 * An environment variable is always text; where the schema wants a number or a boolean (`port: ${PORT}`), the
 * substituted text is read as one. Anything else is left for validation to report.
 */
function typeSubstituted(raw: unknown, paths: readonly (string | number)[][]): void {
  for (const path of paths) {
    const node = schemaAt(ConfigSchema, path) as { type?: string } | undefined;
    if (!node || path.length === 0) continue;
    let parent: unknown = raw;
    for (const seg of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[seg];
    const last = path[path.length - 1]!;
    const container = parent as Record<string | number, unknown>;
    const v = container[last];
    if (typeof v !== 'string') continue;
    if ((node.type === 'integer' || node.type === 'number') && /^[-+]?(\d+\.?\d*|\.\d+)$/.test(v.trim())) container[last] = Number(v);
    else if (node.type === 'boolean' && /^(true|false)$/i.test(v.trim())) container[last] = v.trim().toLowerCase() === 'true';
  }
}

/**
 * Parses switchboard's native YAML configuration text; `file` is only used in messages. Warnings are what loads but
 * should change (plain-text passwords); the source says where each key path was written (for check-config).
 */
export function parseYamlConfig(text: string, file: string, env: Readonly<Record<string, string | undefined>>): { config: Config; warnings: ConfigProblem[]; source: ConfigSource } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({
        file,
        // linePos is only filled in with prettyErrors; the offset always is.
        line: e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line,
        path: '',
        message: `not valid YAML: ${e.message.split('\n')[0] ?? e.code}`,
      })),
    );
  }
  const lineOf = (path: readonly (string | number)[]): number | undefined => {
    let node: unknown = doc.contents;
    let last: Node | undefined;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === seg);
        if (!pair) break;
        last = pair.key as Node;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        node = node.items[seg];
        last = node as Node;
      } else break;
    }
    const offset = last?.range?.[0];
    return offset === undefined ? undefined : lineCounter.linePos(offset).line;
  };
  const problems: ConfigProblem[] = [];
  const substituted: (string | number)[][] = [];
  const raw = substituteEnv(
    doc.toJS() ?? {},
    env,
    (path, name) => problems.push(missingEnvProblem(file, lineOf(path), dottedPath(path), name)),
    [],
    (path) => substituted.push(path),
  );
  if (problems.length > 0) throw new ConfigError(problems);
  typeSubstituted(raw, substituted);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError([{ file, line: 1, path: '', message: 'expected a map of sections (http, links, accounts, ...)' }]);
  }
  const source: ConfigSource = { file, lineOf };
  return { ...validateWithWarnings(raw, source), source };
}
