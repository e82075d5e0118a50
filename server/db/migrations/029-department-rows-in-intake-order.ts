/**
 * A department's list in intake order, read as an index range (issue 17: reads flat to 10 M cases).
 *
 * `?department=` lists (with or without statuses) and a handler's lists are ordered newest first
 * by intake time, which `case_departments` did not hold: at 10 M cases on PostgreSQL a department's
 * rows in one status are hundreds of thousands, and the planner either hashed all of them for a page
 * of 50 (`&status=in_progress`: 95 ms of PostgreSQL, p95 357 ms) or walked every case newest first
 * probing each (`?department=` of a small department: p95 89 ms).
 *
 * Now each department row carries its case's intake time (`received_at`, set once at intake and
 * never changed; kept by the triggers of migration 024, which already copy the case's status), and
 * the two department indexes end in it: (department_code, received_at, case_id) and
 * (department_code, status, received_at, case_id). A department's page is then the newest 50 of one
 * index range, joined to their cases. The two indexes replace (department_code, case_id) and
 * (department_code, status, case_id) — every lookup by those prefixes is still served, and an
 * intake writes no more index entries than before.
 *
 * Frozen: written against Kysely<any>; change the schema with a new migration.
 */
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

export async function up(db: Kysely<any>): Promise<void> {
  // The old indexes go first: the update below rewrites every row, and each index kept would be
  // written for each of them (at 10 M cases, ≈ 12 M rows).
  await db.schema.dropIndex('case_departments_dept').execute();
  await db.schema.dropIndex('case_departments_status').execute();
  await db.schema.alterTable('case_departments').addColumn('received_at', 'text').execute();
  if (isPostgres(db)) {
    await sql`update case_departments d set received_at = c.received_at from cases c where c.id = d.case_id`.execute(db);
    await sql`create or replace function bcs_case_department_status() returns trigger language plpgsql as $$
      begin
        select c.status, c.received_at into new.status, new.received_at from cases c where c.id = new.case_id;
        return new;
      end $$`.execute(db);
    await sql`create function bcs_case_received_to_departments() returns trigger language plpgsql as $$
      begin
        update case_departments set received_at = new.received_at where case_id = new.id;
        return null;
      end $$`.execute(db);
    await sql`create trigger cases_received_to_departments after update of received_at on cases
      for each row when (old.received_at is distinct from new.received_at) execute function bcs_case_received_to_departments()`.execute(db);
  } else {
    await sql`update case_departments set received_at = (select c.received_at from cases c where c.id = case_departments.case_id)`.execute(db);
    await sql`drop trigger case_departments_status`.execute(db);
    await sql`create trigger case_departments_status after insert on case_departments
      begin
        update case_departments set (status, received_at) = (select c.status, c.received_at from cases c where c.id = new.case_id)
          where case_id = new.case_id and department_code = new.department_code;
      end`.execute(db);
    await sql`create trigger cases_received_to_departments after update of received_at on cases
      when old.received_at is not new.received_at
      begin
        update case_departments set received_at = new.received_at where case_id = new.id;
      end`.execute(db);
  }
  await db.schema.createIndex('case_departments_received').on('case_departments').columns(['department_code', 'received_at', 'case_id']).execute();
  await db.schema
    .createIndex('case_departments_status_received')
    .on('case_departments')
    .columns(['department_code', 'status', 'received_at', 'case_id'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
