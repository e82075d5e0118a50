/**
 * Measures with a due date: a 容缺受理 promise (the applicant promised in writing to hand in the
 * missing material by then; docs/DOMAIN.md §Problem types) and any other measure given a due date.
 * One working day before it (09:00 Asia/Shanghai of the previous working day, by the official
 * calendar) the lead department (in-app; the coordinator when none) is reminded — and for a 容缺
 * promise the reporter too (SMS); once the due date has passed unfulfilled the measure is flagged
 * missed on the case, and the department and the coordinator are told. A measure fulfilled
 * (措施完成 / 已补交, `fulfil-measure`) or withdrawn (撤回措施, `withdraw-measure`) is never reminded
 * or flagged again. Which measure is owed what, and when, is decided in core/measures.ts.
 *
 * Exactly once across instances: each flag is claimed with a conditional insert into
 * `measure_tracking` (`ON CONFLICT (measure_id) DO UPDATE … WHERE <flag> IS NULL RETURNING`), in
 * the same transaction as its timeline event, outbox messages and audit record.
 */
import { MEASURE_LABELS, type MeasureType } from '../../core/domain.js';
import { TERMINAL_STATUSES } from '../../core/clocks.js';
import type { SystemEventType } from '../../core/timeline-events.js';
import { formatShanghai } from '../../core/working-days.js';
import { isReporterPromise, reminderDue } from '../../core/measures.js';
import type { AppContext } from '../context.js';
import type { Executor } from '../db/database.js';
import { appendAudit } from '../audit/audit.repository.js';
import { appendEvent } from '../cases/case.repository.js';
import { loadCalendar } from '../calendar/calendar.repository.js';
import type { Job } from '../jobs/runner.js';

// The rules (which measure is reminded when, which is missed) live in core/measures.ts.
export { REMINDER_HOUR, REPORTER_PROMISES, reminderInstant } from '../../core/measures.js';
/** Reminders (they include an SMS) go out only between these local hours. */
export const DAYTIME = { from: 8, to: 21 } as const;
const BATCH = 100;
const SYSTEM = { username: 'system', name: '系统', role: 'system' };

/** Timeline event types written here (shown on the case's timeline). */
export const MEASURE_EVENTS = {
  /** The department (and for a 容缺 promise the reporter) were reminded of a measure due within one working day. */
  dueSoon: 'measure_due_soon',
  /** A measure's due date passed unfulfilled: flagged missed on the case. */
  overdue: 'measure_overdue',
} as const satisfies Record<string, SystemEventType>;

function isDaytime(now: Date): boolean {
  const h = new Date(now.getTime() + 8 * 3_600_000).getUTCHours();
  return h >= DAYTIME.from && h < DAYTIME.to;
}

interface Candidate {
  id: number;
  case_id: number;
  type: string;
  note: string | null;
  due_at: string | null;
  case_no: string;
  lead_department: string | null;
  reminded_at: string | null;
  missed_at: string | null;
}

function candidates(db: Executor) {
  return db
    .selectFrom('measures as m')
    .innerJoin('cases as c', 'c.id', 'm.case_id')
    .leftJoin('measure_tracking as t', 't.measure_id', 'm.id')
    .select(['m.id', 'm.case_id', 'm.type', 'm.note', 'm.due_at', 'c.case_no', 'c.lead_department', 't.reminded_at', 't.missed_at'])
    .where('m.due_at', 'is not', null)
    .where('m.fulfilled_at', 'is', null)
    .where('m.withdrawn_at', 'is', null)
    .where('c.status', 'not in', [...TERMINAL_STATUSES]);
}

async function flag(ctx: AppContext, m: Candidate, kind: 'dueSoon' | 'overdue'): Promise<boolean> {
  const at = ctx.clock.now().toISOString();
  const column = kind === 'dueSoon' ? 'reminded_at' : 'missed_at';
  return ctx.db.transaction().execute(async (trx) => {
    const claimed = await trx
      .insertInto('measure_tracking')
      .values({ measure_id: m.id, case_id: m.case_id, reminded_at: kind === 'dueSoon' ? at : null, missed_at: kind === 'overdue' ? at : null })
      .onConflict((oc) => oc.column('measure_id').doUpdateSet({ [column]: at }).where(`measure_tracking.${column}`, 'is', null))
      .returning('measure_id')
      .executeTakeFirst();
    if (!claimed) return false;
    const measureType = m.type as MeasureType; // written only through the validated schemas
    const label = MEASURE_LABELS[measureType] ?? m.type;
    const type = MEASURE_EVENTS[kind];
    const dueAt = formatShanghai(new Date(m.due_at!));
    await appendEvent(trx, m.case_id, { type, at, by: SYSTEM, data: { measureId: m.id, measureType, dueAt, note: m.note } });
    const dept = m.lead_department ? `department:${m.lead_department}` : null;
    const promise = isReporterPromise(measureType);
    const recipients = kind === 'dueSoon' ? [...(promise ? ['reporter'] : []), dept ?? 'coordinator'] : [...(dept ? [dept] : []), 'coordinator'];
    const payload = JSON.stringify({ caseNo: m.case_no, measureId: m.id, measure: label, dueAt: m.due_at, note: m.note });
    await trx
      .insertInto('outbox')
      .values(recipients.map((recipient) => ({ topic: type, case_id: m.case_id, recipient, payload, created_at: at, available_at: at, attempts: 0 })))
      .execute();
    await appendAudit(trx, { at, actor: SYSTEM.username, action: `case.${type}`, entityType: 'case', entityId: String(m.case_id), data: { caseNo: m.case_no, measureId: m.id, dueAt } });
    return true;
  });
}

/**
 * One run: flags missed measures, then (in daytime) reminds of those due within one working day.
 * Bounded: at most 100 of each per run. Returns how many flags this run set.
 */
export async function runMeasureReminders(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  let set = 0;
  const missed = await candidates(ctx.db).where('m.due_at', '<=', nowIso).where('t.missed_at', 'is', null).orderBy('m.due_at').orderBy('m.id').limit(BATCH).execute();
  const soon = isDaytime(now)
    ? await candidates(ctx.db).where('m.due_at', '>', nowIso).where('t.reminded_at', 'is', null).orderBy('m.due_at').orderBy('m.id').limit(BATCH).execute()
    : [];
  if (missed.length === 0 && soon.length === 0) return set;
  const cal = await loadCalendar(ctx.db);
  const owed = (m: Candidate) =>
    reminderDue({ type: m.type, dueAt: m.due_at, fulfilledAt: null, withdrawnAt: null }, { remindedAt: m.reminded_at, missedAt: m.missed_at }, now, cal);
  for (const m of missed) if (owed(m) === 'overdue' && (await flag(ctx, m, 'overdue'))) set++;
  for (const m of soon) {
    // Ordered by due date, so the reminder instants are ordered too: stop at the first one not yet due.
    if (owed(m) !== 'dueSoon') break;
    if (await flag(ctx, m, 'dueSoon')) set++;
  }
  return set;
}

/** The reminder flags of a case's measures, for the case detail: measure id → flags (UTC ISO). */
export async function measureFlags(db: Executor, caseId: number): Promise<Map<number, { remindedAt: string | null; missedAt: string | null }>> {
  return measureFlagsOf(await measureTrackingQuery(db, caseId).execute());
}

export function measureTrackingQuery(db: Executor, caseId: number) {
  return db.selectFrom('measure_tracking').selectAll().where('case_id', '=', caseId);
}

/** The reminder and missed marks of a case's measures, by measure id, from its tracking rows. */
export function measureFlagsOf(rows: ReadonlyArray<{ measure_id: number; reminded_at: string | null; missed_at: string | null }>): Map<number, { remindedAt: string | null; missedAt: string | null }> {
  return new Map(rows.map((r) => [r.measure_id, { remindedAt: r.reminded_at, missedAt: r.missed_at }]));
}

export const measureReminderJob: Job = { name: 'measure-reminders', everyMs: 60_000, run: runMeasureReminders };
