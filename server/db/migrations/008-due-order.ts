/** The list by deadline (GET /cases?sort=due): keyset on (due_at, id) without sorting every case. Frozen. */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('cases_due_order').on('cases').columns(['due_at', 'id']).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
