import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One test file per core (vitest's default leaves one core idle): most tests wait on the processes
    // they spawn, so on 2 cores the suite takes about 400 s instead of 560 s.
    maxWorkers: Math.max(2, availableParallelism()),
    reporters: ['default', 'junit', 'json'],
    outputFile: { junit: 'reports/junit.xml', json: 'reports/vitest.json' },
  },
});
