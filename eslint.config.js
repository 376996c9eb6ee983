// One linter config for the whole package. It enforces the import boundaries (README.md, "Layout"):
// - areas: edge/ never imports trainer/ or Node built-ins; shared/ imports nothing outside shared/;
// - tooling: only test files (*.test.ts, test/) import test/; nothing in a src/ folder but its tests imports tools/,
//   the harnesses, fixtures and measuring helpers that tests and benchmarks share.
// The two kinds use the core rule and typescript-eslint's copy of it, so that a file under both keeps both lists
// (a later config block replaces a rule's options rather than merging them).
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const forbid = (groups, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: groups, message }] }],
});

const TEST_FILES = ['**/*.test.ts', 'test/**'];
const onlyTestsImportTest = {
  group: ['**/test/**'],
  message: 'test/ holds tests: only test files import it (shared harnesses and fixtures live in tools/).',
};
const srcImportsNoTools = {
  group: ['**/tools/**'],
  message: 'src/ holds what Marquee runs: only its tests import tools/ (test and benchmark tooling).',
};
const forbidTooling = (...patterns) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { patterns }],
});

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.wrangler/**',
      'runs/**',
      'data/**',
      'out/**',
      'artifacts/**',
      'test-artifacts/**',
      '.bench/**',
    ],
  },
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['edge/**/*.ts'],
    rules: forbid(
      ['**/trainer/**', 'node:*'],
      'edge/ is the Worker: it must not import trainer/ or Node built-ins.',
    ),
  },
  {
    files: ['shared/**/*.ts'],
    rules: forbid(
      ['**/trainer/**', '**/edge/**', 'node:*', '@tensorflow/*', 'onnxruntime-*'],
      'shared/ is web-standard code used by both halves: it imports nothing outside shared/.',
    ),
  },
  { files: ['**/*.{ts,js}'], ignores: TEST_FILES, rules: forbidTooling(onlyTestsImportTest) },
  {
    files: ['*/src/**/*.ts'],
    ignores: TEST_FILES,
    rules: forbidTooling(onlyTestsImportTest, srcImportsNoTools),
  },
);
