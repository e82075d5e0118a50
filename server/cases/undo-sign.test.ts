/**
 * 撤销签收 through the API (core/case-lifecycle.ts `undo-sign`): the handler who signed takes the
 * 签收 back within UNDO_SIGN_MINUTES while nothing else happened since; one transaction with its
 * timeline event and audit record; 401 → 404 → 400 → 403 → 409 as every action.
 */
import { describe, expect, it } from 'vitest';
import { UNDO_SIGN_MINUTES } from '../../core/case-lifecycle.js';
import { insertUser } from '../users/user.repository.js';
import { openSessionDirect, PASSWORD_HASH } from '../test/factories.js';
import { DIALECTS, intakeBody, type Api, type TestEnv, useApiEnv } from '../test/harness.js';

describe.each(DIALECTS)('撤销签收 through the API on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  useApiEnv(kind, (e, a) => ((env = e), (api = a)), '2026-11-23T02:00:00.000Z');
  const act = (user: string | null, id: number | string, action: string, body: Record<string, unknown>) =>
    api.as(user).post(`/api/v1/cases/${id}/actions/${action}`, body);

  async function signed() {
    const c = (await api.as('clerk').post('/api/v1/cases', intakeBody())).body;
    let r = await act('coord', c.id, 'accept', { version: 1, problemType: 'materials' });
    r = await act('coord', c.id, 'dispatch', { version: r.body.version, level: 1, leadDepartment: 'scjgj' });
    const assigned = r.body;
    r = await act('h_scjg', c.id, 'sign', { version: assigned.version });
    expect(r.status).toBe(200);
    return { assigned, signed: r.body };
  }

  it('takes a fresh 签收 back: assigned again, the deadline untouched, on the timeline and in the audit chain', async () => {
    const { assigned, signed: s } = await signed();
    expect(s.status).toBe('in_progress');
    expect(s.allowedActions).toContain('undo-sign');
    env.clock.advance(60_000);
    const r = await act('h_scjg', s.id, 'undo-sign', { version: s.version });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('assigned');
    expect(r.body.version).toBe(s.version + 1);
    expect(r.body.dueAt).toBe(assigned.dueAt);
    expect(r.body.allowedActions).toContain('sign');
    expect(r.body.allowedActions).not.toContain('undo-sign');
    const last = r.body.events[r.body.events.length - 1];
    expect(last).toMatchObject({ type: 'undo-sign', by: 'h_scjg' });
    const audit = await env.ctx.db.selectFrom('audit_log').select(['action', 'data']).where('entity_id', '=', String(s.id)).where('action', '=', 'case.undo-sign').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.data as string)).toMatchObject({ from: 'in_progress', to: 'assigned' });
    // and it can be signed again
    expect((await act('h_scjg', s.id, 'sign', { version: r.body.version })).status).toBe(200);
  });

  it(`refuses after ${UNDO_SIGN_MINUTES} minutes and once anything else happened since the 签收 (409), and no longer offers it`, async () => {
    const late = (await signed()).signed;
    env.clock.advance(UNDO_SIGN_MINUTES * 60_000 + 1000);
    const r1 = await act('h_scjg', late.id, 'undo-sign', { version: late.version });
    expect(r1.status).toBe(409);
    expect(r1.body.error.code).toBe('INVALID_TRANSITION');
    expect(r1.body.error.message).toContain('撤销签收');
    expect((await api.as('h_scjg').get(`/api/v1/cases/${late.id}`)).body.allowedActions).not.toContain('undo-sign');

    const busy = (await signed()).signed;
    const c = await act('coord', busy.id, 'comment', { version: busy.version, note: '请尽快联系反映人' });
    expect(c.status).toBe(200);
    const r2 = await act('h_scjg', busy.id, 'undo-sign', { version: c.body.version });
    expect(r2.status).toBe(409);
    expect(r2.body.error.code).toBe('INVALID_TRANSITION');
    expect((await api.as('h_scjg').get(`/api/v1/cases/${busy.id}`)).body.status).toBe('in_progress');
  });

  it('refuses a colleague of the same department (409), other roles and departments (403), a stale version (409), unknown case (404), no login (401), no version (400)', async () => {
    const { signed: s } = await signed();
    await insertUser(env.ctx.db, { username: 'h_scjg2', name: '孙市监二', role: 'handler', department: 'scjgj', passwordHash: PASSWORD_HASH, at: env.clock.now().toISOString() });
    api.tokens['h_scjg2'] = (await openSessionDirect(env.ctx.db, 'h_scjg2', env.clock.now()))!.token;
    expect((await api.as('h_scjg2').get(`/api/v1/cases/${s.id}`)).body.allowedActions).not.toContain('undo-sign');
    const colleague = await act('h_scjg2', s.id, 'undo-sign', { version: s.version });
    expect(colleague.status).toBe(409);
    expect(colleague.body.error.message).toContain('签收人本人');

    expect((await act(null, s.id, 'undo-sign', { version: s.version })).status).toBe(401);
    expect((await act('h_rs', s.id, 'undo-sign', { version: s.version })).status).toBe(404); // cannot see the case
    expect((await act('coord', s.id, 'undo-sign', { version: s.version })).status).toBe(403);
    expect((await act('h_scjg', 999999, 'undo-sign', { version: s.version })).status).toBe(404);
    expect((await act('h_scjg', s.id, 'undo-sign', {})).status).toBe(400);
    const stale = await act('h_scjg', s.id, 'undo-sign', { version: s.version - 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('VERSION_CONFLICT');
    // nothing changed by any of these
    const now = (await api.as('h_scjg').get(`/api/v1/cases/${s.id}`)).body;
    expect(now.status).toBe('in_progress');
    expect(now.version).toBe(s.version);
  });
});
