import { describe, expect, it } from 'vitest';
import { DIALECTS, intakeBody, type Api, type TestEnv, useApiEnv } from '../test/harness.js';

/**
 * A fixture of cases with known histories, and the figures computed by hand from them.
 * Clock: Monday 2026-11-02 10:00 Shanghai onwards.
 */
describe.each(DIALECTS)('statistics on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  const at = async (iso: string) => {
    env.clock.set(iso);
    await api.relogin();
  };
  const act = async (user: string, id: number, action: string, body: Record<string, unknown>) => {
    const cur = (await api.as('coord').get(`/api/v1/cases/${id}`)).body;
    const r = await api.as(user).post(`/api/v1/cases/${id}/actions/${action}`, { version: cur.version, ...body });
    if (r.status !== 200) throw new Error(`${action}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const intake = async (o: Record<string, unknown> = {}) => (await api.as('clerk').post('/api/v1/cases', intakeBody(o))).body.id as number;

  useApiEnv(
    kind,
    async (e, a) => {
      env = e;
      api = a;
      await intake({ channel: 'other' }); // received 2026-10-31 23:30 Shanghai: outside November
      await at('2026-11-02T02:00:00.000Z');
      const A = await intake({ channel: 'window' });
      const B = await intake({ channel: 'window' });
      const C = await intake({ channel: 'hotline' });
      const D = await intake({ channel: 'online' });
      const E = await intake({ channel: 'mass_work' });
      await intake({ channel: 'hotline' }); // F: stays received
      await act('clerk', A, 'resolve-on-spot', { result: '当场办结' });
      await act('coord', B, 'reject', { reasonCategory: 'petition', explanation: '涉访事项' });
      await act('coord', C, 'accept', { problemType: 'materials' });
      await act('coord', C, 'dispatch', { level: 1, leadDepartment: 'scjgj' }); // due Wed 4 Nov
      await act('coord', D, 'accept', { problemType: 'complex' });
      await act('coord', D, 'dispatch', { level: 2, leadDepartment: 'zjw', coDepartments: ['rsj'] }); // due Mon 9 Nov
      await act('coord', E, 'accept', { problemType: 'unable' });
      await act('coord', E, 'dispatch', { level: 1, leadDepartment: 'rsj' }); // due Wed 4 Nov, never done
      await act('h_scjg', C, 'sign', {});
      await act('h_zj', D, 'sign', {});
      await at('2026-11-03T03:00:00.000Z');
      await act('h_scjg', C, 'complete', { result: '已办结', repliedVia: 'phone' }); // on time
      await act('coord', A, 'callback', { attitude: 'satisfied', result: 'satisfied', efficiency: 'satisfied', integrity: 'satisfied' });
      await act('coord', C, 'callback', { attitude: 'satisfied', result: 'dissatisfied', efficiency: 'satisfied', integrity: 'satisfied' });
      await act('super', C, 'verify', { substantiated: true, outcome: 'rectify', rectifyDueAt: '2026-11-20T18:00:00+08:00' });
      await at('2026-11-10T03:00:00.000Z');
      await act('h_zj', D, 'complete', { result: '已办结', repliedVia: 'sms' }); // late
      await act('coord', D, 'callback', { attitude: 'basically_satisfied', result: 'satisfied', efficiency: 'basically_satisfied', integrity: 'satisfied' });
      await at('2026-11-30T15:59:00.000Z');
      await intake({ channel: 'window' }); // G: 30 Nov 23:59 Shanghai, inside November
      await at('2026-11-12T02:00:00.000Z');
    },
    '2026-10-31T15:30:00.000Z',
  );

  it('answers the overview field for field', async () => {
    const r = await api.as('leader').get('/api/v1/stats/overview?from=2026-11-01&to=2026-11-30');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      received: 7,
      byChannel: { window: 3, hotline: 2, online: 1, mass_work: 1, other: 0 },
      byProblemType: { materials: 1, rigid_policy: 0, unable: 1, complex: 1, misconduct: 0 },
      byLevel: { 1: 2, 2: 1, 3: 0 },
      byStatus: { received: 2, accepted: 0, rejected: 1, assigned: 1, in_progress: 1, escalating: 0, completed: 0, verifying: 0, closed: 2 },
      resolvedOnSpot: 1,
      rejected: 1,
      completed: 3,
      completedOnTime: 2,
      callbacks: 3,
      satisfied: 2,
      badReviews: 1,
      badReviewsSubstantiated: 1,
      overdueOpen: 1,
    });
    expect(r.body.onTimeRate).toBeCloseTo(2 / 3, 10);
    expect(r.body.satisfactionRate).toBeCloseTo(2 / 3, 10);
  });

  it('includes both ends of the period in Asia/Shanghai dates', async () => {
    const oct = await api.as('leader').get('/api/v1/stats/overview?from=2026-10-31&to=2026-10-31');
    expect(oct.body.received).toBe(1);
    expect(oct.body.onTimeRate).toBeNull();
    expect(oct.body.satisfactionRate).toBeNull();
    const last = await api.as('leader').get('/api/v1/stats/overview?from=2026-11-30&to=2026-11-30');
    expect(last.body.received).toBe(1);
  });

  it('filters by lead department and lists departments with a lead only', async () => {
    const z = await api.as('coord').get('/api/v1/stats/overview?from=2026-11-01&to=2026-11-30&department=zjw');
    expect(z.body).toMatchObject({ received: 1, completed: 1, completedOnTime: 0, onTimeRate: 0, callbacks: 1, satisfied: 1 });
    const d = await api.as('super').get('/api/v1/stats/departments?from=2026-11-01&to=2026-11-30');
    expect(d.status).toBe(200);
    const by = Object.fromEntries(d.body.items.map((i: any) => [i.department, i]));
    expect(Object.keys(by).sort()).toEqual(['rsj', 'scjgj', 'zjw']);
    expect(by.scjgj).toMatchObject({ name: '县市场监管局', received: 1, completed: 1, completedOnTime: 1, badReviews: 1, badReviewsSubstantiated: 1 });
    expect(by.rsj).toMatchObject({ received: 1, overdueOpen: 1, completed: 0, onTimeRate: null });
  });

  it('lets a handler see only their own department and refuses clerks', async () => {
    const own = await api.as('h_scjg').get('/api/v1/stats/overview?from=2026-11-01&to=2026-11-30');
    expect(own.status).toBe(200);
    expect(own.body.received).toBe(1);
    expect((await api.as('h_scjg').get('/api/v1/stats/overview?from=2026-11-01&to=2026-11-30&department=zjw')).status).toBe(403);
    const deps = await api.as('h_scjg').get('/api/v1/stats/departments?from=2026-11-01&to=2026-11-30');
    expect(deps.body.items.map((i: any) => i.department)).toEqual(['scjgj']);
    expect((await api.as('clerk').get('/api/v1/stats/overview?from=2026-11-01&to=2026-11-30')).status).toBe(403);
  });

  it.each([['from=2026-11-01'], ['from=2026-11-31&to=2026-12-01'], ['from=2026-12-01&to=2026-11-01'], ['from=x&to=y']])('400 for %s', async (qs) => {
    const r = await api.as('coord').get(`/api/v1/stats/overview?${qs}`);
    expect(r.status).toBe(400);
  });
});
