/**
 * The loop as it really runs (issue 10): contests, co-departments' parts, corrections, 重办, 并件,
 * unanswered callbacks, fulfilled measures and the stage clocks. Frozen.
 */
import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const id = (t: any) => (pg ? t.addColumn('id', 'serial', (c: any) => c.primaryKey()) : t.addColumn('id', 'integer', (c: any) => c.primaryKey().autoIncrement()));
  const cases = (name: string, type: 'text' | 'integer', notNullDefault?: number) =>
    db.schema
      .alterTable('cases')
      .addColumn(name, type, (c) => (notNullDefault === undefined ? c : c.notNull().defaultTo(notNullDefault)))
      .execute();

  /** A 派单异议 awaiting the coordinator (JSON), or null. */
  await cases('pending_contest', 'text');
  /** Departments that have contested this case (JSON list). */
  await cases('contested_by', 'text');
  /** When the current lead department was made lead (the contest window starts here). */
  await cases('lead_since', 'text');
  await cases('callback_attempts', 'integer', 0);
  await cases('closed_unreachable', 'integer', 0);
  await cases('merged_into', 'integer');
  await cases('reopen_count', 'integer', 0);
  /** The stage clock: when the case entered the stage it waits in, and (triage, callback, verification) its deadline. */
  await cases('stage_started_at', 'text');
  await cases('stage_due_at', 'text');

  // ?stageOverdue=true walks the stage deadlines of waiting cases; ?pendingContest=true the pending contests.
  await db.schema.createIndex('cases_stage_due').on('cases').columns(['stage_due_at', 'status']).execute();
  await db.schema.createIndex('cases_merged_into').on('cases').columns(['merged_into']).execute();
  await db.schema.createIndex('cases_pending_contest').on('cases').columns(['pending_contest']).where('pending_contest', 'is not', null).execute();

  await db.schema.alterTable('measures').addColumn('fulfilled_at', 'text').execute();
  await db.schema.alterTable('measures').addColumn('fulfilled_by', 'text').execute();
  await db.schema.alterTable('measures').addColumn('fulfilled_note', 'text').execute();

  /** 协办意见: one current part per co-department (a later one replaces it; the timeline keeps both). */
  await db.schema
    .createTable('case_co_parts')
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id'))
    .addColumn('department_code', 'text', (c) => c.notNull())
    .addColumn('opinion', 'text', (c) => c.notNull())
    .addColumn('by_user', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_co_parts_pk', ['case_id', 'department_code'])
    .execute();

  /** 回访未接通 attempts. */
  await id(db.schema.createTable('case_callback_attempts'))
    .addColumn('case_id', 'integer', (c: any) => c.notNull().references('cases.id'))
    .addColumn('outcome', 'text', (c: any) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('by_user', 'text', (c: any) => c.notNull())
    .addColumn('at', 'text', (c: any) => c.notNull())
    .execute();
  await db.schema.createIndex('case_callback_attempts_case').on('case_callback_attempts').columns(['case_id']).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
