import { describe, expect, it } from 'vitest';
import { DIALECTS, intakeBody, type Api, type TestEnv, useApiEnv } from '../test/harness.js';

describe.each(DIALECTS)('督办, 通报, 线索移送 and 延期 through the API on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  useApiEnv(kind, (e, a) => ((env = e), (api = a)), '2026-11-23T02:00:00.000Z');
  const act = (user: string, id: number, action: string, body: Record<string, unknown>) => api.as(user).post(`/api/v1/cases/${id}/actions/${action}`, body);

  async function inProgress(problemType = 'misconduct') {
    const c = (await api.as('clerk').post('/api/v1/cases', intakeBody())).body;
    let r = await act('coord', c.id, 'accept', { version: 1, problemType });
    r = await act('coord', c.id, 'dispatch', { version: r.body.version, level: 1, leadDepartment: 'scjgj' });
    r = await act('h_scjg', c.id, 'sign', { version: r.body.version });
    return r.body;
  }

  it('issues numbered 督办, 通报 and 线索移送 records, on the timeline and in the audit chain', async () => {
    const c = await inProgress();
    expect(c.circulationRequired).toBe(true);
    expect(c.circulated).toBe(false);
    let r = await act('leader', c.id, 'supervise', { version: c.version, note: '限两日内办结并书面报告', dueAt: '2026-11-25T18:00:00+08:00' });
    expect(r.status).toBe(200);
    expect(r.body.supervisionRecords[0]).toMatchObject({ kind: 'supervise', recordNo: '督办〔2026〕第1号', department: 'scjgj', dueAt: '2026-11-25T18:00:00+08:00' });
    r = await act('super', c.id, 'circulate', { version: r.body.version, summary: '窗口工作人员吃拿卡要，作为破坏营商环境典型案例全县通报' });
    expect(r.status).toBe(200);
    expect(r.body.circulated).toBe(true);
    r = await act('coord', c.id, 'refer-discipline', { version: r.body.version, handedOver: '反映人陈述材料、窗口监控记录' });
    expect(r.body.supervisionRecords.map((x: any) => x.recordNo)).toEqual(['督办〔2026〕第1号', '通报〔2026〕第1号', '移送〔2026〕第1号']);
    const types = r.body.events.map((e: any) => e.type);
    expect(types).toEqual(expect.arrayContaining(['supervise', 'circulate', 'refer-discipline']));
    const audit = await env.ctx.db.selectFrom('audit_log').select('action').where('entity_id', '=', String(c.id)).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['case.supervise', 'case.circulate', 'case.refer-discipline']));
    const referral = await env.ctx.db.selectFrom('outbox').select(['recipient']).where('case_id', '=', c.id).where('topic', '=', 'discipline_referral').execute();
    expect(referral).toEqual([{ recipient: 'supervisor' }]);
  });

  it('refuses bad input and wrong roles', async () => {
    const c = await inProgress('unable');
    expect((await act('coord', c.id, 'supervise', { version: c.version, note: '催', dueAt: '2020-01-01' })).status).toBe(400);
    expect((await act('coord', c.id, 'circulate', { version: c.version, summary: '通报', department: 'nosuch' })).status).toBe(400);
    expect((await act('h_scjg', c.id, 'supervise', { version: c.version, note: '催', dueAt: '2026-12-01' })).status).toBe(403);
    expect((await act('leader', c.id, 'circulate', { version: c.version, summary: '通报' })).status).toBe(403);
  });

  it('asks for, approves and denies 延期, and refuses an earlier date', async () => {
    const c = await inProgress('complex'); // due Wed 25 Nov
    expect(c.allowedActions).not.toContain('approve-extension');
    const early = await act('h_scjg', c.id, 'request-extension', { version: c.version, dueAt: '2026-11-24T18:00:00+08:00', reason: '需补充材料' });
    expect(early.status).toBe(400);
    expect(early.body.error.details[0].field).toBe('dueAt');
    let r = await act('h_scjg', c.id, 'request-extension', { version: c.version, dueAt: '2026-12-02', reason: '需补充材料' });
    expect(r.status).toBe(200);
    expect((await act('h_scjg', c.id, 'request-extension', { version: r.body.version, dueAt: '2026-12-03', reason: '再申请' })).status).toBe(409);
    expect((await act('h_scjg', c.id, 'approve-extension', { version: r.body.version })).status).toBe(403);
    const coordView = await api.as('coord').get(`/api/v1/cases/${c.id}`);
    expect(coordView.body.allowedActions).toEqual(expect.arrayContaining(['approve-extension', 'deny-extension']));
    r = await act('coord', c.id, 'deny-extension', { version: r.body.version, reason: '时限足够' });
    expect(r.status).toBe(200);
    expect(r.body.pendingExtension).toBeNull();
    expect(r.body.dueAt).toBe('2026-11-25T23:59:59+08:00');
    expect(r.body.extended).toBe(false);
    expect((await act('coord', c.id, 'approve-extension', { version: r.body.version })).status).toBe(409);
  });
});
