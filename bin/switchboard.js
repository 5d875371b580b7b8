#!/usr/bin/env node
// Entry point of the `switchboard` command: runs the compiled CLI (npm ci builds it through `prepare`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('switchboard: the compiled CLI is missing (dist/). Run `npm ci` or `npm run build` first.\n');
  process.exit(1);
}
await import(cli);
