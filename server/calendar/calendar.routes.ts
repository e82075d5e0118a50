import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { route } from '../http.js';
import { ZCalendarYears, ZDeadlineAnswer, ZSaveYearResult, ZYearSchedule } from '../../core/api/responses.js';
import { parseIsoInstant } from '../../core/api/schemas.js';
import { deadlineFor, formatShanghai } from '../../core/working-days.js';
import { loadCalendar, loadSchedules } from './calendar.repository.js';
import { saveYearSchedule } from './calendar.service.js';
import { notFound } from '../errors.js';

const ZInstant = z
  .string({ error: 'start 必须是 ISO 8601 日期时间' })
  .transform((v, ctx) => {
    const d = parseIsoInstant(v, 'start');
    if (!d) {
      ctx.addIssue({ code: 'custom', message: 'start 应为 1970–2999 年的 ISO 8601 日期时间（如 2026-11-26T10:00:00+08:00）' });
      return z.NEVER;
    }
    return d;
  });

export const ZDeadlineQuery = z.object({
  start: ZInstant,
  workingDays: z
    .string({ error: 'workingDays 必填' })
    .regex(/^\d{1,3}$/, { error: 'workingDays 应为 0–365 的整数' })
    .transform(Number)
    .refine((n) => n <= 365, { error: 'workingDays 应为 0–365 的整数' }),
});

const ZYearBody = z.object({
  holidays: z.array(z.object({ date: z.string(), name: z.string() })).max(366),
  workdays: z.array(z.object({ date: z.string(), name: z.string() })).max(366),
});

export function registerCalendarRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(
    app,
    { method: 'GET', url: '/calendar/deadline', summary: '计算办理时限：起算时刻后第 N 个工作日的 23:59:59（+08:00）', tag: '工作日历', query: ZDeadlineQuery, response: ZDeadlineAnswer },
    async (_req, _reply, { query }) => {
      const d = deadlineFor(query.start, query.workingDays, await loadCalendar(ctx.db));
      return { deadline: d.dueAtIso, date: d.dueDate, provisional: d.provisional, start: formatShanghai(query.start), workingDays: query.workingDays };
    },
  );
  route(app, { method: 'GET', url: '/calendar/years', summary: '已录入节假日安排的年份', tag: '工作日历', response: ZCalendarYears }, async () => {
    const years = await ctx.db.selectFrom('calendar_years').selectAll().orderBy('year').execute();
    const schedules = await loadSchedules(ctx.db);
    return {
      items: years.map((y) => {
        const s = schedules.find((x) => x.year === y.year);
        return { year: y.year, source: y.source, updatedAt: y.updated_at, updatedBy: y.updated_by, holidays: s?.holidays.length ?? 0, workdays: s?.workdays.length ?? 0 };
      }),
    };
  });
  route(app, { method: 'GET', url: '/calendar/years/:year', summary: '某年节假日与调休上班安排', tag: '工作日历', response: ZYearSchedule }, async (req) => {
    const year = Number((req.params as { year: string }).year);
    const s = (await loadSchedules(ctx.db)).find((x) => x.year === year);
    if (!s) throw notFound();
    return s;
  });
  route(
    app,
    { method: 'PUT', url: '/calendar/years/:year', summary: '录入或修改某年节假日安排（系统管理员）；重新计算该年内的临时时限', tag: '工作日历', auth: 'manageCalendar', body: ZYearBody, response: ZSaveYearResult },
    async (req, _reply, { body, actor }) => {
      const year = Number((req.params as { year: string }).year);
      return saveYearSchedule(ctx, { year, ...body }, actor, 'admin');
    },
  );
}
