/** Supervision that closes (issue 12): 督办 answered and tracked, 通报/移送 followed through, 会商, 延期 by level. */
import { beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, intakeBody, type Api, type TestEnv, useApiEnv } from '../test/harness.js';
import { runDeadlineSweep } from '../jobs/deadline-sweep.js';

describe.each(DIALECTS)('supervision that closes on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  const START = '2026-11-23T02:00:00.000Z'; // Monday 10:00 Shanghai
  useApiEnv(kind, (e, a) => ((env = e), (api = a)), START);
  beforeEach(async () => {
    env.clock.set(START);
    await api.relogin();
  });
  const act = (user: string, id: number, action: string, body: Record<string, unknown>) => api.as(user).post(`/api/v1/cases/${id}/actions/${action}`, body);
  const outbox = (id: number, topic: string) =>
    env.ctx.db.selectFrom('outbox').select('recipient').where('case_id', '=', id).where('topic', '=', topic).orderBy('id').execute().then((rows) => rows.map((r) => r.recipient));

  async function inProgress(problemType = 'misconduct') {
    const c = (await api.as('clerk').post('/api/v1/cases', intakeBody())).body;
    let r = await act('coord', c.id, 'accept', { version: 1, problemType });
    r = await act('coord', c.id, 'dispatch', { version: r.body.version, level: 2, leadDepartment: 'scjgj', coDepartments: ['rsj'] });
    r = await act('h_scjg', c.id, 'sign', { version: r.body.version });
    return r.body;
  }

  async function closed() {
    const c = await inProgress();
    let r = await act('h_scjg', c.id, 'complete', { version: c.version, result: '已办结', repliedVia: 'phone' });
    r = await act('coord', c.id, 'callback', { version: r.body.version, attitude: 'satisfied', result: 'satisfied', efficiency: 'satisfied', integrity: 'satisfied' });
    expect(r.body.status).toBe('closed');
    return r.body;
  }

  it('lets the lead department report on its 督办, once, telling the coordinator and the supervisor', async () => {
    const c = await inProgress();
    expect(c.allowedActions).not.toContain('report-supervision');
    expect((await act('h_scjg', c.id, 'report-supervision', { version: c.version, report: '已办结' })).status).toBe(409);
    let r = await act('super', c.id, 'supervise', { version: c.version, note: '限期办结并报告', dueAt: '2026-11-25T18:00:00+08:00' });
    expect(r.body.supervisionRecords[0]).toMatchObject({ kind: 'supervise', dueAt: '2026-11-25T18:00:00+08:00', report: null, reportedAt: null, overdue: false });
    const handlerView = (await api.as('h_scjg').get(`/api/v1/cases/${c.id}`)).body;
    expect(handlerView.allowedActions).toContain('report-supervision');
    // The handler's 工作台 lists the 督办 awaiting its report, and the ledger query behind it finds the case.
    const waiting = (await api.as('h_scjg').get('/api/v1/cases/todo')).body.items.find((i: any) => i.kind === 'supervision_reports');
    expect(waiting).toMatchObject({ count: 1, query: 'pendingSupervision=true&lead=scjgj' });
    expect((await api.as('h_scjg').get(`/api/v1/cases?${waiting.query}`)).body.items.map((x: any) => x.id)).toEqual([c.id]);
    expect((await api.as('h_rs').get('/api/v1/cases/todo')).body.items.find((i: any) => i.kind === 'supervision_reports').count).toBe(0); // a co-department
    expect((await act('h_scjg', c.id, 'report-supervision', { version: r.body.version, report: '' })).status).toBe(400);
    expect((await act('h_rs', c.id, 'report-supervision', { version: r.body.version, report: '协办' })).status).toBe(403);
    expect((await act('coord', c.id, 'report-supervision', { version: r.body.version, report: '代报' })).status).toBe(403);
    expect((await act('h_scjg', c.id, 'report-supervision', { version: r.body.version - 1, report: '旧版本' })).status).toBe(409);
    r = await act('h_scjg', c.id, 'report-supervision', { version: r.body.version, report: '已约谈窗口人员，当日办结' });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('in_progress');
    expect(r.body.supervisionRecords[0]).toMatchObject({ report: '已约谈窗口人员，当日办结', reportedAt: '2026-11-23T10:00:00+08:00', reportedBy: 'h_scjg', overdue: false });
    expect(r.body.allowedActions).not.toContain('report-supervision');
    expect(r.body.events.at(-1)).toMatchObject({ type: 'report-supervision', data: { report: '已约谈窗口人员，当日办结', recordNos: ['督办〔2026〕第1号'] } });
    expect(await outbox(c.id, 'supervision_reported')).toEqual(['coordinator', 'supervisor']);
    const todo = (await api.as('h_scjg').get('/api/v1/cases/todo')).body.items.find((i: any) => i.kind === 'supervision_reports');
    expect(todo).toMatchObject({ label: '督办待报告', count: 0, query: 'pendingSupervision=true&lead=scjgj' });
    expect((await act('h_scjg', c.id, 'report-supervision', { version: r.body.version, report: '再报' })).status).toBe(409);
    const audit = await env.ctx.db.selectFrom('audit_log').select('action').where('entity_id', '=', String(c.id)).execute();
    expect(audit.map((a) => a.action)).toContain('case.report-supervision');
  });

  it('marks an unanswered 督办 past its deadline once (two sweeps at once), telling the coordinator and the supervisor', async () => {
    const c = await inProgress();
    const r = await act('coord', c.id, 'supervise', { version: c.version, note: '限期报告', dueAt: '2026-11-24T18:00:00+08:00' });
    const answered = await inProgress();
    let a = await act('coord', answered.id, 'supervise', { version: answered.version, note: '限期报告', dueAt: '2026-11-24T18:00:00+08:00' });
    a = await act('h_scjg', answered.id, 'report-supervision', { version: a.body.version, report: '按时报告' });
    env.clock.set('2026-11-24T11:00:00.000Z'); // Tuesday 19:00: past the 督办's deadline, the case's own still ahead
    await Promise.all([runDeadlineSweep(env.ctx), runDeadlineSweep(env.ctx)]);
    await runDeadlineSweep(env.ctx);
    await api.relogin();
    const after = (await api.as('coord').get(`/api/v1/cases/${c.id}`)).body;
    const marks = after.events.filter((e: any) => e.type === 'supervision_overdue');
    expect(marks).toHaveLength(1);
    expect(marks[0]).toMatchObject({ byRole: 'system', data: { recordNo: r.body.supervisionRecords[0].recordNo, dueAt: '2026-11-24T18:00:00+08:00' } });
    expect(after.supervisionRecords[0]).toMatchObject({ overdue: true, report: null });
    expect(after.overdue).toBe(false);
    expect(await outbox(c.id, 'supervision_overdue')).toEqual(['coordinator', 'supervisor']);
    const audit = await env.ctx.db.selectFrom('audit_log').select('action').where('entity_id', '=', String(c.id)).where('action', '=', 'case.supervision_overdue').execute();
    expect(audit).toHaveLength(1);
    // Answered in time: never marked.
    const ok = (await api.as('coord').get(`/api/v1/cases/${answered.id}`)).body;
    expect(ok.events.some((e: any) => e.type === 'supervision_overdue')).toBe(false);
    expect(ok.supervisionRecords[0].overdue).toBe(false);
    // A late report is still taken; the 督办 stays flagged overdue.
    const late = await act('h_scjg', c.id, 'report-supervision', { version: after.version, report: '逾期报告' });
    expect(late.status).toBe(200);
    expect(late.body.supervisionRecords[0]).toMatchObject({ report: '逾期报告', overdue: true });
    expect((await api.as('admin').get('/api/v1/audit/verify')).body.ok).toBe(true);
  });

  it('tells the supervisor of a case that turns overdue and of every escalation request', async () => {
    const c = await inProgress();
    env.clock.set('2026-12-10T02:00:00.000Z');
    await runDeadlineSweep(env.ctx);
    expect(await outbox(c.id, 'overdue')).toEqual(expect.arrayContaining(['department:scjgj', 'coordinator', 'supervisor']));
    await api.relogin();
    const fresh = await inProgress();
    const r = await act('coord', fresh.id, 'request-escalation', { version: fresh.version, reason: '涉及多部门' });
    expect(r.status).toBe(200);
    expect(await outbox(fresh.id, 'escalation_requested')).toEqual(['leader', 'supervisor']);
  });

  it('circulates and refers a closed case, tells the circulated department, and records 纪委’s result', async () => {
    const c = await closed();
    const superView = (await api.as('super').get(`/api/v1/cases/${c.id}`)).body;
    expect(superView.allowedActions).toEqual(expect.arrayContaining(['circulate', 'refer-discipline']));
    expect(superView.allowedActions).not.toContain('record-discipline-result');
    let r = await act('super', c.id, 'circulate', { version: c.version, summary: '差评属实，予以通报', department: 'zjw' });
    expect(r.status).toBe(200);
    expect(await outbox(c.id, 'circulated')).toEqual(['department:zjw']);
    expect((await act('super', c.id, 'record-discipline-result', { version: r.body.version, referralNo: '移送〔2026〕第1号', result: '立案' })).status).toBe(400); // no 线索移送 on it: an unknown number
    r = await act('coord', c.id, 'refer-discipline', { version: r.body.version, handedOver: '核查材料' });
    expect(r.status).toBe(200);
    const referralNo = r.body.supervisionRecords.find((x: any) => x.kind === 'referral').recordNo;
    expect(referralNo).toMatch(/^移送〔2026〕第\d+号$/);
    expect((await act('super', c.id, 'record-discipline-result', { version: r.body.version, referralNo: '移送〔2026〕第999号', result: '立案' })).status).toBe(400);
    expect((await act('super', c.id, 'record-discipline-result', { version: r.body.version, referralNo, result: '' })).status).toBe(400);
    expect((await act('coord', c.id, 'record-discipline-result', { version: r.body.version, referralNo, result: '立案' })).status).toBe(403);
    r = await act('super', c.id, 'record-discipline-result', { version: r.body.version, referralNo, result: '已立案审查，给予诫勉谈话' });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('closed');
    expect(r.body.supervisionRecords.find((x: any) => x.kind === 'referral')).toMatchObject({ result: '已立案审查，给予诫勉谈话', resultAt: '2026-11-23T10:00:00+08:00' });
    expect(r.body.events.at(-1)).toMatchObject({ type: 'record-discipline-result', data: { referralNo, result: '已立案审查，给予诫勉谈话' } });
  });

  it('records the 会商 of an approved escalation, and lets the leader alone decide the level-3 case’s 延期', async () => {
    const c = await inProgress('complex');
    let r = await act('coord', c.id, 'request-escalation', { version: c.version, reason: '涉及多部门' });
    const meeting = { heldAt: '2026-11-23T09:00:00+08:00', convenor: '赵组长', attendees: [{ department: '县市场监管局', people: '孙市监' }, { department: '县人社局', people: '周人社' }], decision: '由住建局牵头，十日内办结' };
    expect((await act('leader', c.id, 'approve-escalation', { version: r.body.version, leadDepartment: 'zjw', dueAt: '2026-12-04', meeting: { ...meeting, attendees: [] } })).status).toBe(400);
    expect((await act('leader', c.id, 'approve-escalation', { version: r.body.version, leadDepartment: 'zjw', dueAt: '2026-12-04', meeting: { ...meeting, heldAt: 'soon' } })).status).toBe(400);
    r = await act('leader', c.id, 'approve-escalation', { version: r.body.version, leadDepartment: 'zjw', coDepartments: ['scjgj'], dueAt: '2026-12-04', meeting });
    expect(r.status).toBe(200);
    expect(r.body.level).toBe(3);
    expect(r.body.meetings).toEqual([{ ...meeting, heldAt: '2026-11-23T09:00:00+08:00', by: 'leader', at: '2026-11-23T10:00:00+08:00' }]);
    r = await act('h_zj', c.id, 'request-extension', { version: r.body.version, dueAt: '2026-12-11', reason: '需现场勘验' });
    expect(r.status).toBe(200);
    expect((await api.as('coord').get(`/api/v1/cases/${c.id}`)).body.allowedActions).not.toContain('approve-extension');
    expect((await api.as('leader').get(`/api/v1/cases/${c.id}`)).body.allowedActions).toEqual(expect.arrayContaining(['approve-extension', 'deny-extension']));
    expect((await act('coord', c.id, 'approve-extension', { version: r.body.version })).status).toBe(403);
    expect((await act('coord', c.id, 'deny-extension', { version: r.body.version, reason: '不同意' })).status).toBe(403);
    expect((await act('super', c.id, 'approve-extension', { version: r.body.version })).status).toBe(403);
    const todo = (await api.as('leader').get('/api/v1/cases/todo')).body.items.find((i: any) => i.kind === 'extension_requests');
    expect(todo).toMatchObject({ count: 1, query: 'pendingExtension=true&level=3' });
    const coordTodo = (await api.as('coord').get('/api/v1/cases/todo')).body.items.find((i: any) => i.kind === 'extension_requests');
    expect(coordTodo.count).toBe(0);
    r = await act('leader', c.id, 'approve-extension', { version: r.body.version });
    expect(r.status).toBe(200);
    expect(r.body.dueAt).toBe('2026-12-11T23:59:59+08:00');
    // Without a meeting the escalation is approved as before, and answers no meeting.
    const other = await inProgress('complex');
    let o = await act('coord', other.id, 'request-escalation', { version: other.version, reason: '涉及多部门' });
    o = await act('leader', other.id, 'approve-escalation', { version: o.body.version, leadDepartment: 'zjw', dueAt: '2026-12-04' });
    expect(o.status).toBe(200);
    expect(o.body.meetings).toEqual([]);
  });

  it('still lets the coordinator decide the 延期 of a level-1/2 case, not the leader', async () => {
    const c = await inProgress('complex');
    let r = await act('h_scjg', c.id, 'request-extension', { version: c.version, dueAt: '2026-12-20', reason: '需补充材料' });
    expect((await act('leader', c.id, 'approve-extension', { version: r.body.version })).status).toBe(403);
    r = await act('coord', c.id, 'approve-extension', { version: r.body.version });
    expect(r.status).toBe(200);
  });
});
