import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['core/**/*.test.ts', 'server/**/*.test.ts', 'web/**/*.test.{ts,tsx}', 'e2e/**/*.test.ts'],
    testTimeout: 30_000,
    // expect.poll waits 1 s by default: under a full parallel run on 2 cores a browser step (a select
    // closing, a URL updating) can take longer than that — the browser tests flaked there.
    expect: { poll: { timeout: 10_000, interval: 50 } },
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default for a run is one worker fewer than the cores: a single worker, all files in
    // a row, on a 2-core machine. Test files are independent (each its own databases and temporary
    // files) and the database files mostly wait on I/O, so use every core.
    maxWorkers: Math.max(2, os.availableParallelism()),
    // One migrated template database per dialect per run; each test database is a copy of it.
    globalSetup: ['./server/test/global-setup.ts'],
    reporters: ['default', './vitest.dialect-reporter.ts'],
  },
});
