/**
 * Attachments (issue 18). Frozen: written against Kysely<any>; change the schema with a new migration.
 *
 * - `attachments`: one row per stored file of a case. The bytes live in the attachment storage
 *   (server/attachments/storage.ts) under `storage_key` (a generated name); `name` is the name as
 *   given. `kind`: evidence, promise, result, verification, other. `source`: `staff` or `public`
 *   (the reporter's online report; shown to staff only). Files are records: never deleted, only
 *   withdrawn (`withdrawn_at`, `withdrawn_by`, `withdrawn_reason`).
 */
import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const table = db.schema.createTable('attachments');
  await (pg ? table.addColumn('id', 'serial', (c: any) => c.primaryKey()) : table.addColumn('id', 'integer', (c: any) => c.primaryKey().autoIncrement()))
    .addColumn('case_id', 'integer', (c: any) => c.notNull().references('cases.id'))
    .addColumn('kind', 'text', (c: any) => c.notNull())
    .addColumn('name', 'text', (c: any) => c.notNull())
    .addColumn('size', 'integer', (c: any) => c.notNull())
    .addColumn('mime', 'text', (c: any) => c.notNull())
    .addColumn('file_type', 'text', (c: any) => c.notNull())
    .addColumn('sm3', 'text', (c: any) => c.notNull())
    .addColumn('storage_key', 'text', (c: any) => c.notNull().unique())
    .addColumn('note', 'text')
    .addColumn('source', 'text', (c: any) => c.notNull())
    .addColumn('uploaded_by', 'text', (c: any) => c.notNull())
    .addColumn('uploaded_by_name', 'text', (c: any) => c.notNull())
    .addColumn('uploaded_at', 'text', (c: any) => c.notNull())
    .addColumn('withdrawn_at', 'text')
    .addColumn('withdrawn_by', 'text')
    .addColumn('withdrawn_reason', 'text')
    .execute();
  await db.schema.createIndex('attachments_case').on('attachments').columns(['case_id', 'id']).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
