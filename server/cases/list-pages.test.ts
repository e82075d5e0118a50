import { describe, expect, it } from 'vitest';
import { DIALECTS, type Api, type TestEnv, useApiEnv } from '../test/harness.js';
import { act, listAll, newCase, seedSpread, useLongSessions } from '../documents/test-support.js';
import { ZCaseListQuery } from '../../core/api/schemas.js';
import type { Actor } from '../../core/case-lifecycle.js';
import { filteredCases, listTuning, pgSearchTuning } from './case.repository.js';
import { dueSoonUntil } from './case.queries.js';

/**
 * Whatever way a list page is read (issue 17: the overdue list reads the page's ids from an index
 * before its rows), GET /cases lists, page by page, exactly the cases of its filter in its order:
 * the whole filtered query (`filteredCases`), ordered newest first, unpaged.
 */
describe.each(DIALECTS)('list pages equal the whole filtered list on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  useApiEnv(kind, async (e, a) => {
    env = e;
    api = a;
    await useLongSessions(env);
    await api.relogin();
    await seedSpread(env, api);
    await api.relogin(); // the spread leaves the clock a week later
    // Cases sharing a word ("社保"), some dispatched to the handler's department.
    let main = 0;
    for (let i = 0; i < 8; i++) {
      const c = await newCase(api, { channel: i % 2 ? 'hotline' : 'window', description: `社保卡补办第${i}次被退回，多次往返未能办成。` });
      if (i % 3 === 0) {
        const r = await act(api, 'coord', c.id, 'accept', { version: c.version, problemType: 'materials' });
        await act(api, 'coord', c.id, 'dispatch', { version: r.version, level: 1, leadDepartment: 'scjgj' });
        main = c.id;
      }
      env.clock.advance(600_000);
    }
    // A repeat merged into a case of the handler's department (visible to the handler with it).
    const repeat = await newCase(api, { description: '社保卡补办再次反映' });
    await act(api, 'coord', repeat.id, 'merge', { version: repeat.version, into: main });
    // Three weeks on: every case still handled is past its deadline.
    env.clock.advance(21 * 86400_000);
    await api.relogin();
  }, '2026-11-26T02:00:00.000Z');

  /** The ids of every page of a query, `limit` at a time. */
  const pages = async (user: string, query: string, limit: number): Promise<number[]> => (await listAll(api, user, query, limit)).map((i: { id: number }) => i.id);

  async function expected(username: string, query: string) {
    const u = await env.ctx.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirstOrThrow();
    const actor: Actor = { userId: u.id, username, name: u.name, role: u.role as Actor['role'], department: u.department_code };
    const { cursor: _c, limit: _l, sort: _s, dueSoon, ...rest } = ZCaseListQuery.parse(Object.fromEntries(new URLSearchParams(query)));
    const now = env.clock.now();
    const f = dueSoon ? { ...rest, dueSoonUntil: await dueSoonUntil(env.ctx, now) } : rest;
    // Text matches are listed in intake order (id), the rest newest first. The handler's visibility,
    // the statuses and the intake dates are applied here by hand (the list reads them its own way).
    const coordinator: Actor = { ...actor, role: 'coordinator', department: null };
    const q = filteredCases(env.ctx.db, { ...f, status: undefined, receivedFrom: undefined, receivedTo: undefined }, coordinator, now).select([
      'cases.id',
      'cases.status',
      'cases.received_date',
      'cases.merged_into',
    ]);
    const rows = await (f.q ? q.orderBy('id', 'desc') : q.orderBy('received_at', 'desc').orderBy('id', 'desc')).execute();
    const mine = new Set(
      actor.role === 'handler'
        ? (await env.ctx.db.selectFrom('case_departments').select('case_id').where('department_code', '=', actor.department!).execute()).map((r) => r.case_id)
        : [],
    );
    return rows
      .filter((r) => actor.role !== 'handler' || mine.has(r.id) || (r.merged_into !== null && mine.has(r.merged_into)))
      .filter((r) => !f.status || f.status.includes(r.status as never))
      .filter((r) => (!f.receivedFrom || r.received_date >= f.receivedFrom) && (!f.receivedTo || r.received_date <= f.receivedTo))
      .map((r) => r.id);
  }

  const QUERIES = [
    '',
    'overdue=true',
    'overdue=true&department=scjgj',
    'overdue=true&status=in_progress',
    'overdue=true&level=1',
    'overdue=true&channel=window',
    'stageOverdue=true',
    'dueSoon=true',
    'status=in_progress,assigned,escalating',
    'department=zjw&status=assigned,in_progress,closed',
    'receivedFrom=2026-11-26&receivedTo=2026-11-26',
    'receivedFrom=2026-11-27',
    'receivedTo=2026-11-26&status=received',
    'status=rejected',
    'status=closed,rejected',
    'status=merged',
    'status=merged,received',
    'status=assigned,in_progress&department=scjgj',
    // A department's rows in intake order (migration 029), alone and with other filters.
    'department=scjgj',
    'department=zjw',
    'department=scjgj&receivedFrom=2026-11-27',
    'department=scjgj&receivedTo=2026-11-26&status=in_progress,closed',
    'department=scjgj&status=in_progress&level=1',
    'department=scjgj&status=rejected',
    'department=scjgj&channel=window',
    'dueSoon=true&department=scjgj',
    'overdue=true&department=scjgj&status=in_progress,closed',
    'overdue=true&status=closed',
    'status=in_progress',
    'status=in_progress,closed&channel=window',
    'status=completed,closed,verifying',
    'q=社保',
    'q=社保卡补办',
    'q=社保&status=received',
    'q=社保&status=assigned',
    'q=社保&status=escalating',
    'q=社保&status=assigned,received,closed',
    'q=社保&department=scjgj',
    'q=社保&channel=hotline',
    'q=登记',
  ];
  // PostgreSQL's text page takes one of four ways by how many cases the word and the other filters
  // leave (the filtered ids, the filtered ids a chunk at a time, id windows, the GIN index): each
  // with tiny bounds too, so that every way is taken with these few cases — and the chunks both
  // run to the end and hand over to the windows.
  const TUNINGS = [
    {},
    { others: 1, window: 2, maxWindows: 2 },
    { others: 3, window: 1, maxWindows: 1 },
    { others: 1, chunks: 100 },
    { others: 2, chunks: 1, window: 1, maxWindows: 1 },
  ];

  it('for the coordinator and a handler, page by page, with and without filters', async () => {
    let overdue = 0;
    let texts = 0;
    const saved = { ...pgSearchTuning };
    try {
      for (const tuning of TUNINGS) {
        Object.assign(pgSearchTuning, saved, tuning);
        for (const user of ['coord', 'h_scjg']) {
          for (const q of QUERIES) {
            if (tuning !== TUNINGS[0] && !q.startsWith('q=')) continue;
            const want = await expected(user, q);
            if (q === 'overdue=true' && user === 'coord') overdue = want.length;
            if (q.startsWith('q=') && want.length > 1) texts++;
            for (const limit of tuning === TUNINGS[0] ? [1, 2, 50] : [2, 50]) expect(await pages(user, q, limit), `${user} ${q} limit ${limit} ${JSON.stringify(tuning)}`).toEqual(want);
          }
        }
      }
    } finally {
      Object.assign(pgSearchTuning, saved);
    }
    // SQLite checks each case of the statuses against the department's rows when those are many:
    // with the bound at 1 every department + status list takes that way.
    const savedList = { ...listTuning };
    try {
      listTuning.departmentRows = 1;
      for (const user of ['coord', 'h_scjg']) {
        for (const q of QUERIES) {
          const want = await expected(user, q);
          for (const limit of [2, 50]) expect(await pages(user, q, limit), `${user} ${q} limit ${limit} departmentRows 1`).toEqual(want);
        }
      }
    } finally {
      Object.assign(listTuning, savedList);
    }
    expect(texts).toBeGreaterThan(20);
    // The handler sees the repeat merged into its department's case, and only with status=merged.
    const merged = await expected('h_scjg', 'status=merged');
    expect(merged).toHaveLength(1);
    expect(await pages('h_scjg', 'status=merged,received', 50)).toContain(merged[0]);
    expect(await pages('h_scjg', 'status=received', 50)).not.toContain(merged[0]);
    // The data has overdue cases to page through (not a comparison of two empty lists).
    expect(overdue).toBeGreaterThan(1);
  });
});
