import { describe, expect, it } from 'vitest';
import { DIALECTS, intakeBody, type Api, type TestEnv, useApiEnv } from '../test/harness.js';
import { runMeasureReminders } from '../notifications/measure-reminders.js';
import { verifyAuditChain } from '../audit/audit.repository.js';

/** Measures close their own loop (issue 18, item 7): 措施完成 / 已补交 and 撤回措施 through the API. */
describe.each(DIALECTS)('measures through the API on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  // Thursday 2026-11-26 10:00 Asia/Shanghai.
  useApiEnv(kind, (e, a) => ((env = e), (api = a)), '2026-11-26T02:00:00.000Z');

  const act = (user: string, id: number, action: string, body: Record<string, unknown>) =>
    api.as(user).post(`/api/v1/cases/${id}/actions/${action}`, body);
  const detail = async (id: number) => (await api.as('coord').get(`/api/v1/cases/${id}`)).body;
  const auditOf = (id: number) =>
    env.ctx.db.selectFrom('audit_log').select(['action', 'actor']).where('entity_type', '=', 'case').where('entity_id', '=', String(id)).where('action', '!=', 'case.read').orderBy('seq').execute(); // the writes (each answer also audits its read)

  /** A level-2 case (lead 市场监管局, co 人社局) with a 代办 and a 容缺 measure due on Monday 30 Nov, and one without a due date. */
  async function caseWithMeasures() {
    const c = (await api.as('clerk').post('/api/v1/cases', intakeBody())).body;
    let r = await act('coord', c.id, 'accept', { version: c.version, problemType: 'materials' });
    r = await act('coord', r.body.id, 'dispatch', { version: r.body.version, level: 2, leadDepartment: 'scjgj', coDepartments: ['rsj'] });
    expect(r.status).toBe(200);
    r = await act('h_scjg', c.id, 'add-measure', { version: r.body.version, type: 'proxy', note: '代办营业执照变更', dueAt: '2026-11-30T17:00:00+08:00' });
    r = await act('h_scjg', c.id, 'add-measure', { version: r.body.version, type: 'tolerance_acceptance', note: '承诺补交租赁合同', dueAt: '2026-11-30T17:00:00+08:00' });
    r = await act('h_scjg', c.id, 'add-measure', { version: r.body.version, type: 'investigation', note: '调查核实' });
    expect(r.status).toBe(200);
    const [proxy, promise, investigation] = r.body.measures as Array<{ id: number }>;
    return { id: c.id as number, version: r.body.version as number, proxy: proxy!.id, promise: promise!.id, investigation: investigation!.id };
  }

  it('fulfils a measure: fulfilledAt, state, on the timeline and audited; a second time 409; nothing changed', async () => {
    const m = await caseWithMeasures();
    const before = await detail(m.id);
    expect(before.measures.map((x: any) => [x.state, x.missed, x.fulfilledAt, x.withdrawnAt])).toEqual([
      ['open', false, null, null],
      ['open', false, null, null],
      ['open', false, null, null],
    ]);
    expect(before.allowedActions).toEqual(expect.arrayContaining(['fulfil-measure', 'withdraw-measure']));

    const r = await act('h_scjg', m.id, 'fulfil-measure', { version: m.version, measureId: m.promise, note: '申请人已补交租赁合同' });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('assigned');
    const fulfilled = r.body.measures.find((x: any) => x.id === m.promise);
    expect(fulfilled).toMatchObject({ state: 'fulfilled', missed: false, fulfilledAt: '2026-11-26T10:00:00+08:00', fulfilledBy: 'h_scjg', fulfilledNote: '申请人已补交租赁合同' });
    expect(r.body.events.at(-1)).toMatchObject({ type: 'fulfil-measure', by: 'h_scjg', data: { measureId: m.promise, note: '申请人已补交租赁合同' } });
    expect((await auditOf(m.id)).at(-1)).toEqual({ action: 'case.fulfil-measure', actor: 'h_scjg' });

    const again = await act('coord', m.id, 'fulfil-measure', { version: r.body.version, measureId: m.promise, note: '再次' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('INVALID_TRANSITION');
    expect(again.body.error.message).toBe('该措施已补交');
    expect((await detail(m.id)).version).toBe(r.body.version);
  });

  it('answers 400 for a measure of another case or an unknown one, and for a body without its fields', async () => {
    const a = await caseWithMeasures();
    const b = await caseWithMeasures();
    for (const [action, extra] of [['fulfil-measure', { note: '已完成' }], ['withdraw-measure', { reason: '误录' }]] as const) {
      const other = await act('h_scjg', a.id, action, { version: a.version, measureId: b.proxy, ...extra });
      expect(other.status).toBe(400);
      expect(other.body.error.details).toEqual([{ field: 'measureId', message: '该反映件没有这项措施' }]);
      expect((await act('h_scjg', a.id, action, { version: a.version, measureId: 999_999, ...extra })).status).toBe(400);
      expect((await act('h_scjg', a.id, action, { version: a.version, measureId: 'x', ...extra })).status).toBe(400);
    }
    const noReason = await act('h_scjg', a.id, 'withdraw-measure', { version: a.version, measureId: a.proxy });
    expect(noReason.status).toBe(400);
    expect(JSON.stringify(noReason.body)).toContain('撤回理由');
    expect((await act('h_scjg', a.id, 'withdraw-measure', { version: a.version, measureId: a.proxy, reason: '   ' })).status).toBe(400);
    expect((await act('h_scjg', a.id, 'fulfil-measure', { version: a.version, measureId: a.proxy })).status).toBe(400);
    expect((await detail(a.id)).version).toBe(a.version);
    expect((await detail(b.id)).measures.every((x: any) => x.state === 'open')).toBe(true);
  });

  it('lets only the lead department and the coordinator: a co-department 403, another department 404, no session 401', async () => {
    const m = await caseWithMeasures();
    for (const [action, extra] of [['fulfil-measure', { note: '已完成' }], ['withdraw-measure', { reason: '误录' }]] as const) {
      const body = { version: m.version, measureId: m.proxy, ...extra };
      expect((await act('h_rs', m.id, action, body)).status).toBe(403);
      expect((await act('h_zj', m.id, action, body)).status).toBe(404);
      expect((await act('clerk', m.id, action, body)).status).toBe(403);
      expect((await api.as(null).post(`/api/v1/cases/${m.id}/actions/${action}`, body)).status).toBe(401);
    }
    const co = (await api.as('h_rs').get(`/api/v1/cases/${m.id}`)).body;
    expect(co.allowedActions).not.toContain('fulfil-measure');
    expect(co.allowedActions).not.toContain('withdraw-measure');
    expect((await detail(m.id)).version).toBe(m.version);
    const r = await act('coord', m.id, 'withdraw-measure', { version: m.version, measureId: m.proxy, reason: '误录' });
    expect(r.status).toBe(200);
  });

  it('withdraws a measure recorded by mistake: with its reason, on the timeline, audited; then never reminded nor missed', async () => {
    const m = await caseWithMeasures();
    let r = await act('h_scjg', m.id, 'withdraw-measure', { version: m.version, measureId: m.proxy, reason: '误录：该事项无需代办' });
    expect(r.status).toBe(200);
    expect(r.body.measures.find((x: any) => x.id === m.proxy)).toMatchObject({
      state: 'withdrawn',
      missed: false,
      fulfilledAt: null,
      withdrawnAt: '2026-11-26T10:00:00+08:00',
      withdrawnBy: 'h_scjg',
      withdrawnReason: '误录：该事项无需代办',
    });
    expect(r.body.events.at(-1)).toMatchObject({ type: 'withdraw-measure', data: { measureId: m.proxy, reason: '误录：该事项无需代办' } });
    expect((await auditOf(m.id)).at(-1)).toEqual({ action: 'case.withdraw-measure', actor: 'h_scjg' });
    // Withdrawn already, or fulfilled: 409.
    expect((await act('h_scjg', m.id, 'withdraw-measure', { version: r.body.version, measureId: m.proxy, reason: '再次' })).status).toBe(409);
    expect((await act('h_scjg', m.id, 'fulfil-measure', { version: r.body.version, measureId: m.proxy, note: '已完成' })).status).toBe(409);
    r = await act('h_scjg', m.id, 'fulfil-measure', { version: r.body.version, measureId: m.investigation, note: '已调查核实' });
    expect(r.status).toBe(200);
    const fulfilledWithdraw = await act('h_scjg', m.id, 'withdraw-measure', { version: r.body.version, measureId: m.investigation, reason: '误录' });
    expect(fulfilledWithdraw.status).toBe(409);
    expect(fulfilledWithdraw.body.error.message).toBe('该措施已完成，不能撤回');

    // Monday 30 Nov 09:00: only the 容缺 promise is reminded; after 17:00 only it is missed.
    env.clock.set('2026-11-30T01:00:00.000Z');
    await runMeasureReminders(env.ctx);
    const reminded = await env.ctx.db.selectFrom('outbox').select(['payload']).where('case_id', '=', m.id).where('topic', '=', 'measure_due_soon').execute();
    expect(reminded.map((o) => JSON.parse(o.payload).measureId)).toEqual([m.promise, m.promise]);
    env.clock.set('2026-11-30T09:00:01.000Z');
    await runMeasureReminders(env.ctx);
    await api.relogin();
    const d = await detail(m.id);
    expect(d.measures.map((x: any) => [x.id, x.state, x.missed])).toEqual([
      [m.proxy, 'withdrawn', false],
      [m.promise, 'missed', true],
      [m.investigation, 'fulfilled', false],
    ]);
    const overdue = await env.ctx.db.selectFrom('case_events').select(['data']).where('case_id', '=', m.id).where('type', '=', 'measure_overdue').execute();
    expect(overdue).toHaveLength(1);
    // The missed promise handed in late: no longer missed.
    const late = await act('h_scjg', m.id, 'fulfil-measure', { version: d.version, measureId: m.promise, note: '逾期后补交' });
    expect(late.status).toBe(200);
    expect(late.body.measures.find((x: any) => x.id === m.promise)).toMatchObject({ state: 'fulfilled', missed: false });
    expect(late.body.allowedActions).not.toContain('fulfil-measure');
    expect(late.body.allowedActions).not.toContain('withdraw-measure');
    expect((await verifyAuditChain(env.ctx.db)).ok).toBe(true);
  });

  it('answers missed as soon as the due date passed, before any reminder run', async () => {
    env.clock.set('2026-12-07T02:00:00.000Z'); // Monday 10:00
    await api.relogin();
    const c = (await api.as('clerk').post('/api/v1/cases', intakeBody())).body;
    let r = await act('coord', c.id, 'accept', { version: c.version, problemType: 'materials' });
    r = await act('coord', c.id, 'dispatch', { version: r.body.version, level: 1, leadDepartment: 'scjgj' });
    r = await act('h_scjg', c.id, 'add-measure', { version: r.body.version, type: 'proxy', note: '代办', dueAt: '2026-12-07T11:00:00+08:00' });
    expect(r.body.measures[0]).toMatchObject({ state: 'open', missed: false });
    env.clock.set('2026-12-07T03:00:00.000Z'); // 11:00
    await api.relogin();
    expect((await detail(c.id)).measures[0]).toMatchObject({ state: 'missed', missed: true, missedAt: null });
  });
});
