/**
 * What the 工作台 needs in one call each: the caller's to-do counted by kind (with the ledger
 * query that lists them), overdue and due-soon counts, and recent activity on visible cases.
 */
import { dueSoonCutoff } from '../../core/clocks.js';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import { filterQueryString, todoKindsFor } from '../../core/todo.js';
import { can } from '../../core/permissions.js';
import type { Actor } from '../../core/case-lifecycle.js';
import type { AppContext } from '../context.js';
import { route } from '../http.js';
import { ZActivity, ZTodo } from '../../core/api/responses.js';
import { filteredCases, type CaseFilters } from './case.repository.js';
import { loadCalendar } from '../calendar/calendar.repository.js';
import { getSettings } from '../settings/settings.repository.js';
import { formatShanghai } from '../../core/working-days.js';

const queryString = (f: Partial<CaseFilters>): string => filterQueryString(f);

async function count(ctx: AppContext, f: Partial<CaseFilters>, actor: Actor): Promise<number> {
  const r = await filteredCases(ctx.db, f as CaseFilters, actor, ctx.clock.now())
    .select(sql<number>`count(*)`.as('n'))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export function registerWorkbenchRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(app, { method: 'GET', url: '/cases/todo', summary: '我的待办：按类别计数（附台账查询条件）、超期与即将到期件数', tag: '工作台', response: ZTodo }, async (req, _reply, { actor }) => {
    const now = ctx.clock.now();
    const kinds = todoKindsFor(actor.role, actor.department);
    const mine: Partial<CaseFilters> = actor.role === 'handler' ? { lead: actor.department ?? '' } : {};
    const [calendar, settings] = await Promise.all([loadCalendar(ctx.db, req.session?.refVersions), getSettings(ctx.db, req.session?.refVersions)]);
    // Every count at once (each its own query; none waits for another).
    const [items, toPhone, overdue, dueSoon] = await Promise.all([
      Promise.all(
        kinds.map(async (k) => {
          // A co-handling count excludes the cases the department leads.
          const [all, led] = await Promise.all([
            count(ctx, k.filters, actor),
            k.excludeLed ? count(ctx, { ...k.filters, department: undefined, lead: actor.department ?? '' }, actor) : 0,
          ]);
          return { kind: k.kind, label: k.label, count: all - led, query: queryString(k.filters) };
        }),
      ),
      // 电话告知: messages the reporter could not get by SMS, for whoever phones reporters (server/notifications/reporter-messages.ts).
      can(actor.role, 'phoneReporters') ? count(ctx, { phoneDue: true }, actor) : null,
      count(ctx, { ...mine, overdue: true }, actor),
      // The same filter as the list behind the card (`dueSoon=true`): one cutoff, core/clocks.ts.
      count(ctx, { ...mine, dueSoonUntil: dueSoonCutoff(now, calendar, settings.dueSoonWorkingDays).toISOString() }, actor),
    ]);
    if (toPhone !== null) items.push({ kind: 'to_phone', label: '电话告知', count: toPhone, query: queryString({ phoneDue: true }) });
    return { items, overdue, overdueQuery: queryString({ ...mine, overdue: true }), dueSoon, dueSoonWorkingDays: settings.dueSoonWorkingDays };
  });

  route(
    app,
    { method: 'GET', url: '/activity', summary: '最近动态：可见反映件的最新时间线事件', tag: '工作台', query: z.object({ limit: z.string().regex(/^\d{1,3}$/, { error: 'limit 应为 1–100 的整数' }).optional().transform((v) => (v ? Number(v) : 20)).refine((n) => n >= 1 && n <= 100, { error: 'limit 应为 1–100 的整数' }) }), response: ZActivity },
    async (_req, _reply, { query, actor }) => {
      let q = ctx.db
        .selectFrom('case_events as e')
        .innerJoin('cases', 'cases.id', 'e.case_id')
        .select(['e.case_id', 'cases.case_no', 'cases.matter', 'e.type', 'e.at', 'e.by_user', 'e.by_name'])
        .orderBy('e.id', 'desc')
        .limit(query.limit);
      if (actor.role === 'handler') {
        const dept = actor.department ?? '';
        q = q.where((eb) => eb.exists(eb.selectFrom('case_departments as v').select('v.case_id').whereRef('v.case_id', '=', 'e.case_id').where('v.department_code', '=', dept)));
      }
      const rows = await q.execute();
      return { items: rows.map((r) => ({ caseId: r.case_id, caseNo: r.case_no, matter: r.matter, type: r.type, at: formatShanghai(new Date(r.at)), by: r.by_user, byName: r.by_name })) };
    },
  );
}
