/**
 * Opens and prepares the database: migrate, take the data key (and refuse one the database was not
 * sealed with), seal reporter data written before sealing existed, seed the official holiday calendar,
 * give cases written before the stage clocks existed their clock.
 */
import { isPostgres, openDatabase, parseDatabaseUrl, type DatabaseHandle } from './db/dialect.js';
import type { Db } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { seedOfficialCalendar } from './calendar/calendar.repository.js';
import { appendAudit, prepareAuditChain } from './audit/audit.repository.js';
import { backfillStageClocksAtBoot } from './cases/stage-backfill.js';
import { deriveKeys, keyCheckOf, resolveDataKey, seal, sealReporter, setDataKey, unseal, unsealNullable } from './security/pii.js';

export interface PrepareOptions {
  /** The data key (32 bytes), as tests give it; otherwise `configuredKey`, else the key file (server/security/pii.ts). */
  dataKey?: Buffer;
  /** The configured key, 64 hex characters (`config.dataKey`, from BCS_DATA_KEY). */
  configuredKey?: string;
  /**
   * PostgreSQL: every statement of the returned handle is cancelled after this long (the server's
   * last guard). The preparation above (migrations: a backfill may be long) runs without it.
   */
  statementTimeoutMs?: number;
  /** SQLite: group commit (default on; the configuration's `sqliteGroupCommit`). */
  groupCommit?: boolean;
}

export async function openPreparedDatabase(url: string | undefined, opts: PrepareOptions = {}): Promise<DatabaseHandle> {
  const handle = openDatabase(url, { groupCommit: opts.groupCommit });
  try {
    let key = opts.dataKey;
    if (!key) {
      const { kind, target } = parseDatabaseUrl(url);
      const r = resolveDataKey(kind === 'sqlite' ? target : null, opts.configuredKey);
      key = r.key;
      if (r.source === 'new-file' && kind === 'postgres') {
        console.warn(`已生成数据密钥文件 ${r.file}。多个服务实例共用一个 PostgreSQL 时，须用环境变量 BCS_DATA_KEY 为每个实例设置同一个密钥。`);
      }
    }
    // A database sealed with another key is refused before anything is changed, its migrations too.
    await refuseOtherKey(handle.db, key);
    await migrateToLatest(handle.db);
    await checkDataKey(handle.db, key, new Date().toISOString());
    setDataKey(key);
    await sealUnsealedReporters(handle.db, new Date().toISOString());
    await seedOfficialCalendar(handle.db, new Date().toISOString());
    await backfillStageClocksAtBoot(handle.db, new Date().toISOString());
  } catch (e) {
    await handle.close();
    throw e;
  }
  let prepared = handle;
  if (opts.statementTimeoutMs && handle.kind === 'postgres') {
    await handle.close();
    prepared = openDatabase(url, { statementTimeoutMs: opts.statementTimeoutMs, serial: true });
  }
  // PostgreSQL: the audit chain extended by the database itself when it can (migration 028).
  await prepareAuditChain(prepared.db);
  return prepared;
}

const OTHER_KEY = '数据密钥与数据库不符：反映人信息是用另一个密钥加密的。请使用最初的密钥（环境变量 BCS_DATA_KEY，或数据目录中的 secret.key 文件）启动。';

/** The first key to open a database is its key; any other is refused with a Chinese message. */
export async function checkDataKey(db: Db, key: Buffer, at: string): Promise<void> {
  const check = keyCheckOf(key);
  await db
    .insertInto('data_key_check')
    .values({ id: 1, check_value: check, created_at: at })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  const row = await db.selectFrom('data_key_check').select('check_value').where('id', '=', 1).executeTakeFirstOrThrow();
  if (row.check_value !== check) throw new Error(OTHER_KEY);
}

/** Before the migrations: a database that already holds another key's check value is refused (a new one has none, or no table yet). */
async function refuseOtherKey(db: Db, key: Buffer): Promise<void> {
  let row: { check_value: string } | undefined;
  try {
    row = await db.selectFrom('data_key_check').select('check_value').where('id', '=', 1).executeTakeFirst();
  } catch {
    return; // not created yet: a new database
  }
  if (row && row.check_value !== keyCheckOf(key)) throw new Error(OTHER_KEY);
}

/**
 * Seals the reporter fields of rows that lack the phone index (rows from before sealing, or
 * written by hand), in batches; safe with several instances at once (a row already done is skipped).
 * Returns how many rows it sealed; one audit record says so.
 */
export async function sealUnsealedReporters(db: Db, at: string, batch = 500): Promise<number> {
  let done = 0;
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('cases')
      .select(['id', 'reporter_name', 'reporter_phone', 'reporter_org_code'])
      .where('reporter_phone_index', 'is', null)
      // Erased by the retention job (server/security/retention.ts): nothing to seal, no index to make.
      .where('reporter_erased_at', 'is', null)
      .where('id', '>', after)
      .orderBy('id')
      .limit(batch)
      .execute();
    if (rows.length === 0) break;
    await db.transaction().execute(async (trx) => {
      for (const r of rows) {
        const phone = unseal(r.reporter_phone);
        const orgCode = unsealNullable(r.reporter_org_code);
        const u = await trx
          .updateTable('cases')
          .set(sealReporter({ name: unseal(r.reporter_name), phone, orgCode }))
          .where('id', '=', r.id)
          .where('reporter_phone_index', 'is', null)
          .executeTakeFirst();
        done += Number(u.numUpdatedRows);
      }
    });
    after = rows[rows.length - 1]!.id;
  }
  if (done > 0) {
    await db.transaction().execute((trx) =>
      appendAudit(trx, { at, actor: 'system', action: 'pii.seal', entityType: 'cases', entityId: '*', data: { sealed: done } }).then(() => undefined),
    );
  }
  return done;
}

/**
 * Re-seals every reporter's fields under a new data key and records the new key's check value, in
 * one transaction (all rows or none), with one audit record. Every server must be stopped first:
 * one still running with the old key could not read what this writes (and refuses to restart).
 */
export async function rotateDataKey(db: Db, oldKey: Buffer, newKey: Buffer, at: string, actor: string): Promise<number> {
  if (oldKey.equals(newKey)) throw new Error('新密钥与当前密钥相同');
  const from = deriveKeys(oldKey);
  const to = deriveKeys(newKey);
  return db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('data_key_check').select('check_value').where('id', '=', 1);
    if (isPostgres(trx)) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    if (!row || row.check_value !== keyCheckOf(oldKey)) throw new Error('当前数据密钥与数据库不符，无法更换');
    let done = 0;
    let after = 0;
    for (;;) {
      const rows = await trx
        .selectFrom('cases')
        .select(['id', 'reporter_name', 'reporter_phone', 'reporter_org_code'])
        .where('id', '>', after)
        .where('reporter_erased_at', 'is', null)
        .orderBy('id')
        .limit(500)
        .execute();
      if (rows.length === 0) break;
      for (const r of rows) {
        const orgCode = r.reporter_org_code === null ? null : unseal(r.reporter_org_code, from);
        await trx
          .updateTable('cases')
          .set(sealReporter({ name: unseal(r.reporter_name, from), phone: unseal(r.reporter_phone, from), orgCode }, to))
          .where('id', '=', r.id)
          .execute();
        done++;
      }
      after = rows[rows.length - 1]!.id;
    }
    // Staff mobile numbers (users.mobile, 019) are sealed with the same key.
    for (const u of await trx.selectFrom('users').select(['id', 'mobile']).where('mobile', 'is not', null).execute()) {
      await trx.updateTable('users').set({ mobile: seal(unseal(u.mobile!, from), to) }).where('id', '=', u.id).execute();
    }
    // TOTP secrets (users.totp_secret, totp_pending, 022) too.
    const reseal = (v: string | null) => (v === null ? null : seal(unseal(v, from), to));
    for (const u of await trx
      .selectFrom('users')
      .select(['id', 'totp_secret', 'totp_pending'])
      .where((eb) => eb.or([eb('totp_secret', 'is not', null), eb('totp_pending', 'is not', null)]))
      .execute()) {
      await trx.updateTable('users').set({ totp_secret: reseal(u.totp_secret), totp_pending: reseal(u.totp_pending) }).where('id', '=', u.id).execute();
    }
    await trx.updateTable('data_key_check').set({ check_value: keyCheckOf(newKey), created_at: at }).where('id', '=', 1).execute();
    await appendAudit(trx, { at, actor, action: 'pii.rotate', entityType: 'cases', entityId: '*', data: { resealed: done } });
    return done;
  });
}
