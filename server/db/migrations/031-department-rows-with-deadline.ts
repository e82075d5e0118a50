/**
 * A department's overdue and due-soon lists read from its own rows (issue 17: reads flat to 10 M cases).
 *
 * `?overdue=true&department=` (and `dueSoon`) read, for each running status, the department's rows
 * newest first from (department_code, status, received_at, case_id) and checked each case's
 * deadline in the table: past every running case not yet due — the newest weeks of the department —
 * before the first overdue one (at 10 M cases on PostgreSQL 12 ms of PostgreSQL per page, p95 43 ms).
 *
 * Now each department row also carries its case's dispatch deadline (`due_at`, kept by the triggers
 * of migrations 024/029 that already copy the status and the intake time: on insert, and whenever
 * the case's status or deadline changes, in one update), and that index carries it (PostgreSQL as an
 * included column, SQLite as a trailing key column), so the walk checks the deadline in the index
 * and reads only the page's cases. It replaces the index without it: an intake writes no more index
 * entries than before; a decision that moves the deadline writes the department rows it already
 * wrote for a status change.
 *
 * Frozen: written against Kysely<any>; change the schema with a new migration.
 */
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

export async function up(db: Kysely<any>): Promise<void> {
  // The indexes go first: the update below rewrites every dispatched case's rows (at 10 M cases
  // ≈ 12 M rows), and each index kept would be written for each of them; both are built again after.
  await db.schema.dropIndex('case_departments_status_received').execute();
  await db.schema.dropIndex('case_departments_received').execute();
  await db.schema.alterTable('case_departments').addColumn('due_at', 'text').execute();
  if (isPostgres(db)) {
    // The join hashes every dispatched case (≈ 9 M at 10 M cases): in memory rather than spilled in
    // batches to disk (migrations run in a transaction: `set local` ends with it).
    await sql`set local work_mem = '256MB'`.execute(db);
    await sql`update case_departments d set due_at = c.due_at from cases c where c.id = d.case_id and c.due_at is not null`.execute(db);
    await sql`create or replace function bcs_case_department_status() returns trigger language plpgsql as $$
      begin
        select c.status, c.received_at, c.due_at into new.status, new.received_at, new.due_at from cases c where c.id = new.case_id;
        return new;
      end $$`.execute(db);
    await sql`drop trigger cases_status_to_departments on cases`.execute(db);
    await sql`create or replace function bcs_case_status_to_departments() returns trigger language plpgsql as $$
      begin
        update case_departments set status = new.status, due_at = new.due_at where case_id = new.id;
        return null;
      end $$`.execute(db);
    await sql`create trigger cases_status_to_departments after update of status, due_at on cases
      for each row when (old.status is distinct from new.status or old.due_at is distinct from new.due_at)
      execute function bcs_case_status_to_departments()`.execute(db);
    await sql`create index case_departments_status_received on case_departments (department_code, status, received_at, case_id) include (due_at)`.execute(db);
  } else {
    await sql`update case_departments set due_at = (select c.due_at from cases c where c.id = case_departments.case_id)`.execute(db);
    await sql`drop trigger case_departments_status`.execute(db);
    await sql`create trigger case_departments_status after insert on case_departments
      begin
        update case_departments set (status, received_at, due_at) = (select c.status, c.received_at, c.due_at from cases c where c.id = new.case_id)
          where case_id = new.case_id and department_code = new.department_code;
      end`.execute(db);
    await sql`drop trigger cases_status_to_departments`.execute(db);
    await sql`create trigger cases_status_to_departments after update of status, due_at on cases
      when old.status is not new.status or old.due_at is not new.due_at
      begin
        update case_departments set status = new.status, due_at = new.due_at where case_id = new.id;
      end`.execute(db);
    await sql`create index case_departments_status_received on case_departments (department_code, status, received_at, case_id, due_at)`.execute(db);
  }
  await db.schema.createIndex('case_departments_received').on('case_departments').columns(['department_code', 'received_at', 'case_id']).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
