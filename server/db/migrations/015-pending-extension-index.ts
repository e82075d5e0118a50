/**
 * The 工作台's count of pending extension requests (`pending_extension is not null`, GET
 * /cases/todo) read every case without an index: 0.6 s at 1,000,000 cases (issue 11, pages in
 * 300 ms). A partial index holds only the few cases waiting for a decision. Frozen: written
 * against Kysely<any>; change the schema with a new migration.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('cases_pending_extension').on('cases').columns(['pending_extension']).where('pending_extension', 'is not', null).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
