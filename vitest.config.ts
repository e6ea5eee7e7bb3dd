import { defineConfig } from 'vitest/config';

/**
 * Tests that time a whole process (the first `npm start` must print its URLs within 15 s; roles must stop
 * cleanly within their grace period) run last and one at a time, so the rest of the suite running on the
 * same two cores does not decide their outcome.
 */
const ALONE = ['test/start.test.ts', 'test/service-mode.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['test/harness/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/harness/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ALONE,
        },
      },
      {
        extends: true,
        test: { name: 'alone', include: ALONE, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
