/**
 * The webhook subscriptions join the reference data cached per instance (server/db/ref-cache.ts,
 * migration 024): every intake and every step of the loop asked the database for the list of
 * subscriptions (one round trip of a transaction that holds row locks), although it changes when an
 * administrator registers or removes one. `ref_versions` gets a counter `webhooks`, raised by a
 * trigger on every write of `webhooks`, whoever writes.
 *
 * Frozen: written against Kysely<any>; change the schema with a new migration.
 */
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

export async function up(db: Kysely<any>): Promise<void> {
  await db.insertInto('ref_versions').values({ name: 'webhooks', version: 1 }).execute();
  if (isPostgres(db)) {
    // bcs_bump_ref_version() is migration 024's.
    await sql`create trigger webhooks_ref_version after insert or update or delete or truncate on webhooks
      for each statement execute function bcs_bump_ref_version('webhooks')`.execute(db);
    return;
  }
  for (const op of ['insert', 'update', 'delete']) {
    await sql`create trigger ${sql.raw(`webhooks_ref_version_${op}`)} after ${sql.raw(op)} on webhooks
      begin update ref_versions set version = version + 1 where name = 'webhooks'; end`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
