/**
 * Integrations (issue 14). Frozen: written against Kysely<any>; change the schema with a new migration.
 *
 * - `api_keys`: named keys of integrations (12345, 群工系统, the provincial platform), stored as the
 *   SM3 hash of the key only; a role and (for handlers) a department; revoked by `revoked_at`.
 * - `cases.external_system` / `external_id`: the ticket number in the system that pushed the case
 *   (unique together: the same ticket again answers the first case), with the hash of the intake
 *   body it came with (`external_body_hash`, for 409 IDEMPOTENCY_MISMATCH).
 * - `webhooks`: receivers (URL, events as a JSON array, the shared HMAC secret — kept readable, as it must be to sign).
 * - `webhook_deliveries`: one row per (receiver, event), written in the transaction of the case
 *   change; the body is fixed at that moment (a retry sends the same bytes). `outcome`: null while
 *   pending, 'sent', 'dead' (gave up), 'cancelled' (receiver deleted).
 * - `webhook_attempts`: every attempt of a delivery (status code or error, duration).
 */
import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const id = (t: any) => (pg ? t.addColumn('id', 'serial', (c: any) => c.primaryKey()) : t.addColumn('id', 'integer', (c: any) => c.primaryKey().autoIncrement()));

  await id(db.schema.createTable('api_keys'))
    .addColumn('name', 'text', (c: any) => c.notNull().unique())
    .addColumn('role', 'text', (c: any) => c.notNull())
    .addColumn('department_code', 'text')
    .addColumn('key_hash', 'text', (c: any) => c.notNull().unique())
    .addColumn('key_prefix', 'text', (c: any) => c.notNull())
    .addColumn('created_at', 'text', (c: any) => c.notNull())
    .addColumn('created_by', 'text', (c: any) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();

  await db.schema.alterTable('cases').addColumn('external_system', 'text').execute();
  await db.schema.alterTable('cases').addColumn('external_id', 'text').execute();
  await db.schema.alterTable('cases').addColumn('external_body_hash', 'text').execute();
  // NULLs never collide: cases without a ticket number are not constrained.
  await db.schema.createIndex('cases_external_ref').on('cases').columns(['external_system', 'external_id']).unique().execute();

  await id(db.schema.createTable('webhooks'))
    .addColumn('url', 'text', (c: any) => c.notNull())
    .addColumn('events', 'text', (c: any) => c.notNull())
    .addColumn('secret', 'text', (c: any) => c.notNull())
    .addColumn('created_at', 'text', (c: any) => c.notNull())
    .addColumn('created_by', 'text', (c: any) => c.notNull())
    .addColumn('deleted_at', 'text')
    .execute();

  await id(db.schema.createTable('webhook_deliveries'))
    .addColumn('webhook_id', 'integer', (c: any) => c.notNull().references('webhooks.id'))
    .addColumn('event_id', 'text', (c: any) => c.notNull())
    .addColumn('type', 'text', (c: any) => c.notNull())
    .addColumn('case_id', 'integer', (c: any) => c.notNull())
    .addColumn('body', 'text', (c: any) => c.notNull())
    .addColumn('created_at', 'text', (c: any) => c.notNull())
    .addColumn('available_at', 'text', (c: any) => c.notNull())
    .addColumn('attempts', 'integer', (c: any) => c.notNull().defaultTo(0))
    .addColumn('delivered_at', 'text')
    .addColumn('outcome', 'text')
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .execute();
  await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['outcome', 'available_at', 'id']).execute();
  await db.schema.createIndex('webhook_deliveries_order').on('webhook_deliveries').columns(['webhook_id', 'case_id', 'id']).execute();

  await id(db.schema.createTable('webhook_attempts'))
    .addColumn('delivery_id', 'integer', (c: any) => c.notNull().references('webhook_deliveries.id'))
    .addColumn('at', 'text', (c: any) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer', (c: any) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_attempts_delivery').on('webhook_attempts').columns(['delivery_id', 'id']).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
