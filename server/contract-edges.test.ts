/**
 * The edges of the contract that a framework decides unless we do: the order 401 → 404 → 400 for
 * bodies that cannot be read and URLs that cannot be routed, stale cookies on public routes, and
 * dates so far out that they would break formatting further down (400, never a 500).
 */
import { describe, expect, it } from 'vitest';
import { DIALECTS, intakeBody, PASSWORD, type Api, type TestEnv, useApiEnv } from './test/harness.js';

describe.each(DIALECTS)('contract edges on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  useApiEnv(kind, (e, a) => ((env = e), (api = a)), '2026-11-26T02:00:00.000Z');

  const raw = (method: 'GET' | 'POST', url: string, opts: { user?: string; payload?: string; type?: string; cookie?: string } = {}) =>
    api.app.inject({
      method,
      url,
      headers: {
        ...(opts.user ? { authorization: `Bearer ${api.tokens[opts.user]}` } : {}),
        ...(opts.type ? { 'content-type': opts.type } : {}),
        ...(opts.cookie ? { cookie: opts.cookie } : {}),
      },
      ...(opts.payload !== undefined ? { payload: opts.payload } : {}),
    });

  const NOT_FOUND = { error: { code: 'NOT_FOUND', message: '未找到该记录' } };

  it('answers 404 before 400 when the body cannot be read, and 400 for a case that exists', async () => {
    const c = (await api.as('clerk').post('/api/v1/cases', intakeBody())).body;
    for (const [payload, type] of [
      ['{bad', 'application/json'],
      ['<accept/>', 'application/xml'],
      ['', 'application/json'],
    ] as const) {
      const unknown = await raw('POST', '/api/v1/cases/99999/actions/accept', { user: 'coord', payload, type });
      expect(unknown.statusCode, `${type} ${payload}`).toBe(404);
      expect(unknown.json()).toEqual(NOT_FOUND);
      expect((await raw('POST', `/api/v1/cases/${c.id}/actions/fly`, { user: 'coord', payload, type })).statusCode).toBe(404);
      expect((await raw('POST', '/api/v1/cases/99999/actions/accept', { payload, type })).statusCode).toBe(401);
      const known = await raw('POST', `/api/v1/cases/${c.id}/actions/accept`, { user: 'coord', payload, type });
      expect(known.statusCode).toBe(400);
      expect(known.json().error.code).toBe('VALIDATION');
      expect(known.json().error.message).toMatch(/JSON 无法解析|application\/json|不能为空/);
    }
    // Intake has no id: the unreadable body is a 400 there.
    const intake = await raw('POST', '/api/v1/cases', { user: 'clerk', payload: '{"channel":', type: 'application/json' });
    expect(intake.statusCode).toBe(400);
    expect(intake.json().error.details).toEqual([{ field: '(body)', message: '请求格式有误（JSON 无法解析）' }]);
    // Nothing changed.
    expect((await api.as('coord').get(`/api/v1/cases/${c.id}`)).body.status).toBe('received');
  });

  it('routes long and broken URLs like any unknown one: 401 without a login, 404 with one, in the error shape', async () => {
    const long = `/api/v1/cases/${'9'.repeat(150)}`;
    expect((await raw('GET', long)).statusCode).toBe(401);
    const signedIn = await raw('GET', long, { user: 'coord' });
    expect(signedIn.statusCode).toBe(404);
    expect(signedIn.json()).toEqual(NOT_FOUND);
    expect((await raw('POST', `/api/v1/cases/1/actions/${'x'.repeat(200)}`, { user: 'coord', payload: '{}', type: 'application/json' })).statusCode).toBe(404);
    const broken = await raw('GET', '/api/v1/cases/%E4%B8', { user: 'coord' });
    expect(broken.statusCode).toBe(404);
    expect(broken.json()).toEqual(NOT_FOUND);
    const brokenAnon = await raw('GET', '/api/v1/cases/%E4%B8');
    expect(brokenAnon.statusCode).toBe(401);
    expect(brokenAnon.json().error.code).toBe('UNAUTHENTICATED');
    const longPublic = await raw('GET', `/api/v1/public/cases/${'2'.repeat(300)}?phoneLast4=1234`);
    expect(longPublic.statusCode).toBe(404);
  });

  it('ignores a stale session cookie without CSRF token on login and on the online report', async () => {
    const first = await raw('POST', '/api/v1/auth/login', { payload: JSON.stringify({ username: 'clerk', password: PASSWORD }), type: 'application/json' });
    const cookie = String(first.headers['set-cookie']).split(';')[0]!;
    const again = await raw('POST', '/api/v1/auth/login', { payload: JSON.stringify({ username: 'coord', password: PASSWORD }), type: 'application/json', cookie });
    expect(again.statusCode).toBe(200);
    expect(again.json().user.username).toBe('coord');
    const { channel: _c, ...body } = intakeBody();
    const report = await raw('POST', '/api/v1/public/cases', { payload: JSON.stringify({ ...body, consent: true }), type: 'application/json', cookie });
    expect(report.statusCode).toBe(201);
    // A staff write with the cookie still needs the token.
    const write = await raw('POST', '/api/v1/cases', { payload: JSON.stringify(intakeBody()), type: 'application/json', cookie });
    expect(write.statusCode).toBe(403);
  });

  it('refuses deadlines and dates beyond the supported years with a 400 and leaves the case readable', async () => {
    let c = (await api.as('clerk').post('/api/v1/cases', intakeBody())).body;
    c = (await api.as('coord').post(`/api/v1/cases/${c.id}/actions/accept`, { version: c.version, problemType: 'materials' })).body;
    c = (await api.as('coord').post(`/api/v1/cases/${c.id}/actions/dispatch`, { version: c.version, level: 1, leadDepartment: 'scjgj' })).body;
    c = (await api.as('h_scjg').post(`/api/v1/cases/${c.id}/actions/sign`, { version: c.version })).body;
    for (const dueAt of ['9999-12-31T23:00:00-12:00', '2100-01-01', '10000-01-01T00:00:00Z']) {
      const m = await api.as('h_scjg').post(`/api/v1/cases/${c.id}/actions/add-measure`, { version: c.version, type: 'other', note: '跟踪', dueAt });
      expect(m.status, dueAt).toBe(400);
      expect(m.body.error.details[0].field).toBe('dueAt');
    }
    const ok = await api.as('h_scjg').post(`/api/v1/cases/${c.id}/actions/add-measure`, { version: c.version, type: 'other', note: '跟踪', dueAt: '2099-12-31' });
    expect(ok.status).toBe(200);
    expect((await api.as('coord').get(`/api/v1/cases/${c.id}`)).status).toBe(200);
    expect((await api.as('coord').get('/api/v1/cases')).status).toBe(200);

    expect((await api.as('coord').get('/api/v1/calendar/deadline?start=9999-12-31T10:00:00%2B08:00&workingDays=365')).status).toBe(400);
    expect((await api.as('coord').get('/api/v1/calendar/deadline?start=2999-12-31T10:00:00%2B08:00&workingDays=365')).status).toBe(200);
    for (const q of ['from=1000-01-01&to=9999-12-31', 'from=0001-01-01&to=2026-12-31', 'from=2026-01-01&to=3000-01-01']) {
      expect((await api.as('coord').get(`/api/v1/stats/overview?${q}`)).status, q).toBe(400);
      expect((await api.as('coord').get(`/api/v1/stats/departments?${q}`)).status, q).toBe(400);
    }
    expect((await api.as('coord').get('/api/v1/stats/overview?from=1970-01-01&to=2999-12-31')).status).toBe(200);
  });

  it('answers a progress lookup with non-ASCII digits like any wrong digits', async () => {
    const c = (await api.as('clerk').post('/api/v1/cases', intakeBody())).body;
    const wrong = await raw('GET', `/api/v1/public/cases/${c.caseNo}?phoneLast4=0000`);
    for (const digits of ['５６７８', '%E4%B8%AD%E6%96%87%E5%AD%97%E7%AC%A6', '12', '123456']) {
      const r = await raw('GET', `/api/v1/public/cases/${c.caseNo}?phoneLast4=${encodeURIComponent(digits)}`);
      expect(r.statusCode, digits).toBe(404);
      expect(r.body).toBe(wrong.body);
    }
  });
});
