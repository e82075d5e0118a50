import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, DIALECTS, intakeBody, seedBasics, startApi, type Api, type TestEnv } from '../test/harness.js';
import { enterStage, DEFAULT_STAGE_SETTINGS } from '../../core/clocks.js';
import { loadCalendar } from '../calendar/calendar.repository.js';
import { backfillStageClocksAtBoot, stageStartOf } from './stage-backfill.js';

describe('the stage a row entered (pure)', () => {
  const base = { received_at: '2026-01-05T02:00:00.000Z', completed_at: '2026-01-09T02:00:00.000Z', callback: null, updated_at: '2026-01-12T02:00:00.000Z' };
  it('starts at the intake, the completion, the latest callback, else the last update', () => {
    expect(stageStartOf({ ...base, status: 'received' })).toBe(base.received_at);
    expect(stageStartOf({ ...base, status: 'accepted' })).toBe(base.received_at);
    expect(stageStartOf({ ...base, status: 'completed' })).toBe(base.completed_at);
    expect(stageStartOf({ ...base, status: 'verifying', callback: JSON.stringify({ bad: true, at: '2026-01-10T03:00:00.000Z' }) })).toBe('2026-01-10T03:00:00.000Z');
    expect(stageStartOf({ ...base, status: 'verifying', callback: '{not json' })).toBe(base.updated_at);
    expect(stageStartOf({ ...base, status: 'in_progress' })).toBeNull();
    expect(stageStartOf({ ...base, status: 'closed' })).toBeNull();
  });
});

describe.each(DIALECTS)('stage clock backfill on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  beforeAll(async () => {
    env = await createTestEnv(kind);
    await seedBasics(env);
    api = await startApi(env);
  });
  afterAll(async () => {
    await api.app.close();
    await env.close();
  });

  it('gives cases written before the stage clocks their clock, once, with one audit record', async () => {
    const received = (await api.as('clerk').post('/api/v1/cases', intakeBody())).body;
    const completed = (await api.as('clerk').post('/api/v1/cases', intakeBody())).body;
    let r = await api.as('coord').post(`/api/v1/cases/${completed.id}/actions/accept`, { version: completed.version, problemType: 'materials' });
    r = await api.as('coord').post(`/api/v1/cases/${completed.id}/actions/dispatch`, { version: r.body.version, level: 1, leadDepartment: 'scjgj' });
    const assigned = r.body;
    const db = env.ctx.db;
    // As before migration 009: no stage clock; the second case completed on a known date, a third verifying after a callback.
    await db.updateTable('cases').set({ stage_started_at: null, stage_due_at: null }).execute();
    await db.updateTable('cases').set({ status: 'completed', completed_at: '2026-11-20T03:00:00.000Z' }).where('id', '=', assigned.id).execute();
    const verifying = (await api.as('clerk').post('/api/v1/cases', intakeBody())).body;
    await db.updateTable('cases').set({ status: 'verifying', stage_started_at: null, stage_due_at: null, callback: JSON.stringify({ bad: true, at: '2026-11-24T05:00:00.000Z' }) }).where('id', '=', verifying.id).execute();
    const handled = (await api.as('clerk').post('/api/v1/cases', intakeBody())).body;
    await db.updateTable('cases').set({ status: 'in_progress', stage_started_at: null, stage_due_at: null }).where('id', '=', handled.id).execute();

    const at = env.clock.now().toISOString();
    expect(await backfillStageClocksAtBoot(db, at)).toBe(3);
    const cal = await loadCalendar(db);
    const rows = new Map((await db.selectFrom('cases').select(['id', 'received_at', 'stage_started_at', 'stage_due_at']).execute()).map((x) => [x.id, x]));
    const expected = (status: 'received' | 'completed' | 'verifying', start: string) => {
      const st = enterStage(null, status, new Date(start), cal, DEFAULT_STAGE_SETTINGS)!;
      return { stage_started_at: st.stageStartedAt, stage_due_at: st.stageDueAt };
    };
    expect(rows.get(received.id)).toMatchObject(expected('received', rows.get(received.id)!.received_at));
    expect(rows.get(assigned.id)).toMatchObject(expected('completed', '2026-11-20T03:00:00.000Z'));
    expect(rows.get(verifying.id)).toMatchObject(expected('verifying', '2026-11-24T05:00:00.000Z'));
    expect(rows.get(handled.id)).toMatchObject({ stage_started_at: null, stage_due_at: null });

    expect(await backfillStageClocksAtBoot(db, at)).toBe(0);
    const audits = await db.selectFrom('audit_log').select(['data']).where('action', '=', 'cases.stage_backfill').execute();
    expect(audits.map((a) => JSON.parse(a.data))).toEqual([{ staged: 3 }]);
    expect((await api.as('admin').get('/api/v1/audit/verify')).body.ok).toBe(true);
  });
});
