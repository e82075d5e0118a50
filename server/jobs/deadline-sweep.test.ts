import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, DIALECTS, intakeBody, seedBasics, startApi, type Api, type TestEnv } from '../test/harness.js';
import { openDatabase } from '../db/dialect.js';
import { runDeadlineSweep } from './deadline-sweep.js';

describe.each(DIALECTS)('deadline sweep on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  beforeAll(async () => {
    env = await createTestEnv(kind, '2026-11-23T02:00:00.000Z'); // Monday 10:00 Shanghai
    await seedBasics(env);
    api = await startApi(env);
  });
  afterAll(async () => {
    await api.app.close();
    await env.close();
  });

  async function dispatched(level: 1 | 2 = 1) {
    const c = (await api.as('clerk').post('/api/v1/cases', intakeBody())).body;
    let r = await api.as('coord').post(`/api/v1/cases/${c.id}/actions/accept`, { version: 1, problemType: 'materials' });
    r = await api.as('coord').post(`/api/v1/cases/${c.id}/actions/dispatch`, level === 1 ? { version: r.body.version, level: 1, leadDepartment: 'scjgj' } : { version: r.body.version, level: 2, leadDepartment: 'scjgj', coDepartments: ['rsj'] });
    return r.body;
  }
  const events = async (id: number) => (await api.as('coord').get(`/api/v1/cases/${id}`)).body.events.map((e: any) => e.type);

  it('marks due soon one working day before, overdue after, each once, with notifications', async () => {
    const c = await dispatched(1); // due Wed 25 Nov 23:59:59
    expect(await runDeadlineSweep(env.ctx)).toBe(0); // Monday: two working days left
    env.clock.set('2026-11-24T02:00:00.000Z'); // Tuesday: one working day left
    expect(await runDeadlineSweep(env.ctx)).toBe(1);
    expect(await runDeadlineSweep(env.ctx)).toBe(0);
    env.clock.set('2026-11-26T02:00:00.000Z'); // Thursday: overdue
    expect(await runDeadlineSweep(env.ctx)).toBe(1);
    expect(await runDeadlineSweep(env.ctx)).toBe(0);
    await api.relogin();
    const types = await events(c.id);
    expect(types.filter((t: string) => t === 'due_soon')).toHaveLength(1);
    expect(types.filter((t: string) => t === 'overdue')).toHaveLength(1);
    const out = await env.ctx.db.selectFrom('outbox').select(['topic', 'recipient']).where('case_id', '=', c.id).where('topic', 'in', ['due_soon', 'overdue']).execute();
    expect(out).toEqual(expect.arrayContaining([
      { topic: 'due_soon', recipient: 'department:scjgj' },
      { topic: 'due_soon', recipient: 'coordinator' },
      { topic: 'overdue', recipient: 'department:scjgj' },
      { topic: 'overdue', recipient: 'coordinator' },
    ]));
    expect((await api.as('admin').get('/api/v1/audit/verify')).body.ok).toBe(true);
  });

  it('marks again after an extension moves the deadline', async () => {
    env.clock.set('2026-11-26T02:00:00.000Z');
    await api.relogin();
    const c = await dispatched(2); // due Thu 3 Dec
    let r = await api.as('h_scjg').post(`/api/v1/cases/${c.id}/actions/sign`, { version: c.version });
    r = await api.as('h_scjg').post(`/api/v1/cases/${c.id}/actions/request-extension`, { version: r.body.version, dueAt: '2026-12-10', reason: '需现场勘验' });
    expect(r.status).toBe(200);
    expect(r.body.pendingExtension).toMatchObject({ dueAt: '2026-12-10T23:59:59+08:00' });
    env.clock.set('2026-12-02T02:00:00.000Z'); // one working day before 3 Dec
    expect(await runDeadlineSweep(env.ctx)).toBeGreaterThanOrEqual(1);
    await api.relogin();
    r = await api.as('coord').post(`/api/v1/cases/${c.id}/actions/approve-extension`, { version: r.body.version, note: '同意' });
    expect(r.status).toBe(200);
    expect(r.body.dueAt).toBe('2026-12-10T23:59:59+08:00');
    expect(r.body.extended).toBe(true);
    env.clock.set('2026-12-09T02:00:00.000Z');
    await runDeadlineSweep(env.ctx);
    await api.relogin();
    expect((await events(c.id)).filter((t: string) => t === 'due_soon')).toHaveLength(2);
  });

  it.runIf(kind === 'postgres')('handles each due case exactly once with two instances on one PostgreSQL', async () => {
    env.clock.set('2026-12-09T02:00:00.000Z');
    await api.relogin();
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) ids.push((await dispatched(1)).id);
    env.clock.set('2026-12-20T02:00:00.000Z');
    const other = openDatabase(env.url);
    try {
      const a = { ...env.ctx };
      const b = { db: other.db, kind: other.kind, clock: env.clock };
      const [na, nb] = await Promise.all([runDeadlineSweep(a), runDeadlineSweep(b)]);
      expect(na + nb).toBeGreaterThanOrEqual(12);
      const marks = await env.ctx.db.selectFrom('case_deadline_marks').select(['case_id']).where('kind', '=', 'overdue').where('case_id', 'in', ids).execute();
      expect(marks).toHaveLength(12);
      const ev = await env.ctx.db.selectFrom('case_events').select(['case_id']).where('type', '=', 'overdue').where('case_id', 'in', ids).execute();
      expect(ev).toHaveLength(12);
    } finally {
      await other.close();
    }
  });
});

describe.each(DIALECTS)('stage clocks in the deadline sweep on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  beforeAll(async () => {
    env = await createTestEnv(kind, '2026-11-23T02:00:00.000Z'); // Monday 10:00 Shanghai
    await seedBasics(env);
    api = await startApi(env);
  });
  afterAll(async () => {
    await api.app.close();
    await env.close();
  });
  const stageEvents = async (id: number) => env.ctx.db.selectFrom('case_events').select(['data']).where('case_id', '=', id).where('type', '=', 'stage_overdue').orderBy('id').execute();

  it('marks a case left in triage once, tells the coordinator with the stage and its deadline, audits it', async () => {
    const c = (await api.as('clerk').post('/api/v1/cases', intakeBody())).body;
    const row = await env.ctx.db.selectFrom('cases').select(['stage_due_at']).where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(row.stage_due_at).not.toBeNull();
    expect(await runDeadlineSweep(env.ctx)).toBe(0); // triage clock still running
    env.clock.set(new Date(Date.parse(row.stage_due_at!) + 3600_000).toISOString());
    expect(await runDeadlineSweep(env.ctx)).toBe(1);
    expect(await runDeadlineSweep(env.ctx)).toBe(0);
    const ev = await stageEvents(c.id);
    expect(ev).toHaveLength(1);
    expect(JSON.parse(ev[0]!.data)).toEqual({ stage: 'triage', dueAt: expect.stringMatching(/\+08:00$/) });
    const out = await env.ctx.db.selectFrom('outbox').select(['topic', 'recipient', 'payload']).where('case_id', '=', c.id).where('topic', '=', 'stage_overdue').execute();
    expect(out).toHaveLength(1);
    expect(out[0]!.recipient).toBe('coordinator');
    expect(JSON.parse(out[0]!.payload)).toMatchObject({ caseNo: c.caseNo, note: '受理', dueAt: JSON.parse(ev[0]!.data).dueAt });
    const audit = await env.ctx.db.selectFrom('audit_log').select(['action']).where('action', '=', 'case.stage_overdue').where('entity_id', '=', String(c.id)).execute();
    expect(audit).toHaveLength(1);
    // 予以受理 keeps the triage clock (same stage): not marked again.
    await api.relogin();
    const r = await api.as('coord').post(`/api/v1/cases/${c.id}/actions/accept`, { version: c.version, problemType: 'materials' });
    expect(r.status).toBe(200);
    expect(await runDeadlineSweep(env.ctx)).toBe(0);
    expect(await stageEvents(c.id)).toHaveLength(1);
    expect((await api.as('admin').get('/api/v1/audit/verify')).body.ok).toBe(true);
  });

  it('marks the callback stage of a completed case not called back, and not a case that moved on', async () => {
    await api.relogin();
    const c = (await api.as('clerk').post('/api/v1/cases', intakeBody())).body;
    let r = await api.as('coord').post(`/api/v1/cases/${c.id}/actions/accept`, { version: c.version, problemType: 'materials' });
    r = await api.as('coord').post(`/api/v1/cases/${c.id}/actions/dispatch`, { version: r.body.version, level: 1, leadDepartment: 'scjgj' });
    r = await api.as('h_scjg').post(`/api/v1/cases/${c.id}/actions/sign`, { version: r.body.version });
    r = await api.as('h_scjg').post(`/api/v1/cases/${c.id}/actions/complete`, { version: r.body.version, result: '已办结', repliedVia: 'phone' });
    expect(r.status).toBe(200);
    const due = (await env.ctx.db.selectFrom('cases').select(['stage_due_at']).where('id', '=', c.id).executeTakeFirstOrThrow()).stage_due_at!;
    env.clock.set(new Date(Date.parse(due) + 60_000).toISOString());
    expect(await runDeadlineSweep(env.ctx)).toBeGreaterThanOrEqual(1);
    expect((await stageEvents(c.id)).map((e) => JSON.parse(e.data).stage)).toEqual(['callback']);
    // A case called back in time is never marked.
    await api.relogin();
    const d = (await api.as('clerk').post('/api/v1/cases', intakeBody())).body;
    r = await api.as('coord').post(`/api/v1/cases/${d.id}/actions/reject`, { version: d.version, reasonCategory: 'other', explanation: '不属于受理范围' });
    expect(r.status).toBe(200);
    env.clock.set(new Date(Date.parse(due) + 30 * 86400_000).toISOString());
    await runDeadlineSweep(env.ctx);
    expect(await stageEvents(d.id)).toHaveLength(0);
  });

  it.runIf(kind === 'postgres')('marks each case past its stage clock exactly once with two instances on one PostgreSQL', async () => {
    await api.relogin();
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) ids.push((await api.as('clerk').post('/api/v1/cases', intakeBody())).body.id);
    env.clock.set(new Date(env.clock.now().getTime() + 10 * 86400_000).toISOString());
    const other = openDatabase(env.url);
    try {
      const [na, nb] = await Promise.all([runDeadlineSweep({ ...env.ctx }), runDeadlineSweep({ db: other.db, kind: other.kind, clock: env.clock })]);
      expect(na + nb).toBeGreaterThanOrEqual(10);
      const marks = await env.ctx.db.selectFrom('case_deadline_marks').select(['case_id']).where('kind', '=', 'stage_overdue').where('case_id', 'in', ids).execute();
      expect(marks).toHaveLength(10);
      const ev = await env.ctx.db.selectFrom('case_events').select(['case_id']).where('type', '=', 'stage_overdue').where('case_id', 'in', ids).execute();
      expect(ev).toHaveLength(10);
    } finally {
      await other.close();
    }
  });
});
