/**
 * Indexes for the loop's list filters at scale (bench/loop-lists.bench.ts, 1,000,000 cases). Frozen.
 *
 * - ?phone= newest first: (reporter_phone_index, received_at, id) — a frequent caller's newest 50
 *   without sorting all their cases.
 * - ?stageOverdue=true: each of its two sets (handled past the dispatch deadline, waiting past the
 *   stage clock) read newest first from a covering index, so only the page's rows are fetched
 *   (server/cases/case.repository.ts `stageOverduePage`).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('cases_phone_received').on('cases').columns(['reporter_phone_index', 'received_at', 'id']).execute();
  await db.schema.createIndex('cases_status_due_received').on('cases').columns(['status', 'due_at', 'received_at', 'id']).execute();
  await db.schema.createIndex('cases_status_stage_due_received').on('cases').columns(['status', 'stage_due_at', 'received_at', 'id']).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
