import { describe, expect, it } from 'vitest';
import { DIALECTS, PASSWORD, type Api, type TestEnv, useApiEnv } from '../test/harness.js';

/** The channel an account takes reports on (issue 11): set by the administrator, answered with the session. */
describe.each(DIALECTS)('an account\'s own 登记 channel on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  useApiEnv(kind, (e, a) => ((env = e), (api = a)));

  const userId = async (username: string): Promise<number> =>
    (await api.as('admin').get('/api/v1/users')).body.items.find((u: any) => u.username === username).id;

  it('is null until set, in the user list and in the session', async () => {
    const users = (await api.as('admin').get('/api/v1/users')).body.items;
    expect(users.every((u: any) => u.intakeChannel === null)).toBe(true);
    const me = await api.as('clerk').get('/api/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user.intakeChannel).toBeNull();
  });

  it('is set by the administrator only, to a channel, for a role that may register', async () => {
    const id = await userId('clerk');
    expect((await api.as(null).patch(`/api/v1/users/${id}`, { intakeChannel: 'hotline' })).status).toBe(401);
    expect((await api.as('coord').patch(`/api/v1/users/${id}`, { intakeChannel: 'hotline' })).status).toBe(403);
    expect((await api.as('admin').patch('/api/v1/users/999999', { intakeChannel: 'hotline' })).status).toBe(404);
    const bad = await api.as('admin').patch(`/api/v1/users/${id}`, { intakeChannel: 'fax' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0]).toMatchObject({ field: 'intakeChannel' });
    const handler = await api.as('admin').patch(`/api/v1/users/${await userId('h_rs')}`, { intakeChannel: 'hotline' });
    expect(handler.status).toBe(400);
    expect(handler.body.error.message + JSON.stringify(handler.body.error.details)).toContain('承办部门不能登记反映件');
    // Nothing changed by the refusals.
    expect((await api.as('clerk').get('/api/v1/auth/me')).body.user.intakeChannel).toBeNull();

    const ok = await api.as('admin').patch(`/api/v1/users/${id}`, { intakeChannel: 'hotline' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ username: 'clerk', intakeChannel: 'hotline' });
    // The clerk's session goes on and now names the channel.
    expect((await api.as('clerk').get('/api/v1/auth/me')).body.user.intakeChannel).toBe('hotline');
    const audit = await env.ctx.db.selectFrom('audit_log').select(['actor', 'data']).where('action', '=', 'user.update').where('entity_id', '=', String(id)).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'admin' });
    expect(JSON.parse(audit[0]!.data)).toMatchObject({ intakeChannel: 'hotline' });
  });

  it('comes with the login answer, and goes back to the role default with null', async () => {
    const login = await api.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'clerk', password: PASSWORD } });
    expect(login.statusCode).toBe(200);
    expect(login.json().user.intakeChannel).toBe('hotline');
    const cleared = await api.as('admin').patch(`/api/v1/users/${await userId('clerk')}`, { intakeChannel: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.intakeChannel).toBeNull();
    await api.relogin();
  });

  it('is given when a user is added, and refused for a role that may not register', async () => {
    const refused = await api.as('admin').post('/api/v1/users', { username: 'lead2', role: 'leader', password: 'LongEnough1', intakeChannel: 'hotline' });
    expect(refused.status).toBe(400);
    expect((await api.as('admin').get('/api/v1/users')).body.items.some((u: any) => u.username === 'lead2')).toBe(false);
    const added = await api.as('admin').post('/api/v1/users', { username: 'hotline', role: 'clerk', name: '陈丽', password: 'LongEnough1', intakeChannel: 'hotline' });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ username: 'hotline', role: 'clerk', intakeChannel: 'hotline' });
  });

  it('is dropped when the account moves to a role that may not register', async () => {
    const id = await userId('hotline');
    const moved = await api.as('admin').patch(`/api/v1/users/${id}`, { role: 'leader' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ role: 'leader', intakeChannel: null });
  });
});
