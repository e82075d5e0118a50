/**
 * The reporter rates by link; nobody is silently skipped (issue 13). Frozen: written against
 * Kysely<any>; change the schema with a new migration.
 *
 * - `rating_links`: the reporter's rating link of a completed case. Only a hash of the token is
 *   kept (`token_hash`, SM3 hex, for the lookup) and the random `nonce` the token is derived from
 *   with the deployment's data key (server/ratings/rating-links.ts), so the same link can be sent
 *   again while it is valid but the database alone does not give the token. Single use (`used_at`,
 *   also set by a phone callback), valid until `expires_at`.
 * - `outbox.phone_text`: a message to the reporter that cannot go by SMS (a landline, or the
 *   gateway gave up) becomes a to-do 电话告知 with this text to read out; `phoned_at` /
 *   `phoned_by` record the coordinator's 已电话告知.
 */
import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const id = (t: any) => (pg ? t.addColumn('id', 'serial', (c: any) => c.primaryKey()) : t.addColumn('id', 'integer', (c: any) => c.primaryKey().autoIncrement()));

  await id(db.schema.createTable('rating_links'))
    .addColumn('case_id', 'integer', (c: any) => c.notNull().references('cases.id'))
    .addColumn('nonce', 'text', (c: any) => c.notNull())
    .addColumn('token_hash', 'text', (c: any) => c.notNull().unique())
    .addColumn('created_at', 'text', (c: any) => c.notNull())
    .addColumn('expires_at', 'text', (c: any) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('created_by', 'text', (c: any) => c.notNull())
    .execute();
  await db.schema.createIndex('rating_links_case').on('rating_links').columns(['case_id', 'used_at']).execute();

  for (const col of ['phone_text', 'phoned_at', 'phoned_by']) {
    await db.schema.alterTable('outbox').addColumn(col, 'text').execute();
  }
  // The 工作台's 电话告知 to-do: reporter messages to be phoned and not phoned yet.
  await db.schema.createIndex('outbox_phone_due').on('outbox').columns(['phoned_at', 'case_id']).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
