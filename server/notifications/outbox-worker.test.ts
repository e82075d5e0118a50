import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/dialect.js';
import type { AppContext } from '../context.js';
import { DIALECTS, intakeBody, type Api, type TestEnv, useApiEnv } from '../test/harness.js';
import { backoffMs, deliverOutbox, OUTBOX_DEFAULTS, type OutboxWorkerOptions } from './outbox-worker.js';
import type { SmsMessage, SmsProvider } from './sms.js';

/** Records what it sends; fails the first `failures` calls. */
class RecordingSms implements SmsProvider {
  readonly name = 'recording';
  sent: SmsMessage[] = [];
  calls = 0;
  constructor(public failures = 0) {}
  async send(m: SmsMessage): Promise<void> {
    this.calls++;
    if (this.failures > 0) {
      this.failures--;
      throw new Error('网关暂时不可用（测试）');
    }
    this.sent.push(m);
  }
}

describe.each(DIALECTS)('outbox delivery on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  let sms: RecordingSms;
  // Thursday 2026-11-26 10:00 Asia/Shanghai.
  useApiEnv(kind, (e, a) => ((env = e), (api = a)), '2026-11-26T02:00:00.000Z');

  const deliver = (o: Partial<OutboxWorkerOptions> = {}) => deliverOutbox(env.ctx, { sms, ...o });
  const act = async (user: string, id: number, action: string, body: Record<string, unknown>) => {
    const r = await api.as(user).post(`/api/v1/cases/${id}/actions/${action}`, body);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  };
  const newCase = async (o: Record<string, unknown> = {}) => {
    const r = await api.as('clerk').post('/api/v1/cases', intakeBody(o));
    expect(r.status).toBe(201);
    return r.body;
  };
  const rows = (caseId: number) => env.ctx.db.selectFrom('outbox').selectAll().where('case_id', '=', caseId).orderBy('id').execute();
  const inbox = (username: string, caseId: number) =>
    env.ctx.db
      .selectFrom('notifications as n')
      .innerJoin('users as u', 'u.id', 'n.user_id')
      .select(['n.topic', 'n.title', 'n.body'])
      .where('u.username', '=', username)
      .where('n.case_id', '=', caseId)
      .orderBy('n.id')
      .execute();

  it('sends the receipt SMS to the reporter once, with the case number and the progress link', async () => {
    sms = new RecordingSms();
    await deliver(); // whatever earlier tests left
    sms = new RecordingSms();
    const c = await newCase({ reporter: { name: '李四', phone: '13912340001', kind: 'person' } });
    expect(await deliver()).toBe(1);
    expect(sms.sent).toHaveLength(1);
    const m = sms.sent[0]!;
    expect(m.to).toBe('13912340001');
    expect(m.topic).toBe('received');
    expect(m.text).toContain(c.caseNo);
    expect(m.text).toContain(`/public/track?caseNo=${c.caseNo}`);
    expect(m.text).toContain('个体工商户设立登记');
    expect(m.id).toMatch(/^bcs-outbox-\d+$/);
    const [row] = await rows(c.id);
    expect(row).toMatchObject({ attempts: 1, outcome: 'sent', last_error: null });
    expect(row!.delivered_at).not.toBeNull();
    expect(await deliver()).toBe(0);
    expect(sms.sent).toHaveLength(1);
  });

  it('retries a failing provider with exponential backoff on the clock: fails twice, then delivered once with attempts 3', async () => {
    sms = new RecordingSms(2);
    const c = await newCase();
    const base = OUTBOX_DEFAULTS.baseBackoffMs;
    expect(await deliver()).toBe(1);
    let [row] = await rows(c.id);
    expect(row).toMatchObject({ attempts: 1, delivered_at: null, outcome: null });
    expect(row!.last_error).toContain('网关暂时不可用');
    expect(Date.parse(row!.available_at) - env.clock.now().getTime()).toBe(backoffMs(1));

    env.clock.advance(base - 1);
    expect(await deliver()).toBe(0); // not due yet
    env.clock.advance(1);
    expect(await deliver()).toBe(1); // second attempt fails, backoff doubles
    [row] = await rows(c.id);
    expect(row).toMatchObject({ attempts: 2, delivered_at: null });
    expect(Date.parse(row!.available_at) - env.clock.now().getTime()).toBe(2 * base);

    env.clock.advance(2 * base - 1);
    expect(await deliver()).toBe(0);
    env.clock.advance(1);
    expect(await deliver()).toBe(1);
    [row] = await rows(c.id);
    expect(row).toMatchObject({ attempts: 3, outcome: 'sent', last_error: null });
    expect(sms.calls).toBe(3);
    expect(sms.sent).toHaveLength(1);
    env.clock.advance(24 * 3600_000);
    expect(await deliver()).toBe(0);
    expect(sms.sent).toHaveLength(1);
  });

  it('gives a message up after the last attempt, shows it to the admin, and requeues it on request', async () => {
    await api.relogin();
    sms = new RecordingSms(99);
    const c = await newCase();
    await deliver({ maxAttempts: 2 });
    env.clock.advance(OUTBOX_DEFAULTS.baseBackoffMs);
    await deliver({ maxAttempts: 2 });
    const [row] = await rows(c.id);
    expect(row).toMatchObject({ attempts: 2, outcome: 'dead', delivered_at: null });
    expect(row!.last_error).toContain('停止重试');
    env.clock.advance(24 * 3600_000);
    expect(await deliver({ maxAttempts: 2 })).toBe(0);

    await api.relogin();
    const summary = await api.as('admin').get('/api/v1/notification-outbox');
    expect(summary.status).toBe(200);
    expect(summary.body.dead).toBeGreaterThanOrEqual(1);
    expect(summary.body.failures.find((f: any) => f.id === row!.id)).toMatchObject({ dead: true, recipient: 'reporter', attempts: 2 });
    expect(JSON.stringify(summary.body)).not.toContain('13800001234');
    expect((await api.as('coord').get('/api/v1/notification-outbox')).status).toBe(403);
    expect((await api.as('coord').post(`/api/v1/notification-outbox/${row!.id}/retry`)).status).toBe(403);
    expect((await api.as('admin').post('/api/v1/notification-outbox/99999999/retry')).status).toBe(404);

    const retry = await api.as('admin').post(`/api/v1/notification-outbox/${row!.id}/retry`);
    expect(retry.status).toBe(200);
    expect((await api.as('admin').post(`/api/v1/notification-outbox/${row!.id}/retry`)).status).toBe(409);
    sms = new RecordingSms();
    expect(await deliver()).toBe(1);
    expect(sms.sent).toHaveLength(1);
    expect((await rows(c.id))[0]).toMatchObject({ outcome: 'sent', attempts: 1 });
  });

  it('tells each party through the loop: reporter by SMS, the lead department, supervisor and coordinator in-app', async () => {
    sms = new RecordingSms();
    await api.relogin();
    const c = await newCase({ reporter: { name: '王五', phone: '13700002222', kind: 'person' } });
    let v = await act('coord', c.id, 'urge', { version: c.version, note: '请尽快研判' }); // before dispatch: no department
    v = await act('coord', c.id, 'accept', { version: v.version, problemType: 'materials' });
    v = await act('coord', c.id, 'dispatch', { version: v.version, level: 1, leadDepartment: 'scjgj' });
    v = await act('leader', c.id, 'urge', { version: v.version, note: '群众很着急，请加快' });
    v = await act('h_scjg', c.id, 'sign', { version: v.version });
    v = await act('h_scjg', c.id, 'complete', { version: v.version, result: '已容缺受理并发放营业执照', repliedVia: 'phone' });
    await deliver();

    const out = await rows(c.id);
    const skipped = out.find((r) => r.topic === 'urged' && r.recipient === 'department:');
    expect(skipped).toMatchObject({ outcome: 'skipped' });
    expect(skipped!.last_error).toContain('尚未交办');
    expect(out.filter((r) => r.topic !== 'callback_invitation').every((r) => r.delivered_at !== null)).toBe(true);

    const texts = sms.sent.filter((m) => m.caseNo === c.caseNo);
    expect(texts.map((m) => m.topic)).toEqual(['received', 'accepted', 'completed']);
    expect(texts[2]!.text).toContain('已容缺受理并发放营业执照');
    expect(texts.every((m) => m.to === '13700002222')).toBe(true);

    const handler = await inbox('h_scjg', c.id);
    expect(handler.map((n) => n.topic)).toEqual(['dispatched', 'urged']);
    expect(handler[0]!.body).toMatch(/办理时限 2026年1[12]月\d{1,2}日 23:59/);
    expect(handler[1]!.body).toContain('群众很着急，请加快');
    expect(await inbox('h_rs', c.id)).toHaveLength(0);
    const sup = await inbox('super', c.id);
    expect(sup.map((n) => n.topic)).toEqual(['completed']);
    expect(sup[0]!.title).toContain(c.caseNo);
    expect(sup[0]!.body).toContain('抄报备案');
    expect(sup[0]!.body).toContain('县市场监管局');
    expect((await inbox('coord', c.id)).map((n) => n.topic)).toEqual(['completed']);
    for (const n of [...handler, ...sup]) expect(n.body).not.toContain('13700002222');

    // The callback invitation follows the completion SMS a few minutes later.
    expect(await deliver()).toBe(0);
    env.clock.advance(OUTBOX_DEFAULTS.callbackInvitationDelayMs);
    await deliver();
    const invite = sms.sent.filter((m) => m.caseNo === c.caseNo && m.topic === 'callback_invitation');
    expect(invite).toHaveLength(1);
    expect(invite[0]!.text).toContain('电话回访');
  });

  it('explains a rejection with its reason and the route the plan names, and turns an SMS to a landline into 电话告知', async () => {
    sms = new RecordingSms();
    const c = await newCase({ reporter: { name: '赵六', phone: '13600003333', kind: 'person' } });
    await act('coord', c.id, 'reject', { version: c.version, reasonCategory: 'litigation', explanation: '该纠纷已由法院立案审理' });
    const landline = await newCase({ reporter: { name: '钱七', phone: '023-74522706', kind: 'person' } });
    await deliver();
    const rejected = sms.sent.find((m) => m.caseNo === c.caseNo && m.topic === 'rejected')!;
    expect(rejected.text).toContain('涉诉：该纠纷已由法院立案审理');
    expect(rejected.text).toContain('如对不予受理有异议，可依法通过人民法院诉讼等司法途径反映');
    expect(sms.sent.some((m) => m.caseNo === landline.caseNo)).toBe(false);
    const [row] = await rows(landline.id);
    expect(row).toMatchObject({ outcome: 'phone' });
    expect(row!.last_error).toContain('不是手机号码');
    expect(row!.phone_text).toContain(landline.caseNo);
  });

  it('words extension, supervision and discipline-referral messages from their timeline events', async () => {
    sms = new RecordingSms();
    await api.relogin();
    const c = await newCase();
    let v = await act('coord', c.id, 'accept', { version: c.version, problemType: 'misconduct' });
    v = await act('coord', c.id, 'dispatch', { version: v.version, level: 1, leadDepartment: 'scjgj' });
    v = await act('h_scjg', c.id, 'sign', { version: v.version });
    v = await act('h_scjg', c.id, 'request-extension', { version: v.version, dueAt: '2026-12-18T18:00:00+08:00', reason: '需现场核查经营场所' });
    v = await act('coord', c.id, 'approve-extension', { version: v.version, note: '同意延期' });
    v = await act('super', c.id, 'supervise', { version: v.version, note: '限期查清窗口人员态度问题', dueAt: '2026-12-15T18:00:00+08:00' });
    v = await act('h_scjg', c.id, 'add-measure', { version: v.version, type: 'discipline_referral', note: '窗口人员索要好处，线索已移交' });
    await deliver();
    const coord = await inbox('coord', c.id);
    expect(coord.find((n) => n.topic === 'extension_requested')!.body).toMatch(/县市场监管局申请将反映件 .+）的办理时限延至 2026年12月18日 18:00，理由：需现场核查经营场所/);
    const handler = await inbox('h_scjg', c.id);
    expect(handler.find((n) => n.topic === 'extension_approved')!.body).toContain('办理时限为 2026年12月18日 18:00。审批意见：同意延期');
    expect(handler.find((n) => n.topic === 'supervised')!.body).toContain('请于 2026年12月15日 18:00 前办结并报告。督办要求：限期查清窗口人员态度问题');
    const sup = await inbox('super', c.id);
    expect(sup.find((n) => n.topic === 'discipline_referral')!.body).toContain('说明：窗口人员索要好处，线索已移交');
    const skipped = (await rows(c.id)).filter((r) => r.outcome !== 'sent' && r.topic !== 'callback_invitation');
    expect(skipped).toEqual([]);
  });

  it('uses an admin-edited template for the next message', async () => {
    sms = new RecordingSms();
    await api.relogin();
    const put = await api.as('admin').put('/api/v1/notification-templates/received/reporter', { body: '【测试】已收到：{caseNo}，事项：{matter}' });
    expect(put.status).toBe(200);
    const c = await newCase();
    await deliver();
    expect(sms.sent.find((m) => m.caseNo === c.caseNo)!.text).toBe(`【测试】已收到：${c.caseNo}，事项：个体工商户设立登记`);
    expect((await api.as('admin').patch('/api/v1/notification-templates/received/reporter')).status).toBe(404);
    expect((await api.app.inject({ method: 'DELETE', url: '/api/v1/notification-templates/received/reporter', headers: { authorization: `Bearer ${api.tokens.admin}` } })).statusCode).toBe(200);
  });

  it('fences a worker whose lease ran out: the late worker writes nothing, the message stays delivered once', async () => {
    const c = await newCase();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: SmsProvider & { calls: number } = {
      name: 'slow',
      calls: 0,
      async send() {
        this.calls++;
        await gate;
      },
    };
    const first = deliverOutbox(env.ctx, { sms: slow, leaseMs: 60_000 });
    await new Promise((r) => setTimeout(r, 50));
    env.clock.advance(61_000);
    sms = new RecordingSms();
    expect(await deliver({ leaseMs: 60_000 })).toBe(1);
    release();
    await first;
    const [row] = await rows(c.id);
    expect(row).toMatchObject({ attempts: 2, outcome: 'sent' });
    expect(sms.sent).toHaveLength(1);
    expect(slow.calls).toBe(1); // the documented at-least-once edge of SMS: the same idempotency key twice
  });

  it('delivers each of many messages exactly once with two workers racing' + (kind === 'postgres' ? ' on two connection pools' : ''), async () => {
    await deliver({ sms: new RecordingSms() });
    const c = await newCase();
    const at = env.clock.now().toISOString();
    const recipients = ['coordinator', 'department:scjgj', 'reporter', 'supervisor'];
    const values = Array.from({ length: 240 }, (_, i) => ({
      topic: ['completed', 'dispatched', 'received', 'completed'][i % 4]!,
      case_id: c.id,
      recipient: recipients[i % 4]!,
      payload: JSON.stringify({ caseNo: c.caseNo, n: i }),
      created_at: at,
      available_at: at,
      attempts: 0,
    }));
    const ids: number[] = [];
    for (let i = 0; i < values.length; i += 60) {
      ids.push(...(await env.ctx.db.insertInto('outbox').values(values.slice(i, i + 60)).returning('id').execute()).map((r) => r.id));
    }
    const second = kind === 'postgres' ? openDatabase(env.url, { poolSize: 4 }) : null;
    const ctx2: AppContext = second ? { db: second.db, kind: second.kind, clock: env.clock } : env.ctx;
    const sms1 = new RecordingSms();
    const sms2 = new RecordingSms();
    try {
      for (let round = 0; round < 50; round++) {
        const [a, b] = await Promise.all([
          deliverOutbox(env.ctx, { sms: sms1, batchSize: 7, maxBatches: 3 }),
          deliverOutbox(ctx2, { sms: sms2, batchSize: 7, maxBatches: 3 }),
        ]);
        if (a + b === 0) break;
      }
    } finally {
      await second?.close();
    }
    const delivered = await env.ctx.db.selectFrom('outbox').selectAll().where('id', 'in', ids).execute();
    expect(delivered.every((r) => r.delivered_at !== null && r.attempts === 1 && r.outcome === 'sent')).toBe(true);
    const smsIds = [...sms1.sent, ...sms2.sent].map((m) => m.id).filter((id) => ids.includes(Number(id.slice('bcs-outbox-'.length))));
    expect(smsIds).toHaveLength(60);
    expect(new Set(smsIds).size).toBe(60);
    if (kind === 'postgres') {
      expect(sms1.sent.length).toBeGreaterThan(0);
      expect(sms2.sent.length).toBeGreaterThan(0);
    }
    const notes = await env.ctx.db.selectFrom('notifications').select(['outbox_id', 'user_id']).where('outbox_id', 'in', ids).execute();
    // coordinator: 1 user, department scjgj: 1 handler, supervisor: 1 user → 180 messages, one notification each.
    expect(notes).toHaveLength(180);
    expect(new Set(notes.map((n) => `${n.outbox_id}/${n.user_id}`)).size).toBe(180);
  });
});
