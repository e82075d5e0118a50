import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, DIALECTS, type TestEnv } from '../test/harness.js';
import { seedDemo } from '../demo/demo.js';
import { departmentFigures, overviewFigures } from './stats.repository.js';
import { rebuildRollup } from './rollup.js';
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

  it('rebuilds to the same rollup', async () => {
    const before = await env.ctx.db.selectFrom('case_stats_daily').selectAll().where('n', '>', 0).orderBy(['received_date', 'lead_department', 'channel', 'problem_type', 'level', 'status']).execute();
    await env.ctx.db.transaction().execute((trx) => rebuildRollup(trx));
    const after = await env.ctx.db.selectFrom('case_stats_daily').selectAll().orderBy(['received_date', 'lead_department', 'channel', 'problem_type', 'level', 'status']).execute();
    expect(after).toEqual(before);
  });
});
