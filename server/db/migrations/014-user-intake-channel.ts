/**
 * The channel an account takes reports on (issue 11): a 热线 desk's clerk starts the 登记 form on
 * 热线, never on whatever the shared browser used last. Frozen: written against Kysely<any>; change
 * the schema with a new migration.
 *
 * - `users.intake_channel`: one of core/domain CHANNELS, or null (the role's default).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('intake_channel', 'text').execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
