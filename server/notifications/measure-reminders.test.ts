import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/dialect.js';
import type { AppContext } from '../context.js';
import { loadCalendar } from '../calendar/calendar.repository.js';
import { DIALECTS, intakeBody, type Api, type TestEnv, useApiEnv } from '../test/harness.js';
import { intakeCase, runCaseAction } from '../cases/case.service.js';
import { findUserByUsername, toActor } from '../users/user.repository.js';
import { verifyAuditChain } from '../audit/audit.repository.js';
import { measureFlags, reminderInstant, runMeasureReminders } from './measure-reminders.js';
import { deliverOutbox } from './outbox-worker.js';
import type { SmsMessage } from './sms.js';

describe.each(DIALECTS)('容缺受理 reminders on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  // Thursday 2026-11-26 10:00 Asia/Shanghai.
  useApiEnv(kind, (e, a) => ((env = e), (api = a)), '2026-11-26T02:00:00.000Z');

  // Straight through the services: the clock jumps days, which would end every HTTP session.
  const actor = async (username: string) => toActor((await findUserByUsername(env.ctx.db, username))!.user);
  const act = async (user: string, id: number, action: string, body: Record<string, unknown>) =>
    runCaseAction(env.ctx, String(id), action, body, await actor(user));

  /** A dispatched case with a 容缺受理 promise due at `dueAt` (and another measure without a due date: nothing to remind). */
  async function caseWithPromise(dueAt: string, dispatch = true) {
    const c = (await intakeCase(env.ctx, intakeBody({ reporter: { name: '孙八', phone: '13500005555', kind: 'person' } }), await actor('clerk'))).record;
    let v = await act('coord', c.id, 'accept', { version: c.version, problemType: 'materials' });
    if (dispatch) v = await act('coord', c.id, 'dispatch', { version: v.version, level: 1, leadDepartment: 'scjgj' });
    v = await act('coord', c.id, 'add-measure', { version: v.version, type: 'investigation', note: '调查核实' });
    v = await act('coord', c.id, 'add-measure', { version: v.version, type: 'tolerance_acceptance', note: '申请人承诺补交房屋租赁备案证明', dueAt });
    const m = await env.ctx.db.selectFrom('measures').select(['id']).where('case_id', '=', c.id).where('type', '=', 'tolerance_acceptance').executeTakeFirstOrThrow();
    return { c, measureId: m.id, version: v.version as number };
  }

  const outboxOf = (caseId: number, topic: string) =>
    env.ctx.db.selectFrom('outbox').select(['recipient', 'payload']).where('case_id', '=', caseId).where('topic', '=', topic).orderBy('id').execute();
  const eventsOf = (caseId: number, type: string) => env.ctx.db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).where('type', '=', type).execute();

  it('reminds at 09:00 of the working day before the due date, skipping the weekend', async () => {
    const cal = await loadCalendar(env.ctx.db);
    // Due Monday 30 Nov → Friday 27 Nov 09:00; due Tuesday 1 Dec → Monday 30 Nov 09:00.
    expect(reminderInstant(new Date('2026-11-30T09:00:00Z'), cal).toISOString()).toBe('2026-11-27T01:00:00.000Z');
    expect(reminderInstant(new Date('2026-12-01T09:00:00Z'), cal).toISOString()).toBe('2026-11-30T01:00:00.000Z');
    // Due Thursday 8 Oct 2026 (after the National Day holiday) → the last working day before: Wednesday 30 Sep.
    expect(reminderInstant(new Date('2026-10-08T09:00:00Z'), cal).toISOString()).toBe('2026-09-30T01:00:00.000Z');
  });

  it('reminds the reporter and the lead department once, records it on the timeline, then flags the missed promise', async () => {
    const { c, measureId } = await caseWithPromise('2026-12-01T17:00:00+08:00');
    expect(await runMeasureReminders(env.ctx)).toBe(0);

    env.clock.set('2026-11-30T00:59:00.000Z'); // Monday 08:59
    expect(await runMeasureReminders(env.ctx)).toBe(0);
    env.clock.set('2026-11-30T01:00:00.000Z'); // Monday 09:00
    expect(await runMeasureReminders(env.ctx)).toBe(1);
    expect(await runMeasureReminders(env.ctx)).toBe(0);

    const due = await outboxOf(c.id, 'measure_due_soon');
    expect(due.map((r) => r.recipient)).toEqual(['reporter', 'department:scjgj']);
    expect(JSON.parse(due[0]!.payload)).toMatchObject({ measure: '容缺受理', measureId, note: '申请人承诺补交房屋租赁备案证明' });
    const ev = await eventsOf(c.id, 'measure_due_soon');
    expect(ev).toHaveLength(1);
    expect(JSON.parse(ev[0]!.data)).toMatchObject({ measureId, measureType: 'tolerance_acceptance', dueAt: '2026-12-01T17:00:00+08:00' });
    expect(ev[0]!.by_user).toBe('system');

    const sent: SmsMessage[] = [];
    await deliverOutbox(env.ctx, { sms: { name: 't', send: async (m) => void sent.push(m) } });
    const sms = sent.find((m) => m.topic === 'measure_due_soon')!;
    expect(sms.to).toBe('13500005555');
    expect(sms.text).toContain('2026年12月1日 17:00');
    expect(sms.text).toContain('补交材料');
    const bell = await env.ctx.db.selectFrom('notifications').select(['body']).where('case_id', '=', c.id).where('topic', '=', 'measure_due_soon').execute();
    expect(bell).toHaveLength(1);
    expect(bell[0]!.body).toContain('申请人承诺补交房屋租赁备案证明');

    env.clock.set('2026-12-01T09:00:01.000Z'); // Tuesday 17:00:01, just past
    expect(await runMeasureReminders(env.ctx)).toBe(1);
    expect(await runMeasureReminders(env.ctx)).toBe(0);
    expect((await outboxOf(c.id, 'measure_overdue')).map((r) => r.recipient)).toEqual(['department:scjgj', 'coordinator']);
    expect(await eventsOf(c.id, 'measure_overdue')).toHaveLength(1);
    const flags = (await measureFlags(env.ctx.db, c.id)).get(measureId)!;
    expect(flags.remindedAt).toBe('2026-11-30T01:00:00.000Z');
    expect(flags.missedAt).toBe('2026-12-01T09:00:01.000Z');

    await api.relogin();
    const detail = (await api.as('coord').get(`/api/v1/cases/${c.id}`)).body;
    expect(detail.events.map((e: any) => e.type)).toEqual(expect.arrayContaining(['measure_due_soon', 'measure_overdue']));
    const audit = await env.ctx.db.selectFrom('audit_log').select('action').where('entity_id', '=', String(c.id)).where('action', 'like', 'case.measure_%').execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['case.measure_due_soon', 'case.measure_overdue']);
  });

  it('sends no reminder at night; a promise before dispatch reminds the coordinator', async () => {
    env.clock.set('2026-12-02T02:00:00.000Z'); // Wednesday 10:00
    const { c } = await caseWithPromise('2026-12-04T12:00:00+08:00', false); // due Friday → Thursday 09:00
    env.clock.set('2026-12-03T13:30:00.000Z'); // Thursday 21:30: quiet hours
    expect(await runMeasureReminders(env.ctx)).toBe(0);
    env.clock.set('2026-12-04T00:00:00.000Z'); // Friday 08:00
    expect(await runMeasureReminders(env.ctx)).toBe(1);
    expect((await outboxOf(c.id, 'measure_due_soon')).map((r) => r.recipient)).toEqual(['reporter', 'coordinator']);
  });

  it('reminds exactly once when two instances run at the same moment' + (kind === 'postgres' ? ' on two connection pools' : ''), async () => {
    env.clock.set('2026-12-07T02:00:00.000Z'); // Monday 10:00
    await runMeasureReminders(env.ctx); // earlier tests' promises are missed by now
    const made = [];
    for (let i = 0; i < 6; i++) made.push(await caseWithPromise('2026-12-08T17:00:00+08:00'));
    env.clock.set('2026-12-08T01:30:00.000Z'); // Tuesday 09:30: due today 17:00, reminder time (Monday 09:00) passed
    const second = kind === 'postgres' ? openDatabase(env.url, { poolSize: 4 }) : null;
    const ctx2: AppContext = second ? { db: second.db, kind: second.kind, clock: env.clock } : env.ctx;
    try {
      const [a, b, d] = await Promise.all([runMeasureReminders(env.ctx), runMeasureReminders(ctx2), runMeasureReminders(env.ctx)]);
      expect(a + b + d).toBe(6);
      env.clock.set('2026-12-08T09:30:00.000Z'); // Tuesday 17:30: missed
      const [x, y] = await Promise.all([runMeasureReminders(env.ctx), runMeasureReminders(ctx2)]);
      expect(x + y).toBe(6);
    } finally {
      await second?.close();
    }
    for (const { c } of made) {
      expect(await eventsOf(c.id, 'measure_due_soon')).toHaveLength(1);
      expect(await eventsOf(c.id, 'measure_overdue')).toHaveLength(1);
      expect(await outboxOf(c.id, 'measure_due_soon')).toHaveLength(2);
      expect(await outboxOf(c.id, 'measure_overdue')).toHaveLength(2);
    }
    expect((await verifyAuditChain(env.ctx.db)).ok).toBe(true);
  });

  it('reminds the department (not the reporter) of any other measure with a due date, and stops once the measure is fulfilled', async () => {
    env.clock.set('2026-12-14T02:00:00.000Z'); // Monday 10:00
    await runMeasureReminders(env.ctx); // earlier tests' promises are missed by now
    const c = (await intakeCase(env.ctx, intakeBody(), await actor('clerk'))).record;
    let v = await act('coord', c.id, 'accept', { version: c.version, problemType: 'unable' });
    v = await act('coord', c.id, 'dispatch', { version: v.version, level: 1, leadDepartment: 'scjgj' });
    v = await act('h_scjg', c.id, 'add-measure', { version: v.version, type: 'proxy', note: '代办营业执照变更', staff: '孙市监', dueAt: '2026-12-16T17:00:00+08:00' });
    v = await act('h_scjg', c.id, 'add-measure', { version: v.version, type: 'tolerance_acceptance', note: '承诺补交租赁合同', dueAt: '2026-12-16T17:00:00+08:00' });
    const [proxy, promise] = await env.ctx.db.selectFrom('measures').select(['id', 'type']).where('case_id', '=', c.id).orderBy('id').execute();
    // The promise is handed in before the reminder: only the 代办 measure is reminded, to the department alone.
    v = await act('h_scjg', c.id, 'fulfil-measure', { version: v.version, measureId: promise!.id, note: '已补交租赁合同' });
    env.clock.set('2026-12-15T01:00:00.000Z'); // Tuesday 09:00
    expect(await runMeasureReminders(env.ctx)).toBe(1);
    const due = await outboxOf(c.id, 'measure_due_soon');
    expect(due.map((r) => r.recipient)).toEqual(['department:scjgj']);
    expect(JSON.parse(due[0]!.payload)).toMatchObject({ measure: '代办', measureId: proxy!.id });
    // Fulfilled after the reminder: never flagged missed.
    await act('h_scjg', c.id, 'fulfil-measure', { version: v.version, measureId: proxy!.id, note: '已代办完成' });
    env.clock.set('2026-12-16T09:30:00.000Z'); // Wednesday 17:30
    expect(await runMeasureReminders(env.ctx)).toBe(0);
    expect(await outboxOf(c.id, 'measure_overdue')).toEqual([]);
    await api.relogin();
    const detail = (await api.as('coord').get(`/api/v1/cases/${c.id}`)).body;
    expect(detail.measures.map((m: any) => [m.type, !!m.fulfilledAt, m.missed])).toEqual([
      ['proxy', true, false],
      ['tolerance_acceptance', true, false],
    ]);
    expect(detail.allowedActions).not.toContain('fulfil-measure');
    // Fulfilled already, or a measure of another case: 409 / 400, nothing changed.
    const again = await api.as('h_scjg').post(`/api/v1/cases/${c.id}/actions/fulfil-measure`, { version: detail.version, measureId: proxy!.id, note: '再次' });
    expect(again.status).toBe(409);
    const other = await api.as('h_scjg').post(`/api/v1/cases/${c.id}/actions/fulfil-measure`, { version: detail.version, measureId: 999999, note: '无此措施' });
    expect(other.status).toBe(400);
    expect((await api.as('coord').get(`/api/v1/cases/${c.id}`)).body.version).toBe(detail.version);
  });

  it('reminds of a measure other than 容缺 once, flags it missed once after its due date, and leaves a withdrawn one alone', async () => {
    env.clock.set('2026-12-21T02:00:00.000Z'); // Monday 10:00
    await runMeasureReminders(env.ctx); // earlier tests' measures are missed by now
    const c = (await intakeCase(env.ctx, intakeBody(), await actor('clerk'))).record;
    let v = await act('coord', c.id, 'accept', { version: c.version, problemType: 'complex' });
    v = await act('coord', c.id, 'dispatch', { version: v.version, level: 1, leadDepartment: 'scjgj' });
    v = await act('h_scjg', c.id, 'add-measure', { version: v.version, type: 'first_contact_lead', note: '首接部门牵头会商', dueAt: '2026-12-23T17:00:00+08:00' });
    v = await act('h_scjg', c.id, 'add-measure', { version: v.version, type: 'proxy', note: '误录的代办', dueAt: '2026-12-23T17:00:00+08:00' });
    const [joint, mistake] = await env.ctx.db.selectFrom('measures').select(['id']).where('case_id', '=', c.id).orderBy('id').execute();
    await act('h_scjg', c.id, 'withdraw-measure', { version: v.version, measureId: mistake!.id, reason: '误录' });
    env.clock.set('2026-12-22T01:00:00.000Z'); // Tuesday 09:00
    expect(await runMeasureReminders(env.ctx)).toBe(1);
    expect(await runMeasureReminders(env.ctx)).toBe(0);
    expect((await outboxOf(c.id, 'measure_due_soon')).map((r) => [r.recipient, JSON.parse(r.payload).measureId])).toEqual([['department:scjgj', joint!.id]]);
    env.clock.set('2026-12-23T09:00:00.000Z'); // Wednesday 17:00: due
    expect(await runMeasureReminders(env.ctx)).toBe(1);
    expect(await runMeasureReminders(env.ctx)).toBe(0);
    expect((await eventsOf(c.id, 'measure_overdue')).map((e) => JSON.parse(e.data).measureId)).toEqual([joint!.id]);
    expect((await measureFlags(env.ctx.db, c.id)).get(mistake!.id)).toBeUndefined();
    await api.relogin();
    const detail = (await api.as('coord').get(`/api/v1/cases/${c.id}`)).body;
    expect(detail.measures.map((m: any) => [m.state, m.missed])).toEqual([
      ['missed', true],
      ['withdrawn', false],
    ]);
  });
});
