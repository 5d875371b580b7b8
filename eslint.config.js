// Lint rules of the project: typescript-eslint's recommended set (syntax only, so a run stays under 15 s), no import
// cycle between modules, the layer order of src/layers.json (a folder imports only lower layers), and each library
// behind its one edge. test/unit/architecture.test.ts holds the same layers and the pure core.
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';
import layerTable from './src/layers.json' with { type: 'json' };

/** Libraries that only some folders of src/ may import: the edges that wrap them. */
const EDGE_LIBRARIES = [
  { name: 'bullmq', folders: ['queue'] },
  { name: 'smpp', folders: ['smpp'] },
  { name: 'fastify', folders: ['http', 'admin'] },
  { name: 'prom-client', folders: ['metrics'] },
  { name: 'undici', folders: ['http-client'] },
];

const restricted = (folder) =>
  EDGE_LIBRARIES.filter((lib) => !lib.folders.includes(folder)).map((lib) => ({
    name: lib.name,
    message: `${lib.name} is wrapped by src/${lib.folders.join('/ or src/')}/; use that edge.`,
  }));

const folderPath = (folder) => (folder === 'app' ? './src/app.ts' : `./src/${folder}`);

/** For each layer's folders: every folder of the same or a higher layer is out of bounds. */
const layerZones = layerTable.layers
  .flatMap((layer, i) =>
    layer.folders.map((folder) => ({
      target: folderPath(folder),
      from: layerTable.layers
        .slice(i)
        .flatMap((l) => l.folders)
        .filter((f) => f !== folder)
        .map(folderPath),
      message: `src/layers.json: ${folder} (${layer.name}) may import only lower layers.`,
    })),
  )
  .filter((zone) => zone.from.length > 0);

const folders = layerTable.layers.flatMap((l) => l.folders).filter((f) => f !== 'app');

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'coverage/', '.bench-out/', 'test-artifacts/', 'src/admin/static/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  importX.flatConfigs.typescript,
  {
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/ban-ts-comment': [
        'error',
        { 'ts-expect-error': 'allow-with-description', 'ts-ignore': 'allow-with-description' },
      ],
      'no-restricted-imports': ['error', { paths: restricted('') }],
      // Escaping and sanitising control characters is deliberate here (XML, tables, log lines).
      'no-control-regex': 'off',
    },
  },
  { files: ['bin/**/*.js', '*.js'], languageOptions: { globals: { process: 'readonly', URL: 'readonly', console: 'readonly' } } },
  ...folders.map((folder) => ({
    files: [`src/${folder}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { paths: restricted(folder) }] },
  })),
  { files: ['test/**/*.ts', 'bench/**/*.ts'], rules: { 'no-restricted-imports': 'off' } },
  {
    files: ['src/**/*.ts'],
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
    },
  },
);
