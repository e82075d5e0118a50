import { describe, expect, it } from 'vitest';
import { DIALECTS, intakeBody, type Api, type TestEnv, useApiEnv } from '../test/harness.js';

describe.each(DIALECTS)('typical cases on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  useApiEnv(kind, (e, a) => {
    env = e;
    api = a;
  });

  it('are made only from a case past 已登记; a received case → 400 on caseId, nothing written', async () => {
    const c = (await api.as('clerk').post('/api/v1/cases', intakeBody())).body;
    expect(c.status).toBe('received');
    const body = { caseId: c.id, kind: 'good', title: '一次办好', summary: '窗口主动帮办' };
    const audits = async () => (await env.ctx.db.selectFrom('audit_log').select('seq').where('action', '=', 'typical_case.create').execute()).length;

    const r = await api.as('super').post('/api/v1/typical-cases', body);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION');
    expect(r.body.error.details).toEqual([{ field: 'caseId', message: expect.stringContaining('已登记') }]);
    expect((await api.as('super').get('/api/v1/typical-cases')).body.items).toHaveLength(0);
    expect(await audits()).toBe(0);

    const accepted = await api.as('coord').post(`/api/v1/cases/${c.id}/actions/accept`, { version: c.version, problemType: 'complex' });
    expect(accepted.status).toBe(200);
    const ok = await api.as('super').post('/api/v1/typical-cases', body);
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ caseId: c.id, caseNo: c.caseNo, status: 'draft', kind: 'good' });
    expect(await audits()).toBe(1);
  });
});
