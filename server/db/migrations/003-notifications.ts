/**
 * Notifications (issue 6). Frozen: written against Kysely<any>; change the schema with a new migration.
 *
 * - `notifications`: in-app messages for staff (the bell), one row per (outbox message, user).
 * - `notification_templates`: an admin's edits of the built-in Chinese templates (a missing row =
 *   the built-in default, so new topics need no migration).
 * - `measure_tracking`: reminder and missed flags of 容缺受理 promises, one row per measure, claimed
 *   with a conditional insert so two instances never both remind.
 * - `public_rate_events`: successful online reports per client address (a rate limit shared by
 *   every instance).
 * - `outbox.outcome`: 'sent' | 'skipped' (nothing to send, reason in last_error) | 'dead' (gave up).
 */
import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const id = (t: any) => (pg ? t.addColumn('id', 'serial', (c: any) => c.primaryKey()) : t.addColumn('id', 'integer', (c: any) => c.primaryKey().autoIncrement()));

  await id(db.schema.createTable('notifications'))
    .addColumn('user_id', 'integer', (c: any) => c.notNull().references('users.id'))
    .addColumn('outbox_id', 'integer')
    .addColumn('topic', 'text', (c: any) => c.notNull())
    .addColumn('case_id', 'integer')
    .addColumn('title', 'text', (c: any) => c.notNull())
    .addColumn('body', 'text', (c: any) => c.notNull())
    .addColumn('created_at', 'text', (c: any) => c.notNull())
    .addColumn('read_at', 'text')
    .execute();
  await db.schema.createIndex('notifications_user').on('notifications').columns(['user_id', 'id']).execute();
  await db.schema.createIndex('notifications_user_unread').on('notifications').columns(['user_id', 'read_at']).execute();
  // A second line of defence for exactly-once: one notification per message and user.
  await db.schema.createIndex('notifications_outbox_user').on('notifications').columns(['outbox_id', 'user_id']).unique().execute();

  await db.schema
    .createTable('notification_templates')
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_templates_pk', ['topic', 'audience'])
    .execute();

  await db.schema
    .createTable('measure_tracking')
    .addColumn('measure_id', 'integer', (c) => c.primaryKey().references('measures.id'))
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id'))
    .addColumn('reminded_at', 'text')
    .addColumn('missed_at', 'text')
    .execute();
  await db.schema.createIndex('measure_tracking_case').on('measure_tracking').columns(['case_id']).execute();

  await id(db.schema.createTable('public_rate_events'))
    .addColumn('scope', 'text', (c: any) => c.notNull())
    .addColumn('key', 'text', (c: any) => c.notNull())
    .addColumn('at', 'text', (c: any) => c.notNull())
    .execute();
  await db.schema.createIndex('public_rate_events_key').on('public_rate_events').columns(['scope', 'key', 'at']).execute();

  await db.schema.alterTable('outbox').addColumn('outcome', 'text').execute();
  await db.schema.createIndex('lookup_failures_at').on('lookup_failures').columns(['at']).execute();
  await db.schema.createIndex('public_rate_events_at').on('public_rate_events').columns(['at']).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
