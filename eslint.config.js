// One linter config for the whole package. The import boundaries of docs/architecture are enforced here:
// edge/ never imports trainer/, shared/ imports neither (and no Node built-ins).
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const forbid = (groups, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: groups, message }] }],
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
);
