/**
 * Prints, after the run, how many tests passed and failed on each database, and the plain
 * "N passed, N failed" closing line.
 */
import type { Reporter } from 'vitest/reporters';

type AnyTask = { type: string; name: string; mode?: string; result?: { state?: string }; tasks?: AnyTask[] };

export default class DialectReporter implements Reporter {
  onFinished(files: AnyTask[] = []): void {
    const counts: Record<string, { passed: number; failed: number; skipped: number }> = {};
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const walk = (t: AnyTask, path: string) => {
      const full = `${path} ${t.name}`;
      if (t.type === 'test') {
        const dialect = /\bon postgres\b/.test(full) ? 'PostgreSQL' : /\bon sqlite\b/.test(full) ? 'SQLite' : 'no database';
        counts[dialect] ??= { passed: 0, failed: 0, skipped: 0 };
        const state = t.result?.state;
        if (state === 'pass') {
          counts[dialect].passed++;
          passed++;
        } else if (state === 'fail') {
          counts[dialect].failed++;
          failed++;
        } else {
          counts[dialect].skipped++;
          skipped++;
        }
      }
      for (const c of t.tasks ?? []) walk(c, full);
    };
    for (const f of files) walk(f, '');
    console.log('\nTests per database:');
    for (const [d, c] of Object.entries(counts)) console.log(`  ${d.padEnd(12)} ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
    console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  }
}
