/**
 * The reporter's personal data sealed at rest (server/security/pii.ts): the masked phone and the
 * phone's blind index beside the sealed columns, and the check value of the data key. Frozen.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('cases').addColumn('reporter_phone_masked', 'text').execute();
  await db.schema.alterTable('cases').addColumn('reporter_phone_index', 'text').execute();
  // The same reporter back on the same matter (优化提升), and boot's pass over unsealed rows.
  await db.schema.createIndex('cases_reporter_phone_index').on('cases').columns(['reporter_phone_index', 'matter']).execute();
  await db.schema
    .createTable('data_key_check')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('check_value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
