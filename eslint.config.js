// Lint rules of the project: typescript-eslint's recommended set (syntax only, so a lint run stays fast), no import
// cycle between modules, and each library behind its one edge (DESIGN.md's dependency direction). The layer order
// between folders is held by test/unit/architecture.test.ts, which derives it from src/layers.ts.
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Libraries that only one folder of src/ may import: the edge that wraps it. */
const EDGE_LIBRARIES = [
  { name: 'bullmq', folders: ['queue'] },
  { name: 'smpp', folders: ['smpp'] },
  { name: 'fastify', folders: ['http', 'admin'] },
  { name: 'prom-client', folders: ['observability'] },
  { name: 'undici', folders: ['http'] },
];

const restricted = (folder) =>
  EDGE_LIBRARIES.filter((lib) => !lib.folders.includes(folder)).map((lib) => ({
    name: lib.name,
    message: `${lib.name} is wrapped by src/${lib.folders.join('/ or src/')}/; import that edge's module instead.`,
  }));

const FOLDERS = [
  'admin',
  'cli',
  'config',
  'control',
  'dlr',
  'domain',
  'encoding',
  'http',
  'links',
  'messages',
  'mo',
  'observability',
  'queue',
  'redis',
  'roles',
  'routing',
  'security',
  'simulator',
  'smpp',
  'tls',
];

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
  ...FOLDERS.map((folder) => ({
    files: [`src/${folder}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { paths: restricted(folder) }] },
  })),
  { files: ['test/**/*.ts', 'bench/**/*.ts'], rules: { 'no-restricted-imports': 'off' } },
  {
    files: ['src/**/*.ts'],
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
);
