/**
 * Backup and restore time for 100,000 cases (issue 16) on SQLite and PostgreSQL: the cases are
 * generated with the shared bulk generator (bench/bulk-cases.ts) into a migrated SQLite file, plus
 * one timeline entry and one audit record per case (a chain `bcs audit verify` accepts); then
 *   SQLite backup → restore into PostgreSQL → PostgreSQL backup → restore into SQLite,
 * each timed, with `bcs audit verify`'s chain check at the end. PostgreSQL: BENCH_PG_URL or
 * TEST_DATABASE_URL (an admin URL; a database bcs_bench_backup is created and dropped).
 *
 *   BENCH_CASES=100000 npx tsx bench/backup.bench.ts
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import SQLite from 'better-sqlite3';
import { openPreparedDatabase } from '../server/boot.js';
import { BULK_DEPTS, generateSqlite } from './bulk-cases.js';
import { LocalAttachmentStorage } from '../server/attachments/storage.js';
import { restoreBackup, writeBackup } from '../server/backup/backup.js';
import { auditHash, GENESIS_HASH, verifyAuditChain } from '../server/audit/audit.repository.js';

const N = Number(process.env.BENCH_CASES ?? 100_000);
const PG_ADMIN = process.env.BENCH_PG_URL ?? process.env.TEST_DATABASE_URL;
const KEY = crypto.randomBytes(32);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcs-backup-bench-'));
const storage = new LocalAttachmentStorage(path.join(dir, 'att'));
const mb = (f: string) => (fs.statSync(f).size / 1048576).toFixed(1);

async function timed<T>(label: string, f: () => Promise<T>): Promise<T> {
  const rss = process.memoryUsage().rss;
  const t = performance.now();
  const r = await f();
  console.log(`  ${label.padEnd(40)} ${((performance.now() - t) / 1000).toFixed(1).padStart(6)} s   RSS +${((process.memoryUsage().rss - rss) / 1048576).toFixed(0)} MB`);
  return r;
}

async function main() {
  const src = path.join(dir, 'src.db');
  const url = `sqlite:${src}`;
  let h = await openPreparedDatabase(url, { dataKey: KEY });
  await h.db.insertInto('departments').values(BULK_DEPTS.map((code) => ({ code, name: code, created_at: '2024-01-01T00:00:00.000Z' }))).execute();
  await h.close();
  console.log(`generating ${N.toLocaleString()} cases …`);
  generateSqlite(src, { n: N, start: Date.UTC(2024, 0, 1), days: 700 });
  // A timeline entry and an audit record per case (the audit chain as appendAudit writes it).
  {
    const db = new SQLite(src);
    db.pragma('synchronous = OFF');
    const ids = db.prepare('select id, case_no, received_at from cases order by id').all() as Array<{ id: number; case_no: string; received_at: string }>;
    const ev = db.prepare(`insert into case_events (case_id, type, at, by_user, by_name, by_role, data) values (?, 'created', ?, 'bench', 'bench', 'clerk', ?)`);
    const au = db.prepare(`insert into audit_log (seq, at, actor, action, entity_type, entity_id, data, prev_hash, hash) values (?, ?, 'bench', 'case.intake', 'case', ?, ?, ?, ?)`);
    let prev = (db.prepare('select hash, seq from audit_head where id = 1').get() as { hash: string; seq: number });
    let seq = prev.seq;
    let hash = prev.hash ?? GENESIS_HASH;
    db.transaction(() => {
      for (const c of ids) {
        const data = { caseNo: c.case_no, channel: 'window' };
        ev.run(c.id, c.received_at, JSON.stringify(data));
        seq++;
        const next = auditHash(seq, hash, { at: c.received_at, actor: 'bench', action: 'case.intake', entityType: 'case', entityId: String(c.id), data });
        au.run(seq, c.received_at, String(c.id), JSON.stringify(data), hash, next);
        hash = next;
      }
      db.prepare('update audit_head set seq = ?, hash = ? where id = 1').run(seq, hash);
    })();
    db.close();
    void prev;
  }
  h = await openPreparedDatabase(url, { dataKey: KEY });
  const f1 = path.join(dir, 'sqlite.bcsbak');
  console.log(`\n${N.toLocaleString()} cases (+ ${N.toLocaleString()} timeline entries, ${N.toLocaleString()} audit records)`);
  await timed('SQLite backup', () => writeBackup({ databaseUrl: url, db: h.db, storage, file: f1, at: new Date().toISOString(), actor: 'bench' }));
  console.log(`  (file ${mb(f1)} MB; database ${mb(src)} MB)`);
  await h.close();

  const back = path.join(dir, 'back.db');
  await timed('restore into SQLite', () => restoreBackup({ databaseUrl: `sqlite:${back}`, configuredKey: undefined, dataKey: KEY, storage: new LocalAttachmentStorage(path.join(dir, 'att2')), file: f1, at: new Date().toISOString(), actor: 'bench' }));

  if (PG_ADMIN) {
    const admin = new pg.Client({ connectionString: PG_ADMIN });
    await admin.connect();
    await admin.query('drop database if exists bcs_bench_backup with (force)');
    await admin.query(`create database bcs_bench_backup template template0 encoding 'UTF8' lc_collate 'C.UTF-8' lc_ctype 'C.UTF-8'`);
    const u = new URL(PG_ADMIN);
    u.pathname = '/bcs_bench_backup';
    const pgUrl = u.toString();
    try {
      await timed('restore into PostgreSQL', () => restoreBackup({ databaseUrl: pgUrl, configuredKey: undefined, dataKey: KEY, storage: new LocalAttachmentStorage(path.join(dir, 'att3')), file: f1, at: new Date().toISOString(), actor: 'bench' }));
      const hp = await openPreparedDatabase(pgUrl, { dataKey: KEY });
      const f2 = path.join(dir, 'pg.bcsbak');
      await timed('PostgreSQL backup', () => writeBackup({ databaseUrl: pgUrl, db: hp.db, storage: new LocalAttachmentStorage(path.join(dir, 'att3')), file: f2, at: new Date().toISOString(), actor: 'bench' }));
      console.log(`  (file ${mb(f2)} MB)`);
      const v = await timed('audit chain check on PostgreSQL', () => verifyAuditChain(hp.db));
      if (!v.ok) throw new Error('audit chain broken after restore');
      await hp.close();
    } finally {
      await admin.query('drop database if exists bcs_bench_backup with (force)');
      await admin.end();
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(1);
});
