/**
 * The overdue lists read newest first without touching the table (issue 17: reads flat to 10 M cases).
 *
 * `?overdue=true`, `?dueSoon=true` and `?stageOverdue=true` read, for each status, that status's
 * cases newest first from (status, received_at, id), checking each one's deadline (dispatch
 * deadline `due_at`, or the stage's `stage_due_at`) until the page is full — at 10 M cases past
 * thousands of running cases not yet due, each a read of the table row for its deadline (overdue:
 * 18,000 pages per request). The index now carries both deadlines, so the walk reads the index only:
 * PostgreSQL as included columns, SQLite as trailing key columns (same order, same lookups). It
 * replaces the index without them: an intake writes no more index entries than before.
 *
 * Frozen: written against Kysely<any>; change the schema with a new migration.
 */
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`create index cases_status_received_clocks on cases (status, received_at, id) include (due_at, stage_due_at)`.execute(db);
  } else {
    await sql`create index cases_status_received_clocks on cases (status, received_at, id, due_at, stage_due_at)`.execute(db);
  }
  await db.schema.dropIndex('cases_status_received').execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
