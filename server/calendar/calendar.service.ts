/** Entering a year's holiday schedule, and recomputing the provisional deadlines it settles. */
import { CLOCK_RUNNING_STATUSES } from '../../core/clocks.js';
import { buildCalendar, deadlineFor, formatShanghai, validateYearSchedule, type YearSchedule } from '../../core/working-days.js';
import type { Actor } from '../../core/case-lifecycle.js';
import type { AppContext } from '../context.js';
import { appendAudit } from '../audit/audit.repository.js';
import { validation } from '../errors.js';
import { loadSchedules, saveYear } from './calendar.repository.js';
import { appendEvent } from '../cases/case.repository.js';

export interface SaveYearResult {
  year: number;
  recomputed: Array<{ caseNo: string; from: string | null; to: string }>;
}

/**
 * Replaces a year's schedule and, in the same transaction, recomputes every provisional deadline
 * of an open case (recorded on each case's timeline and in the audit chain).
 */
export async function saveYearSchedule(ctx: AppContext, raw: unknown, actor: Pick<Actor, 'username' | 'name' | 'role'>, source: string): Promise<SaveYearResult> {
  const v = validateYearSchedule(raw);
  if (!v.ok) throw validation(v.errors.map((message) => ({ field: 'schedule', message })));
  const schedule: YearSchedule = v.value;
  const now = ctx.clock.now();
  const at = now.toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    await saveYear(trx, schedule, source, actor.username, at);
    const calendar = buildCalendar(await loadSchedules(trx));
    const cases = await trx
      .selectFrom('cases')
      .select(['id', 'case_no', 'due_at', 'deadline_start_at', 'deadline_days', 'version'])
      .where('due_provisional', '=', 1)
      .where('deadline_start_at', 'is not', null)
      .where('status', 'in', [...CLOCK_RUNNING_STATUSES])
      .execute();
    const recomputed: SaveYearResult['recomputed'] = [];
    for (const c of cases) {
      const d = deadlineFor(new Date(c.deadline_start_at!), c.deadline_days ?? 0, calendar);
      const dueAt = d.dueAt.toISOString();
      await trx
        .updateTable('cases')
        .set({ due_at: dueAt, due_provisional: d.provisional ? 1 : 0, version: c.version + 1, updated_at: at })
        .where('id', '=', c.id)
        .execute();
      await appendEvent(trx, c.id, {
        type: 'deadline_recomputed',
        at,
        by: { username: actor.username, name: actor.name, role: actor.role },
        data: { year: schedule.year, from: c.due_at ? formatShanghai(new Date(c.due_at)) : null, to: d.dueAtIso, provisional: d.provisional },
      });
      recomputed.push({ caseNo: c.case_no, from: c.due_at ? formatShanghai(new Date(c.due_at)) : null, to: d.dueAtIso });
    }
    await appendAudit(trx, {
      at,
      actor: actor.username,
      action: 'calendar.save_year',
      entityType: 'calendar',
      entityId: String(schedule.year),
      data: { source, holidays: schedule.holidays.length, workdays: schedule.workdays.length, recomputed: recomputed.map((r) => r.caseNo) },
    });
    return { year: schedule.year, recomputed };
  });
}
