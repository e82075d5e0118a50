/**
 * Purges the public pages' rate-limit rows (failed lookups, online reports per address) once they
 * are older than any window that counts them. Bounded per run; safe in several instances (a
 * delete of the same old rows twice deletes nothing the second time).
 */
import type { AppContext } from '../context.js';
import type { Job } from '../jobs/runner.js';
import { RATE_ROWS_KEEP_MS } from './public-limits.js';

const BATCH = 5000;

export async function purgePublicRateRows(ctx: AppContext): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - RATE_ROWS_KEEP_MS).toISOString();
  let n = 0;
  for (const table of ['lookup_failures', 'public_rate_events'] as const) {
    const old = ctx.db.selectFrom(table).select('id').where('at', '<', cutoff).orderBy('id').limit(BATCH);
    const r = await ctx.db.deleteFrom(table).where('id', 'in', old).executeTakeFirst();
    n += Number(r.numDeletedRows);
  }
  return n;
}

export const publicHousekeepingJob: Job = { name: 'public-housekeeping', everyMs: 60 * 60_000, run: purgePublicRateRows };
