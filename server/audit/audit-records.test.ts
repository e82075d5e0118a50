import { describe, expect, it } from 'vitest';
import { DIALECTS, intakeBody, useApiEnv, type Api, type TestEnv } from '../test/harness.js';
import { ZAuditRecordPage } from '../../core/api/responses.js';
import { auditActionLabel, auditActionOptions } from '../../core/audit-actions.js';

describe('audit action labels', () => {
  it('names case actions by the lifecycle table and the rest by the list; unknown codes stay as they are', () => {
    expect(auditActionLabel('case.dispatch')).toBe('交办');
    expect(auditActionLabel('login_failed')).toBe('登录失败');
    expect(auditActionLabel('case.overdue')).toBe('标记超期');
    expect(auditActionLabel('something.new')).toBe('something.new');
    const options = auditActionOptions();
    expect(options.find((o) => o.value === 'case.verify')?.label).toBe('差评核查（反映件）');
    expect(new Set(options.map((o) => o.value)).size).toBe(options.length);
  });
});

describe.each(DIALECTS)('audit records on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  let caseId: number;
  let caseNo: string;
  useApiEnv(
    kind,
    async (readyEnv, readyApi) => {
      env = readyEnv;
      api = readyApi;
      const c = (await api.as('clerk').post('/api/v1/cases', intakeBody())).body;
      caseId = c.id;
      caseNo = c.caseNo;
      await api.as('coord').post(`/api/v1/cases/${c.id}/actions/accept`, { version: c.version, problemType: 'materials' });
      await api.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'leader', password: 'wrong-password' } });
      env.clock.advance(24 * 3600_000);
      await api.relogin();
      await api.as('clerk').post('/api/v1/cases', intakeBody({ matter: '第二天的反映件' }));
    },
    '2026-11-26T02:00:00.000Z',
  );

  it('lists the chain newest first for the supervisor and the auditor (not the admin), with Chinese labels and names', async () => {
    const r = await api.as('super').get('/api/v1/audit/records?limit=200');
    expect(r.status).toBe(200);
    expect(ZAuditRecordPage.safeParse(r.body).success).toBe(true);
    const seqs = r.body.items.map((i: { seq: number }) => i.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    const accept = r.body.items.find((i: { action: string }) => i.action === 'case.accept');
    expect(accept).toMatchObject({ actor: 'coord', actionLabel: '予以受理', entityType: 'case', entityLabel: '反映件', entityId: String(caseId), caseNo });
    expect(accept.actorName).toBeTruthy();
    expect(accept.at).toMatch(/\+08:00$/);
    expect(accept.hash).toMatch(/^[0-9a-f]{64}$/);
    const failed = r.body.items.find((i: { action: string }) => i.action === 'login_failed');
    expect(failed.actionLabel).toBe('登录失败');
    // Intake records carry the masked phone only.
    const intake = r.body.items.find((i: { action: string; entityId: string }) => i.action === 'case.intake' && i.entityId === String(caseId));
    expect(JSON.stringify(intake.data)).not.toContain('13800001234');
    // 三员分立: the 审计管理员 reads the records, the 系统管理员 does not.
    expect((await api.as('auditor').get('/api/v1/audit/records')).status).toBe(200);
    expect((await api.as('admin').get('/api/v1/audit/records')).status).toBe(403);
    expect((await api.as('secadmin').get('/api/v1/audit/records')).status).toBe(403);
  });

  it('filters by actor, action, entity and Shanghai dates, and pages with a cursor without gaps or repeats', async () => {
    const byActor = (await api.as('super').get('/api/v1/audit/records?actor=coord&limit=200')).body.items;
    expect(byActor.length).toBeGreaterThan(0);
    expect(byActor.every((i: { actor: string }) => i.actor === 'coord')).toBe(true);
    const byAction = (await api.as('super').get('/api/v1/audit/records?action=case.intake')).body.items;
    expect(byAction).toHaveLength(2);
    const byEntity = (await api.as('super').get(`/api/v1/audit/records?entityType=case&entityId=${caseId}`)).body.items;
    // The writes, and the reads of the reporter each answer showed (server/audit/read-audit.ts).
    expect(byEntity.map((i: { action: string }) => i.action)).toEqual(['case.read', 'case.accept', 'case.read', 'case.intake']);
    const firstDay = (await api.as('super').get('/api/v1/audit/records?action=case.intake&from=2026-11-26&to=2026-11-26')).body.items;
    expect(firstDay.map((i: { caseNo: string }) => i.caseNo)).toEqual([caseNo]);
    const secondDay = (await api.as('super').get('/api/v1/audit/records?action=case.intake&from=2026-11-27')).body.items;
    expect(secondDay).toHaveLength(1);
    expect(secondDay[0].caseNo).not.toBe(caseNo);

    const all = (await api.as('super').get('/api/v1/audit/records?limit=200')).body.items.map((i: { seq: number }) => i.seq);
    const paged: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Array<{ seq: number }>; nextCursor: string | null } } = await api
        .as('super')
        .get(`/api/v1/audit/records?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      paged.push(...page.body.items.map((i) => i.seq));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all);
  });

  it('refuses other roles (403), no login (401), and bad filters (400) in Chinese', async () => {
    for (const u of ['clerk', 'coord', 'leader', 'h_scjg']) expect((await api.as(u).get('/api/v1/audit/records')).status).toBe(403);
    expect((await api.as(null).get('/api/v1/audit/records')).status).toBe(401);
    for (const q of ['limit=0', 'limit=201', 'cursor=abc', 'cursor=-1', 'from=2026-02-30', 'from=2026-12-01&to=2026-11-01', 'action=DROP%20TABLE', 'entityType=a.b']) {
      const r = await api.as('super').get(`/api/v1/audit/records?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION');
      expect(r.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    }
    expect((await api.as('super').get("/api/v1/audit/records?actor=x'%20or%201=1--")).body.items).toEqual([]);
  });

  it('does not write to the chain when it is read', async () => {
    const before = (await api.as('super').get('/api/v1/audit/verify')).body.records;
    await api.as('super').get('/api/v1/audit/records');
    expect((await api.as('super').get('/api/v1/audit/verify')).body.records).toBe(before);
  });
});
