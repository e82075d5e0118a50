import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, DIALECTS, intakeBody, seedBasics, startApi, type Api, type TestEnv } from '../test/harness.js';

describe.each(DIALECTS)('工作台 endpoints and list filters on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  const ids: Record<string, number> = {};
  const act = async (user: string, id: number, action: string, body: Record<string, unknown>) => {
    const v = (await api.as('coord').get(`/api/v1/cases/${id}`)).body.version;
    const r = await api.as(user).post(`/api/v1/cases/${id}/actions/${action}`, { version: v, ...body });
    if (r.status !== 200) throw new Error(`${action}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  beforeAll(async () => {
    env = await createTestEnv(kind, '2026-11-23T02:00:00.000Z'); // Monday
    await seedBasics(env);
    api = await startApi(env);
    const make = async (k: string) => (ids[k] = (await api.as('clerk').post('/api/v1/cases', intakeBody())).body.id);
    await make('received');
    await make('accepted');
    await act('coord', ids.accepted!, 'accept', { problemType: 'materials' });
    await make('assigned');
    await act('coord', ids.assigned!, 'accept', { problemType: 'materials' });
    await act('coord', ids.assigned!, 'dispatch', { level: 2, leadDepartment: 'scjgj', coDepartments: ['rsj'] });
    await make('extension');
    await act('coord', ids.extension!, 'accept', { problemType: 'complex' });
    await act('coord', ids.extension!, 'dispatch', { level: 1, leadDepartment: 'scjgj' }); // due Wed 25 Nov
    await act('h_scjg', ids.extension!, 'sign', {});
    await act('h_scjg', ids.extension!, 'request-extension', { dueAt: '2026-12-04', reason: '需现场核实' });
    await make('done');
    await act('clerk', ids.done!, 'resolve-on-spot', { result: '当场办结' });
    env.clock.set('2026-11-24T02:00:00.000Z'); // Tuesday: the extension case is due within 1 working day
    await api.relogin();
  });
  afterAll(async () => {
    await api.app.close();
    await env.close();
  });

  it('counts each role\'s to-do with the ledger query that lists it', async () => {
    const c = await api.as('coord').get('/api/v1/cases/todo');
    expect(c.status).toBe(200);
    const by = Object.fromEntries(c.body.items.map((i: any) => [i.kind, i]));
    expect(by.to_triage).toMatchObject({ label: '待受理', count: 1, query: 'status=received' });
    expect(by.to_dispatch.count).toBe(1);
    expect(by.to_callback.count).toBe(1);
    expect(by.extension_requests).toMatchObject({ count: 1, query: 'pendingExtension=true&level=1%2C2' });
    expect(c.body.dueSoon).toBe(1);
    expect(c.body.overdue).toBe(0);
    const listed = await api.as('coord').get(`/api/v1/cases?${by.extension_requests.query}`);
    expect(listed.body.items.map((i: any) => i.id)).toEqual([ids.extension]);

    const h = await api.as('h_scjg').get('/api/v1/cases/todo');
    const hb = Object.fromEntries(h.body.items.map((i: any) => [i.kind, i]));
    expect(hb.to_sign).toMatchObject({ count: 1, query: 'status=assigned&lead=scjgj' });
    expect(hb.to_complete.count).toBe(1);
    expect(hb.co_handling.count).toBe(0);
    const rs = await api.as('h_rs').get('/api/v1/cases/todo');
    expect(Object.fromEntries(rs.body.items.map((i: any) => [i.kind, i.count]))).toEqual({ to_sign: 0, to_complete: 0, supervision_reports: 0, co_handling: 1 });
    expect((await api.as('leader').get('/api/v1/cases/todo')).body.items.map((i: any) => i.kind)).toEqual(['escalations', 'extension_requests']); // 延期 of level-3 cases is the leader's (issue 12)
    expect((await api.as(null).get('/api/v1/cases/todo')).status).toBe(401);
  });

  it('shows recent activity on visible cases only', async () => {
    const all = await api.as('coord').get('/api/v1/activity?limit=5');
    expect(all.body.items).toHaveLength(5);
    expect(all.body.items[0]).toMatchObject({ caseId: ids.done, type: 'resolve-on-spot', by: 'clerk' });
    const rs = await api.as('h_rs').get('/api/v1/activity?limit=100');
    expect(new Set(rs.body.items.map((i: any) => i.caseId))).toEqual(new Set([ids.assigned]));
    expect((await api.as('coord').get('/api/v1/activity?limit=0')).status).toBe(400);
  });

  it('filters by lead department, pending extension, completion date and case number', async () => {
    const lead = await api.as('coord').get('/api/v1/cases?lead=rsj');
    expect(lead.body.items).toEqual([]);
    const dept = await api.as('coord').get('/api/v1/cases?department=rsj');
    expect(dept.body.items.map((i: any) => i.id)).toEqual([ids.assigned]);
    const done = await api.as('coord').get('/api/v1/cases?completedFrom=2026-11-23&completedTo=2026-11-23');
    expect(done.body.items.map((i: any) => i.id)).toEqual([ids.done]);
    expect((await api.as('coord').get('/api/v1/cases?completedFrom=2026-11-24')).body.items).toEqual([]);
    const no = (await api.as('coord').get(`/api/v1/cases/${ids.done}`)).body.caseNo as string;
    expect((await api.as('coord').get(`/api/v1/cases?q=${no}`)).body.items.map((i: any) => i.id)).toEqual([ids.done]);
    expect((await api.as('coord').get(`/api/v1/cases?q=${no.slice(0, 4)}-${Number(no.slice(5))}`)).body.items.map((i: any) => i.id)).toEqual([ids.done]);
    expect((await api.as('coord').get('/api/v1/cases?completedFrom=2026-02-30')).status).toBe(400);
    // Due within one working day (Tuesday → Wednesday's deadline), not yet overdue.
    expect((await api.as('coord').get('/api/v1/cases?dueSoon=true')).body.items.map((i: any) => i.id)).toEqual([ids.extension]);
    expect((await api.as('coord').get(`/api/v1/cases?matter=${encodeURIComponent('个体工商户设立登记')}&limit=200`)).body.items).toHaveLength(5);
    expect((await api.as('coord').get(`/api/v1/cases?matter=${encodeURIComponent('个体工商户')}`)).body.items).toHaveLength(0);
  });

  it('answers statistics per month of intake', async () => {
    const r = await api.as('leader').get('/api/v1/stats/monthly?from=2026-10-15&to=2026-12-10');
    expect(r.status).toBe(200);
    expect(r.body.items.map((i: any) => i.month)).toEqual(['2026-10', '2026-11', '2026-12']);
    expect(r.body.items[1]).toMatchObject({ month: '2026-11', received: 5, completed: 1, completedOnTime: 1, onTimeRate: 1 });
    expect(r.body.items[0]).toMatchObject({ received: 0, onTimeRate: null });
    expect((await api.as('clerk').get('/api/v1/stats/monthly?from=2026-01-01&to=2026-12-31')).status).toBe(403);
  });
});

describe.each(DIALECTS)('the 工作台 count of due-soon cases and its list agree across 国庆 on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  const act = async (user: string, id: number, action: string, body: Record<string, unknown>) => {
    const v = (await api.as('coord').get(`/api/v1/cases/${id}`)).body.version;
    const r = await api.as(user).post(`/api/v1/cases/${id}/actions/${action}`, { version: v, ...body });
    if (r.status !== 200) throw new Error(`${action}: ${JSON.stringify(r.body)}`);
  };
  beforeAll(async () => {
    env = await createTestEnv(kind, '2026-09-29T02:00:00.000Z'); // Tuesday before 国庆 (1–7 October)
    await seedBasics(env);
    api = await startApi(env);
    const dispatched = async (extra: (id: number) => Promise<void>) => {
      const id = (await api.as('clerk').post('/api/v1/cases', intakeBody())).body.id as number;
      await act('coord', id, 'accept', { problemType: 'materials' });
      await extra(id);
    };
    await dispatched((id) => act('coord', id, 'dispatch', { level: 1, leadDepartment: 'scjgj' })); // due 8 Oct
    await dispatched((id) => act('coord', id, 'dispatch', { level: 2, leadDepartment: 'scjgj', coDepartments: ['gaj'] })); // due 12 Oct
    for (const dueAt of ['2026-10-16T18:00:00+08:00', '2026-10-19T18:00:00+08:00', '2026-10-20T18:00:00+08:00', '2026-11-30T18:00:00+08:00']) {
      await dispatched(async (id) => {
        await act('coord', id, 'request-escalation', { reason: '需工作组协调' });
        await act('leader', id, 'approve-escalation', { leadDepartment: 'rsj', coDepartments: [], dueAt });
      });
    }
  });
  afterAll(async () => {
    await api.app.close();
    await env.close();
  });

  it.each([0, 1, 2, 5, 10])('with the setting at %i working days, for every role that watches deadlines', async (days) => {
    expect((await api.as('admin').put('/api/v1/settings', { dueSoonWorkingDays: days })).status).toBe(200);
    for (const user of ['coord', 'leader', 'h_scjg', 'h_rs']) {
      const todo = (await api.as(user).get('/api/v1/cases/todo')).body;
      const mine = user.startsWith('h_') ? `&lead=${user === 'h_scjg' ? 'scjgj' : 'rsj'}` : '';
      const list = (await api.as(user).get(`/api/v1/cases?dueSoon=true&sort=due&limit=200${mine}`)).body.items;
      expect(todo.dueSoon).toBe(list.length);
      expect(list.every((c: any) => c.dueSoon)).toBe(true);
      const all = (await api.as(user).get(`/api/v1/cases?limit=200${mine}`)).body.items;
      expect(all.filter((c: any) => c.dueSoon).length).toBe(list.length);
    }
  });

  it('counts the cases due by the 10th working day, which lies 20 calendar days ahead', async () => {
    await api.as('admin').put('/api/v1/settings', { dueSoonWorkingDays: 10 });
    // 30 Sep, 8, 9, 10 (make-up Saturday), 12–16, 19 October: deadlines up to the end of 19 October.
    expect((await api.as('coord').get('/api/v1/cases/todo')).body.dueSoon).toBe(4); // 8, 12, 16 and 19 October
  });
});
