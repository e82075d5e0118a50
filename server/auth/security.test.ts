/**
 * Security (issue 16, API.md "Security"): 三员分立, the password rule and forced changes, TOTP with
 * recovery codes, the security administrator's unlock and reset, `bcs settings set`, audited reads.
 */
import { describe, expect, it } from 'vitest';
import { Secret, TOTP } from 'otpauth';
import { DIALECTS, intakeBody, PASSWORD, TEST_DATA_KEY_HEX, useApiEnv, type Api, type TestEnv } from '../test/harness.js';
import { main } from '../cli.js';

const API = '/api/v1';
const codeAt = (secret: string, at: Date) => TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: at.getTime() });

describe.each(DIALECTS)('security on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  useApiEnv(kind, (e, a) => {
    env = e;
    api = a;
  });
  const login = (payload: Record<string, unknown>) => api.app.inject({ method: 'POST', url: `${API}/auth/login`, payload });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const call = (token: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown) =>
    api.app.inject({ method, url: `${API}${url}`, headers: bearer(token), ...(payload !== undefined ? { payload: payload as any } : {}) });
  const userId = async (username: string) => ((await api.as('admin').get(`${API}/users`)).body.items as Array<{ id: number; username: string }>).find((u) => u.username === username)!.id;
  const out = (stdin = '') => {
    const lines: string[] = [];
    return { lines, log: (s: string) => void lines.push(s), err: (s: string) => void lines.push(s), stdin: async () => stdin };
  };
  const cli = (args: string[], o = out()) => main(args, o, { DATABASE_URL: env.url, BCS_DATA_KEY: TEST_DATA_KEY_HEX });

  it('三员分立: the admin no longer reads audit records, the auditor reads nothing but the audit log, the security admin only credentials', async () => {
    expect((await api.as('admin').get(`${API}/audit/records`)).status).toBe(403);
    expect((await api.as('admin').get(`${API}/audit/verify`)).status).toBe(200);
    expect((await api.as('auditor').get(`${API}/audit/records`)).status).toBe(200);
    expect((await api.as('auditor').get(`${API}/audit/verify`)).status).toBe(200);
    for (const url of ['/cases', '/cases/todo', '/users', '/stats/overview?from=2026-01-01&to=2026-12-31', '/ledger.xlsx']) {
      expect((await api.as('auditor').get(`${API}${url}`)).status, url).toBe(403);
    }
    expect((await api.as('auditor').post(`${API}/cases`, intakeBody())).status).toBe(403);
    expect((await api.as('secadmin').get(`${API}/cases`)).status).toBe(403);
    expect((await api.as('secadmin').get(`${API}/audit/records`)).status).toBe(403);
    expect((await api.as('secadmin').get(`${API}/users`)).status).toBe(200);
    expect((await api.as('secadmin').post(`${API}/users`, { username: 'x1', role: 'clerk', password: 'Passw0rd!x' })).status).toBe(403);
    // Settings: the security policy is the security admin's, the rest the admin's.
    expect((await api.as('admin').put(`${API}/settings`, { passwordMaxAgeDays: 90 })).status).toBe(403);
    expect((await api.as('secadmin').put(`${API}/settings`, { countyName: '某县' })).status).toBe(403);
    expect((await api.as('secadmin').put(`${API}/settings`, { totpRequiredRoles: ['nobody'] })).status).toBe(400);
    const s = await api.as('secadmin').put(`${API}/settings`, { passwordMaxAgeDays: 0, totpRequiredRoles: [] });
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({ passwordMaxAgeDays: 0, totpRequiredRoles: [] });
    // Nobody changes or deletes audit records through the product: no route writes them.
    for (const method of ['PUT', 'PATCH', 'DELETE', 'POST'] as const) {
      for (const who of ['admin', 'auditor', 'super']) {
        const r = await api.app.inject({ method, url: `${API}/audit/records`, headers: bearer(api.tokens[who]!), payload: {} });
        expect([404, 405], `${method} ${who}`).toContain(r.statusCode);
      }
    }
    // One role per account: creating an account names exactly one.
    expect((await api.as('admin').post(`${API}/users`, { username: 'two', role: ['admin', 'auditor'], password: 'Passw0rd!x' })).status).toBe(400);
    const a = await api.as('admin').post(`${API}/users`, { username: 'audit2', name: '审计二', role: 'auditor', password: 'Passw0rd!x' });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ role: 'auditor', roleLabel: '审计管理员', mustChangePassword: true });
  });

  it('passwords: the rule (400 in Chinese), change for oneself (wrong current → 400), forced change after an administrator sets one', async () => {
    const weak = await api.as('admin').post(`${API}/users`, { username: 'weak', role: 'clerk', password: 'abcdefgh1' });
    expect(weak.status).toBe(400);
    expect(weak.body.error.details[0]).toMatchObject({ field: 'password' });
    expect(weak.body.error.details[0].message).toContain('3 类');
    const created = await api.as('admin').post(`${API}/users`, { username: 'newbie', name: '新同事', role: 'clerk', password: 'Init#Pass1' });
    expect(created.status).toBe(201);
    const first = await login({ username: 'newbie', password: 'Init#Pass1' });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ mustChangePassword: true, totpSetupRequired: false });
    const t = first.json().token as string;
    expect((await call(t, 'GET', '/cases')).statusCode).toBe(403);
    expect((await call(t, 'GET', '/cases')).json().error.code).toBe('FORBIDDEN');
    expect((await call(t, 'GET', '/auth/me')).json()).toMatchObject({ mustChangePassword: true });
    expect((await call(t, 'POST', '/auth/password', { currentPassword: 'wrong-one', newPassword: 'Next#Pass2' })).statusCode).toBe(400);
    expect((await call(t, 'POST', '/auth/password', { currentPassword: 'Init#Pass1', newPassword: 'short' })).statusCode).toBe(400);
    expect((await call(t, 'POST', '/auth/password', { currentPassword: 'Init#Pass1', newPassword: 'alllowercase' })).statusCode).toBe(400);
    expect((await call(t, 'POST', '/auth/password', { currentPassword: 'Init#Pass1' })).statusCode).toBe(400);
    expect((await api.as(null).post(`${API}/auth/password`, { currentPassword: 'Init#Pass1', newPassword: 'Next#Pass2' })).status).toBe(401);
    const changed = await call(t, 'POST', '/auth/password', { currentPassword: 'Init#Pass1', newPassword: 'Next#Pass2' });
    expect(changed.statusCode).toBe(200);
    expect((await call(t, 'GET', '/cases')).statusCode).toBe(200);
    const again = await login({ username: 'newbie', password: 'Next#Pass2' });
    expect(again.json().mustChangePassword).toBe(false);
    // A reset by the administrator forces the change again; the old sessions end.
    const id = await userId('newbie');
    expect((await api.as('admin').patch(`${API}/users/${id}`, { password: 'weak' })).status).toBe(400);
    expect((await api.as('admin').patch(`${API}/users/${id}`, { password: 'Reset#Pass3' })).status).toBe(200);
    expect((await call(again.json().token, 'GET', '/cases')).statusCode).toBe(401);
    const afterReset = await login({ username: 'newbie', password: 'Reset#Pass3' });
    expect(afterReset.json().mustChangePassword).toBe(true);
    expect((await call(afterReset.json().token, 'GET', '/departments')).statusCode).toBe(403);
  });

  it('`bcs user add` refuses a weak password and does not force a change; expiry forces one', async () => {
    expect(await cli(['user', 'add', 'cli_weak', '--role', 'clerk'], out('password1\n'))).toBe(2);
    expect(await cli(['user', 'add', 'cli_ok', '--role', 'clerk'], out('Console#Pw1\n'))).toBe(0);
    const r = await login({ username: 'cli_ok', password: 'Console#Pw1' });
    expect(r.json().mustChangePassword).toBe(false);
    expect((await call(r.json().token, 'GET', '/cases')).statusCode).toBe(200);
    // passwordMaxAgeDays: a password older than that must be changed at the next login.
    expect((await api.as('secadmin').put(`${API}/settings`, { passwordMaxAgeDays: 30 })).status).toBe(200);
    const fresh = await login({ username: 'cli_ok', password: 'Console#Pw1' });
    expect(fresh.json().mustChangePassword).toBe(false);
    const aged = new Date(env.clock.now().getTime() - 31 * 86_400_000).toISOString();
    await env.ctx.db.updateTable('users').set({ password_changed_at: aged }).where('username', '=', 'cli_ok').execute();
    const old = await login({ username: 'cli_ok', password: 'Console#Pw1' });
    expect(old.json().mustChangePassword).toBe(true);
    expect((await call(old.json().token, 'GET', '/cases')).statusCode).toBe(403);
    expect((await call(old.json().token, 'POST', '/auth/password', { currentPassword: 'Console#Pw1', newPassword: 'Console#Pw2' })).statusCode).toBe(200);
    expect((await call(old.json().token, 'GET', '/cases')).statusCode).toBe(200);
    expect((await api.as('secadmin').put(`${API}/settings`, { passwordMaxAgeDays: 0 })).status).toBe(200);
  });

  it('TOTP: set-up, enable (wrong → 400), login with a code (missing/wrong/replayed → 401, adjacent steps accepted), recovery codes once, reset by the security admin', async () => {
    expect(await cli(['user', 'add', 'otp', '--role', 'coordinator'], out('Otp#Pass11\n'))).toBe(0);
    let t = (await login({ username: 'otp', password: 'Otp#Pass11' })).json().token as string;
    const setup = await call(t, 'POST', '/auth/totp/setup');
    expect(setup.statusCode).toBe(200);
    const { secret, otpauthUrl } = setup.json() as { secret: string; otpauthUrl: string };
    expect(secret).toMatch(/^[A-Z2-7]+$/);
    expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
    expect(new URL(otpauthUrl).searchParams.get('secret')).toBe(secret);
    expect((await call(t, 'POST', '/auth/totp/enable', { code: '000000' === codeAt(secret, env.clock.now()) ? '111111' : '000000' })).statusCode).toBe(400);
    expect((await call(t, 'POST', '/auth/totp/enable', { code: 'abc' })).statusCode).toBe(400);
    const enabled = await call(t, 'POST', '/auth/totp/enable', { code: codeAt(secret, env.clock.now()) });
    expect(enabled.statusCode).toBe(200);
    const recovery = enabled.json().recoveryCodes as string[];
    expect(recovery).toHaveLength(10);
    expect((await call(t, 'POST', '/auth/totp/setup')).statusCode).toBe(409);
    // The enabling code's step is used: the next login needs a later code.
    env.clock.advance(30_000);
    const noCode = await login({ username: 'otp', password: 'Otp#Pass11' });
    expect(noCode.statusCode).toBe(401);
    expect(noCode.json().error.details[0].field).toBe('totp');
    expect((await login({ username: 'otp', password: 'Otp#Pass11', totp: '12345' })).statusCode).toBe(401);
    const code = codeAt(secret, env.clock.now());
    const ok = await login({ username: 'otp', password: 'Otp#Pass11', totp: code });
    expect(ok.statusCode).toBe(200);
    expect((await login({ username: 'otp', password: 'Otp#Pass11', totp: code })).statusCode).toBe(401); // replay
    // The adjacent steps: a phone 30 s ahead (next step) is accepted, and then its previous step no longer.
    const ahead = codeAt(secret, new Date(env.clock.now().getTime() + 30_000));
    expect((await login({ username: 'otp', password: 'Otp#Pass11', totp: ahead })).statusCode).toBe(200);
    env.clock.advance(60_000);
    const behind = codeAt(secret, new Date(env.clock.now().getTime() - 30_000));
    expect((await login({ username: 'otp', password: 'Otp#Pass11', totp: behind })).statusCode).toBe(401); // that step was used already
    env.clock.advance(30_000);
    expect((await login({ username: 'otp', password: 'Otp#Pass11', totp: codeAt(secret, new Date(env.clock.now().getTime() - 30_000)) })).statusCode).toBe(200);
    // Far steps are refused.
    expect((await login({ username: 'otp', password: 'Otp#Pass11', totp: codeAt(secret, new Date(env.clock.now().getTime() + 120_000)) })).statusCode).toBe(401);
    // A recovery code logs in once.
    expect((await login({ username: 'otp', password: 'Otp#Pass11', totp: recovery[0] })).statusCode).toBe(200);
    expect((await login({ username: 'otp', password: 'Otp#Pass11', totp: recovery[0] })).statusCode).toBe(401);
    // A wrong password with a right code is still 401, and says nothing about the code.
    expect((await login({ username: 'otp', password: 'wrong', totp: recovery[1] })).json().error.message).toMatch(/^用户名或密码错误（/);
    // The wrong attempts above locked the account: the security admin unlocks it.
    const id = await userId('otp');
    await env.ctx.db.updateTable('users').set({ locked_until: new Date(env.clock.now().getTime() + 600_000).toISOString() }).where('id', '=', id).execute();
    expect((await login({ username: 'otp', password: 'Otp#Pass11', totp: recovery[1] })).statusCode).toBe(401);
    expect((await api.as('admin').post(`${API}/users/${id}/unlock`)).status).toBe(403);
    expect((await api.as('secadmin').post(`${API}/users/999999/unlock`)).status).toBe(404);
    expect((await api.as('secadmin').post(`${API}/users/${id}/unlock`)).body).toMatchObject({ locked: false, totpEnabled: true });
    t = (await login({ username: 'otp', password: 'Otp#Pass11', totp: recovery[1] })).json().token;
    expect((await call(t, 'GET', '/cases')).statusCode).toBe(200);
    // Reset by the security admin (audited): the sessions end, the login needs no code.
    expect((await api.as('admin').post(`${API}/users/${id}/totp/reset`)).status).toBe(403);
    expect((await api.as(null).post(`${API}/users/${id}/totp/reset`)).status).toBe(401);
    const reset = await api.as('secadmin').post(`${API}/users/${id}/totp/reset`);
    expect(reset.status).toBe(200);
    expect(reset.body.totpEnabled).toBe(false);
    expect((await call(t, 'GET', '/cases')).statusCode).toBe(401);
    expect((await login({ username: 'otp', password: 'Otp#Pass11' })).statusCode).toBe(200);
    const audit = (await api.as('auditor').get(`${API}/audit/records?action=user.totp_reset`)).body.items;
    expect(audit[0]).toMatchObject({ actor: 'secadmin', entityId: String(id) });
  });

  it('totpRequiredRoles (set on the console, effective at once): the login answers totpSetupRequired and only the set-up is allowed', async () => {
    const o = out();
    expect(await cli(['settings', 'set', 'totpRequiredRoles', '["leader"]'], o)).toBe(0);
    expect(await cli(['settings', 'set', 'totpRequiredRoles', 'not json'])).toBe(2);
    expect(await cli(['settings', 'set', 'totpRequiredRoles', '["boss"]'])).toBe(2);
    expect(await cli(['settings', 'set', 'noSuchKey', '1'])).toBe(2);
    // The running server sees it without a restart.
    expect((await api.as('admin').get(`${API}/settings`)).body.totpRequiredRoles).toEqual(['leader']);
    const r = await login({ username: 'leader', password: PASSWORD });
    expect(r.json()).toMatchObject({ totpSetupRequired: true, mustChangePassword: false });
    const t = r.json().token as string;
    expect((await call(t, 'GET', '/cases')).statusCode).toBe(403);
    expect((await call(t, 'GET', '/auth/me')).json()).toMatchObject({ totpSetupRequired: true, totpEnabled: false });
    const { secret } = (await call(t, 'POST', '/auth/totp/setup')).json() as { secret: string };
    expect((await call(t, 'POST', '/auth/totp/enable', { code: codeAt(secret, env.clock.now()) })).statusCode).toBe(200);
    expect((await call(t, 'GET', '/cases')).statusCode).toBe(200);
    const records = (await api.as('auditor').get(`${API}/audit/records?action=settings.update&actor=cli`)).body.items;
    expect(records[0].data).toMatchObject({ totpRequiredRoles: ['leader'] });
    expect(await cli(['settings', 'set', 'totpRequiredRoles', '[]'])).toBe(0);
    // The default requires it of the three administrators.
    await env.ctx.db.deleteFrom('settings').where('key', '=', 'totpRequiredRoles').execute();
    expect((await login({ username: 'auditor', password: PASSWORD })).json().totpSetupRequired).toBe(true);
    expect((await login({ username: 'admin', password: PASSWORD })).json().totpSetupRequired).toBe(true);
    expect((await login({ username: 'clerk', password: PASSWORD })).json().totpSetupRequired).toBe(false);
    expect(await cli(['settings', 'set', 'totpRequiredRoles', '[]'])).toBe(0);
  });

  it('audits every answer showing a reporter: the case, the list, the ledger export; the auditor filters them', async () => {
    const c = (await api.as('clerk').post(`${API}/cases`, intakeBody())).body;
    const before = (await api.as('auditor').get(`${API}/audit/records?action=case.read&limit=200`)).body.items.length;
    expect((await api.as('coord').get(`${API}/cases/${c.id}`)).status).toBe(200);
    const reads = (await api.as('auditor').get(`${API}/audit/records?action=case.read&actor=coord&limit=200`)).body;
    expect(reads.items.length).toBeGreaterThan(0);
    expect(reads.items[0]).toMatchObject({ actor: 'coord', actorName: '李行管', action: 'case.read', entityType: 'case', entityId: String(c.id), caseNo: c.caseNo });
    expect((await api.as('auditor').get(`${API}/audit/records?action=case.read&limit=200`)).body.items.length).toBe(before + 1);
    // The intake's answer too, recorded once, in the intake's own transaction (right after case.intake).
    const clerkReads = (await api.as('auditor').get(`${API}/audit/records?actor=clerk&limit=200`)).body.items.filter((i: { entityId: string }) => i.entityId === String(c.id));
    expect(clerkReads.map((i: { action: string }) => i.action)).toEqual(['case.read', 'case.intake']);
    expect(clerkReads[0].seq).toBe(clerkReads[1].seq + 1);
    expect((await api.as('coord').get(`${API}/cases?limit=5&phone=13800001234`)).status).toBe(200);
    const list = (await api.as('auditor').get(`${API}/audit/records?action=cases.read&limit=1`)).body.items[0];
    expect(list).toMatchObject({ actor: 'coord', entityType: 'cases' });
    expect(list.data.rows).toBeGreaterThan(0);
    expect(JSON.stringify(list.data)).not.toContain('13800001234');
    const x = await api.app.inject({ method: 'GET', url: `${API}/ledger.xlsx?status=received`, headers: bearer(api.tokens.coord!) });
    expect(x.statusCode).toBe(200);
    const exp = (await api.as('super').get(`${API}/audit/records?action=ledger.export&limit=1`)).body.items[0];
    expect(exp).toMatchObject({ actor: 'coord', data: { filter: { status: ['received'] }, rows: Number(x.headers['x-total-count']) } });
    // limit 1–200, cursor like every list.
    expect((await api.as('auditor').get(`${API}/audit/records?limit=0`)).status).toBe(400);
    expect((await api.as('auditor').get(`${API}/audit/records?limit=201`)).status).toBe(400);
    expect((await api.as('auditor').get(`${API}/audit/records?cursor=abc`)).status).toBe(400);
    expect((await api.as(null).get(`${API}/audit/records`)).status).toBe(401);
    const p1 = (await api.as('auditor').get(`${API}/audit/records?limit=2`)).body;
    const p2 = (await api.as('auditor').get(`${API}/audit/records?limit=2&cursor=${p1.nextCursor}`)).body;
    expect(p2.items[0].seq).toBeLessThan(p1.items[1].seq);
    // A call with an API key is recorded under the key's name.
    const key = (await api.as('admin').post(`${API}/api-keys`, { name: 'hotline-12345', role: 'coordinator' })).body;
    const viaKey = await api.app.inject({ method: 'GET', url: `${API}/cases/${c.id}`, headers: bearer(key.key) });
    expect(viaKey.statusCode).toBe(200);
    const byKey = (await api.as('auditor').get(`${API}/audit/records?actor=hotline-12345&action=case.read`)).body.items;
    expect(byKey[0]).toMatchObject({ actor: 'hotline-12345', entityId: String(c.id) });
  });
});
