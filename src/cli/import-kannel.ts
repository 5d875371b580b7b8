/**
 * `switchboard import-kannel FILE`: prints the switchboard YAML equivalent of a Kannel configuration, with every
 * key that was not carried over listed as a comment (and on stderr), then checks the result against the schema.
 */
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { formatProblem } from '../config/config-error.js';
import { fileIncludeReader } from '../config/load-config.js';
import { readKannelConfig } from '../config/load-kannel.js';
import { validateWithWarnings } from '../config/validate.js';

export function importKannel(file: string): string {
  const text = readFileSync(file, 'utf8');
  const { mapping, warnings } = readKannelConfig(text, file, fileIncludeReader);
  // Validate too, so a file that would not start is reported now rather than at `switchboard start`.
  const { warnings: toChange } = validateWithWarnings(mapping.raw, { file });
  const header = [
    `# switchboard configuration imported from ${file}`,
    '# Keys keep their Kannel names; src/config/schema.ts describes every one, with its default.',
    ...(warnings.length ? ['#', '# Not carried over:', ...warnings.map((w) => `#   ${formatProblem(w)}`)] : []),
    ...(toChange.length ? ['#', '# To change:', ...toChange.map((w) => `#   ${w.path}: ${w.message}`)] : []),
    '',
  ];
  const raw: Record<string, unknown> = { ...mapping.raw };
  for (const k of Object.keys(raw)) {
    const v = raw[k];
    const empty = Array.isArray(v) ? v.length === 0 : v !== null && typeof v === 'object' && Object.keys(v).length === 0;
    if (empty) delete raw[k];
  }
  return `${header.join('\n')}${stringify(raw, { lineWidth: 0 })}`;
}
