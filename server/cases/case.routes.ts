/** Case routes: validate → call the service → present. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ZCaseListQuery, ZIntake, actionBodySchema } from '../../core/api/schemas.js';
import { CASE_ACTIONS } from '../../core/case-lifecycle.js';
import type { AppContext } from '../context.js';
import { route } from '../http.js';
import { ZCase, ZCasePage, errorResponse } from '../../core/api/responses.js';
import { intakeCase, runCaseAction } from './case.service.js';
import { findVisibleCase, listAssignmentSheets, listCases, listEvents, listMeasures, parseCaseId, type CaseRecord } from './case.repository.js';
import { presentCase, presentCaseSummary, type PresentDeps } from './case.presenter.js';
import { loadCalendar } from '../calendar/calendar.repository.js';
import { getSettings } from '../settings/settings.repository.js';
import { dueSoonCutoff } from '../../core/clocks.js';
import { measureFlags } from '../notifications/measure-reminders.js';
import { listDepartments } from '../users/user.repository.js';
import type { Actor } from '../../core/case-lifecycle.js';

/** The latest deadline that counts as due soon now (core/clocks.ts `dueSoonCutoff`), UTC ISO. */
export async function dueSoonUntil(ctx: AppContext, now: Date): Promise<string> {
  const [calendar, settings] = await Promise.all([loadCalendar(ctx.db), getSettings(ctx.db)]);
  return dueSoonCutoff(now, calendar, settings.dueSoonWorkingDays).toISOString();
}

export async function presentDeps(ctx: AppContext): Promise<PresentDeps> {
  const [calendar, depts, settings] = await Promise.all([loadCalendar(ctx.db), listDepartments(ctx.db), getSettings(ctx.db)]);
  return { now: ctx.clock.now(), calendar, departmentNames: new Map(depts.map((d) => [d.code, d.name])), dueSoonWorkingDays: settings.dueSoonWorkingDays };
}

export async function presentFull(ctx: AppContext, c: CaseRecord, actor: Actor) {
  const [events, measures, flags, sheets, records, deps] = await Promise.all([
    listEvents(ctx.db, c.id),
    listMeasures(ctx.db, c.id),
    measureFlags(ctx.db, c.id),
    listAssignmentSheets(ctx.db, c.id),
    ctx.db.selectFrom('supervision_records').selectAll().where('case_id', '=', c.id).orderBy('id').execute(),
    presentDeps(ctx),
  ]);
  const tracked = measures.map((m) => ({ ...m, ...(flags.get(m.id) ?? { remindedAt: null, missedAt: null }) }));
  return presentCase(c, { events, measures: tracked, sheets, records }, actor, deps);
}

export function registerCaseRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(
    app,
    {
      method: 'POST',
      url: '/cases',
      summary: '登记反映件（受理员、县行管办）；可带 Idempotency-Key 头',
      tag: '反映件',
      bodyDoc: ZIntake,
      responses: { 201: '已登记', 200: '重复提交，返回首次登记的反映件' },
      response: { 201: ZCase, 200: ZCase, 409: errorResponse('IDEMPOTENCY_MISMATCH') },
    },
    async (req, reply, { actor }) => {
      const key = req.headers['idempotency-key'];
      const r = await intakeCase(ctx, req.body, actor, { idempotencyKey: typeof key === 'string' ? key : undefined });
      void reply.status(r.replayed ? 200 : 201);
      return presentFull(ctx, r.record, actor);
    },
  );

  route(
    app,
    { method: 'GET', url: '/cases', summary: '反映件列表（台账），游标分页，电话号码脱敏', tag: '反映件', query: ZCaseListQuery, response: ZCasePage },
    async (_req, _reply, { query, actor }) => {
      const { cursor, limit, dueSoon, sort, ...rest } = query;
      const now = ctx.clock.now();
      const filters = dueSoon ? { ...rest, dueSoonUntil: await dueSoonUntil(ctx, now) } : rest;
      const page = await listCases(ctx.db, filters, { limit, cursor, sort }, actor, now);
      const deps = await presentDeps(ctx);
      return { items: page.rows.map((c) => presentCaseSummary(c, deps)), nextCursor: page.nextCursor };
    },
  );

  route(app, { method: 'GET', url: '/cases/:id', summary: '反映件详情：时间线、措施、回访与可执行操作', tag: '反映件', response: ZCase }, async (req, _reply, { actor }) => {
    const { id } = req.params as { id: string };
    const c = await findVisibleCase(ctx.db, parseCaseId(id), actor);
    return presentFull(ctx, c, actor);
  });

  route(
    app,
    {
      method: 'POST',
      url: '/cases/:id/actions/:action',
      summary: `对反映件执行操作（${CASE_ACTIONS.join('、')}），请求体带 version`,
      tag: '反映件',
      bodyDoc: z.union(CASE_ACTIONS.map((a) => actionBodySchema(a)) as any),
      response: { 200: ZCase, 409: errorResponse('VERSION_CONFLICT', 'INVALID_TRANSITION') },
    },
    async (req, _reply, { actor }) => {
      const { id, action } = req.params as { id: string; action: string };
      const c = await runCaseAction(ctx, id, action, req.body, actor);
      return presentFull(ctx, c, actor);
    },
  );
}
