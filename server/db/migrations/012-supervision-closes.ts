/**
 * Supervision that closes (issue 12). Frozen: written against Kysely<any>; change the schema with a new migration.
 *
 * - `supervision_records`: a 督办 answered by the lead department (`report`, `reported_at`,
 *   `reported_by`); its deadline passed unanswered, marked once by the deadline sweep
 *   (`overdue_marked_at`); 纪委's handling result of a 线索移送 (`result`, `result_at`, `result_by`).
 * - `case_meetings`: the 会商 of the 工作组 recorded with an approved escalation (attendees as JSON).
 */
import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const id = (t: any) => (pg ? t.addColumn('id', 'serial', (c: any) => c.primaryKey()) : t.addColumn('id', 'integer', (c: any) => c.primaryKey().autoIncrement()));

  for (const col of ['report', 'reported_at', 'reported_by', 'overdue_marked_at', 'result', 'result_at', 'result_by']) {
    await db.schema.alterTable('supervision_records').addColumn(col, 'text').execute();
  }
  // The sweep walks unanswered 督办 by deadline.
  await db.schema.createIndex('supervision_records_open').on('supervision_records').columns(['kind', 'reported_at', 'due_at']).execute();

  await id(db.schema.createTable('case_meetings'))
    .addColumn('case_id', 'integer', (c: any) => c.notNull().references('cases.id'))
    .addColumn('held_at', 'text', (c: any) => c.notNull())
    .addColumn('convenor', 'text', (c: any) => c.notNull())
    .addColumn('attendees', 'text', (c: any) => c.notNull())
    .addColumn('decision', 'text', (c: any) => c.notNull())
    .addColumn('by_user', 'text', (c: any) => c.notNull())
    .addColumn('at', 'text', (c: any) => c.notNull())
    .execute();
  await db.schema.createIndex('case_meetings_case').on('case_meetings').columns(['case_id']).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
