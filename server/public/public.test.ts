import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, DIALECTS, intakeBody, seedBasics, startApi, type Api, type TestEnv } from '../test/harness.js';

describe.each(DIALECTS)('public pages on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  beforeAll(async () => {
    env = await createTestEnv(kind);
    await seedBasics(env);
    api = await startApi(env);
  });
  afterAll(async () => {
    await api.app.close();
    await env.close();
  });

  const report = (o: Record<string, unknown> = {}, ip = '10.0.0.1') => {
    const { channel: _c, ...body } = intakeBody({
      reporter: { name: '欧阳娜娜', phone: '13912345678', kind: 'enterprise', orgName: '垫江县某某商贸有限公司', orgCode: '91440300708461136T' },
      ...o,
    });
    return api.app.inject({ method: 'POST', url: '/api/v1/public/cases', payload: { ...body, consent: true, ...o }, remoteAddress: ip });
  };

  it('files an online report without login and requires consent', async () => {
    const r = await report();
    expect(r.statusCode).toBe(201);
    expect(r.json().caseNo).toMatch(/^\d{4}-\d{6}$/);
    const detail = await api.as('coord').get(`/api/v1/cases?limit=1`);
    expect(detail.body.items[0].channel).toBe('online');
    const noConsent = await report({ consent: false });
    expect(noConsent.statusCode).toBe(400);
  });

  it('shows progress without any personal data, and answers a wrong number and wrong digits alike', async () => {
    const { caseNo } = (await report()).json();
    const ok = await api.app.inject({ method: 'GET', url: `/api/v1/public/cases/${caseNo}?phoneLast4=5678`, remoteAddress: '10.0.0.2' });
    expect(ok.statusCode).toBe(200);
    const text = ok.body;
    for (const secret of ['欧阳', '娜娜', '13912345678', '1391', '91440300708461136T', '某某商贸']) expect(text).not.toContain(secret);
    expect(ok.json()).toMatchObject({ caseNo, status: 'received' });
    const wrongDigits = await api.app.inject({ method: 'GET', url: `/api/v1/public/cases/${caseNo}?phoneLast4=0000`, remoteAddress: '10.0.0.3' });
    const wrongNo = await api.app.inject({ method: 'GET', url: `/api/v1/public/cases/2026-999999?phoneLast4=5678`, remoteAddress: '10.0.0.4' });
    expect(wrongDigits.statusCode).toBe(404);
    expect(wrongNo.statusCode).toBe(404);
    expect(wrongDigits.body).toBe(wrongNo.body);
  });

  it('answers 429 after more than 10 failed lookups per case number, and per client address', async () => {
    const { caseNo } = (await report()).json();
    for (let i = 0; i < 10; i++) {
      const r = await api.app.inject({ method: 'GET', url: `/api/v1/public/cases/${caseNo}?phoneLast4=${String(1000 + i)}`, remoteAddress: `10.1.0.${i + 1}` });
      expect(r.statusCode).toBe(404);
    }
    const blocked = await api.app.inject({ method: 'GET', url: `/api/v1/public/cases/${caseNo}?phoneLast4=5678`, remoteAddress: '10.1.1.1' });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe('RATE_LIMITED');

    for (let i = 0; i < 10; i++) {
      await api.app.inject({ method: 'GET', url: `/api/v1/public/cases/2026-${String(900000 + i)}?phoneLast4=1111`, remoteAddress: '10.2.0.1' });
    }
    const ipBlocked = await api.app.inject({ method: 'GET', url: `/api/v1/public/cases/${caseNo}x?phoneLast4=5678`, remoteAddress: '10.2.0.1' });
    expect(ipBlocked.statusCode).toBe(429);
    env.clock.advance(16 * 60_000);
    const later = await api.app.inject({ method: 'GET', url: `/api/v1/public/cases/2026-000001?phoneLast4=1111`, remoteAddress: '10.2.0.1' });
    expect(later.statusCode).toBe(404);
    await api.relogin();
  });
});
