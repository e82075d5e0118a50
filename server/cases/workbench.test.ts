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
    expect(by.extension_requests).toMatchObject({ count: 1, query: 'pendingExtension=true' });
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
    expect(Object.fromEntries(rs.body.items.map((i: any) => [i.kind, i.count]))).toEqual({ to_sign: 0, to_complete: 0, co_handling: 1 });
    expect((await api.as('leader').get('/api/v1/cases/todo')).body.items.map((i: any) => i.kind)).toEqual(['escalations']);
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
