import { describe, expect, it } from 'vitest';
import { DIALECTS, intakeBody, type Api, type TestEnv, useApiEnv } from '../test/harness.js';
import { deliverOutbox } from './outbox-worker.js';
import type { SmsProvider } from './sms.js';

const quietSms: SmsProvider = { name: 'null', send: async () => undefined };

describe.each(DIALECTS)('notification routes on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  let caseId: number;
  useApiEnv(
    kind,
    async (e, a) => {
      env = e;
      api = a;
      const c = (await api.as('clerk').post('/api/v1/cases', intakeBody())).body;
      caseId = c.id;
      let r = await api.as('coord').post(`/api/v1/cases/${c.id}/actions/accept`, { version: 1, problemType: 'unable' });
      r = await api.as('coord').post(`/api/v1/cases/${c.id}/actions/dispatch`, { version: r.body.version, level: 1, leadDepartment: 'scjgj' });
      r = await api.as('super').post(`/api/v1/cases/${c.id}/actions/urge`, { version: r.body.version, note: '请加快办理' });
      expect(r.status).toBe(200);
      await deliverOutbox(env.ctx, { sms: quietSms });
    },
    '2026-11-26T02:00:00.000Z',
  );

  it('shows a user only their own notifications, newest first, with the unread count', async () => {
    const mine = await api.as('h_scjg').get('/api/v1/notifications');
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((n: any) => n.topic)).toEqual(['urged', 'dispatched']);
    expect(mine.body.unreadCount).toBe(2);
    expect(mine.body.items[0]).toMatchObject({ caseId, read: false, readAt: null, topicLabel: '催办' });
    expect(mine.body.items[0].caseNo).toMatch(/^2026-\d{6}$/);
    expect(mine.body.items[0].createdAt).toMatch(/\+08:00$/);
    expect((await api.as('h_scjg').get('/api/v1/notifications/unread-count')).body).toEqual({ count: 2 });

    const other = await api.as('h_rs').get('/api/v1/notifications');
    expect(other.body).toMatchObject({ items: [], unreadCount: 0, nextCursor: null });
    expect((await api.as('clerk').get('/api/v1/notifications/unread-count')).body.count).toBe(0);
  });

  it('pages with a cursor and filters unread', async () => {
    const p1 = await api.as('h_scjg').get('/api/v1/notifications?limit=1');
    expect(p1.body.items).toHaveLength(1);
    expect(p1.body.nextCursor).not.toBeNull();
    const p2 = await api.as('h_scjg').get(`/api/v1/notifications?limit=1&cursor=${p1.body.nextCursor}`);
    expect(p2.body.items[0].id).toBeLessThan(p1.body.items[0].id);
    expect(p2.body.nextCursor).toBeNull();
  });

  it('marks one read (only one’s own: another user’s is a 404), then all', async () => {
    const items = (await api.as('h_scjg').get('/api/v1/notifications')).body.items;
    const id = items[0].id;
    const stranger = await api.as('h_rs').post(`/api/v1/notifications/${id}/read`);
    expect(stranger.status).toBe(404);
    expect(stranger.body.error.code).toBe('NOT_FOUND');
    expect((await api.as('h_scjg').post('/api/v1/notifications/abc/read')).status).toBe(404);
    expect((await api.as('h_scjg').post('/api/v1/notifications/999999/read')).status).toBe(404);

    const r = await api.as('h_scjg').post(`/api/v1/notifications/${id}/read`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id, read: true, unreadCount: 1 });
    const again = await api.as('h_scjg').post(`/api/v1/notifications/${id}/read`);
    expect(again.body.readAt).toBe(r.body.readAt);
    const unread = await api.as('h_scjg').get('/api/v1/notifications?unread=true');
    expect(unread.body.items.map((n: any) => n.id)).not.toContain(id);

    const all = await api.as('h_scjg').post('/api/v1/notifications/read-all');
    expect(all.body).toEqual({ updated: 1, unreadCount: 0 });
    expect((await api.as('h_scjg').get('/api/v1/notifications/unread-count')).body.count).toBe(0);
  });

  it('refuses bad queries with 400 and strangers with 401', async () => {
    for (const q of ['limit=0', 'limit=201', 'limit=x', 'unread=yes', 'cursor=-1']) {
      const r = await api.as('h_scjg').get(`/api/v1/notifications?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION');
    }
    expect((await api.as(null).get('/api/v1/notifications')).status).toBe(401);
    expect((await api.as(null).get('/api/v1/notifications/unread-count')).status).toBe(401);
    expect((await api.as(null).post('/api/v1/notifications/read-all')).status).toBe(401);
  });

  it('lets only an admin read and edit templates; unknown placeholders are a 400', async () => {
    for (const u of ['clerk', 'coord', 'h_scjg', 'super', 'leader']) {
      expect((await api.as(u).get('/api/v1/notification-templates')).status, u).toBe(403);
      expect((await api.as(u).put('/api/v1/notification-templates/dispatched/department', { body: '新交办 {caseNo}' })).status, u).toBe(403);
    }
    const list = await api.as('admin').get('/api/v1/notification-templates');
    expect(list.status).toBe(200);
    const keys = list.body.items.map((t: any) => `${t.topic}.${t.audience}`);
    for (const k of ['received.reporter', 'accepted.reporter', 'rejected.reporter', 'completed.reporter', 'completed.supervisor', 'completed.coordinator', 'callback_invitation.reporter', 'dispatched.department', 'urged.department', 'due_soon.department', 'overdue.department', 'bad_review.supervisor', 'escalation_requested.leader', 'rectify.department', 'measure_due_soon.reporter', 'measure_overdue.department', 'discipline_referral.supervisor']) {
      expect(keys).toContain(k);
    }
    expect(list.body.items.find((t: any) => t.topic === 'rejected').body).toContain('{route}');
    expect(list.body.placeholders.map((p: any) => p.token)).toContain('{trackUrl}');

    const bad = await api.as('admin').put('/api/v1/notification-templates/dispatched/department', { body: '交办 {caseNo}，联系 {phone}' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ field: 'body', message: '未知的占位符 {phone}' }]);
    const brace = await api.as('admin').put('/api/v1/notification-templates/dispatched/department', { title: '交办 {caseNo', body: '交办 {caseNo}' });
    expect(brace.status).toBe(400);
    expect(brace.body.error.details[0].field).toBe('title');
    expect((await api.as('admin').put('/api/v1/notification-templates/dispatched/department', { body: '' })).status).toBe(400);
    expect((await api.as('admin').put('/api/v1/notification-templates/dispatched/department', { body: 'x'.repeat(501) })).status).toBe(400);
    expect((await api.as('admin').put('/api/v1/notification-templates/nonsense/department', { body: 'x' })).status).toBe(404);
    expect((await api.as('admin').put('/api/v1/notification-templates/dispatched/reporter', { body: 'x' })).status).toBe(404);

    const ok = await api.as('admin').put('/api/v1/notification-templates/dispatched/department', { title: '交办 {caseNo}', body: '请签收 {caseNo}（{matter}），时限 {dueAt}' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ customized: true, title: '交办 {caseNo}', channel: 'inapp', updatedBy: 'admin' });
    expect(ok.body.defaultBody).toContain('请及时签收办理');
    const audit = await env.ctx.db.selectFrom('audit_log').select('action').where('action', '=', 'notification_template.save').execute();
    expect(audit).toHaveLength(1);

    const reset = await api.app.inject({ method: 'DELETE', url: '/api/v1/notification-templates/dispatched/department', headers: { authorization: `Bearer ${api.tokens.admin}` } });
    expect(reset.statusCode).toBe(200);
    expect(reset.json()).toMatchObject({ customized: false, updatedBy: null });
    const forbidden = await api.app.inject({ method: 'DELETE', url: '/api/v1/notification-templates/dispatched/department', headers: { authorization: `Bearer ${api.tokens.coord}` } });
    expect(forbidden.statusCode).toBe(403);
  });
});
