import { describe, expect, it } from 'vitest';
import { DIALECTS, intakeBody, type Api, type TestEnv, useApiEnv } from '../test/harness.js';
import { REPORT_MAX_PER_IP } from './public-limits.js';

describe.each(DIALECTS)('public pages on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  useApiEnv(kind, (e, a) => ((env = e), (api = a)));

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

  it('says plainly when a case being handled is past its deadline', async () => {
    let c = (await api.as('clerk').post('/api/v1/cases', intakeBody({ reporter: { name: '钱七', phone: '13500004321', kind: 'person' } }))).body;
    c = (await api.as('coord').post(`/api/v1/cases/${c.id}/actions/accept`, { version: c.version, problemType: 'materials' })).body;
    c = (await api.as('coord').post(`/api/v1/cases/${c.id}/actions/dispatch`, { version: c.version, level: 1, leadDepartment: 'scjgj' })).body;
    const look = async () =>
      (await api.app.inject({ method: 'GET', url: `/api/v1/public/cases/${c.caseNo}?phoneLast4=4321`, remoteAddress: '10.7.0.1' })).json();
    expect((await look()).overdue).toBe(false);
    env.clock.advance(8 * 24 * 3600_000);
    await api.relogin();
    const late = await look();
    expect(late.overdue).toBe(true);
    expect(late.dueAt).toBe(c.dueAt);
    c = (await api.as('h_scjg').post(`/api/v1/cases/${c.id}/actions/sign`, { version: c.version })).body;
    await api.as('h_scjg').post(`/api/v1/cases/${c.id}/actions/complete`, { version: c.version, result: '已办结', repliedVia: 'phone' });
    expect((await look()).overdue).toBe(false);
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

describe.each(DIALECTS)('public pages and lookup details on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  useApiEnv(kind, (e, a) => ((env = e), (api = a)));

  const file = (o: Record<string, unknown> = {}, ip = '10.9.0.1') =>
    api.app.inject({
      method: 'POST',
      url: '/api/v1/public/cases',
      remoteAddress: ip,
      payload: {
        reporter: { name: '上官婉儿', phone: '15823456789', kind: 'enterprise', orgName: '垫江县婉儿农业开发有限公司', orgCode: '91440300708461136T' },
        matter: '农业企业用地审批',
        departmentCodes: ['ghzrzyj'],
        description: '设施农业用地备案多次被退回。',
        consent: true,
        ...o,
      },
    });
  const lookup = (caseNo: string, digits: string, ip = '10.9.1.1') =>
    api.app.inject({ method: 'GET', url: `/api/v1/public/cases/${caseNo}?phoneLast4=${digits}`, remoteAddress: ip });
  const act = async (user: string, id: number, action: string, body: Record<string, unknown>) => {
    const r = await api.as(user).post(`/api/v1/cases/${id}/actions/${action}`, body);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  };
  const idOf = async (caseNo: string) => (await env.ctx.db.selectFrom('cases').select('id').where('case_no', '=', caseNo).executeTakeFirstOrThrow()).id;

  it('serves the report and track pages in Chinese, with a strict CSP and their assets', async () => {
    for (const [url, text] of [
      ['/public/report', ['“办不成事”网上反映', '个人信息使用说明', '我已阅读并同意', '提交反映', '统一社会信用代码']],
      ['/public/track', ['办理进度查询', '反映件编号', '手机号码后四位']],
      ['/public/track?caseNo=2026-000001', ['办理进度查询']],
    ] as const) {
      const r = await api.app.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(200);
      expect(r.headers['content-type']).toContain('text/html');
      for (const t of text) expect(r.body, url).toContain(t);
      expect(r.headers['content-security-policy']).toContain("script-src 'self'");
      expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      // The app-wide hook may set same-origin; the page's own meta tag makes it no-referrer either way.
      expect(['no-referrer', 'same-origin']).toContain(r.headers['referrer-policy']);
      expect(r.body).toContain('<meta name="referrer" content="no-referrer">');
      expect(r.body).toContain('name="viewport" content="width=device-width');
      expect(r.body).not.toMatch(/<script>|style="/); // nothing inline, so the CSP holds
      for (const m of r.body.matchAll(/(?:src|href)="(\/public\/assets\/[^"]+)"/g)) {
        const a = await api.app.inject({ method: 'GET', url: m[1]! });
        expect(a.statusCode, m[1]).toBe(200);
        expect(a.headers['cache-control']).toContain('max-age');
      }
    }
    expect((await api.app.inject({ method: 'GET', url: '/public/assets/secret.env' })).statusCode).toBe(404);
    expect((await api.app.inject({ method: 'GET', url: '/public/assets/..%2Fpublic.routes.ts' })).statusCode).toBe(404);
    const root = await api.app.inject({ method: 'GET', url: '/public' });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/public/report');
  });

  it('gives the pages the county, hotline and departments without login', async () => {
    const r = await api.app.inject({ method: 'GET', url: '/api/v1/public/info' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ countyName: '垫江县', hotlines: ['12345'] });
    expect(r.json().departments).toContainEqual({ code: 'scjgj', name: '县市场监管局' });
  });

  it('shows the reply of a completed case, and nothing personal, ever', async () => {
    const { caseNo } = (await file()).json();
    const id = await idOf(caseNo);
    let v = await act('coord', id, 'accept', { version: 1, problemType: 'complex' });
    v = await act('coord', id, 'dispatch', { version: v.version, level: 1, leadDepartment: 'ghzrzyj' });
    let r = await lookup(caseNo, '6789');
    expect(r.json()).toMatchObject({ status: 'assigned', department: '县规划自然资源局', reply: null });
    expect(r.json().dueAt).toMatch(/\+08:00$/);
    // The test accounts have no handler of ghzrzyj: the leader hands the case to scjgj through a level-3 escalation.
    v = await act('coord', id, 'request-escalation', { version: v.version, reason: '涉及用地政策' });
    v = await act('leader', id, 'approve-escalation', { version: v.version, leadDepartment: 'scjgj', coDepartments: ['ghzrzyj'], dueAt: '2026-12-20T18:00:00+08:00' });
    v = await act('h_scjg', id, 'sign', { version: v.version });
    await act('h_scjg', id, 'complete', { version: v.version, result: '经县工作组协调，已为贵公司办结设施农业用地备案。', repliedVia: 'phone' });

    r = await lookup(caseNo, '6789');
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ status: 'completed', statusText: '已办结，等待回访', department: '县市场监管局', reply: '经县工作组协调，已为贵公司办结设施农业用地备案。' });
    expect(body.completedAt).toMatch(/\+08:00$/);
    expect(body.progress.map((p: any) => p.text)).toEqual(['收到反映', '予以受理', '交承办部门办理', '提请县工作组协调', '县工作组交办', '承办部门签收', '办结并答复']);
    for (const secret of ['上官', '婉儿', '15823456789', '1582', '91440300708461136T', '农业开发有限公司', 'h_scjg', '孙市监', '李行管']) {
      expect(r.body, secret).not.toContain(secret);
    }
  });

  it('explains a rejection with its category and the route for an objection', async () => {
    const { caseNo } = (await file({ matter: '房屋产权纠纷' })).json();
    await act('coord', await idOf(caseNo), 'reject', { version: 1, reasonCategory: 'litigation', explanation: '该纠纷已由人民法院受理。' });
    const body = (await lookup(caseNo, '6789')).json();
    expect(body).toMatchObject({ status: 'rejected', reply: '该纠纷已由人民法院受理。', rejectReason: '涉诉' });
    expect(body.appealRoute).toContain('如对不予受理有异议，可依法通过');
  });

  it('limits online reports per client address, counted in the database (429), and lets other addresses through', async () => {
    for (let i = 0; i < REPORT_MAX_PER_IP; i++) expect((await file({}, '10.9.9.9')).statusCode).toBe(201);
    const blocked = await file({}, '10.9.9.9');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe('RATE_LIMITED');
    // With files: refused before any file is read (a Word file, which a report may not carry, would
    // otherwise be answered 400 after reading it) — no case, no stored file.
    const { multipartBody, docxFile } = await import('../attachments/test-files.js');
    const cases = async () => Number((await env.ctx.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const files = async () => Number((await env.ctx.db.selectFrom('attachments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const [casesBefore, filesBefore] = [await cases(), await files()];
    const { channel: _ch, ...publicBody } = intakeBody();
    const form = multipartBody({ case: JSON.stringify({ ...publicBody, consent: true }) }, [{ name: '承诺.docx', content: await docxFile() }]);
    const withPhoto = await api.app.inject({ method: 'POST', url: '/api/v1/public/cases', headers: form.headers, payload: form.payload, remoteAddress: '10.9.9.9' });
    expect(withPhoto.statusCode).toBe(429);
    expect([await cases(), await files()]).toEqual([casesBefore, filesBefore]);
    expect((await file({}, '10.9.9.10')).statusCode).toBe(201);
    const invalid = await file({ consent: false }, '10.9.9.11');
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.details[0].field).toBe('consent');
    env.clock.advance(61 * 60_000);
    expect((await file({}, '10.9.9.9')).statusCode).toBe(201);
    await api.relogin();
  });
});
