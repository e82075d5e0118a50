import { describe, expect, it } from 'vitest';
import { createTestEnv, DIALECTS, intakeBody, PASSWORD, type Api, type TestEnv, useApiEnv } from '../test/harness.js';
import { LOGIN_PER_MINUTE } from './auth.routes.js';

describe.each(DIALECTS)('auth on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  useApiEnv(kind, (e, a) => ((env = e), (api = a)));

  const login = (username: string, password: string) =>
    api.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });

  it('logs in with a token, a csrfToken and an HttpOnly session cookie; never stores the token', async () => {
    const r = await login('clerk', PASSWORD);
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.user).toMatchObject({ username: 'clerk', role: 'clerk', department: null });
    expect(body.csrfToken).toBeTruthy();
    const cookie = String(r.headers['set-cookie']);
    expect(cookie).toMatch(/bcs_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    const stored = await env.ctx.db.selectFrom('sessions').select('token_hash').execute();
    expect(stored.map((s) => s.token_hash)).not.toContain(body.token);
    const audit = await env.ctx.db.selectFrom('audit_log').select('action').where('action', '=', 'login').execute();
    expect(audit.length).toBeGreaterThan(0);
  });

  it('answers 401 for a wrong password and an unknown user alike, and audits both', async () => {
    const a = await login('clerk', 'wrong-password');
    const b = await login('nobody', 'wrong-password');
    expect(a.statusCode).toBe(401);
    expect(b.statusCode).toBe(401);
    expect(a.json().error.message).toBe(b.json().error.message);
    const failed = await env.ctx.db.selectFrom('audit_log').select('action').where('action', '=', 'login_failed').execute();
    expect(failed.length).toBeGreaterThanOrEqual(2);
  });

  it('locks an account for 15 minutes after 5 failed logins, even for the right password', async () => {
    for (let i = 0; i < 5; i++) expect((await login('leader', 'bad')).statusCode).toBe(401);
    const locked = await login('leader', PASSWORD);
    expect(locked.statusCode).toBe(401);
    expect(locked.json().error.code).toBe('UNAUTHENTICATED');
    // The same answer as for a user that does not exist: a lock must not tell that the account exists.
    expect(locked.json().error.message).toBe((await login('nobody-here', PASSWORD)).json().error.message);
    expect(locked.json().error.message).toMatch(/锁定/);
    env.clock.advance(16 * 60_000);
    expect((await login('leader', PASSWORD)).statusCode).toBe(200);
    await api.relogin();
  });

  it('needs the CSRF token for cookie-authenticated writes, not for bearer calls', async () => {
    const r = await login('clerk', PASSWORD);
    const { token, csrfToken } = r.json();
    const cookie = `bcs_session=${token}`;
    const noCsrf = await api.app.inject({ method: 'POST', url: '/api/v1/cases', headers: { cookie }, payload: intakeBody() });
    expect(noCsrf.statusCode).toBe(403);
    const wrong = await api.app.inject({ method: 'POST', url: '/api/v1/cases', headers: { cookie, 'x-csrf-token': 'nope' }, payload: intakeBody() });
    expect(wrong.statusCode).toBe(403);
    const good = await api.app.inject({ method: 'POST', url: '/api/v1/cases', headers: { cookie, 'x-csrf-token': csrfToken }, payload: intakeBody() });
    expect(good.statusCode).toBe(201);
    const read = await api.app.inject({ method: 'GET', url: '/api/v1/cases', headers: { cookie } });
    expect(read.statusCode).toBe(200);
    const bearer = await api.app.inject({ method: 'POST', url: '/api/v1/cases', headers: { authorization: `Bearer ${token}` }, payload: intakeBody() });
    expect(bearer.statusCode).toBe(201);
  });

  it('ends a session after 30 minutes without activity, and keeps an active one alive', async () => {
    const { token } = (await login('super', PASSWORD)).json();
    const get = () => api.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } });
    for (let i = 0; i < 3; i++) {
      env.clock.advance(20 * 60_000);
      expect((await get()).statusCode).toBe(200);
    }
    env.clock.advance(31 * 60_000);
    const r = await get();
    expect(r.statusCode).toBe(401);
    expect(r.json().error.message).toMatch(/过期/);
    await api.relogin();
  });

  it('logs out', async () => {
    const { token } = (await login('coord', PASSWORD)).json();
    const out = await api.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { authorization: `Bearer ${token}` } });
    expect(out.statusCode).toBe(200);
    const me = await api.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } });
    expect(me.statusCode).toBe(401);
  });

  it('refuses a disabled user and ends their sessions', async () => {
    const users = (await api.as('admin').get('/api/v1/users')).body.items;
    const h = users.find((u: any) => u.username === 'h_zj');
    const { token } = (await login('h_zj', PASSWORD)).json();
    const r = await api.as('admin').patch(`/api/v1/users/${h.id}`, { disabled: true });
    expect(r.status).toBe(200);
    expect(r.body.disabled).toBe(true);
    expect((await api.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
    expect((await login('h_zj', PASSWORD)).statusCode).toBe(401);
    await api.as('admin').patch(`/api/v1/users/${h.id}`, { disabled: false });
  });

  it('400 for a malformed login body', async () => {
    const r = await api.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 42 } });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('VALIDATION');
  });
});

describe('login rate limit', () => {
  it(`answers 429 after ${LOGIN_PER_MINUTE} attempts a minute from one address`, async () => {
    const env = await createTestEnv('sqlite');
    const { buildApp } = await import('../app.js');
    const app = await buildApp(env.ctx);
    try {
      const codes: number[] = [];
      for (let i = 0; i <= LOGIN_PER_MINUTE; i++) {
        const r = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: `nobody${i % 7}`, password: 'x' } });
        codes.push(r.statusCode);
      }
      expect(codes.slice(0, LOGIN_PER_MINUTE).every((c) => c === 401)).toBe(true);
      expect(codes[LOGIN_PER_MINUTE]).toBe(429);
    } finally {
      await app.close();
      await env.close();
    }
  });
});
