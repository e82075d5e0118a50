/**
 * Two things for scale (issue 17).
 *
 * 1. Reference data (settings, the holiday calendar, departments) is read on nearly every request and
 * changes a few times a year. Each instance keeps it in memory (server/db/ref-cache.ts) and asks
 * only whether it changed: `ref_versions` holds one counter per kind, raised by a trigger on every
 * insert, update or delete of its tables — whoever writes (a route, `npx bcs`, another instance, a
 * hand-written SQL statement), in the writer's own transaction.
 *
 * 2. A list of one department and some statuses (a handler's everyday list; `?department=&status=`)
 *    walked every case of those statuses checking `case_departments` row by row: 57 s at 10 M
 *    cases on PostgreSQL for `status=rejected&department=gaj` (rejected cases have no department).
 *    `case_departments` now carries its case's status (kept by triggers, whoever changes the
 *    case), indexed (department_code, status, case_id), so the list starts from the few case ids
 *    of that department in those statuses.
 *
 * Frozen: written against Kysely<any>; change the schema with a new migration.
 */
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/** Each kind and the tables whose changes raise its counter. */
const KINDS: Array<[string, string[]]> = [
  ['settings', ['settings']],
  ['calendar', ['calendar_years', 'calendar_days']],
  ['departments', ['departments']],
];

export async function up(db: Kysely<any>): Promise<void> {
  await refVersions(db);
  await departmentStatus(db);
}

async function departmentStatus(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('case_departments').addColumn('status', 'text').execute();
  await sql`update case_departments set status = (select c.status from cases c where c.id = case_departments.case_id)`.execute(db);
  await db.schema.createIndex('case_departments_status').on('case_departments').columns(['department_code', 'status', 'case_id']).execute();
  if (isPostgres(db)) {
    await sql`create function bcs_case_department_status() returns trigger language plpgsql as $$
      begin
        new.status := (select c.status from cases c where c.id = new.case_id);
        return new;
      end $$`.execute(db);
    await sql`create trigger case_departments_status before insert on case_departments
      for each row execute function bcs_case_department_status()`.execute(db);
    await sql`create function bcs_case_status_to_departments() returns trigger language plpgsql as $$
      begin
        update case_departments set status = new.status where case_id = new.id;
        return null;
      end $$`.execute(db);
    await sql`create trigger cases_status_to_departments after update of status on cases
      for each row when (old.status is distinct from new.status) execute function bcs_case_status_to_departments()`.execute(db);
    return;
  }
  await sql`create trigger case_departments_status after insert on case_departments
    begin
      update case_departments set status = (select c.status from cases c where c.id = new.case_id)
        where case_id = new.case_id and department_code = new.department_code;
    end`.execute(db);
  await sql`create trigger cases_status_to_departments after update of status on cases
    when old.status is not new.status
    begin
      update case_departments set status = new.status where case_id = new.id;
    end`.execute(db);
}

async function refVersions(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ref_versions')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('ref_versions').values(KINDS.map(([name]) => ({ name, version: 1 }))).execute();
  if (isPostgres(db)) {
    await sql`create function bcs_bump_ref_version() returns trigger language plpgsql as $$
      begin
        update ref_versions set version = version + 1 where name = tg_argv[0];
        return null;
      end $$`.execute(db);
    for (const [kind, tables] of KINDS) {
      for (const table of tables) {
        await sql`create trigger ${sql.raw(`${table}_ref_version`)} after insert or update or delete or truncate on ${sql.table(table)}
          for each statement execute function bcs_bump_ref_version(${sql.lit(kind)})`.execute(db);
      }
    }
    return;
  }
  for (const [kind, tables] of KINDS) {
    for (const table of tables) {
      for (const op of ['insert', 'update', 'delete']) {
        await sql`create trigger ${sql.raw(`${table}_ref_version_${op}`)} after ${sql.raw(op)} on ${sql.table(table)}
          begin update ref_versions set version = version + 1 where name = ${sql.lit(kind)}; end`.execute(db);
      }
    }
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
