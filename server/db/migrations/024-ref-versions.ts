/**
 * Reference data (settings, the holiday calendar, departments) is read on nearly every request and
 * changes a few times a year. Each instance keeps it in memory (server/db/ref-cache.ts) and asks
 * only whether it changed: `ref_versions` holds one counter per kind, raised by a trigger on every
 * insert, update or delete of its tables — whoever writes (a route, `npx bcs`, another instance, a
 * hand-written SQL statement), in the writer's own transaction. Frozen: written against
 * Kysely<any>; change the schema with a new migration.
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
