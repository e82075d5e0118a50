/**
 * Measures close their own loop (issue 18, item 7): a measure recorded by mistake is withdrawn
 * (撤回措施) with a reason; a withdrawn measure is no longer reminded nor flagged missed. Frozen:
 * written against Kysely<any>; change the schema with a new migration.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('measures').addColumn('withdrawn_at', 'text').execute();
  await db.schema.alterTable('measures').addColumn('withdrawn_by', 'text').execute();
  await db.schema.alterTable('measures').addColumn('withdrawn_reason', 'text').execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
