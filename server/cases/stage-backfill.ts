/**
 * Stage clocks for cases written before they existed (migration 009) or imported from a ledger:
 * a case waiting in triage, callback or verification with no `stage_started_at` gets the clock it
 * would have had — started when it entered that stage as far as the row tells (received → the
 * intake, completed → the completion, verifying → the latest callback, else the last update), due
 * the settings' working days later (core/clocks.ts `enterStage`). Safe with several instances: a
 * row already given a clock is skipped.
 */
import { enterStage, STAGE_CLOCK_STATUSES, type StageSettings } from '../../core/clocks.js';
import type { CaseStatus } from '../../core/domain.js';
import type { WorkCalendar } from '../../core/working-days.js';
import type { Db, Executor } from '../db/database.js';
import { loadCalendar } from '../calendar/calendar.repository.js';
import { getSettings } from '../settings/settings.repository.js';
import { appendAudit } from '../audit/audit.repository.js';

interface BackfillRow {
  status: string;
  received_at: string;
  completed_at: string | null;
  callback: string | null;
  updated_at: string;
}

/** When the case entered the stage it waits in, as far as its row tells (pure). */
export function stageStartOf(r: BackfillRow): string | null {
  switch (r.status) {
    case 'received':
    case 'accepted':
      return r.received_at;
    case 'completed':
      return r.completed_at ?? r.updated_at;
    case 'verifying': {
      let at: unknown = null;
      try {
        at = r.callback ? (JSON.parse(r.callback) as { at?: unknown }).at : null;
      } catch {
        at = null;
      }
      return typeof at === 'string' && !Number.isNaN(Date.parse(at)) ? at : r.updated_at;
    }
    default:
      return null;
  }
}

/** The stage clock a row gets (pure); null when its state has no clock of its own. */
export function backfilledStage(r: BackfillRow, cal: WorkCalendar, s: StageSettings): { stage_started_at: string; stage_due_at: string | null } | null {
  const start = stageStartOf(r);
  if (!start) return null;
  const st = enterStage(null, r.status as CaseStatus, new Date(start), cal, s);
  return st ? { stage_started_at: st.stageStartedAt, stage_due_at: st.stageDueAt } : null;
}

/** Gives every waiting case without a stage clock its clock, in batches; returns how many it gave one. */
export async function backfillStageClocks(db: Executor, batch = 500): Promise<number> {
  const [cal, settings] = await Promise.all([loadCalendar(db), getSettings(db)]);
  let done = 0;
  // Status by status, from the (status, stage_due_at, …) index: a case without a stage clock has no
  // stage deadline either (both are set together, core/clocks.ts enterStage). Asked of every status
  // at once in id order, PostgreSQL walked the whole table at every boot (10 M cases: 9.4 s, 11 GB
  // read, to find none).
  // The ids first, unordered and unlimited: with `order by id limit` PostgreSQL still preferred
  // walking the primary key (12 s at 10 M cases).
  for (const status of STAGE_CLOCK_STATUSES) {
    const ids = (
      await db.selectFrom('cases').select('id').where('status', '=', status).where('stage_due_at', 'is', null).where('stage_started_at', 'is', null).execute()
    ).map((r) => r.id);
    for (let i = 0; i < ids.length; i += batch) {
      const rows = await db
        .selectFrom('cases')
        .select(['id', 'status', 'received_at', 'completed_at', 'callback', 'updated_at'])
        .where('id', 'in', ids.slice(i, i + batch))
        .where('stage_started_at', 'is', null)
        .execute();
      for (const r of rows) {
        const st = backfilledStage(r, cal, settings);
        if (!st) continue;
        const u = await db.updateTable('cases').set(st).where('id', '=', r.id).where('stage_started_at', 'is', null).where('status', '=', r.status).executeTakeFirst();
        done += Number(u.numUpdatedRows);
      }
    }
  }
  return done;
}

/** At boot: the backfill, with one audit record when it gave any case a clock. */
export async function backfillStageClocksAtBoot(db: Db, at: string): Promise<number> {
  const done = await backfillStageClocks(db);
  if (done > 0) {
    await db.transaction().execute((trx) =>
      appendAudit(trx, { at, actor: 'system', action: 'cases.stage_backfill', entityType: 'cases', entityId: '*', data: { staged: done } }).then(() => undefined),
    );
  }
  return done;
}
