/**
 * Nobody silently skipped (issue 13 item 4), on both databases: a message to the reporter that
 * cannot go by SMS (a landline, or the gateway gave up) becomes the coordinator's to-do 电话告知
 * with the text to read out; 已电话告知 is recorded on the timeline and audited; the case page's
 * list shows each message's delivery state.
 */
import { describe, expect, it } from 'vitest';
import { DIALECTS, intakeBody, type Api, type TestEnv, useApiEnv } from '../test/harness.js';
import { deliverOutbox } from './outbox-worker.js';
import type { SmsMessage, SmsProvider } from './sms.js';

class Gateway implements SmsProvider {
  readonly name = 'test';
  sent: SmsMessage[] = [];
  constructor(public failing = false) {}
  async send(m: SmsMessage): Promise<void> {
    if (this.failing) throw new Error('短信网关返回 503（测试）');
    this.sent.push(m);
  }
}

describe.each(DIALECTS)('messages to the reporter that cannot go by SMS on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  useApiEnv(kind, (e, a) => ((env = e), (api = a)));

  const todo = async () => ((await api.as('coord').get('/api/v1/cases/todo')).body.items as Array<{ kind: string; label: string; count: number; query: string }>).find((i) => i.kind === 'to_phone');
  const messages = async (id: number, user = 'coord') => (await api.as(user).get(`/api/v1/cases/${id}/messages`)).body.items as Array<Record<string, any>>;

  it('turns an SMS to a landline into a to-do 电话告知 with the text; 已电话告知 is recorded and audited', async () => {
    const before = (await todo())?.count ?? 0;
    const c = (await api.as('clerk').post('/api/v1/cases', intakeBody({ reporter: { name: '李四', phone: '023-74522706', kind: 'person' } }))).body;
    const gw = new Gateway();
    await deliverOutbox(env.ctx, { sms: gw });
    expect(gw.sent.filter((m) => m.caseNo === c.caseNo)).toEqual([]);

    const [received] = await messages(c.id);
    expect(received).toMatchObject({ topic: 'received', topicLabel: '登记回执', state: 'to_phone', stateLabel: '待电话告知', phonedAt: null });
    expect(received!.text).toContain(c.caseNo);
    expect(received!.note).toContain('不是手机号码');
    const t = await todo();
    expect(t).toMatchObject({ label: '电话告知', query: 'phoneDue=true', count: before + 1 });
    expect((await api.as('coord').get('/api/v1/cases?phoneDue=true')).body.items.map((i: { id: number }) => i.id)).toContain(c.id);
    // Only the coordinator has the to-do.
    expect(((await api.as('clerk').get('/api/v1/cases/todo')).body.items as Array<{ kind: string }>).some((i) => i.kind === 'to_phone')).toBe(false);

    const url = `/api/v1/cases/${c.id}/messages/${received!.id}/phoned`;
    expect((await api.as(null).post(url, {})).status).toBe(401);
    expect((await api.as('clerk').post(url, {})).status).toBe(403);
    expect((await api.as('coord').post(`/api/v1/cases/${c.id}/messages/999999/phoned`, {})).status).toBe(404);
    expect((await api.as('coord').post(`/api/v1/cases/999999/messages/${received!.id}/phoned`, {})).status).toBe(404);
    expect((await api.as('coord').post(url, { note: 'x'.repeat(501) })).status).toBe(400);
    const done = await api.as('coord').post(url, { note: '已电话告知编号' });
    expect(done.status).toBe(200);
    expect(done.body.items[0]).toMatchObject({ state: 'phoned', stateLabel: '已电话告知', phonedBy: 'coord' });
    expect((await api.as('coord').post(url, {})).status).toBe(409);
    expect((await todo())!.count).toBe(before);

    const detail = (await api.as('coord').get(`/api/v1/cases/${c.id}`)).body;
    expect(detail.events.at(-1)).toMatchObject({ type: 'reporter_phoned', by: 'coord', data: { messageId: received!.id, topic: 'received', note: '已电话告知编号' } });
    const audit = await env.ctx.db.selectFrom('audit_log').select(['actor', 'action']).where('entity_id', '=', String(c.id)).where('action', '!=', 'case.read').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(audit).toEqual({ actor: 'coord', action: 'case.reporter_phoned' });
  });

  it('turns a message the gateway gave up on into 电话告知; a message still retrying reads 发送失败（将重试）', async () => {
    const c = (await api.as('clerk').post('/api/v1/cases', intakeBody())).body;
    await deliverOutbox(env.ctx, { sms: new Gateway(true), maxAttempts: 2 });
    expect((await messages(c.id))[0]).toMatchObject({ state: 'failed', stateLabel: '发送失败（将重试）', text: null });
    env.clock.advance(60_000);
    await deliverOutbox(env.ctx, { sms: new Gateway(true), maxAttempts: 2 });
    const [m] = await messages(c.id);
    expect(m).toMatchObject({ state: 'to_phone', stateLabel: '待电话告知' });
    expect(m!.text).toContain(c.caseNo);
    expect(m!.note).toContain('停止重试');
    // A handler of another department does not see the case, nor its messages.
    expect((await api.as('h_zj').get(`/api/v1/cases/${c.id}/messages`)).status).toBe(404);
  });

  it('shows a sent message as 已发送 and a waiting one as 待发送', async () => {
    const c = (await api.as('clerk').post('/api/v1/cases', intakeBody())).body;
    expect((await messages(c.id))[0]).toMatchObject({ state: 'waiting', stateLabel: '待发送', deliveredAt: null });
    await deliverOutbox(env.ctx, { sms: new Gateway() });
    expect((await messages(c.id))[0]).toMatchObject({ state: 'sent', stateLabel: '已发送' });
    const r = await api.as('coord').post(`/api/v1/cases/${c.id}/messages/${(await messages(c.id))[0]!.id}/phoned`, {});
    expect(r.status).toBe(409); // sent by SMS: nothing to phone
  });
});
