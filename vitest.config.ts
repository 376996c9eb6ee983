import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{shared,trainer,edge,test}/**/*.test.ts'],
    exclude: ['**/node_modules/**', '.wrangler/**'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // The machine has 2 cores; heavy suites (training, workerd) must not all start at once.
    maxWorkers: 2,
  },
});
