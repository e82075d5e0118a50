/**
 * The loop as it really runs (docs/CONTRACT.md, second part), through the API on both databases:
 * contested dispatch, co-departments, corrections, 重办, 并件, unreachable reporters, stage clocks and
 * finding a reporter's cases — with the 400/403/404/409 answers the contract names.
 */
import { describe, expect, it } from 'vitest';
import { DIALECTS, intakeBody, type Api, type TestEnv, useApiEnv } from '../test/harness.js';

describe.each(DIALECTS)('the loop as it really runs on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  // Thursday 2026-11-26 10:00 Asia/Shanghai.
  useApiEnv(kind, (e, a) => ((env = e), (api = a)), '2026-11-26T02:00:00.000Z');

  const get = async (user: string, id: number) => (await api.as(user).get(`/api/v1/cases/${id}`)).body;
  const act = async (user: string, id: number, action: string, body: Record<string, unknown> = {}) => {
    const version = (await get('coord', id)).version;
    return api.as(user).post(`/api/v1/cases/${id}/actions/${action}`, { version, ...body });
  };
  const ok = async (user: string, id: number, action: string, body: Record<string, unknown> = {}) => {
    const r = await act(user, id, action, body);
    if (r.status !== 200) throw new Error(`${action} by ${user}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  async function newCase(overrides: Record<string, unknown> = {}) {
    const r = await api.as('clerk').post('/api/v1/cases', intakeBody(overrides));
    expect(r.status).toBe(201);
    return r.body as { id: number; caseNo: string; version: number };
  }
  /** A case dispatched at level 2: lead 市场监管局, co 人力社保局. */
  async function dispatched(overrides: Record<string, unknown> = {}) {
    const c = await newCase(overrides);
    await ok('coord', c.id, 'accept', { problemType: 'materials' });
    await ok('coord', c.id, 'dispatch', { level: 2, leadDepartment: 'scjgj', coDepartments: ['rsj'] });
    return c;
  }
  const outbox = (caseId: number, topic: string) =>
    env.ctx.db.selectFrom('outbox').select(['recipient', 'payload']).where('case_id', '=', caseId).where('topic', '=', topic).orderBy('id').execute();
  const auditActions = async (caseId: number) =>
    (await env.ctx.db.selectFrom('audit_log').select('action').where('entity_type', '=', 'case').where('entity_id', '=', String(caseId)).orderBy('seq').execute()).map((a) => a.action);

  it('tells the co-departments when a case is dispatched to them', async () => {
    const c = await dispatched();
    expect((await outbox(c.id, 'co_dispatched')).map((m) => m.recipient)).toEqual(['department:rsj']);
  });

  it('lets the lead department contest once within its window; the coordinator re-dispatches, upholding it', async () => {
    const c = await dispatched();
    expect((await act('h_rs', c.id, 'contest', { reason: '不是我局职责' })).status).toBe(403); // a co-department
    expect((await act('coord', c.id, 'contest', { reason: 'x' })).status).toBe(403);
    expect((await act('h_scjg', c.id, 'contest', { reason: '' })).status).toBe(400);
    expect((await act('h_scjg', c.id, 'contest', { reason: 'x', suggestedDepartment: 'nosuch' })).status).toBe(400);
    expect((await api.as('h_scjg').post(`/api/v1/cases/${c.id}/actions/contest`, { version: 1, reason: 'x' })).status).toBe(409); // stale version
    expect((await act('coord', c.id, 'uphold-dispatch', { reason: '无异议可处理' })).status).toBe(409);

    const contested = await ok('h_scjg', c.id, 'contest', { reason: '该事项属于住建委职责', suggestedDepartment: 'zjw' });
    expect(contested.status).toBe('assigned'); // the deadline keeps running
    expect(contested.pendingContest).toMatchObject({ department: 'scjgj', reason: '该事项属于住建委职责', suggestedDepartment: 'zjw', by: 'h_scjg' });
    expect(contested.allowedActions).not.toContain('contest');
    expect((await act('h_scjg', c.id, 'contest', { reason: '再次' })).status).toBe(409); // pending
    expect((await outbox(c.id, 'contested')).map((m) => m.recipient)).toEqual(['coordinator']);
    const todo = (await api.as('coord').get('/api/v1/cases/todo')).body.items.find((i: any) => i.kind === 'contests');
    expect(todo).toMatchObject({ label: '派单异议待处理', query: 'pendingContest=true' });
    expect(todo.count).toBeGreaterThanOrEqual(1);
    expect((await api.as('coord').get('/api/v1/cases?pendingContest=true')).body.items.map((i: any) => i.id)).toContain(c.id);

    const before = await get('coord', c.id);
    const moved = await ok('coord', c.id, 'redispatch', { level: 1, leadDepartment: 'zjw', reason: '异议成立，改派住建委' });
    expect(moved).toMatchObject({ status: 'assigned', level: 1, leadDepartment: 'zjw', coDepartments: [], pendingContest: null });
    expect(moved.assignmentNo).not.toBe(before.assignmentNo);
    expect(moved.assignmentSheets).toHaveLength(2);
    expect(moved.dueAt).toBe('2026-11-30T23:59:59+08:00'); // two working days from Thursday: Friday and Monday
    expect(moved.events.at(-1)).toMatchObject({ type: 'redispatch', data: { contest: 'upheld', contestDepartment: 'scjgj', from: { leadDepartment: 'scjgj', coDepartments: ['rsj'], level: 2 } } });
    // The former departments no longer see it and were told; the new lead was told.
    expect((await api.as('h_scjg').get(`/api/v1/cases/${c.id}`)).status).toBe(404);
    expect((await api.as('h_rs').get(`/api/v1/cases/${c.id}`)).status).toBe(404);
    expect((await outbox(c.id, 'redispatched_away')).map((m) => m.recipient)).toEqual(['department:scjgj']);
    expect((await outbox(c.id, 'dispatched')).map((m) => m.recipient)).toEqual(['department:scjgj', 'department:zjw']);
    // The new lead department has its own window.
    expect((await get('h_zj', c.id)).allowedActions).toContain('contest');
    expect(await auditActions(c.id)).toEqual(expect.arrayContaining(['case.contest', 'case.redispatch']));
  });

  it('counts an unfounded contest as rejected, and refuses a contest after the window', async () => {
    const c = await dispatched();
    await ok('h_scjg', c.id, 'contest', { reason: '非本局职责' });
    const kept = await ok('coord', c.id, 'uphold-dispatch', { reason: '经核实属市场监管职责' });
    expect(kept.pendingContest).toBeNull();
    expect(kept.events.at(-1)).toMatchObject({ type: 'uphold-dispatch', data: { contest: 'rejected', department: 'scjgj' } });
    expect((await act('h_scjg', c.id, 'contest', { reason: '再次' })).status).toBe(409); // once per department

    const late = await dispatched();
    env.clock.set('2026-11-27T16:00:00.000Z'); // Saturday 00:00: the window ended with Friday
    await api.relogin();
    const r = await act('h_scjg', late.id, 'contest', { reason: '超过期限' });
    expect(r.status).toBe(409);
    expect(r.body.error.message).toMatch(/异议期限/);
    env.clock.set('2026-11-26T02:00:00.000Z');
    await api.relogin();
  });

  it('records each co-department’s part, the latest replacing the earlier; the lead cannot write one', async () => {
    const c = await dispatched();
    expect((await act('h_scjg', c.id, 'co-reply', { opinion: 'x' })).status).toBe(403);
    expect((await act('h_zj', c.id, 'co-reply', { opinion: 'x' })).status).toBe(404); // not involved at all
    await ok('h_rs', c.id, 'co-reply', { opinion: '社保缴费记录已核实' });
    const r = await ok('h_rs', c.id, 'co-reply', { opinion: '社保缴费记录已核实，可出具证明' });
    expect(r.coParts).toEqual([{ department: 'rsj', departmentName: '县人力社保局', opinion: '社保缴费记录已核实，可出具证明', by: 'h_rs', at: expect.any(String) }]);
    expect(r.events.filter((e: any) => e.type === 'co-reply')).toHaveLength(2);
    expect((await get('h_scjg', c.id)).coParts[0].opinion).toBe('社保缴费记录已核实，可出具证明');
  });

  it('corrects a mistyped phone: before and after on the timeline, the public lookup follows, a bad phone changes nothing', async () => {
    const c = await newCase({ reporter: { name: '张三', phone: '13800009876', kind: 'person' } });
    const bad = await act('clerk', c.id, 'correct', { changes: { reporter: { name: '张三', phone: '12345', kind: 'person' } }, note: '更正电话' });
    expect(bad.status).toBe(400);
    expect((await act('clerk', c.id, 'correct', { changes: {}, note: '无' })).status).toBe(400);
    expect((await act('clerk', c.id, 'correct', { changes: { status: 'closed' }, note: '越权' })).status).toBe(400);
    expect((await act('h_scjg', c.id, 'correct', { changes: { matter: 'x' }, note: 'x' })).status).toBe(404); // not its case
    expect((await get('coord', c.id)).version).toBe(1);

    const r = await ok('clerk', c.id, 'correct', { changes: { reporter: { name: '张三', phone: '13900005678', kind: 'person' }, matter: '个体工商户变更登记' }, note: '受理时电话录错' });
    expect(r.reporter.phone).toBe('13900005678');
    expect(r.matter).toBe('个体工商户变更登记');
    expect(r.status).toBe('received');
    expect(r.events.at(-1)).toMatchObject({
      type: 'correct',
      data: { note: '受理时电话录错', fields: expect.arrayContaining([{ field: 'reporter.phone', before: '138****9876', after: '139****5678' }, { field: 'matter', before: '个体工商户设立登记', after: '个体工商户变更登记' }]) },
    });
    const lookup = (last4: string) => api.app.inject({ method: 'GET', url: `/api/v1/public/cases/${c.caseNo}?phoneLast4=${last4}`, remoteAddress: '10.9.0.1' });
    expect((await lookup('5678')).statusCode).toBe(200);
    expect((await lookup('9876')).statusCode).toBe(404);
    expect((await api.as('coord').get('/api/v1/cases?phone=13900005678')).body.items.map((i: any) => i.id)).toEqual([c.id]);
    expect((await api.as('coord').get('/api/v1/cases?phone=13800009876')).body.items).toEqual([]);
    expect((await api.as('coord').get(`/api/v1/cases?q=${encodeURIComponent('变更登记')}`)).body.items.map((i: any) => i.id)).toContain(c.id);
  });

  it('takes a mistaken 不予受理 back, and reopens a closed case for its department with a new deadline (重办)', async () => {
    const c = await newCase();
    await ok('coord', c.id, 'reject', { reasonCategory: 'other', explanation: '误判' });
    expect((await act('coord', c.id, 'reopen', { reason: '误判', dueAt: '2026-12-10T18:00:00+08:00' })).status).toBe(400);
    const back = await ok('coord', c.id, 'reopen', { reason: '不予受理有误，重新研判' });
    expect(back).toMatchObject({ status: 'received', rejection: null });
    expect(back.allowedActions).toContain('accept');

    const d = await dispatched();
    await ok('h_scjg', d.id, 'sign');
    await ok('h_scjg', d.id, 'complete', { result: '已办结', repliedVia: 'phone' });
    await ok('coord', d.id, 'callback', { attitude: 'satisfied', result: 'satisfied', efficiency: 'satisfied', integrity: 'satisfied' });
    expect((await act('coord', d.id, 'reopen', { reason: '再次反映' })).status).toBe(400); // needs a deadline
    expect((await act('coord', d.id, 'reopen', { reason: '再次反映', dueAt: '2026-11-20T18:00:00+08:00' })).status).toBe(400); // in the past
    expect((await act('h_scjg', d.id, 'reopen', { reason: 'x', dueAt: '2026-12-10T18:00:00+08:00' })).status).toBe(403);
    const again = await ok('coord', d.id, 'reopen', { reason: '反映人再次来电：证照信息有误', dueAt: '2026-12-10T18:00:00+08:00' });
    expect(again).toMatchObject({ status: 'in_progress', leadDepartment: 'scjgj', coDepartments: ['rsj'], dueAt: '2026-12-10T18:00:00+08:00', reopenCount: 1, closedAt: null });
    expect((await outbox(d.id, 'reopened')).map((m) => m.recipient)).toEqual(['department:scjgj']);
    expect((await get('h_scjg', d.id)).allowedActions).toContain('complete');
  });

  it('merges repeats into a main case; their reporters hear the result; handlers see them with the main case', async () => {
    const main = await newCase({ reporter: { name: '李四', phone: '13700001111', kind: 'person' } });
    const repeat = await newCase({ reporter: { name: '王五', phone: '13700002222', kind: 'person' } });
    const closed = await newCase();
    await ok('coord', closed.id, 'reject', { reasonCategory: 'other', explanation: '重复' });
    expect((await act('coord', repeat.id, 'merge', { into: repeat.id })).status).toBe(400);
    expect((await act('coord', repeat.id, 'merge', { into: closed.id })).status).toBe(400);
    expect((await act('coord', repeat.id, 'merge', { into: 99999999 })).status).toBe(400);
    expect((await act('coord', repeat.id, 'merge', { into: 'x' })).status).toBe(400);
    expect((await act('clerk', repeat.id, 'merge', { into: main.id })).status).toBe(403);

    const merged = await ok('coord', repeat.id, 'merge', { into: main.id, note: '同一问题' });
    expect(merged).toMatchObject({ status: 'merged', statusLabel: '已并件', mergedInto: { id: main.id, caseNo: main.caseNo }, allowedActions: [] });
    expect(merged.events.at(-1).data).toMatchObject({ into: main.id, intoCaseNo: main.caseNo });
    expect((await get('coord', main.id)).mergedCases).toEqual([{ id: repeat.id, caseNo: repeat.caseNo }]);
    expect((await act('coord', closed.id, 'merge', { into: main.id })).status).toBe(409); // a rejected case cannot be merged
    const other = await newCase();
    expect((await act('coord', other.id, 'merge', { into: repeat.id })).status).toBe(400); // into a merged case

    expect((await api.as('h_scjg').get(`/api/v1/cases/${repeat.id}`)).status).toBe(404);
    await ok('coord', main.id, 'accept', { problemType: 'complex' });
    await ok('coord', main.id, 'dispatch', { level: 1, leadDepartment: 'scjgj' });
    expect((await api.as('h_scjg').get(`/api/v1/cases/${repeat.id}`)).status).toBe(200);
    expect((await api.as('h_scjg').get('/api/v1/cases?status=merged')).body.items.map((i: any) => i.id)).toContain(repeat.id);
    expect((await api.as('h_rs').get(`/api/v1/cases/${repeat.id}`)).status).toBe(404);

    await ok('h_scjg', main.id, 'sign');
    await ok('h_scjg', main.id, 'complete', { result: '已为两位反映人办结', repliedVia: 'phone' });
    const told = await outbox(repeat.id, 'completed');
    expect(told.map((m) => m.recipient)).toEqual(['reporter']);
    expect(JSON.parse(told[0]!.payload)).toMatchObject({ caseNo: repeat.caseNo, result: '已为两位反映人办结', mainCaseNo: main.caseNo });
  });

  it('records unanswered callbacks and closes as unreachable only after three, without a rating', async () => {
    const c = await dispatched();
    await ok('h_scjg', c.id, 'sign');
    await ok('h_scjg', c.id, 'complete', { result: '已办结', repliedVia: 'sms' });
    expect((await act('coord', c.id, 'callback-attempt', { outcome: 'hung_up' })).status).toBe(400);
    expect((await act('h_scjg', c.id, 'callback-attempt', { outcome: 'busy' })).status).toBe(403);
    await ok('coord', c.id, 'callback-attempt', { outcome: 'no_answer' });
    await ok('coord', c.id, 'callback-attempt', { outcome: 'busy', note: '下午再打' });
    expect((await act('coord', c.id, 'close-unreachable', { note: '无法接通' })).status).toBe(409);
    const third = await ok('coord', c.id, 'callback-attempt', { outcome: 'no_answer' });
    expect(third.callbackAttempts.map((a: any) => a.outcome)).toEqual(['no_answer', 'busy', 'no_answer']);
    expect(third.allowedActions).toEqual(expect.arrayContaining(['callback', 'callback-attempt', 'close-unreachable']));
    const closed = await ok('coord', c.id, 'close-unreachable', { note: '三次回访均未接通' });
    expect(closed).toMatchObject({ status: 'closed', closedUnreachable: true, callback: null, callbackCount: 0 });
  });

  it('gives every waiting stage a clock: triage, handling, callback — red once past, and listed', async () => {
    const c = await newCase();
    const fresh = await get('coord', c.id);
    expect(fresh).toMatchObject({ stageDueAt: '2026-11-27T23:59:59+08:00', stageOverdue: false }); // triage: 1 working day
    env.clock.set('2026-11-28T02:00:00.000Z'); // Saturday
    await api.relogin();
    expect((await get('coord', c.id)).stageOverdue).toBe(true);
    const listed = (await api.as('coord').get('/api/v1/cases?stageOverdue=true&limit=200')).body.items;
    expect(listed.find((i: any) => i.id === c.id)).toMatchObject({ stageOverdue: true, stageDueAt: '2026-11-27T23:59:59+08:00' });
    // Dispatched: the stage deadline is the handling deadline.
    await ok('coord', c.id, 'accept', { problemType: 'unable' });
    const d = await ok('coord', c.id, 'dispatch', { level: 1, leadDepartment: 'scjgj' });
    expect(d.stageDueAt).toBe(d.dueAt);
    expect(d.stageOverdue).toBe(false);
    expect((await api.as('coord').get('/api/v1/cases?stageOverdue=true&limit=200')).body.items.map((i: any) => i.id)).not.toContain(c.id);
    await ok('h_scjg', c.id, 'sign');
    const done = await ok('h_scjg', c.id, 'complete', { result: '已办结', repliedVia: 'phone' });
    expect(done.stageDueAt).toBe('2026-12-02T23:59:59+08:00'); // callback: 3 working days after Saturday (Mon 30, Tue 1, Wed 2)
    expect((await api.as('coord').get('/api/v1/cases?stageOverdue=maybe')).status).toBe(400);
    env.clock.set('2026-11-26T02:00:00.000Z');
    await api.relogin();
  });

  it('finds a reporter’s cases by phone through the blind index, scoped like every list', async () => {
    const a = await newCase({ reporter: { name: '赵六', phone: '13611112222', kind: 'person' } });
    const b = await dispatched({ reporter: { name: '赵六', phone: '136 1111 2222', kind: 'person' } });
    await newCase({ reporter: { name: '钱七', phone: '13611113333', kind: 'person' } });
    const found = (await api.as('coord').get('/api/v1/cases?phone=13611112222')).body.items.map((i: any) => i.id);
    expect(found.sort()).toEqual([a.id, b.id].sort());
    expect((await api.as('h_scjg').get('/api/v1/cases?phone=13611112222')).body.items.map((i: any) => i.id)).toEqual([b.id]);
    expect((await api.as('coord').get('/api/v1/cases?phone=12345')).status).toBe(400);
    expect((await api.as(null).get('/api/v1/cases?phone=13611112222')).status).toBe(401);
    const raw = await env.ctx.db.selectFrom('cases').select(['reporter_phone']).where('id', '=', a.id).executeTakeFirstOrThrow();
    expect(raw.reporter_phone).not.toContain('13611112222'); // sealed at rest
  });
});
