/**
 * The rate limit of API keys, shared by every instance (issue 14). Frozen: written against
 * Kysely<any>; change the schema with a new migration.
 *
 * - `api_key_rate`: requests per (key, minute) — `minute` is whole minutes since the epoch — counted
 *   by one upsert per call; rows of past minutes are dropped as a key starts a new one.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('api_key_rate')
    .addColumn('key_id', 'integer', (c: any) => c.notNull())
    .addColumn('minute', 'integer', (c: any) => c.notNull())
    .addColumn('requests', 'integer', (c: any) => c.notNull())
    .addPrimaryKeyConstraint('api_key_rate_pk', ['key_id', 'minute'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
