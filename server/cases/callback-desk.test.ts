import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, DIALECTS, intakeBody, seedBasics, startApi, type Api, type TestEnv } from '../test/harness.js';

describe.each(DIALECTS)('回访工作台 (GET /callbacks) on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  const ids: number[] = [];
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
    // Three completed cases, a day apart (their callback clocks in that order), one still open.
    for (let i = 0; i < 3; i++) {
      const id = (await api.as('clerk').post('/api/v1/cases', intakeBody({ reporter: { name: `反映人${i}`, phone: `1390000000${i}`, kind: 'person' } }))).body.id;
      await act('coord', id, 'accept', { problemType: 'materials' });
      await act('coord', id, 'dispatch', { level: 1, leadDepartment: 'scjgj' });
      await act('h_scjg', id, 'sign', {});
      await act('h_scjg', id, 'complete', { result: `已办结第${i}件`, repliedVia: 'phone' });
      ids.push(id);
      env.clock.set(new Date(env.clock.now().getTime() + 24 * 3600_000).toISOString());
      await api.relogin();
    }
    await api.as('clerk').post('/api/v1/cases', intakeBody());
    await api.relogin();
  });
  afterAll(async () => {
    await api.app.close();
    await env.close();
  });

  it('lists the cases due for callback, oldest clock first, with full phone, result and attempts', async () => {
    await act('coord', ids[1]!, 'callback-attempt', { outcome: 'busy', note: '占线' });
    const r = await api.as('coord').get('/api/v1/callbacks');
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(3);
    expect(r.body.items.map((i: any) => i.id)).toEqual(ids);
    const second = r.body.items[1];
    expect(second).toMatchObject({ result: '已办结第1件', leadDepartmentName: expect.any(String), repliedVia: 'phone', stageOverdue: false });
    expect(second.reporter).toMatchObject({ name: '反映人1', phone: '13900000001', phoneMasked: '139****0001' });
    expect(second.callbackAttempts).toEqual([expect.objectContaining({ outcome: 'busy', note: '占线', by: 'coord' })]);
    expect(second.stageDueAt).toMatch(/\+08:00$/);
  });

  it('pages by cursor without gaps or repeats', async () => {
    const p1 = await api.as('coord').get('/api/v1/callbacks?limit=2');
    expect(p1.body.items).toHaveLength(2);
    expect(p1.body.nextCursor).toEqual(expect.any(String));
    const p2 = await api.as('coord').get(`/api/v1/callbacks?limit=2&cursor=${encodeURIComponent(p1.body.nextCursor)}`);
    expect([...p1.body.items, ...p2.body.items].map((i: any) => i.id)).toEqual(ids);
    expect(p2.body.nextCursor).toBeNull();
  });

  it('audits every answer that showed full phones', async () => {
    await api.as('coord').get('/api/v1/callbacks?limit=2');
    const a = await api.as('auditor').get('/api/v1/audit/records?action=callbacks.read&limit=1');
    expect(a.status).toBe(200);
    expect(a.body.items[0]).toMatchObject({ actor: 'coord', action: 'callbacks.read' });
    expect(a.body.items[0].data).toMatchObject({ count: 2, fields: ['reporter.phone'] });
    expect(a.body.items[0].data.caseNos).toHaveLength(2);
  });

  it('drops a case once called back', async () => {
    await act('coord', ids[0]!, 'callback', { attitude: 'satisfied', result: 'satisfied', efficiency: 'satisfied', integrity: 'satisfied' });
    const r = await api.as('coord').get('/api/v1/callbacks');
    expect(r.body.items.map((i: any) => i.id)).toEqual(ids.slice(1));
    expect(r.body.total).toBe(2);
  });

  it('answers 401 without a login, 403 to other roles, 400 on a bad cursor or limit', async () => {
    expect((await api.as(null).get('/api/v1/callbacks')).status).toBe(401);
    for (const u of ['clerk', 'h_scjg', 'leader', 'super', 'admin']) {
      const r = await api.as(u).get('/api/v1/callbacks');
      expect(r.status, u).toBe(403);
      expect(r.body.error.code).toBe('FORBIDDEN');
    }
    const bad = await api.as('coord').get('/api/v1/callbacks?cursor=xyz');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('分页游标无效');
    expect((await api.as('coord').get('/api/v1/callbacks?limit=0')).status).toBe(400);
  });
});
