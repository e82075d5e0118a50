/**
 * Operations (issue 16, part B). Frozen: written against Kysely<any>; change the schema with a new migration.
 *
 * - `rate_limit_hits`: the requests of one client on one rate-limited route in one fixed window
 *   (`window` = whole windows since the epoch), counted by one atomic upsert per request, so every
 *   instance on one database shares the limit (server/security/rate-limit-store.ts). Rows whose
 *   window has passed (`expires_at`) are purged by the housekeeping job.
 * - `backup_runs`: one row per scheduled backup slot (the Asia/Shanghai date), claimed with a
 *   conditional insert so that exactly one instance writes that day's backup (server/backup/backup-job.ts).
 * - `cases.reporter_erased_at`: when the retention job erased the reporter's personal data
 *   (server/security/retention.ts); such a row is never sealed again at boot.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rate_limit_hits')
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('window', 'integer', (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('rate_limit_hits_pk', ['route', 'key', 'window'])
    .execute();
  await db.schema.createIndex('rate_limit_hits_expires').on('rate_limit_hits').column('expires_at').execute();

  await db.schema.alterTable('cases').addColumn('reporter_erased_at', 'text').execute();
  await db.schema.createIndex('cases_retention').on('cases').columns(['reporter_erased_at', 'closed_at']).execute();

  await db.schema
    .createTable('backup_runs')
    .addColumn('slot', 'text', (c) => c.primaryKey())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('file', 'text')
    .addColumn('error', 'text')
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
