/** Initial schema. Frozen: written against Kysely<any>; change the schema with a new migration. */
import { type Kysely, sql } from 'kysely';
import { isPostgres } from '../dialect.js';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const id = (t: any) => (pg ? t.addColumn('id', 'serial', (c: any) => c.primaryKey()) : t.addColumn('id', 'integer', (c: any) => c.primaryKey().autoIncrement()));

  await db.schema
    .createTable('departments')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await id(db.schema.createTable('users'))
    .addColumn('username', 'text', (c: any) => c.notNull().unique())
    .addColumn('name', 'text', (c: any) => c.notNull())
    .addColumn('role', 'text', (c: any) => c.notNull())
    .addColumn('department_code', 'text', (c: any) => c.references('departments.code'))
    .addColumn('password_hash', 'text', (c: any) => c.notNull())
    .addColumn('disabled', 'integer', (c: any) => c.notNull().defaultTo(0))
    .addColumn('failed_logins', 'integer', (c: any) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'text')
    .addColumn('created_at', 'text', (c: any) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('counters')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('value', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('counters_pk', ['name', 'year'])
    .execute();

  await id(db.schema.createTable('cases'))
    .addColumn('case_no', 'text', (c: any) => c.notNull().unique())
    .addColumn('year', 'integer', (c: any) => c.notNull())
    .addColumn('seq', 'integer', (c: any) => c.notNull())
    .addColumn('channel', 'text', (c: any) => c.notNull())
    .addColumn('status', 'text', (c: any) => c.notNull())
    .addColumn('level', 'integer')
    .addColumn('problem_type', 'text')
    .addColumn('lead_department', 'text', (c: any) => c.references('departments.code'))
    .addColumn('co_departments', 'text', (c: any) => c.notNull().defaultTo('[]'))
    .addColumn('named_departments', 'text', (c: any) => c.notNull().defaultTo('[]'))
    .addColumn('reporter_name', 'text', (c: any) => c.notNull())
    .addColumn('reporter_phone', 'text', (c: any) => c.notNull())
    .addColumn('reporter_kind', 'text', (c: any) => c.notNull())
    .addColumn('reporter_org_name', 'text')
    .addColumn('reporter_org_code', 'text')
    .addColumn('matter', 'text', (c: any) => c.notNull())
    .addColumn('description', 'text', (c: any) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('received_at', 'text', (c: any) => c.notNull())
    .addColumn('received_date', 'text', (c: any) => c.notNull())
    .addColumn('created_by', 'text', (c: any) => c.notNull())
    .addColumn('due_at', 'text')
    .addColumn('due_provisional', 'integer', (c: any) => c.notNull().defaultTo(0))
    .addColumn('deadline_start_at', 'text')
    .addColumn('deadline_days', 'integer')
    .addColumn('escalated_from', 'text')
    .addColumn('assignment_no', 'text')
    .addColumn('first_completed_at', 'text')
    .addColumn('first_completed_on_time', 'integer')
    .addColumn('completed_at', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('resolved_on_spot', 'integer', (c: any) => c.notNull().defaultTo(0))
    .addColumn('result', 'text')
    .addColumn('replied_via', 'text')
    .addColumn('reject_category', 'text')
    .addColumn('reject_explanation', 'text')
    .addColumn('callback', 'text')
    .addColumn('callback_count', 'integer', (c: any) => c.notNull().defaultTo(0))
    .addColumn('ever_bad_review', 'integer', (c: any) => c.notNull().defaultTo(0))
    .addColumn('latest_callback_bad', 'integer', (c: any) => c.notNull().defaultTo(0))
    .addColumn('verification', 'text')
    .addColumn('ever_substantiated', 'integer', (c: any) => c.notNull().defaultTo(0))
    .addColumn('version', 'integer', (c: any) => c.notNull().defaultTo(1))
    .addColumn('updated_at', 'text', (c: any) => c.notNull())
    .execute();
  await db.schema.createIndex('cases_year_seq').on('cases').columns(['year', 'seq']).unique().execute();
  // Keyset pagination is newest first on (received_at, id); every list filter has an index in that order.
  await db.schema.createIndex('cases_received').on('cases').columns(['received_at', 'id']).execute();
  for (const col of ['status', 'lead_department', 'problem_type', 'channel', 'level']) {
    await db.schema.createIndex(`cases_${col}_received`).on('cases').columns([col, 'received_at', 'id']).execute();
  }
  await db.schema.createIndex('cases_received_date').on('cases').columns(['received_date']).execute();
  await db.schema.createIndex('cases_due').on('cases').columns(['due_at']).execute();

  await db.schema
    .createTable('case_departments')
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id'))
    .addColumn('department_code', 'text', (c) => c.notNull().references('departments.code'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_departments_pk', ['case_id', 'department_code'])
    .execute();
  await db.schema.createIndex('case_departments_dept').on('case_departments').columns(['department_code', 'case_id']).execute();

  await id(db.schema.createTable('case_events'))
    .addColumn('case_id', 'integer', (c: any) => c.notNull().references('cases.id'))
    .addColumn('type', 'text', (c: any) => c.notNull())
    .addColumn('at', 'text', (c: any) => c.notNull())
    .addColumn('by_user', 'text', (c: any) => c.notNull())
    .addColumn('by_name', 'text', (c: any) => c.notNull())
    .addColumn('by_role', 'text', (c: any) => c.notNull())
    .addColumn('data', 'text', (c: any) => c.notNull())
    .execute();
  await db.schema.createIndex('case_events_case').on('case_events').columns(['case_id', 'id']).execute();

  await id(db.schema.createTable('measures'))
    .addColumn('case_id', 'integer', (c: any) => c.notNull().references('cases.id'))
    .addColumn('type', 'text', (c: any) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('due_at', 'text')
    .addColumn('staff', 'text')
    .addColumn('by_user', 'text', (c: any) => c.notNull())
    .addColumn('at', 'text', (c: any) => c.notNull())
    .execute();
  await db.schema.createIndex('measures_case').on('measures').columns(['case_id']).execute();
  await db.schema.createIndex('measures_due').on('measures').columns(['due_at']).execute();

  await id(db.schema.createTable('assignment_sheets'))
    .addColumn('case_id', 'integer', (c: any) => c.notNull().references('cases.id'))
    .addColumn('sheet_no', 'text', (c: any) => c.notNull().unique())
    .addColumn('year', 'integer', (c: any) => c.notNull())
    .addColumn('seq', 'integer', (c: any) => c.notNull())
    .addColumn('level', 'integer', (c: any) => c.notNull())
    .addColumn('lead_department', 'text', (c: any) => c.notNull())
    .addColumn('co_departments', 'text', (c: any) => c.notNull())
    .addColumn('due_at', 'text', (c: any) => c.notNull())
    .addColumn('issued_at', 'text', (c: any) => c.notNull())
    .addColumn('issued_by', 'text', (c: any) => c.notNull())
    .execute();
  await db.schema.createIndex('assignment_sheets_case').on('assignment_sheets').columns(['case_id']).execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('body_hash', 'text', (c) => c.notNull())
    .addColumn('case_id', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['user_id', 'key'])
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text')
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('audit_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.insertInto('audit_head').values({ id: 1, seq: 0, hash: '0'.repeat(64) }).execute();

  await db.schema
    .createTable('calendar_years')
    .addColumn('year', 'integer', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('calendar_days')
    .addColumn('date', 'text', (c) => c.primaryKey())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('calendar_days_year').on('calendar_days').columns(['year']).execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await id(db.schema.createTable('outbox'))
    .addColumn('topic', 'text', (c: any) => c.notNull())
    .addColumn('case_id', 'integer')
    .addColumn('recipient', 'text', (c: any) => c.notNull())
    .addColumn('payload', 'text', (c: any) => c.notNull())
    .addColumn('created_at', 'text', (c: any) => c.notNull())
    .addColumn('available_at', 'text', (c: any) => c.notNull())
    .addColumn('attempts', 'integer', (c: any) => c.notNull().defaultTo(0))
    .addColumn('delivered_at', 'text')
    .addColumn('last_error', 'text')
    .execute();
  await db.schema.createIndex('outbox_pending').on('outbox').columns(['delivered_at', 'available_at']).execute();

  // Failed public progress lookups, counted per case number and per client address (rate limit).
  await id(db.schema.createTable('lookup_failures'))
    .addColumn('scope', 'text', (c: any) => c.notNull())
    .addColumn('key', 'text', (c: any) => c.notNull())
    .addColumn('at', 'text', (c: any) => c.notNull())
    .execute();
  await db.schema.createIndex('lookup_failures_key').on('lookup_failures').columns(['scope', 'key', 'at']).execute();
  void sql;
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
