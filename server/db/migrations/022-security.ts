/**
 * Security (issue 16, 等保 2.0 level 3): forced password change and expiry, TOTP second factor,
 * and what a session may do before either is done.
 * Frozen: written against Kysely<any>; change the schema with a new migration.
 *
 * - `users.must_change_password`: 1 when an administrator set the password (created or reset
 *   through the API): the next login must change it.
 * - `users.password_changed_at`: when the password was last set (null: since `created_at`).
 * - `users.totp_secret`: the enabled TOTP secret (base32), sealed like the reporter's phone; null = none.
 * - `users.totp_pending`: a secret set up but not yet confirmed by a code (sealed), or null.
 * - `users.totp_last_step`: the last 30-second step whose code was accepted (each code works once).
 * - `users.totp_recovery`: JSON array of the SM3 hashes of the unused recovery codes.
 * - `sessions.restriction`: 'password' (must change it) or 'totp_setup' (must set up TOTP): the
 *   session may do only that; null = unrestricted.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('users').addColumn('password_changed_at', 'text').execute();
  await db.schema.alterTable('users').addColumn('totp_secret', 'text').execute();
  await db.schema.alterTable('users').addColumn('totp_pending', 'text').execute();
  await db.schema.alterTable('users').addColumn('totp_last_step', 'integer').execute();
  await db.schema.alterTable('users').addColumn('totp_recovery', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('restriction', 'text').execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
