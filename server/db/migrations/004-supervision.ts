/**
 * Supervision over time (issue 5): 延期 on cases, 督办/通报/线索移送 records, deadline marks
 * (each due-soon/overdue handled once), the per-day statistics rollup, 一件事一次办 packages and
 * the typical-case library. Frozen.
 */
import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const id = (t: any) => (pg ? t.addColumn('id', 'serial', (c: any) => c.primaryKey()) : t.addColumn('id', 'integer', (c: any) => c.primaryKey().autoIncrement()));

  await db.schema.alterTable('cases').addColumn('pending_extension', 'text').execute();
  await db.schema.alterTable('cases').addColumn('on_time_due_at', 'text').execute();
  await db.schema.alterTable('cases').addColumn('extension_count', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // The deadline sweep walks open cases by deadline: (status, due_at).
  await db.schema.createIndex('cases_status_due').on('cases').columns(['status', 'due_at']).execute();
  // Statistics count open overdue cases of a period from the index alone (no table lookups).
  await db.schema.createIndex('cases_open_stats').on('cases').columns(['status', 'received_date', 'due_at', 'lead_department']).execute();

  await id(db.schema.createTable('supervision_records'))
    .addColumn('case_id', 'integer', (c: any) => c.notNull().references('cases.id'))
    .addColumn('kind', 'text', (c: any) => c.notNull())
    .addColumn('record_no', 'text', (c: any) => c.notNull().unique())
    .addColumn('department_code', 'text')
    .addColumn('due_at', 'text')
    .addColumn('text', 'text', (c: any) => c.notNull())
    .addColumn('by_user', 'text', (c: any) => c.notNull())
    .addColumn('at', 'text', (c: any) => c.notNull())
    /** Asia/Shanghai date of `at`, for counting by period. */
    .addColumn('at_date', 'text', (c: any) => c.notNull())
    .execute();
  await db.schema.createIndex('supervision_records_case').on('supervision_records').columns(['case_id']).execute();
  await db.schema.createIndex('supervision_records_kind').on('supervision_records').columns(['kind', 'at_date', 'department_code']).execute();

  await db.schema
    .createTable('case_deadline_marks')
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('marked_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_deadline_marks_pk', ['case_id', 'kind', 'due_at'])
    .execute();

  // Statistics rollup: per bucket (a day 'd:YYYY-MM-DD' or a month 'm:YYYY-MM' of intake), lead
  // department and one dimension value (channel, problem type, level, status; 'total' carries the
  // figures). A year's overview sums ~12 × departments × 25 rows.
  await db.schema
    .createTable('case_stats')
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('lead_department', 'text', (c) => c.notNull())
    .addColumn('dim', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('on_spot', 'integer', (c) => c.notNull())
    .addColumn('completed', 'integer', (c) => c.notNull())
    .addColumn('on_time', 'integer', (c) => c.notNull())
    .addColumn('callbacks', 'integer', (c) => c.notNull())
    .addColumn('satisfied', 'integer', (c) => c.notNull())
    .addColumn('bad', 'integer', (c) => c.notNull())
    .addColumn('substantiated', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_stats_pk', ['bucket', 'lead_department', 'dim', 'value'])
    .execute();

  await id(db.schema.createTable('service_packages'))
    .addColumn('name', 'text', (c: any) => c.notNull())
    .addColumn('departments', 'text', (c: any) => c.notNull())
    .addColumn('materials_before', 'text', (c: any) => c.notNull())
    .addColumn('materials_after', 'text', (c: any) => c.notNull())
    .addColumn('steps_before', 'text', (c: any) => c.notNull())
    .addColumn('steps_after', 'text', (c: any) => c.notNull())
    .addColumn('source_case_ids', 'text', (c: any) => c.notNull())
    .addColumn('status', 'text', (c: any) => c.notNull())
    .addColumn('created_by', 'text', (c: any) => c.notNull())
    .addColumn('created_at', 'text', (c: any) => c.notNull())
    .addColumn('updated_at', 'text', (c: any) => c.notNull())
    .execute();

  await id(db.schema.createTable('typical_cases'))
    .addColumn('case_id', 'integer', (c: any) => c.notNull().references('cases.id'))
    .addColumn('kind', 'text', (c: any) => c.notNull())
    .addColumn('title', 'text', (c: any) => c.notNull())
    .addColumn('summary', 'text', (c: any) => c.notNull())
    .addColumn('status', 'text', (c: any) => c.notNull())
    .addColumn('created_by', 'text', (c: any) => c.notNull())
    .addColumn('created_at', 'text', (c: any) => c.notNull())
    .addColumn('published_by', 'text')
    .addColumn('published_at', 'text')
    .execute();
  await db.schema.createIndex('typical_cases_status').on('typical_cases').columns(['status', 'kind']).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
