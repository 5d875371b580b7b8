/**
 * The one way switchboard runs Lua in Redis. Each script lives in its own file, src/redis/scripts/<name>.lua, whose
 * header names its KEYS and ARGV (as bullmq keeps its commands in src/commands/*.lua); no Lua is written in
 * TypeScript. Values the script shares with TypeScript (a record's field letters, status codes) are not spelled in
 * the Lua: the caller passes the TypeScript definition as `constants`, and the loader declares each as a Lua local
 * before the script, so both sides read one definition.
 *
 * A script runs with EVALSHA (Redis keeps it compiled; only its hash crosses the wire), loaded again after a Redis
 * restart (NOSCRIPT). In a pipeline it goes as EVAL with its source: a pipeline cannot retry one command on NOSCRIPT,
 * and the scripts piped are short and rare (lease renewals).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ChainableCommander, Redis } from 'ioredis';

/** A value declared for a script: a string or number, or a table of them (`F = { status = 's', … }`). */
export type LuaConstant = string | number | Readonly<Record<string, string | number>>;

/** Where the scripts are: src/redis/scripts/ (copied beside the build in dist/). */
export const SCRIPTS_DIR = new URL('./scripts/', import.meta.url);

/** A --[[ ]] comment opening the file that names its KEYS and ARGV (what every script must start with). */
const HEADER = /^--\[\[[\s\S]*?\bKEYS\b[\s\S]*?\bARGV\b[\s\S]*?\]\]/;

/** Whether a script's text opens with the header that says what its KEYS and ARGV are. */
export function hasScriptHeader(text: string): boolean {
  return HEADER.test(text);
}

/** A script file that cannot be used: missing, or without the header that says what its KEYS and ARGV are. */
export class LuaScriptError extends Error {
  override readonly name = 'LuaScriptError';
}

function luaLiteral(v: string | number): string {
  return typeof v === 'number' ? String(v) : JSON.stringify(v);
}

function luaName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new LuaScriptError(`not a Lua name: ${JSON.stringify(name)}`);
  return name;
}

/** `local NAME = value` for each constant; tables keep their keys as Lua string keys. */
export function declareConstants(constants: Readonly<Record<string, LuaConstant>>): string {
  return Object.entries(constants)
    .map(([name, value]) => {
      if (typeof value !== 'object') return `local ${luaName(name)} = ${luaLiteral(value)}\n`;
      const fields = Object.entries(value).map(([k, v]) => `[${JSON.stringify(k)}] = ${luaLiteral(v)}`);
      return `local ${luaName(name)} = { ${fields.join(', ')} }\n`;
    })
    .join('');
}

export class LuaScript {
  readonly source: string;
  readonly sha: string;

  private constructor(
    readonly name: string,
    source: string,
  ) {
    this.source = source;
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /**
   * The script in src/redis/scripts/<name>.lua (or in `dir`, for tests), with `constants` declared before it. Read
   * once, at module load. A constant the script's code (below its header) never names is refused: its name is
   * misspelt on one side, and the Lua would fail only once it reached the global it expected (Redis refuses an
   * undeclared global when the line runs, not when the script loads).
   */
  static load(name: string, constants: Readonly<Record<string, LuaConstant>> = {}, dir: URL = SCRIPTS_DIR): LuaScript {
    let text: string;
    try {
      text = readFileSync(new URL(`${name}.lua`, dir), 'utf8');
    } catch (e) {
      throw new LuaScriptError(`Lua script ${name}.lua cannot be read`, { cause: e });
    }
    const header = HEADER.exec(text);
    if (!header) throw new LuaScriptError(`${name}.lua must open with a --[[ … ]] header that names its KEYS and ARGV`);
    const body = text.slice(header[0].length);
    const unused = Object.keys(constants).filter((c) => !new RegExp(`\\b${luaName(c)}\\b`).test(body));
    if (unused.length > 0) throw new LuaScriptError(`${name}.lua does not use the constants given to it: ${unused.join(', ')}`);
    return new LuaScript(name, declareConstants(constants) + text);
  }

  async run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (e) {
      if (!(e instanceof Error) || !e.message.startsWith('NOSCRIPT')) throw e;
      return await redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }

  /** Adds the script to a pipeline or a MULTI (as EVAL: see the header); its reply comes with the others. */
  queue(pipe: ChainableCommander, keys: readonly string[], args: readonly (string | number)[]): void {
    pipe.eval(this.source, keys.length, ...keys, ...args);
  }
}
