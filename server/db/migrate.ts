/** Runs the migrations (one set for SQLite and PostgreSQL). Safe to call from several instances at once. */
import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './database.js';
import { isPostgres } from './dialect.js';
import * as m001 from './migrations/001-initial.js';
import * as m003 from './migrations/003-notifications.js';
import * as m004 from './migrations/004-supervision.js';
import * as m005 from './migrations/005-search.js';
import * as m006 from './migrations/006-sealed-reporter.js';
import * as m007 from './migrations/007-audit-index.js';
import * as m008 from './migrations/008-due-order.js';
import * as m009 from './migrations/009-loop.js';
import * as m010 from './migrations/010-loop-indexes.js';
import * as m011 from './migrations/011-integrations.js';
import * as m012 from './migrations/012-supervision-closes.js';
import * as m013 from './migrations/013-api-key-rate.js';
import * as m014 from './migrations/014-user-intake-channel.js';
import * as m015 from './migrations/015-pending-extension-index.js';
import * as m016 from './migrations/016-attachments.js';
import * as m017 from './migrations/017-measures.js';
import * as m018 from './migrations/018-rating-links.js';
import * as m019 from './migrations/019-staff-sms.js';
import * as m020 from './migrations/020-knowledge.js';
import * as m021 from './migrations/021-matters-triage.js';
import * as m022 from './migrations/022-security.js';
import * as m023 from './migrations/023-ops.js';
import * as m024 from './migrations/024-performance.js';
import * as m025 from './migrations/025-lean-case-indexes.js';
import * as m027 from './migrations/027-webhooks-ref-version.js';
import * as m028 from './migrations/028-audit-chain-in-sql.js';
import * as m029 from './migrations/029-department-rows-in-intake-order.js';
import * as m030 from './migrations/030-status-index-with-clocks.js';
import * as m031 from './migrations/031-department-rows-with-deadline.js';

/** Every migration in order. Imported statically so that the list is fixed at build time. */
const MIGRATIONS: Record<string, Migration> = {
  '001-initial': m001,
  '003-notifications': m003,
  '004-supervision': m004,
  '005-search': m005,
  '006-sealed-reporter': m006,
  '007-audit-index': m007,
  '008-due-order': m008,
  '009-loop': m009,
  '010-loop-indexes': m010,
  '011-integrations': m011,
  '012-supervision-closes': m012,
  '013-api-key-rate': m013,
  '014-user-intake-channel': m014,
  '015-pending-extension-index': m015,
  '016-attachments': m016,
  '017-measures': m017,
  '018-rating-links': m018,
  '019-staff-sms': m019,
  '020-knowledge': m020,
  '021-matters-triage': m021,
  '022-security': m022,
  '023-ops': m023,
  '024-performance': m024,
  '025-lean-case-indexes': m025,
  '027-webhooks-ref-version': m027,
  '028-audit-chain-in-sql': m028,
  '029-department-rows-in-intake-order': m029,
  '030-status-index-with-clocks': m030,
  '031-department-rows-with-deadline': m031,
};

/** The names of every migration this program knows (a backup from a newer program names more). */
export function migrationNames(): string[] {
  return Object.keys(MIGRATIONS);
}

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

// Migrations developed in parallel may land out of name order; each is independent of the others.
const migrator = (db: Db) => new Migrator({ db, provider: new StaticProvider(), allowUnorderedMigrations: true });

/** Brings the schema up to the migration `name` included (tests of a migration on older data). */
export async function migrateTo(db: Db, name: string): Promise<void> {
  const { error } = await migrator(db).migrateTo(name);
  if (error) throw error;
}

/** Brings the schema up to date. Throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`数据库迁移失败${failed ? `（${failed.migrationName}）` : ''}：${(error as Error).message ?? error}`);
  }
  const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  await afterMigrations(db, applied);
  return applied;
}

/**
 * PostgreSQL tables a migration rewrote row by row, vacuumed once the migrations committed (VACUUM
 * cannot run inside their transaction): until then every page holds the rows' old versions and is
 * not known all-visible, so index-only reads of the table read its rows too (after 031 at 10 M cases
 * a department's text search took 89 instead of 39 ms of PostgreSQL per page until it was vacuumed).
 */
const REWRITTEN: Record<string, string[]> = { '031-department-rows-with-deadline': ['case_departments'] };

async function afterMigrations(db: Db, applied: readonly string[]): Promise<void> {
  if (!isPostgres(db)) return;
  const tables = [...new Set(applied.flatMap((m) => REWRITTEN[m] ?? []))];
  for (const t of tables) await sql`vacuum analyze ${sql.table(t)}`.execute(db);
}
