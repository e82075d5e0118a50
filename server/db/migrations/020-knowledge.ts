/**
 * 知识库 (issue 15, part A). Frozen: written against Kysely<any>; change the schema with a new migration.
 *
 * - `knowledge`: one row per entry. `title` unique (≤ 128); `body` the safe subset of HTML kept
 *   (core/knowledge.ts sanitizeKnowledgeBody); `search_text` the lower-cased title, keywords and
 *   body text the `?q=` search reads (every word as a substring); `keywords`, `departments`,
 *   `matter_codes` JSON arrays of strings; `status` draft | published | expired; `review_due_at`
 *   (UTC ISO) and `review_reminded_at` (the review reminder claimed, once across instances; cleared
 *   when the review date changes); `open_count` (GET /knowledge/{id}) and `link_count` (cases
 *   linked to it).
 * - `knowledge_links`: which case used which entry (one row per pair).
 * - `knowledge_files`: the source documents of an entry (PDF, OFD, DOCX, DOC), the bytes in the
 *   attachment storage under `storage_key` like a case's files (server/attachments/storage.ts);
 *   `removed_at`/`removed_by` when a writer takes one off (the bytes stay).
 */
import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const id = (t: any) => (pg ? t.addColumn('id', 'serial', (c: any) => c.primaryKey()) : t.addColumn('id', 'integer', (c: any) => c.primaryKey().autoIncrement()));

  await id(db.schema.createTable('knowledge'))
    .addColumn('title', 'text', (c: any) => c.notNull().unique())
    .addColumn('category', 'text', (c: any) => c.notNull())
    .addColumn('kind', 'text', (c: any) => c.notNull())
    .addColumn('body', 'text', (c: any) => c.notNull())
    .addColumn('issuer', 'text')
    .addColumn('keywords', 'text', (c: any) => c.notNull())
    .addColumn('departments', 'text', (c: any) => c.notNull())
    .addColumn('matter_codes', 'text', (c: any) => c.notNull())
    .addColumn('status', 'text', (c: any) => c.notNull())
    .addColumn('review_due_at', 'text')
    .addColumn('review_reminded_at', 'text')
    .addColumn('search_text', 'text', (c: any) => c.notNull())
    .addColumn('open_count', 'integer', (c: any) => c.notNull().defaultTo(0))
    .addColumn('link_count', 'integer', (c: any) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'text', (c: any) => c.notNull())
    .addColumn('created_at', 'text', (c: any) => c.notNull())
    .addColumn('updated_by', 'text', (c: any) => c.notNull())
    .addColumn('updated_at', 'text', (c: any) => c.notNull())
    .execute();
  await db.schema.createIndex('knowledge_status').on('knowledge').columns(['status', 'id']).execute();
  // The review reminders: published entries with a review date not reminded yet.
  await db.schema.createIndex('knowledge_review').on('knowledge').columns(['status', 'review_reminded_at', 'review_due_at']).execute();

  await db.schema
    .createTable('knowledge_links')
    .addColumn('case_id', 'integer', (c: any) => c.notNull().references('cases.id'))
    .addColumn('knowledge_id', 'integer', (c: any) => c.notNull().references('knowledge.id'))
    .addColumn('linked_by', 'text', (c: any) => c.notNull())
    .addColumn('linked_at', 'text', (c: any) => c.notNull())
    .addPrimaryKeyConstraint('knowledge_links_pk', ['case_id', 'knowledge_id'])
    .execute();
  await db.schema.createIndex('knowledge_links_entry').on('knowledge_links').columns(['knowledge_id']).execute();

  await id(db.schema.createTable('knowledge_files'))
    .addColumn('knowledge_id', 'integer', (c: any) => c.notNull().references('knowledge.id'))
    .addColumn('name', 'text', (c: any) => c.notNull())
    .addColumn('size', 'integer', (c: any) => c.notNull())
    .addColumn('mime', 'text', (c: any) => c.notNull())
    .addColumn('file_type', 'text', (c: any) => c.notNull())
    .addColumn('sm3', 'text', (c: any) => c.notNull())
    .addColumn('storage_key', 'text', (c: any) => c.notNull().unique())
    .addColumn('uploaded_by', 'text', (c: any) => c.notNull())
    .addColumn('uploaded_at', 'text', (c: any) => c.notNull())
    .addColumn('removed_at', 'text')
    .addColumn('removed_by', 'text')
    .execute();
  await db.schema.createIndex('knowledge_files_entry').on('knowledge_files').columns(['knowledge_id', 'id']).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
