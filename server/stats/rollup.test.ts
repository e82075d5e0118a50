import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, DIALECTS, type TestEnv } from '../test/harness.js';
import { seedDemo } from '../demo/demo.js';
import { departmentFigures, overviewFigures } from './stats.repository.js';
import { bucketsFor, rebuildRollup } from './rollup.js';
import { shanghaiDate } from '../../core/working-days.js';

/** The rollup, kept up to date action by action, must equal a full scan of the cases. */
describe.each(DIALECTS)('statistics rollup on %s', (kind) => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv(kind);
    const clock = { t: new Date(), now() { return new Date(this.t.getTime()); } };
    await seedDemo({ db: env.ctx.db, kind: env.ctx.kind, clock }, 160, 7);
  });
  afterAll(async () => env.close());

  const today = shanghaiDate(new Date());
  const daysAgo = (n: number) => shanghaiDate(new Date(Date.now() - n * 86400_000));
  const periods = [
    { from: daysAgo(200), to: today },
    { from: daysAgo(30), to: today },
    { from: daysAgo(90), to: daysAgo(20) },
    { from: today, to: today },
  ];

  it('equals a full scan for several periods, overall and per department', async () => {
    const now = new Date();
    for (const p of periods) {
      expect(await overviewFigures(env.ctx.db, p, now, 'rollup')).toEqual(await overviewFigures(env.ctx.db, p, now, 'scan'));
      for (const d of ['scjgj', 'rsj', 'zjw']) {
        expect(await overviewFigures(env.ctx.db, { ...p, department: d }, now, 'rollup')).toEqual(await overviewFigures(env.ctx.db, { ...p, department: d }, now, 'scan'));
      }
      expect(await departmentFigures(env.ctx.db, p, now, 'rollup')).toEqual(await departmentFigures(env.ctx.db, p, now, 'scan'));
    }
    const all = await overviewFigures(env.ctx.db, periods[0]!, now);
    expect(all.received).toBe(160);
    expect(all.completed).toBeGreaterThan(0);
    expect(all.badReviews).toBeGreaterThan(0);
  });

  it('covers a period with whole months and the days of partial months', () => {
    expect(bucketsFor('2025-01-01', '2025-12-31')).toEqual({ months: Array.from({ length: 12 }, (_, i) => `m:2025-${String(i + 1).padStart(2, '0')}`), dayRanges: [] });
    expect(bucketsFor('2024-02-10', '2024-04-29')).toEqual({ months: ['m:2024-03'], dayRanges: [['d:2024-02-10', 'd:2024-02-29'], ['d:2024-04-01', 'd:2024-04-29']] });
    expect(bucketsFor('2026-11-30', '2026-11-30')).toEqual({ months: [], dayRanges: [['d:2026-11-30', 'd:2026-11-30']] });
    expect(bucketsFor('2026-12-01', '2026-11-30')).toEqual({ months: [], dayRanges: [] });
  });

  it('rebuilds to the same rollup', async () => {
    const order = ['bucket', 'lead_department', 'dim', 'value'] as const;
    const before = await env.ctx.db.selectFrom('case_stats').selectAll().where('n', '>', 0).orderBy([...order]).execute();
    await env.ctx.db.transaction().execute((trx) => rebuildRollup(trx));
    const after = await env.ctx.db.selectFrom('case_stats').selectAll().orderBy([...order]).execute();
    expect(after).toEqual(before);
  });
});
