import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['shared/**/*.test.ts', 'coordinator/**/*.test.ts', 'client/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['node_modules', 'e2e/**', 'client/web/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests start real processes and sieve on 2 cores: run files one at a time.
    fileParallelism: false,
  },
});
