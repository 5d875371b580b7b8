/**
 * The layout's rules, held by a test (ARCHITECTURE.md explains them): every folder of src/ has a layer in
 * src/layers.json and imports only lower layers, so no two folders import each other; a pure module (a pure folder,
 * or a file whose header says "Pure.") imports only pure modules and no I/O; each library sits behind its one edge.
 * The rules run on the real tree and, to show that they catch what they should, on made-up trees.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import layerTable from '../../src/layers.json' with { type: 'json' };
import {
  folderCycles,
  folderOf,
  layerViolations,
  pureFiles,
  pureViolations,
  unlistedFolders,
  type LayerTable,
  type SourceFile,
} from '../helpers/architecture.js';

const SRC = 'src';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const files: SourceFile[] = walk(SRC).map((p) => ({ path: relative(SRC, p).split(sep).join('/'), text: readFileSync(p, 'utf8') }));
const table: LayerTable = layerTable;

describe('architecture of src/', () => {
  it('every folder has a layer, and every layer names folders that exist', () => {
    expect(unlistedFolders(files, table)).toEqual({ unlisted: [], missing: [] });
  });

  it('each folder imports only folders of lower layers', () => {
    expect(layerViolations(files, table)).toEqual([]);
  });

  it('no folders import each other, directly or round a loop', () => {
    expect(folderCycles(files)).toEqual([]);
  });

  it('the pure core imports only pure modules and no I/O', () => {
    expect(pureFiles(files, table).size).toBeGreaterThan(60);
    expect(pureViolations(files, table)).toEqual([]);
  });

  it.each([
    ['bullmq', ['queue']],
    ['smpp', ['smpp']],
    ['fastify', ['http', 'admin']],
    ['prom-client', ['metrics']],
    ['undici', ['http-client']],
    ['ioredis', ['redis', 'queue', 'accounts', 'messages', 'dlr', 'links', 'mo', 'control', 'metrics', 'roles', 'app', 'cli']],
  ])('only its edge imports %s', (lib, allowed) => {
    const offenders = files
      .filter((f) => new RegExp(`from '${lib}'`).test(f.text) && !allowed.includes(folderOf(f.path)))
      .map((f) => f.path);
    expect(offenders).toEqual([]);
  });
});

describe('the rules catch what they should', () => {
  const small: LayerTable = {
    layers: [
      { name: 'types', folders: ['domain'] },
      { name: 'core', folders: ['routing'] },
      { name: 'edge', folders: ['queue'] },
    ],
    pure: ['domain', 'routing'],
  };

  it('an upward import, and a sideways one through a loop', () => {
    const tree: SourceFile[] = [
      { path: 'routing/route.ts', text: "import { x } from '../queue/producer.js';\n" },
      { path: 'queue/producer.ts', text: "import type { R } from '../routing/route.js';\nexport const x = 1;\n" },
    ];
    expect(layerViolations(tree, small)).toEqual(['routing/route.ts → queue/producer.ts (routing may not import queue)']);
    expect(folderCycles(tree)).toEqual([['queue', 'routing', 'queue']]);
  });

  it('a folder with no layer', () => {
    expect(
      unlistedFolders(
        [
          { path: 'extra/thing.ts', text: '' },
          { path: 'domain/a.ts', text: '' },
        ],
        small,
      ),
    ).toEqual({
      unlisted: ['extra'],
      missing: ['queue', 'routing'],
    });
  });

  it('a pure file that does I/O, directly or through an impure module', () => {
    const tree: SourceFile[] = [
      { path: 'routing/a.ts', text: "import { Redis } from 'ioredis';\n" },
      { path: 'routing/b.ts', text: "import { connect } from 'node:net';\nimport { isIP } from 'node:net';\n" },
      { path: 'queue/c.ts', text: '/**\n * Pure. Says so.\n */\n' + "import { readFileSync } from 'node:fs';\n" },
      { path: 'queue/d.ts', text: 'export const d = 1;\n' },
      {
        path: 'routing/e.ts',
        text: "import { d } from '../queue/d.js';\nimport type { T } from '../queue/d.js';\nimport { BlockList } from 'node:net';\n",
      },
    ];
    expect(pureViolations(tree, small)).toEqual([
      'routing/a.ts → ioredis (I/O library)',
      'routing/b.ts → node:net (sockets)',
      'queue/c.ts → node:fs (I/O library)',
      'routing/e.ts → queue/d.ts (not pure)',
    ]);
  });
});
