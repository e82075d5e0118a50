import { describe, expect, it } from 'vitest';
import { DIALECTS, intakeBody, type Api, type TestEnv, useApiEnv } from '../test/harness.js';

describe.each(DIALECTS)('concurrency on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  useApiEnv(kind, (e, a) => ((env = e), (api = a)));

  it('gives 200 concurrent intakes 200 distinct, consecutive, gap-free case numbers', async () => {
    const rs = await Promise.all(
      Array.from({ length: 200 }, (_, i) => api.as(i % 2 ? 'clerk' : 'coord').post('/api/v1/cases', intakeBody({ matter: `并发登记${i}` }))),
    );
    expect(rs.every((r) => r.status === 201)).toBe(true);
    const seqs = rs.map((r) => Number(String(r.body.caseNo).slice(5))).sort((a, b) => a - b);
    expect(new Set(seqs).size).toBe(200);
    expect(seqs[0]).toBe(1);
    expect(seqs[199]).toBe(200);
    const audit = await api.as('admin').get('/api/v1/audit/verify');
    expect(audit.body.ok).toBe(true);
  });

  it('lets exactly one of several concurrent actions on the same version through', async () => {
    const c = (await api.as('clerk').post('/api/v1/cases', intakeBody())).body;
    const rs = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        api.as('coord').post(`/api/v1/cases/${c.id}/actions/accept`, { version: c.version, problemType: i % 2 ? 'unable' : 'complex' }),
      ),
    );
    const ok = rs.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    for (const r of rs.filter((x) => x.status !== 200)) {
      expect(r.status).toBe(409);
      expect(['VERSION_CONFLICT', 'INVALID_TRANSITION']).toContain(r.body.error.code);
    }
    const detail = (await api.as('coord').get(`/api/v1/cases/${c.id}`)).body;
    expect(detail.events.filter((e: any) => e.type === 'accept')).toHaveLength(1);
    expect(detail.version).toBe(2);
  });
});
