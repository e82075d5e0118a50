/**
 * Staff SMS (issue 13, item 3) through the API and the jobs, on both databases: a user's own
 * mobile number and SMS choices (个人设置), and one SMS per opted-in user with a number for a new
 * 交办, a contest decision, a 督办 and a case turning overdue (handlers) and a new 派单异议
 * (coordinators) — enqueued with the event, delivered exactly once by the one outbox job.
 */
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/dialect.js';
import type { AppContext } from '../context.js';
import { DIALECTS, intakeBody, type Api, type TestEnv, useApiEnv } from '../test/harness.js';
import { deliverOutbox } from './outbox-worker.js';
import type { SmsMessage, SmsProvider } from './sms.js';
import { runDeadlineSweep } from '../jobs/deadline-sweep.js';
import { changeMySettings } from '../users/my-settings.js';
import { findUserByUsername } from '../users/user.repository.js';
import { staffSmsSendableAt } from '../../core/staff-sms.js';

class RecordingSms implements SmsProvider {
  readonly name = 'recording';
  sent: SmsMessage[] = [];
  async send(m: SmsMessage): Promise<void> {
    this.sent.push(m);
  }
}

describe('staff SMS daytime', () => {
  it('holds a message due at night until 08:00 Asia/Shanghai', () => {
    const at = (s: string) => staffSmsSendableAt(new Date(s)).toISOString();
    expect(at('2026-11-26T02:00:00.000Z')).toBe('2026-11-26T02:00:00.000Z'); // 10:00
    expect(at('2026-11-26T12:59:59.000Z')).toBe('2026-11-26T12:59:59.000Z'); // 20:59:59
    expect(at('2026-11-26T13:00:00.000Z')).toBe('2026-11-27T00:00:00.000Z'); // 21:00 → next 08:00
    expect(at('2026-11-30T16:00:00.000Z')).toBe('2026-12-01T00:00:00.000Z'); // 00:00 → 08:00
    expect(at('2026-12-31T23:30:00.000Z')).toBe('2027-01-01T00:00:00.000Z'); // 07:30 on 1 Jan → 08:00
  });
});

describe.each(DIALECTS)('staff SMS on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  // Thursday 2026-11-26 10:00 Asia/Shanghai.
  useApiEnv(kind, (e, a) => ((env = e), (api = a)), '2026-11-26T02:00:00.000Z');

  const get = async (user: string, id: number) => (await api.as(user).get(`/api/v1/cases/${id}`)).body;
  const ok = async (user: string, id: number, action: string, body: Record<string, unknown> = {}) => {
    const version = (await get('coord', id)).version;
    const r = await api.as(user).post(`/api/v1/cases/${id}/actions/${action}`, { version, ...body });
    if (r.status !== 200) throw new Error(`${action} by ${user}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const newCase = async (o: Record<string, unknown> = {}) => {
    const r = await api.as('clerk').post('/api/v1/cases', intakeBody(o));
    expect(r.status).toBe(201);
    return r.body as { id: number; caseNo: string; version: number };
  };
  const dispatched = async (lead = 'scjgj') => {
    const c = await newCase();
    await ok('coord', c.id, 'accept', { problemType: 'materials' });
    await ok('coord', c.id, 'dispatch', { level: 1, leadDepartment: lead });
    return c;
  };
  const userId = async (username: string) => (await findUserByUsername(env.ctx.db, username))!.user.id;
  /** The staff SMS rows of a case and topic, as usernames. */
  const smsTo = async (caseId: number, topic: string) => {
    const rows = await env.ctx.db
      .selectFrom('outbox')
      .select(['recipient'])
      .where('case_id', '=', caseId)
      .where('topic', '=', topic)
      .where('recipient', 'like', 'user:%')
      .orderBy('id')
      .execute();
    const names = await env.ctx.db.selectFrom('users').select(['id', 'username']).execute();
    return rows.map((r) => names.find((n) => `user:${n.id}` === r.recipient)!.username);
  };
  const setChoices = async (username: string, body: { mobile?: string | null; smsEvents?: any[] }) =>
    changeMySettings(env.ctx, (await findUserByUsername(env.ctx.db, username))!.user, body);

  it('refuses a mobile number that is not a mainland mobile, in Chinese, and changes nothing', async () => {
    const bad = await api.as('admin').post('/api/v1/users', { username: 'h_bad', role: 'handler', department: 'scjgj', password: 'LongEnough1', mobile: '023-12345678' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0]).toMatchObject({ field: 'mobile' });
    expect(bad.body.error.details[0].message).toContain('手机号码');
    expect((await api.as('admin').get('/api/v1/users')).body.items.some((u: any) => u.username === 'h_bad')).toBe(false);
    const id = await userId('h_rs');
    for (const mobile of ['1234567890', '12800001111', '138000011112', 'abc']) {
      const r = await api.as('admin').patch(`/api/v1/users/${id}`, { mobile });
      expect(r.status, mobile).toBe(400);
      expect(r.body.error.details[0].field).toBe('mobile');
    }
    const self = await api.as('h_rs').put('/api/v1/me/settings', { mobile: '0231234567' });
    expect(self.status).toBe(400);
    expect(self.body.error.details[0].message).toContain('手机号码');
    expect((await api.as('h_rs').get('/api/v1/me/settings')).body.mobile).toBeNull();
  });

  it('lets the administrator give a number (shown masked, stored sealed, audited masked)', async () => {
    const added = await api.as('admin').post('/api/v1/users', { username: 'h_scjg2', name: '郑市监', role: 'handler', department: 'scjgj', password: 'LongEnough1', mobile: '139 0000 0002' });
    expect(added.status).toBe(201);
    expect(added.body.mobileMasked).toBe('139****0002');
    expect(JSON.stringify(added.body)).not.toContain('13900000002');
    const added3 = await api.as('admin').post('/api/v1/users', { username: 'h_scjg3', name: '冯市监', role: 'handler', department: 'scjgj', password: 'LongEnough1' });
    expect(added3.body.mobileMasked).toBeNull();
    const raw = await env.ctx.db.selectFrom('users').select('mobile').where('username', '=', 'h_scjg2').executeTakeFirstOrThrow();
    expect(raw.mobile).toMatch(/^enc1:/);
    const list = (await api.as('admin').get('/api/v1/users')).body;
    expect(JSON.stringify(list)).not.toContain('13900000002');
    expect(list.items.find((u: any) => u.username === 'h_scjg2').mobileMasked).toBe('139****0002');
    const audit = await env.ctx.db.selectFrom('audit_log').select('data').where('action', '=', 'user.add').where('entity_id', '=', String(added.body.id)).executeTakeFirstOrThrow();
    expect(audit.data).toContain('139****0002');
    expect(audit.data).not.toContain('13900000002');
    // The administrator removes and gives back the number.
    expect((await api.as('admin').patch(`/api/v1/users/${added.body.id}`, { mobile: null })).body.mobileMasked).toBeNull();
    expect((await api.as('admin').patch(`/api/v1/users/${added.body.id}`, { mobile: '13900000002' })).body.mobileMasked).toBe('139****0002');
  });

  it('lets a user edit their own settings only', async () => {
    expect((await api.as(null).get('/api/v1/me/settings')).status).toBe(401);
    expect((await api.as(null).put('/api/v1/me/settings', { mobile: '13900000001' })).status).toBe(401);
    const before = (await api.as('h_scjg').get('/api/v1/me/settings')).body;
    expect(before).toEqual({
      mobile: null,
      mobileMasked: null,
      smsEvents: ['dispatch', 'supervision', 'overdue'],
      availableSmsEvents: [
        { event: 'dispatch', label: '新交办', byDefault: true },
        { event: 'contestDecision', label: '异议处理结果', byDefault: false },
        { event: 'supervision', label: '督办', byDefault: true },
        { event: 'overdue', label: '案件超期', byDefault: true },
      ],
    });
    expect((await api.as('coord').get('/api/v1/me/settings')).body).toMatchObject({ smsEvents: ['contest'], availableSmsEvents: [{ event: 'contest', label: '新的派单异议', byDefault: true }] });
    expect((await api.as('leader').get('/api/v1/me/settings')).body).toMatchObject({ smsEvents: [], availableSmsEvents: [] });

    const saved = await api.as('h_scjg').put('/api/v1/me/settings', { mobile: '13900000001' });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ mobile: '13900000001', mobileMasked: '139****0001', smsEvents: ['dispatch', 'supervision', 'overdue'] });
    // An event of another role, or an unknown one → 400, nothing changed.
    const foreign = await api.as('h_scjg').put('/api/v1/me/settings', { mobile: '13900000009', smsEvents: ['contest'] });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.details[0]).toMatchObject({ field: 'smsEvents' });
    expect((await api.as('h_scjg').put('/api/v1/me/settings', { smsEvents: ['nosuch'] })).status).toBe(400);
    expect((await api.as('h_scjg').get('/api/v1/me/settings')).body.mobile).toBe('13900000001');
    // Another user's number or choices: only the administrator changes others (403), and /me names no one else.
    expect((await api.as('h_scjg').patch(`/api/v1/users/${await userId('h_rs')}`, { mobile: '13900000009' })).status).toBe(403);
    expect((await api.as('coord').patch(`/api/v1/users/${await userId('h_scjg')}`, { mobile: '13900000009' })).status).toBe(403);
    expect((await api.as('h_rs').get('/api/v1/me/settings')).body.mobile).toBeNull();
    const audit = await env.ctx.db.selectFrom('audit_log').select(['actor', 'data']).where('action', '=', 'user.settings').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toBe('h_scjg');
    expect(audit[0]!.data).toContain('139****0001');
    expect(audit[0]!.data).not.toContain('13900000001');

    // The coordinator gives a number (contests on by default); h_scjg3 stays without one.
    expect((await api.as('coord').put('/api/v1/me/settings', { mobile: '13700000001' })).status).toBe(200);
    // A user moved to another role starts from that role's defaults.
    await setChoices('h_scjg3', { smsEvents: ['overdue'] });
    const moved = await api.as('admin').patch(`/api/v1/users/${await userId('h_scjg3')}`, { role: 'coordinator', department: null });
    expect(moved.status).toBe(200);
    expect((await findUserByUsername(env.ctx.db, 'h_scjg3'))!.user.smsEvents).toBeNull();
    expect((await api.as('admin').patch(`/api/v1/users/${await userId('h_scjg3')}`, { role: 'handler', department: 'scjgj' })).status).toBe(200);
    // h_scjg2 opts out of 新交办 (keeps 督办 and 超期).
    await setChoices('h_scjg2', { smsEvents: ['supervision', 'overdue'] });
  });

  it('texts a new 交办 once to each opted-in handler of the department with a number, none to the others', async () => {
    const sms = new RecordingSms();
    await deliverOutbox(env.ctx, { sms: new RecordingSms() }); // whatever came before
    const c = await dispatched();
    expect(await smsTo(c.id, 'dispatched')).toEqual(['h_scjg']);
    // The bell goes to every handler of the department anyway.
    expect(await deliverOutbox(env.ctx, { sms })).toBeGreaterThan(0);
    const bell = await env.ctx.db.selectFrom('notifications').select('user_id').where('case_id', '=', c.id).where('topic', '=', 'dispatched').execute();
    expect(bell.map((b) => b.user_id).sort()).toEqual([await userId('h_scjg'), await userId('h_scjg2'), await userId('h_scjg3')].sort());
    const staff = sms.sent.filter((m) => m.topic === 'dispatched');
    expect(staff).toHaveLength(1);
    expect(staff[0]!.to).toBe('13900000001');
    expect(staff[0]!.text).toContain(c.caseNo);
    expect(staff[0]!.text).toContain('个体工商户设立登记');
    expect(staff[0]!.text).toContain('县市场监管局');
    expect(staff[0]!.text).toMatch(/2026年11月30日 23:59/);
    expect(await deliverOutbox(env.ctx, { sms })).toBe(0);
    expect(sms.sent.filter((m) => m.topic === 'dispatched')).toHaveLength(1);
  });

  it('texts a new 派单异议 to the coordinators, and the decision to handlers who chose it', async () => {
    const c = await dispatched();
    await ok('h_scjg', c.id, 'contest', { reason: '非本局职责' });
    expect(await smsTo(c.id, 'contested')).toEqual(['coord']);
    await ok('coord', c.id, 'uphold-dispatch', { reason: '经核实属市场监管职责' });
    expect(await smsTo(c.id, 'contest_rejected')).toEqual([]); // not chosen by default
    await setChoices('h_scjg', { smsEvents: ['dispatch', 'contestDecision', 'supervision', 'overdue'] });

    const d = await dispatched();
    await ok('h_scjg', d.id, 'contest', { reason: '该事项属于人社局职责', suggestedDepartment: 'rsj' });
    await ok('coord', d.id, 'redispatch', { level: 1, leadDepartment: 'rsj', reason: '异议成立' });
    expect(await smsTo(d.id, 'redispatched_away')).toEqual(['h_scjg']);
    const e = await dispatched();
    await ok('h_scjg', e.id, 'contest', { reason: '非本局职责' });
    await ok('coord', e.id, 'uphold-dispatch', { reason: '属本局职责' });
    expect(await smsTo(e.id, 'contest_rejected')).toEqual(['h_scjg']);
    // A re-dispatch that upholds no contest is not a contest decision.
    const f = await dispatched();
    await ok('coord', f.id, 'redispatch', { level: 1, leadDepartment: 'rsj', reason: '调整承办部门' });
    expect(await smsTo(f.id, 'redispatched_away')).toEqual([]);

    const sms = new RecordingSms();
    await deliverOutbox(env.ctx, { sms });
    const contested = sms.sent.filter((m) => m.topic === 'contested');
    expect(contested.map((m) => m.to)).toEqual(['13700000001', '13700000001', '13700000001']); // c, d, e
    expect(contested[0]!.text).toContain('县市场监管局');
    expect(sms.sent.find((m) => m.topic === 'contest_rejected')!.text).toContain('未被采纳');
    expect(sms.sent.find((m) => m.topic === 'redispatched_away')!.text).toContain('已采纳');
  });

  it('texts a 督办 to the handlers who chose it (both with a number), and skips a user disabled before delivery', async () => {
    const c = await dispatched();
    await ok('leader', c.id, 'supervise', { note: '限期办结并报告', dueAt: '2026-11-27T18:00:00+08:00' });
    expect(await smsTo(c.id, 'supervised')).toEqual(['h_scjg', 'h_scjg2']);
    expect((await api.as('admin').patch(`/api/v1/users/${await userId('h_scjg2')}`, { disabled: true })).status).toBe(200);
    const sms = new RecordingSms();
    await deliverOutbox(env.ctx, { sms });
    const sent = sms.sent.filter((m) => m.topic === 'supervised');
    expect(sent.map((m) => m.to)).toEqual(['13900000001']);
    expect(sent[0]!.text).toContain('2026年11月27日 18:00');
    const skipped = await env.ctx.db.selectFrom('outbox').select(['outcome', 'last_error']).where('case_id', '=', c.id).where('recipient', '=', `user:${await userId('h_scjg2')}`).executeTakeFirstOrThrow();
    expect(skipped).toMatchObject({ outcome: 'skipped', last_error: '跳过：用户已停用' });
    expect((await api.as('admin').patch(`/api/v1/users/${await userId('h_scjg2')}`, { disabled: false })).status).toBe(200);
  });

  it('texts a case turning overdue once across two sweeping instances, held until 08:00, delivered once by two workers', async () => {
    const made = [await dispatched(), await dispatched()];
    await deliverOutbox(env.ctx, { sms: new RecordingSms() });
    // Due Monday 30 Nov 23:59:59; the sweep at Tuesday 00:00:30 finds them overdue at night.
    env.clock.set('2026-11-30T16:00:30.000Z');
    const second = kind === 'postgres' ? openDatabase(env.url, { poolSize: 4 }) : null;
    const ctx2: AppContext = second ? { db: second.db, kind: second.kind, clock: env.clock } : env.ctx;
    const sms1 = new RecordingSms();
    const sms2 = new RecordingSms();
    try {
      await Promise.all([runDeadlineSweep(env.ctx), runDeadlineSweep(ctx2), runDeadlineSweep(env.ctx)]);
      for (const c of made) expect(await smsTo(c.id, 'overdue')).toEqual(['h_scjg', 'h_scjg2']);
      const held = await env.ctx.db.selectFrom('outbox').select('available_at').where('topic', '=', 'overdue').where('recipient', 'like', 'user:%').execute();
      expect(held.length).toBeGreaterThanOrEqual(4);
      expect(new Set(held.map((h) => h.available_at))).toEqual(new Set(['2026-12-01T00:00:00.000Z']));
      await Promise.all([deliverOutbox(env.ctx, { sms: sms1 }), deliverOutbox(ctx2, { sms: sms2 })]);
      expect([...sms1.sent, ...sms2.sent].filter((m) => m.topic === 'overdue')).toEqual([]); // night: nothing yet
      env.clock.set('2026-12-01T00:00:00.000Z'); // Tuesday 08:00
      for (let round = 0; round < 50; round++) {
        const [a, b] = await Promise.all([deliverOutbox(env.ctx, { sms: sms1, batchSize: 3, maxBatches: 2 }), deliverOutbox(ctx2, { sms: sms2, batchSize: 3, maxBatches: 2 })]);
        if (a + b === 0) break;
      }
    } finally {
      await second?.close();
    }
    const overdue = [...sms1.sent, ...sms2.sent].filter((m) => m.topic === 'overdue' && made.some((c) => m.caseNo === c.caseNo));
    expect(overdue).toHaveLength(4);
    expect(new Set(overdue.map((m) => m.id)).size).toBe(4);
    expect(overdue.map((m) => m.to).sort()).toEqual(['13900000001', '13900000001', '13900000002', '13900000002']);
    expect(overdue[0]!.text).toContain('已超过办理时限');
    env.clock.set('2026-11-26T02:00:00.000Z');
    await api.relogin();
  });
});
