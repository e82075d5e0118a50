import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { DIALECTS, type Api, type TestEnv, useApiEnv } from '../test/harness.js';
import { listAll, seedSpread, useLongSessions } from '../documents/test-support.js';

/**
 * ?department=&status= starts from the department's cases in those statuses (case_departments
 * carries its case's status, intake time and deadline, kept by triggers: migrations 024, 029 and 031); it must list exactly what the whole
 * list filtered by hand shows, page by page, for every department and status.
 */
describe.each(DIALECTS)('department + status lists on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  useApiEnv(kind, async (e, a) => {
    env = e;
    api = a;
    await useLongSessions(env);
    await api.relogin();
    await seedSpread(env, api);
    await api.relogin(); // the spread leaves the clock a week later
  }, '2026-11-26T02:00:00.000Z');

  /** The ids of every page of a query, `limit` at a time. */
  const pages = async (user: string, query: string, limit: number): Promise<number[]> => (await listAll(api, user, query, limit)).map((i: { id: number }) => i.id);

  it('lists exactly the department\'s cases in the statuses asked, as the case moves', async () => {
    const all = await listAll(api, 'coord');
    const statuses = [...new Set(all.map((i) => i.status as string))];
    const depts = [...new Set(all.flatMap((i) => [i.leadDepartment, ...i.coDepartments].filter(Boolean) as string[]))];
    expect(statuses.length).toBeGreaterThan(3);
    expect(depts.length).toBeGreaterThan(1);
    let nonEmpty = 0;
    for (const d of depts) {
      for (const s of [...statuses.map((x) => [x]), statuses.slice(0, 3)]) {
        const expected = all.filter((i) => (i.leadDepartment === d || i.coDepartments.includes(d)) && s.includes(i.status)).map((i) => i.id);
        if (expected.length) nonEmpty++;
        expect(await pages('coord', `department=${d}&status=${s.join(',')}`, 2), `${d} ${s}`).toEqual(expected);
      }
    }
    expect(nonEmpty).toBeGreaterThan(3);
    // Rejected cases have no department: none listed.
    expect(await pages('coord', 'department=scjgj&status=rejected', 50)).toEqual([]);
    // Every department row carries its case's status, whoever wrote it.
    const stale = await sql<{ n: number }>`select count(*) as n from case_departments d join cases c on c.id = d.case_id where d.status is null or d.status <> c.status`.execute(env.ctx.db);
    expect(Number(stale.rows[0]!.n)).toBe(0);
    // … and its case's intake time (migration 029), even when the intake time is corrected by hand.
    const late = sql<{ n: number }>`select count(*) as n from case_departments d join cases c on c.id = d.case_id where d.received_at is null or d.received_at <> c.received_at`;
    expect(Number((await late.execute(env.ctx.db)).rows[0]!.n)).toBe(0);
    const one = await sql<{ case_id: number }>`select case_id from case_departments limit 1`.execute(env.ctx.db);
    await sql`update cases set received_at = '2026-11-01T01:00:00.000Z' where id = ${one.rows[0]!.case_id}`.execute(env.ctx.db);
    expect(Number((await late.execute(env.ctx.db)).rows[0]!.n)).toBe(0);
    const moved = await sql<{ received_at: string }>`select received_at from case_departments where case_id = ${one.rows[0]!.case_id}`.execute(env.ctx.db);
    expect(moved.rows.every((r) => r.received_at === '2026-11-01T01:00:00.000Z')).toBe(true);
    // … and its case's dispatch deadline (migration 031), as decisions set and move it, and when it
    // is changed by hand; a case's status change carries it along.
    const offDeadline = sql<{ n: number }>`select count(*) as n from case_departments d join cases c on c.id = d.case_id
      where (d.due_at is null) <> (c.due_at is null) or d.due_at <> c.due_at`;
    const withDeadline = sql<{ n: number }>`select count(*) as n from case_departments where due_at is not null`;
    expect(Number((await withDeadline.execute(env.ctx.db)).rows[0]!.n)).toBeGreaterThan(3);
    expect(Number((await offDeadline.execute(env.ctx.db)).rows[0]!.n)).toBe(0);
    await sql`update cases set due_at = '2026-12-31T09:00:00.000Z' where id = ${one.rows[0]!.case_id}`.execute(env.ctx.db);
    await sql`update cases set status = 'escalating', due_at = '2027-01-04T09:00:00.000Z' where id in (select case_id from case_departments where due_at is not null and case_id <> ${one.rows[0]!.case_id} limit 1)`.execute(env.ctx.db);
    expect(Number((await offDeadline.execute(env.ctx.db)).rows[0]!.n)).toBe(0);
    const moved2 = await sql<{ due_at: string }>`select due_at from case_departments where case_id = ${one.rows[0]!.case_id}`.execute(env.ctx.db);
    expect(moved2.rows.every((r) => r.due_at === '2026-12-31T09:00:00.000Z')).toBe(true);
    const rows = await sql<{ n: number }>`select count(*) as n from case_departments`.execute(env.ctx.db);
    expect(Number(rows.rows[0]!.n)).toBeGreaterThan(3);
  });
});
