import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'adapters/**/*.test.ts', 'src/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', 'test/bench/**'],
    // Process-level reliability tests spawn the built CLI; give them room on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // The JSON report feeds the plain "N passed, N failed" line .ci/run prints.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results.json' },
  },
});
