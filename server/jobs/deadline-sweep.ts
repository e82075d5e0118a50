/**
 * The deadline sweep: marks open cases *due soon* (within the setting's working days before the
 * deadline) and *overdue*, once per case, kind and deadline — records it on the timeline, queues
 * notifications for the lead department and the coordinator, audits it. Safe with several
 * instances on one PostgreSQL: the (case, kind, deadline) mark is claimed by a primary-key insert,
 * so a second instance's insert does nothing and it moves on.
 *
 * It also marks cases past their *stage clock* (core/clocks.ts: 受理, 回访, 核查 each have
 * their own deadline, `stage_due_at`), once per case and stage deadline (kind 'stage_overdue'): a
 * timeline event, a message to the coordinator (who owns those stages), an audit record.
 *
 * And it marks each 督办 (supervision order) whose own deadline passed without the lead
 * department's report, once (`overdue_marked_at`, claimed by a conditional update that a second
 * instance finds already done): a 'supervision_overdue' event, a message to the coordinator and
 * the supervisor, an audit record. An overdue case is also told to the supervisor.
 */
import { sql } from 'kysely';
import { CLOCK_RUNNING_STATUSES, dueSoonCutoff, STAGE_CLOCK_STATUSES, STAGE_LABELS, stageOf } from '../../core/clocks.js';
import type { CaseStatus } from '../../core/domain.js';
import { formatShanghai } from '../../core/working-days.js';
import type { SystemEventType } from '../../core/timeline-events.js';
import type { AppContext } from '../context.js';
import { loadCalendar } from '../calendar/calendar.repository.js';
import { getSettings } from '../settings/settings.repository.js';
import { appendEvent } from '../cases/case.repository.js';
import { appendAudit } from '../audit/audit.repository.js';
import { withStaffSms } from '../notifications/staff-sms.js';
import type { Job } from './runner.js';

export const SYSTEM_ACTOR = { username: 'system', name: '系统', role: 'system' };

/** The marks the sweep records, each a timeline event type (core/timeline-events.ts) and an outbox topic. */
export type MarkKind = Extract<SystemEventType, 'due_soon' | 'overdue'>;

interface Candidate {
  id: number;
  case_no: string;
  due_at: string;
  lead_department: string | null;
}

async function candidates(ctx: AppContext, kind: MarkKind, now: Date, soonUntil: Date, limit: number): Promise<Candidate[]> {
  const nowIso = now.toISOString();
  let q = ctx.db
    .selectFrom('cases')
    .select(['id', 'case_no', 'due_at', 'lead_department'])
    .where('status', 'in', [...CLOCK_RUNNING_STATUSES])
    .where('due_at', 'is not', null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('case_deadline_marks as m')
            .select('m.case_id')
            .whereRef('m.case_id', '=', 'cases.id')
            .where('m.kind', '=', kind)
            .whereRef('m.due_at', '=', sql.ref('cases.due_at')),
        ),
      ),
    );
  q = kind === 'overdue' ? q.where('due_at', '<', nowIso) : q.where('due_at', '>=', nowIso).where('due_at', '<=', soonUntil.toISOString());
  return (await q.orderBy('due_at').limit(limit).execute()) as Candidate[];
}

/** One bounded run; returns how many cases this instance marked. */
export async function runDeadlineSweep(ctx: AppContext, batch = 200): Promise<number> {
  const now = ctx.clock.now();
  const [calendar, settings] = await Promise.all([loadCalendar(ctx.db), getSettings(ctx.db)]);
  let marked = 0;
  for (const kind of ['overdue', 'due_soon'] as const) {
    const found = await candidates(ctx, kind, now, dueSoonCutoff(now, calendar, settings.dueSoonWorkingDays), batch);
    for (const c of found) {
      const at = now.toISOString();
      const did = await ctx.db.transaction().execute(async (trx) => {
        const claimed = await trx
          .insertInto('case_deadline_marks')
          .values({ case_id: c.id, kind, due_at: c.due_at, marked_at: at })
          .onConflict((oc) => oc.columns(['case_id', 'kind', 'due_at']).doNothing())
          .returning('case_id')
          .executeTakeFirst();
        if (!claimed) return false; // another instance marked it
        const dueAt = formatShanghai(new Date(c.due_at));
        await appendEvent(trx, c.id, { type: kind, at, by: SYSTEM_ACTOR, data: { dueAt } });
        // The supervisor (县纪委监委) hears of every case that turns overdue.
        const recipients = [...(c.lead_department ? [`department:${c.lead_department}`] : []), 'coordinator', ...(kind === 'overdue' ? ['supervisor'] : [])];
        // Handlers who chose it are also told of an overdue case by SMS (staff-sms.ts).
        const rows = recipients.map((recipient) => ({ topic: kind, case_id: c.id, recipient, payload: JSON.stringify({ caseNo: c.case_no, dueAt }), created_at: at, available_at: at, attempts: 0 }));
        await trx
          .insertInto('outbox')
          .values(await withStaffSms(trx, rows))
          .execute();
        await appendAudit(trx, { at, actor: SYSTEM_ACTOR.username, action: `case.${kind}`, entityType: 'case', entityId: String(c.id), data: { caseNo: c.case_no, dueAt } });
        return true;
      });
      if (did) marked++;
    }
  }
  return marked + (await runStageSweep(ctx, now, batch)) + (await runSupervisionSweep(ctx, now, batch));
}

/** Marks the 督办 of open cases past their deadline without a report; returns how many this instance marked. */
export async function runSupervisionSweep(ctx: AppContext, now: Date, batch = 200): Promise<number> {
  const found = await ctx.db
    .selectFrom('supervision_records as r')
    .innerJoin('cases as c', 'c.id', 'r.case_id')
    .select(['r.id', 'r.case_id', 'r.record_no', 'r.due_at', 'r.department_code', 'c.case_no'])
    .where('r.kind', '=', 'supervise')
    .where('r.reported_at', 'is', null)
    .where('r.overdue_marked_at', 'is', null)
    .where('r.due_at', '<', now.toISOString())
    .where('c.status', 'not in', ['rejected', 'closed', 'merged'])
    .orderBy('r.due_at')
    .limit(batch)
    .execute();
  let marked = 0;
  for (const r of found) {
    const at = now.toISOString();
    const did = await ctx.db.transaction().execute(async (trx) => {
      // Claimed by the update itself: a report in between, or another instance first, leaves nothing to mark.
      const claimed = await trx
        .updateTable('supervision_records')
        .set({ overdue_marked_at: at })
        .where('id', '=', r.id)
        .where('overdue_marked_at', 'is', null)
        .where('reported_at', 'is', null)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return false;
      const dueAt = formatShanghai(new Date(r.due_at!));
      await appendEvent(trx, r.case_id, { type: 'supervision_overdue', at, by: SYSTEM_ACTOR, data: { recordNo: r.record_no, dueAt } });
      const payload = JSON.stringify({ caseNo: r.case_no, recordNo: r.record_no, note: r.record_no, dueAt, ...(r.department_code ? { department: r.department_code } : {}) });
      await trx
        .insertInto('outbox')
        .values(['coordinator', 'supervisor'].map((recipient) => ({ topic: 'supervision_overdue', case_id: r.case_id, recipient, payload, created_at: at, available_at: at, attempts: 0 })))
        .execute();
      await appendAudit(trx, { at, actor: SYSTEM_ACTOR.username, action: 'case.supervision_overdue', entityType: 'case', entityId: String(r.case_id), data: { caseNo: r.case_no, recordNo: r.record_no, dueAt } });
      return true;
    });
    if (did) marked++;
  }
  return marked;
}

/** Cases waiting in a stage with its own clock, past it, not yet marked for that stage deadline. */
async function stageCandidates(ctx: AppContext, now: Date, limit: number) {
  return ctx.db
    .selectFrom('cases')
    .select(['id', 'case_no', 'status', 'stage_due_at'])
    .where('stage_due_at', '<', now.toISOString())
    .where('status', 'in', [...STAGE_CLOCK_STATUSES])
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('case_deadline_marks as m')
            .select('m.case_id')
            .whereRef('m.case_id', '=', 'cases.id')
            .where('m.kind', '=', 'stage_overdue')
            .whereRef('m.due_at', '=', sql.ref('cases.stage_due_at')),
        ),
      ),
    )
    .orderBy('stage_due_at')
    .limit(limit)
    .execute();
}

/** Marks the cases past their stage clock; returns how many this instance marked. */
export async function runStageSweep(ctx: AppContext, now: Date, batch = 200): Promise<number> {
  let marked = 0;
  for (const c of await stageCandidates(ctx, now, batch)) {
    const stage = stageOf(c.status as CaseStatus);
    if (!c.stage_due_at || (stage !== 'triage' && stage !== 'callback' && stage !== 'verification')) continue;
    const stageDue = c.stage_due_at;
    const at = now.toISOString();
    const did = await ctx.db.transaction().execute(async (trx) => {
      // The case may have moved on since it was found: mark only the stage it still waits in.
      const still = await trx.selectFrom('cases').select('id').where('id', '=', c.id).where('status', '=', c.status).where('stage_due_at', '=', stageDue).executeTakeFirst();
      if (!still) return false;
      const claimed = await trx
        .insertInto('case_deadline_marks')
        .values({ case_id: c.id, kind: 'stage_overdue', due_at: stageDue, marked_at: at })
        .onConflict((oc) => oc.columns(['case_id', 'kind', 'due_at']).doNothing())
        .returning('case_id')
        .executeTakeFirst();
      if (!claimed) return false; // another instance marked it
      const dueAt = formatShanghai(new Date(stageDue));
      await appendEvent(trx, c.id, { type: 'stage_overdue', at, by: SYSTEM_ACTOR, data: { stage, dueAt } });
      await trx
        .insertInto('outbox')
        .values({ topic: 'stage_overdue', case_id: c.id, recipient: 'coordinator', payload: JSON.stringify({ caseNo: c.case_no, stage, note: STAGE_LABELS[stage], dueAt }), created_at: at, available_at: at, attempts: 0 })
        .execute();
      await appendAudit(trx, { at, actor: SYSTEM_ACTOR.username, action: 'case.stage_overdue', entityType: 'case', entityId: String(c.id), data: { caseNo: c.case_no, stage, dueAt } });
      return true;
    });
    if (did) marked++;
  }
  return marked;
}

export const deadlineSweepJob: Job = { name: 'deadline-sweep', everyMs: 60_000, run: (ctx) => runDeadlineSweep(ctx) };
