/**
 * Staff SMS (issue 13): a user's own mobile number and which events they are told of by SMS.
 * Frozen: written against Kysely<any>; change the schema with a new migration.
 *
 * - `users.mobile`: a mainland mobile number, sealed like the reporter's phone (server/security/pii.ts), or null.
 * - `users.sms_events`: JSON array of core/staff-sms STAFF_SMS_EVENTS keys, or null (the role's defaults).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('mobile', 'text').execute();
  await db.schema.alterTable('users').addColumn('sms_events', 'text').execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
