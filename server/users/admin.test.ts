import { describe, expect, it } from 'vitest';
import { DIALECTS, type Api, type TestEnv, TEST_DATA_KEY_HEX, useApiEnv } from '../test/harness.js';
import { main } from '../cli.js';

describe.each(DIALECTS)('administration on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  useApiEnv(kind, (e, a) => ((env = e), (api = a)));

  it('adds departments and users (admin only), refusing duplicates and bad input', async () => {
    expect((await api.as('coord').post('/api/v1/departments', { code: 'mzj', name: '县民政局' })).status).toBe(403);
    const d = await api.as('admin').post('/api/v1/departments', { code: 'mzj', name: '县民政局' });
    expect(d.status).toBe(201);
    expect((await api.as('admin').post('/api/v1/departments', { code: 'mzj', name: '县民政局' })).status).toBe(409);
    expect((await api.as('admin').post('/api/v1/departments', { code: 'Bad Code', name: '' })).status).toBe(400);
    const list = await api.as('clerk').get('/api/v1/departments');
    expect(list.body.items.map((x: any) => x.code)).toContain('mzj');

    const u = await api.as('admin').post('/api/v1/users', { username: 'h_mz', role: 'handler', department: 'mzj', name: '民政承办人', password: 'LongEnough1' });
    expect(u.status).toBe(201);
    expect(u.body).toMatchObject({ username: 'h_mz', role: 'handler', department: 'mzj' });
    expect((await api.as('admin').post('/api/v1/users', { username: 'h_x', role: 'handler', password: 'LongEnough1' })).status).toBe(400);
    expect((await api.as('admin').post('/api/v1/users', { username: 'h_y', role: 'handler', department: 'nosuch', password: 'LongEnough1' })).status).toBe(400);
    expect((await api.as('admin').post('/api/v1/users', { username: 'h_z', role: 'boss', password: 'LongEnough1' })).status).toBe(400);
    expect((await api.as('admin').post('/api/v1/users', { username: 'h_mz', role: 'clerk', password: 'LongEnough1' })).status).toBe(409);
    expect((await api.as('admin').patch('/api/v1/users/999999', { disabled: true })).status).toBe(404);
  });

  it('changes a user\'s role and department, and renames or disables a department', async () => {
    const users = (await api.as('admin').get('/api/v1/users')).body.items;
    const h = users.find((x: any) => x.username === 'h_rs');
    expect((await api.as('admin').patch(`/api/v1/users/${h.id}`, { department: null })).status).toBe(400);
    expect((await api.as('admin').patch(`/api/v1/users/${h.id}`, { department: 'nosuch' })).status).toBe(400);
    const moved = await api.as('admin').patch(`/api/v1/users/${h.id}`, { department: 'zjw' });
    expect(moved.body).toMatchObject({ role: 'handler', department: 'zjw' });
    expect((await api.as('h_rs').get('/api/v1/auth/me')).status).toBe(401); // sessions ended
    await api.as('admin').patch(`/api/v1/users/${h.id}`, { department: 'rsj' });
    const self = users.find((x: any) => x.username === 'admin');
    expect((await api.as('admin').patch(`/api/v1/users/${self.id}`, { role: 'clerk' })).status).toBe(400);
    const d = await api.as('admin').patch('/api/v1/departments/ybj', { name: '县医疗保障局', disabled: true });
    expect(d.body).toEqual({ code: 'ybj', name: '县医疗保障局', disabled: true });
    expect((await api.as('coord').patch('/api/v1/departments/ybj', { disabled: false })).status).toBe(403);
    expect((await api.as('admin').patch('/api/v1/departments/nosuch', { disabled: false })).status).toBe(404);
    await api.relogin();
  });

  it('resets a password', async () => {
    const users = (await api.as('admin').get('/api/v1/users')).body.items;
    const c = users.find((x: any) => x.username === 'clerk');
    expect((await api.as('admin').patch(`/api/v1/users/${c.id}`, { password: 'Brand-new-pass' })).status).toBe(200);
    const r = await api.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'clerk', password: 'Brand-new-pass' } });
    expect(r.statusCode).toBe(200);
    expect(r.json().mustChangePassword).toBe(true);
    expect((await api.as('admin').patch(`/api/v1/users/${c.id}`, { password: 'short' })).status).toBe(400);
  });

  it('keeps level day counts as settings that dispatch honours', async () => {
    expect((await api.as('coord').put('/api/v1/settings', { levelDays: { 1: 3, 2: 6 } })).status).toBe(403);
    const s = await api.as('admin').put('/api/v1/settings', { levelDays: { 1: 3, 2: 6 } });
    expect(s.status).toBe(200);
    expect(s.body.levelDays).toEqual({ 1: 3, 2: 6 });
    expect((await api.as('admin').put('/api/v1/settings', { levelDays: { 1: 0, 2: 6 } })).status).toBe(400);
    await api.as('admin').put('/api/v1/settings', { levelDays: { 1: 2, 2: 5 } });
  });

  it('bcs department add and user add (password from stdin)', async () => {
    const logs: string[] = [];
    const out = (stdin: string) => ({ log: (s: string) => logs.push(s), err: (s: string) => logs.push(s), stdin: async () => stdin });
    expect(await main(['department', 'add', 'swj', '县税务局'], out(''), { DATABASE_URL: env.url, BCS_DATA_KEY: TEST_DATA_KEY_HEX })).toBe(0);
    expect(await main(['department', 'add', 'swj', '县税务局'], out(''), { DATABASE_URL: env.url, BCS_DATA_KEY: TEST_DATA_KEY_HEX })).toBe(1);
    expect(await main(['user', 'add', 'h_sw', '--role', 'handler', '--department', 'swj', '--name', '税务承办人'], out('Cli-password-1\n'), { DATABASE_URL: env.url, BCS_DATA_KEY: TEST_DATA_KEY_HEX })).toBe(0);
    expect(await main(['user', 'add', 'h_sw2', '--role', 'handler'], out('Cli-password-1\n'), { DATABASE_URL: env.url, BCS_DATA_KEY: TEST_DATA_KEY_HEX })).toBe(2);
    const r = await api.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'h_sw', password: 'Cli-password-1' } });
    expect(r.statusCode).toBe(200);
    expect(r.json().user).toMatchObject({ role: 'handler', department: 'swj', name: '税务承办人' });
    // --mobile: a mainland mobile (sealed, masked in the list), anything else refused.
    expect(await main(['user', 'add', 'h_sw3', '--role', 'handler', '--department', 'swj', '--mobile', '023-1234567'], out('Cli-password-1\n'), { DATABASE_URL: env.url, BCS_DATA_KEY: TEST_DATA_KEY_HEX })).toBe(2);
    expect(logs.at(-1)).toContain('手机号码');
    expect(await main(['user', 'add', 'h_sw3', '--role', 'handler', '--department', 'swj', '--mobile', '13900000003'], out('Cli-password-1\n'), { DATABASE_URL: env.url, BCS_DATA_KEY: TEST_DATA_KEY_HEX })).toBe(0);
    const listed = (await api.as('admin').get('/api/v1/users')).body.items.find((u: any) => u.username === 'h_sw3');
    expect(listed.mobileMasked).toBe('139****0003');
    expect((await env.ctx.db.selectFrom('users').select('mobile').where('username', '=', 'h_sw3').executeTakeFirstOrThrow()).mobile).toMatch(/^enc1:/);
  });
});
