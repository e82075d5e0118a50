/**
 * Retrains the triage model on a schedule. Every instance runs the job each minute, but a run is
 * claimed by a conditional update of its row in `job_claims` (next_at ≤ now → next_at = now + period):
 * exactly one instance wins each period, on SQLite and on PostgreSQL alike.
 */
import type { AppContext } from '../context.js';
import type { Executor } from '../db/database.js';
import type { Job } from '../jobs/runner.js';
import { trainAndStore } from './triage.service.js';

/** How often the model is retrained. */
export const TRIAGE_TRAIN_EVERY_MS = 6 * 3600_000;
const JOB = 'triage-train';

/** Claims the job's run due at `now`; true for exactly one caller per period. */
export async function claimScheduledRun(db: Executor, name: string, now: Date, everyMs: number): Promise<boolean> {
  const at = now.toISOString();
  await db.insertInto('job_claims').values({ name, next_at: '1970-01-01T00:00:00.000Z', claimed_at: null }).onConflict((oc) => oc.column('name').doNothing()).execute();
  const r = await db
    .updateTable('job_claims')
    .set({ next_at: new Date(now.getTime() + everyMs).toISOString(), claimed_at: at })
    .where('name', '=', name)
    .where('next_at', '<=', at)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function runScheduledTraining(ctx: AppContext): Promise<number> {
  if (!(await claimScheduledRun(ctx.db, JOB, ctx.clock.now(), TRIAGE_TRAIN_EVERY_MS))) return 0;
  await trainAndStore(ctx, 'system');
  return 1;
}

export const triageTrainingJob: Job = { name: JOB, everyMs: 60_000, run: runScheduledTraining };
