import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, DIALECTS, type TestEnv } from '../test/harness.js';
import { seedDemo } from '../demo/demo.js';
import { departmentFigures, overviewFigures } from './stats.repository.js';
import { bucketsFor, contribution, eventTallies, rebuildRollup, type RollupSource } from './rollup.js';
import { shanghaiDate } from '../../core/working-days.js';

describe('what a case and an event count for (pure)', () => {
  const base: RollupSource = {
    received_date: '2026-11-02', lead_department: 'rsj', channel: 'window', problem_type: 'materials', level: 1, status: 'closed', resolved_on_spot: 0,
    first_completed_at: '2026-11-05T02:00:00.000Z', first_completed_on_time: 1, callback_count: 1, latest_callback_bad: 0, ever_bad_review: 0, ever_substantiated: 0, closed_unreachable: 0,
  };
  const total = (c: RollupSource) => contribution(c).find((x) => x.key.dim === 'total' && x.key.bucket.startsWith('d:'))!.m;
  const dims = (c: RollupSource) => contribution(c).filter((x) => x.key.bucket.startsWith('d:')).map((x) => x.key.dim);
  it('leaves a case closed unreachable out of callbacks and satisfaction (an earlier callback before 重办 included)', () => {
    expect(total(base)).toMatchObject({ callbacks: 1, satisfied: 1 });
    expect(total({ ...base, closed_unreachable: 1 })).toMatchObject({ callbacks: 0, satisfied: 0 });
    expect(dims({ ...base, closed_unreachable: 1 })).toContain('unreachable');
    // Reopened (重办) after an unreachable closure: no longer closed, counted as before.
    expect(total({ ...base, closed_unreachable: 1, status: 'in_progress' })).toMatchObject({ callbacks: 1 });
    expect(dims({ ...base, closed_unreachable: 1, status: 'in_progress' })).not.toContain('unreachable');
  });
  it('counts contests for the contesting department, a re-dispatch for the former lead, 重办 for the lead, missing co-parts for each co-department', () => {
    expect(eventTallies('redispatch', { leadDepartment: 'zjw', from: { leadDepartment: 'rsj' }, contest: 'upheld', contestDepartment: 'rsj' })).toEqual([
      { department: 'rsj', tally: 'redispatched' },
      { department: 'rsj', tally: 'contest_upheld' },
    ]);
    expect(eventTallies('redispatch', { leadDepartment: 'rsj', from: { leadDepartment: 'rsj' } })).toEqual([]);
    expect(eventTallies('uphold-dispatch', { department: 'rsj', contest: 'rejected' })).toEqual([{ department: 'rsj', tally: 'contest_rejected' }]);
    expect(eventTallies('reopen', { from: 'closed', leadDepartment: 'zjw' })).toEqual([{ department: 'zjw', tally: 'reopened' }]);
    expect(eventTallies('reopen', { from: 'rejected' })).toEqual([]);
    expect(eventTallies('complete', { coPartsMissing: ['gaj', 'mzj'] })).toEqual([{ department: 'gaj', tally: 'co_missing' }, { department: 'mzj', tally: 'co_missing' }]);
    expect(eventTallies('complete', { result: 'x' })).toEqual([]);
    expect(eventTallies('contest', { department: 'rsj' })).toEqual([]);
  });
});

/** The rollup, kept up to date action by action, must equal a full scan of the cases. */
describe.each(DIALECTS)('statistics rollup on %s', (kind) => {
  let env: TestEnv;
  let seeded = 0;
  beforeAll(async () => {
    env = await createTestEnv(kind);
    const clock = { t: new Date(), now() { return new Date(this.t.getTime()); } };
    seeded = (await seedDemo({ db: env.ctx.db, kind: env.ctx.kind, clock }, 160, 7)).cases;
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
    expect(seeded).toBeGreaterThan(160);
    expect(all.received).toBe(seeded);
    expect(all.completed).toBeGreaterThan(0);
    expect(all.badReviews).toBeGreaterThan(0);
    // The loop as it really runs (the demo has each situation): merged repeats, an unreachable closure, contests, re-dispatches, 重办, missing co-parts.
    expect(all.merged).toBe(2);
    expect(all.byStatus.merged).toBe(2);
    expect(all.closedUnreachable).toBe(1);
    expect(all.contestsUpheld).toBe(1);
    expect(all.contestsRejected).toBe(1);
    expect(all.redispatched).toBe(1);
    expect(all.reopened).toBe(1);
    expect(all.coPartsMissing).toBeGreaterThan(1);
    // Per department: the contest counts for the department that contested, the re-dispatch for the one it was taken from.
    const depts = await departmentFigures(env.ctx.db, periods[0]!, now);
    const sum = (k: 'contestsUpheld' | 'contestsRejected' | 'redispatched' | 'reopened' | 'coPartsMissing') => [...depts.values()].reduce((a, f) => a + f[k], 0);
    expect([sum('contestsUpheld'), sum('contestsRejected'), sum('redispatched'), sum('reopened'), sum('coPartsMissing')]).toEqual([1, 1, 1, 1, all.coPartsMissing]);
    const upheld = [...depts].find(([, f]) => f.contestsUpheld === 1)![0];
    expect(depts.get(upheld)!.redispatched).toBe(1);
  });

  it('keeps a case closed unreachable out of the satisfaction figures', async () => {
    const row = await env.ctx.db.selectFrom('cases').selectAll().where('closed_unreachable', '=', 1).executeTakeFirstOrThrow();
    expect(row.status).toBe('closed');
    expect(row.callback_count).toBe(0);
    const p = { from: row.received_date, to: row.received_date };
    const f = await overviewFigures(env.ctx.db, p, new Date(), 'rollup');
    expect(f.closedUnreachable).toBe(1);
    expect(f).toEqual(await overviewFigures(env.ctx.db, p, new Date(), 'scan'));
  });

  it('seeds every situation of the loop as it really runs', async () => {
    const db = env.ctx.db;
    const n = async (q: any) => Number((await q.select((eb: any) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const events = async (type: string) => n(db.selectFrom('case_events').where('type', '=', type));
    expect(await n(db.selectFrom('cases').where('pending_contest', 'is not', null))).toBe(1);
    for (const t of ['contest', 'uphold-dispatch', 'redispatch', 'co-reply', 'correct', 'reopen', 'merge', 'callback-attempt', 'close-unreachable', 'fulfil-measure']) {
      expect(await events(t), t).toBeGreaterThan(0);
    }
    expect(await n(db.selectFrom('cases').where('reopen_count', '>', 0))).toBe(1);
    expect(await n(db.selectFrom('case_co_parts'))).toBe(2);
    expect(await n(db.selectFrom('measures').where('fulfilled_at', 'is not', null))).toBe(1);
    const main = await db.selectFrom('cases').select('merged_into').where('status', '=', 'merged').execute();
    expect(new Set(main.map((m) => m.merged_into)).size).toBe(1);
    expect(await n(db.selectFrom('cases').where('stage_due_at', '<', new Date().toISOString()))).toBeGreaterThan(0);
  });

  it('records at completion which co-departments had not replied', async () => {
    const ev = await env.ctx.db.selectFrom('case_events').select('data').where('type', '=', 'complete').execute();
    const missing = ev.map((e) => JSON.parse(e.data).coPartsMissing).filter((m) => Array.isArray(m) && m.length);
    expect(missing.length).toBeGreaterThan(1);
    // The demo's case where one of two co-departments replied: only the other is missing.
    expect(missing.some((m) => m.length === 1)).toBe(true);
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
