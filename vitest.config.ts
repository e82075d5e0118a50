import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['core/**/*.test.ts', 'server/**/*.test.ts', 'web/**/*.test.{ts,tsx}', 'e2e/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One migrated template database per dialect per run; each test database is a copy of it.
    globalSetup: ['./server/test/global-setup.ts'],
    reporters: ['default', './vitest.dialect-reporter.ts'],
  },
});
