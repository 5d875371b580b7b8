import type { ConfigProblem } from './config-error.js';



/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of a parsed config, so secrets stay out of the file.
 * `$${VAR}` is left as a literal `${VAR}`. A variable that is unset and has no default is a problem, not "".
 */
export function substituteEnv(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  onMissing: (path: (string | number)[], name: string) => void,
  path: (string | number)[] = [],
  onSubstituted: (path: (string | number)[]) => void = () => undefined,
): unknown {
  if (typeof value === 'string') {
    if (!value.includes('${')) return value;
    onSubstituted(path);
    return value.replace(/(\$?)\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (whole, escape: string, name: string, def: string | undefined) => {
      if (escape) return whole.slice(1);
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (def !== undefined) return def;
      onMissing(path, name);
      return '';
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, onMissing, [...path, i], onSubstituted));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substituteEnv(v, env, onMissing, [...path, k], onSubstituted);
    return out;
  }
  return value;
}

export function missingEnvProblem(file: string, line: number | undefined, path: string, name: string): ConfigProblem {
  return { file, line, path, message: `environment variable ${name} is not set (write \${${name}:-default} to give a default)` };
}


