/**
 * `bcs backup` / `bcs restore`: a portable, integrity-checked copy of a whole installation.
 *
 * Format (version 1): a gzip'd stream of JSON lines, readable by either database kind.
 *   1. header  {"format":"bcs-backup","version":1,"createdAt","source","migrations":[…],"keyCheck"}
 *   2. per table, in foreign-key order: {"table":name,"columns":[…]}, its rows as JSON arrays (one a
 *      line, in primary-key order), {"end":name,"rows":n}
 *   3. per attachment file: {"blob":storageKey,"size":n}, its bytes as {"b":base64} lines,
 *      {"endBlob":storageKey,"sm3":hex}
 *   4. trailer {"trailer":true,"counts":{table:n},"blobs":n,"sm3":hex} — SM3 over every byte before it.
 * The data key is never in it: `keyCheck` is HMAC-SM3 of a fixed label under the key (the value
 * `data_key_check` keeps, server/security/pii.ts), so a restore with another key is refused.
 *
 * Consistency: the rows are read inside one read transaction — SQLite: a second connection with a
 * deferred BEGIN (WAL: a snapshot that writers do not disturb); PostgreSQL: REPEATABLE READ, READ
 * ONLY, rows fetched through a cursor. Attachment files are never changed or deleted by the product,
 * so the files the snapshot's rows name are read after it. Nothing is held whole in memory.
 *
 * Restore reads the file twice: first every byte is checked (the SM3, the counts, each file's SM3);
 * only then is anything written — the files into the attachment storage and every row in ONE
 * transaction, undone (files removed) on any failure. Derived tables are rebuilt, not copied (the
 * search index differs by database kind); PostgreSQL sequences are moved past the largest id.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream';
import zlib from 'node:zlib';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { Db } from '../db/database.js';
import { openDatabase, parseDatabaseUrl, type DialectKind } from '../db/dialect.js';
import { migrateToLatest, migrationNames } from '../db/migrate.js';
import { appendAudit } from '../audit/audit.repository.js';
import { keyCheckOf, parseMasterKey } from '../security/pii.js';
import { searchDocument } from '../cases/case-search.js';
import type { AttachmentStorage } from '../attachments/storage.js';

export const BACKUP_FORMAT = 'bcs-backup';
export const BACKUP_VERSION = 1;

/**
 * Never copied: the migration bookkeeping (the target migrates itself), a derived index, ephemera,
 * and `ref_versions` (main's migration 024: cache version counters its migration seeds and triggers
 * bump — the target keeps its own).
 */
const SKIPPED = new Set(['kysely_migration', 'kysely_migration_lock', 'case_search', 'sessions', 'rate_limit_hits', 'backup_runs', 'ref_versions']);
/** Tables whose rows name a stored file (`storage_key`, `mime`): the files travel with the backup. */
const FILE_TABLES = new Set(['attachments', 'knowledge_files']);
const isSkipped = (t: string) => SKIPPED.has(t) || t.startsWith('case_search_') || t.startsWith('sqlite_');
/** Rows a new database gets before any user acts (migrations, the first start): replaced by a restore. */
const SEEDED = new Set(['audit_head', 'calendar_years', 'calendar_days', 'data_key_check', 'settings']);

const ROWS_PER_LINE_BATCH = 1000;
const BLOB_CHUNK = 48 * 1024;

/** A refusal with a Chinese message (exit 1 in the CLI); nothing has been changed. */
export class BackupRefused extends Error {}

interface TableInfo {
  name: string;
  columns: string[];
  pk: string[];
  refs: string[];
}

interface Header {
  format: string;
  version: number;
  createdAt: string;
  source: DialectKind;
  migrations: string[];
  keyCheck: string;
}

export interface BackupSummary {
  file: string;
  bytes: number;
  counts: Record<string, number>;
  blobs: number;
  ms: number;
}

/* ------------------------------------------------------------------ reading a live database */

interface Source {
  kind: DialectKind;
  tables(): Promise<TableInfo[]>;
  rows(t: TableInfo): AsyncIterable<unknown[][]>;
  close(): Promise<void>;
}

const q = (id: string) => `"${id.replace(/"/g, '""')}"`;

function sqliteSource(file: string): Source {
  const raw = new SQLite(file, { fileMustExist: true });
  raw.pragma('busy_timeout = 5000');
  // A deferred transaction: its snapshot starts at the first read and holds until the end.
  raw.exec('BEGIN');
  return {
    kind: 'sqlite',
    async tables() {
      const names = (raw.prepare(`select name from sqlite_master where type = 'table' order by name`).all() as Array<{ name: string }>).map((r) => r.name);
      return names.filter((n) => !isSkipped(n)).map((name) => {
        const cols = raw.prepare(`pragma table_info(${q(name)})`).all() as Array<{ name: string; pk: number }>;
        const fks = raw.prepare(`pragma foreign_key_list(${q(name)})`).all() as Array<{ table: string }>;
        return {
          name,
          columns: cols.map((c) => c.name),
          pk: cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
          refs: [...new Set(fks.map((f) => f.table))],
        };
      });
    },
    async *rows(t) {
      const order = t.pk.length ? t.pk.map(q).join(', ') : 'rowid';
      const stmt = raw.prepare(`select ${t.columns.map(q).join(', ')} from ${q(t.name)} order by ${order}`).raw(true);
      let batch: unknown[][] = [];
      for (const r of stmt.iterate() as IterableIterator<unknown[]>) {
        batch.push(r);
        if (batch.length === ROWS_PER_LINE_BATCH) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    },
    async close() {
      try {
        raw.exec('COMMIT');
      } finally {
        raw.close();
      }
    },
  };
}

async function pgSource(url: string): Promise<Source> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  return {
    kind: 'postgres',
    async tables() {
      const names = (await client.query<{ tablename: string }>(`select tablename from pg_tables where schemaname = current_schema() order by tablename`)).rows.map((r) => r.tablename);
      const out: TableInfo[] = [];
      for (const name of names.filter((n) => !isSkipped(n))) {
        const cols = await client.query<{ column_name: string }>(
          `select column_name from information_schema.columns where table_schema = current_schema() and table_name = $1 and is_generated = 'NEVER' order by ordinal_position`,
          [name],
        );
        const pk = await client.query<{ attname: string }>(
          `select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
           where i.indrelid = $1::regclass and i.indisprimary order by array_position(i.indkey::int2[], a.attnum)`,
          [q(name)],
        );
        const refs = await client.query<{ ref: string }>(
          `select distinct c.confrelid::regclass::text as ref from pg_constraint c where c.conrelid = $1::regclass and c.contype = 'f'`,
          [q(name)],
        );
        out.push({ name, columns: cols.rows.map((r) => r.column_name), pk: pk.rows.map((r) => r.attname), refs: refs.rows.map((r) => r.ref.replace(/^"|"$/g, '')) });
      }
      return out;
    },
    async *rows(t) {
      const order = t.pk.length ? ` order by ${t.pk.map(q).join(', ')}` : '';
      await client.query(`declare bcs_backup no scroll cursor for select ${t.columns.map(q).join(', ')} from ${q(t.name)}${order}`);
      try {
        for (;;) {
          const r = await client.query({ text: `fetch ${ROWS_PER_LINE_BATCH} from bcs_backup`, rowMode: 'array' });
          if (r.rows.length === 0) break;
          yield r.rows as unknown[][];
        }
      } finally {
        await client.query('close bcs_backup');
      }
    },
    async close() {
      try {
        await client.query('COMMIT');
      } finally {
        await client.end();
      }
    },
  };
}

/** Tables so that every table comes after the tables it references (ties by name). */
function dependencyOrder(tables: TableInfo[]): TableInfo[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const done = new Set<string>();
  const out: TableInfo[] = [];
  const visit = (t: TableInfo, stack: Set<string>) => {
    if (done.has(t.name) || stack.has(t.name)) return;
    stack.add(t.name);
    for (const r of t.refs) {
      const dep = byName.get(r);
      if (dep && r !== t.name) visit(dep, stack);
    }
    stack.delete(t.name);
    done.add(t.name);
    out.push(t);
  };
  for (const t of [...tables].sort((a, b) => a.name.localeCompare(b.name))) visit(t, new Set());
  return out;
}

function encodeValue(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return { $b: v.toString('base64') };
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') return Number(v);
  return v;
}

/* ------------------------------------------------------------------ writing */

class LineWriter {
  private readonly hash = crypto.createHash('sm3');
  private readonly gz = zlib.createGzip({ level: 6 });
  private readonly done: Promise<void>;
  /** Lines gathered into ~1 MB before hashing and compressing (one call per line costs more than the work). */
  private pending: string[] = [];
  private pendingChars = 0;
  bytes = 0;
  constructor(target: string) {
    const out = fs.createWriteStream(target, { mode: 0o600 });
    this.done = new Promise((resolve, reject) => pipeline(this.gz, out, (e) => (e ? reject(e) : resolve())));
    this.done.catch(() => undefined);
  }
  async line(value: unknown): Promise<void> {
    const text = JSON.stringify(value) + '\n';
    this.pending.push(text);
    this.pendingChars += text.length;
    if (this.pendingChars >= 1 << 20) await this.flush();
  }
  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const buf = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingChars = 0;
    this.hash.update(buf);
    this.bytes += buf.length;
    if (!this.gz.write(buf)) await new Promise<void>((r) => this.gz.once('drain', r));
  }
  async digest(): Promise<string> {
    await this.flush();
    return this.hash.digest('hex');
  }
  async end(value: unknown): Promise<void> {
    this.gz.end(Buffer.from(JSON.stringify(value) + '\n', 'utf8'));
    await this.done;
  }
  abort(): void {
    this.gz.destroy();
  }
}

export interface BackupOptions {
  /** The DATABASE_URL of the installation (unset → ./data/banchengshi.db). */
  databaseUrl: string | undefined;
  /** The installation's database (for the key check value, the migration level and the audit record). */
  db: Db;
  storage: AttachmentStorage;
  file: string;
  at: string;
  actor: string;
}

/** Writes a backup of the whole installation to `file` (atomically: a temporary name, then renamed). */
export async function writeBackup(o: BackupOptions): Promise<BackupSummary> {
  const t0 = Date.now();
  const { kind, target } = parseDatabaseUrl(o.databaseUrl);
  const tmp = `${o.file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.part`;
  fs.mkdirSync(path.dirname(path.resolve(o.file)), { recursive: true });
  const src = kind === 'sqlite' ? sqliteSource(target) : await pgSource(target);
  const w = new LineWriter(tmp);
  const counts: Record<string, number> = {};
  const blobs: string[] = [];
  let blobCount = 0;
  try {
    const tables = dependencyOrder(await src.tables());
    const keyCheck = await (async () => {
      for await (const b of src.rows({ name: 'data_key_check', columns: ['check_value'], pk: ['id'], refs: [] })) return String(b[0]![0]);
      throw new Error('数据库中没有数据密钥的校验值（请先启动一次服务或执行 bcs migrate）');
    })();
    const migrations: string[] = [];
    for await (const b of src.rows({ name: 'kysely_migration', columns: ['name'], pk: ['name'], refs: [] })) migrations.push(...b.map((r) => String(r[0])));
    const header: Header = { format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: o.at, source: kind, migrations, keyCheck };
    await w.line(header);
    for (const t of tables) {
      await w.line({ table: t.name, columns: t.columns });
      const keyCol = FILE_TABLES.has(t.name) ? t.columns.indexOf('storage_key') : -1;
      let n = 0;
      for await (const batch of src.rows(t)) {
        for (const r of batch) {
          await w.line(r.map(encodeValue));
          if (keyCol >= 0) blobs.push(String(r[keyCol]));
        }
        n += batch.length;
      }
      await w.line({ end: t.name, rows: n });
      counts[t.name] = n;
    }
    await src.close().catch(() => undefined);
    for (const key of blobs) {
      const stream = await o.storage.read(key).catch(() => {
        throw new Error(`附件文件缺失：${key}（可先执行 bcs audit verify 检查）`);
      });
      const h = crypto.createHash('sm3');
      let size = 0;
      const chunks: Buffer[] = [];
      let pending = 0;
      // The size is only known after reading; it is stated in the end line as well as the start line.
      await w.line({ blob: key });
      for await (const c of stream as AsyncIterable<Buffer>) {
        h.update(c);
        size += c.length;
        chunks.push(c);
        pending += c.length;
        while (pending >= BLOB_CHUNK) {
          const all = Buffer.concat(chunks);
          await w.line({ b: all.subarray(0, BLOB_CHUNK).toString('base64') });
          chunks.length = 0;
          chunks.push(all.subarray(BLOB_CHUNK));
          pending = all.length - BLOB_CHUNK;
        }
      }
      if (pending > 0) await w.line({ b: Buffer.concat(chunks).toString('base64') });
      await w.line({ endBlob: key, size, sm3: h.digest('hex') });
      blobCount++;
    }
    const digest = await w.digest();
    await w.end({ trailer: true, counts, blobs: blobCount, sm3: digest });
    await fsp.rename(tmp, o.file);
  } catch (e) {
    w.abort();
    await src.close().catch(() => undefined);
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  const bytes = (await fsp.stat(o.file)).size;
  await o.db.transaction().execute((trx) =>
    appendAudit(trx, {
      at: o.at,
      actor: o.actor,
      action: 'backup.create',
      entityType: 'installation',
      entityId: null,
      data: { file: path.basename(o.file), bytes, cases: counts.cases ?? 0, auditRecords: counts.audit_log ?? 0, attachments: blobCount },
    }),
  );
  return { file: o.file, bytes, counts, blobs: blobCount, ms: Date.now() - t0 };
}

/* ------------------------------------------------------------------ reading a backup file */

type Event =
  | { kind: 'header'; header: Header }
  | { kind: 'table'; name: string; columns: string[] }
  | { kind: 'rows'; rows: unknown[][] }
  | { kind: 'endTable'; name: string; rows: number }
  | { kind: 'blob'; key: string }
  | { kind: 'chunk'; data: Buffer }
  | { kind: 'endBlob'; key: string; size: number; sm3: string }
  | { kind: 'trailer'; counts: Record<string, number>; blobs: number };

const CORRUPT = '备份文件已损坏或不完整，拒绝恢复';

async function* lines(file: string): AsyncGenerator<Buffer> {
  const stream = pipeline(fs.createReadStream(file), zlib.createGunzip(), () => undefined);
  let rest: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      let i: number;
      while ((i = buf.indexOf(10)) >= 0) {
        yield buf.subarray(0, i + 1);
        buf = buf.subarray(i + 1);
      }
      rest = Buffer.from(buf);
    }
  } catch (e) {
    throw new BackupRefused(`${CORRUPT}（${(e as Error).message}）`);
  }
  if (rest.length) yield rest;
}

/**
 * The events of a backup file, every byte checked: the content's SM3 against the trailer, each
 * table's row count, each file's size and SM3. Throws BackupRefused at the first problem.
 */
async function* readBackup(file: string): AsyncGenerator<Event> {
  const hash = crypto.createHash('sm3');
  // Lines are hashed in ~1 MB batches (the trailer's own line is never part of it).
  let toHash: Buffer[] = [];
  let toHashLen = 0;
  const flushHash = () => {
    if (toHash.length) hash.update(Buffer.concat(toHash, toHashLen));
    toHash = [];
    toHashLen = 0;
  };
  let state: 'start' | 'tables' | 'table' | 'blob' | 'end' = 'start';
  let table: { name: string; n: number; width: number } | null = null;
  let blob: { key: string; hash: crypto.Hash; size: number } | null = null;
  const counts: Record<string, number> = {};
  let blobs = 0;
  let batch: unknown[][] = [];
  const bad = (why: string): never => {
    throw new BackupRefused(`${CORRUPT}：${why}`);
  };
  for await (const raw of lines(file)) {
    if (state === 'end') bad('尾部之后还有内容');
    if (raw[raw.length - 1] !== 10) bad('最后一行不完整');
    let v: any;
    try {
      v = JSON.parse(raw.toString('utf8'));
    } catch {
      bad('某一行无法解析');
    }
    if (v && typeof v === 'object' && !Array.isArray(v) && v.trailer === true) {
      if (state !== 'tables') bad('尾部位置有误');
      flushHash();
      if (v.sm3 !== hash.digest('hex')) bad('SM3 校验值不符（内容被改动）');
      for (const [t, n] of Object.entries(v.counts ?? {})) if (counts[t] !== n) bad(`表 ${t} 的行数与尾部记录不符`);
      if (Object.keys(counts).length !== Object.keys(v.counts ?? {}).length || v.blobs !== blobs) bad('表或附件的数目与尾部记录不符');
      state = 'end';
      yield { kind: 'trailer', counts, blobs };
      continue;
    }
    toHash.push(raw);
    toHashLen += raw.length;
    if (toHashLen >= 1 << 20) flushHash();
    if (state === 'start') {
      if (v?.format !== BACKUP_FORMAT) bad('不是办成事的备份文件');
      if (v.version !== BACKUP_VERSION) throw new BackupRefused(`备份文件格式版本 ${v.version} 不受支持（本程序支持 ${BACKUP_VERSION}）`);
      state = 'tables';
      yield { kind: 'header', header: v as Header };
    } else if (state === 'table') {
      if (Array.isArray(v)) {
        if (v.length !== table!.width) bad(`表 ${table!.name} 的某行列数不符`);
        table!.n++;
        batch.push(v);
        if (batch.length === ROWS_PER_LINE_BATCH) {
          yield { kind: 'rows', rows: batch };
          batch = [];
        }
      } else if (v?.end === table!.name) {
        if (v.rows !== table!.n) bad(`表 ${table!.name} 的行数不符`);
        if (batch.length) yield { kind: 'rows', rows: batch };
        batch = [];
        counts[table!.name] = table!.n;
        yield { kind: 'endTable', name: table!.name, rows: table!.n };
        table = null;
        state = 'tables';
      } else bad(`表 ${table!.name} 中有无法识别的行`);
    } else if (state === 'blob') {
      if (typeof v?.b === 'string') {
        const data = Buffer.from(v.b, 'base64');
        blob!.hash.update(data);
        blob!.size += data.length;
        yield { kind: 'chunk', data };
      } else if (v?.endBlob === blob!.key) {
        if (v.size !== blob!.size || v.sm3 !== blob!.hash.digest('hex')) bad(`附件 ${blob!.key} 的大小或 SM3 不符`);
        blobs++;
        yield { kind: 'endBlob', key: blob!.key, size: v.size, sm3: v.sm3 };
        blob = null;
        state = 'tables';
      } else bad(`附件 ${blob!.key} 中有无法识别的行`);
    } else if (typeof v?.table === 'string' && Array.isArray(v.columns)) {
      if (v.table in counts) bad(`表 ${v.table} 出现两次`);
      table = { name: v.table, n: 0, width: v.columns.length };
      state = 'table';
      yield { kind: 'table', name: v.table, columns: v.columns.map(String) };
    } else if (typeof v?.blob === 'string') {
      blob = { key: v.blob, hash: crypto.createHash('sm3'), size: 0 };
      state = 'blob';
      yield { kind: 'blob', key: v.blob };
    } else bad('有无法识别的行');
  }
  if (state !== 'end') bad('缺少尾部（文件被截断）');
}

/** Checks a backup file end to end without writing anything; answers its header and counts. */
export async function verifyBackup(file: string): Promise<{ header: Header; counts: Record<string, number>; blobs: number; blobSm3: Map<string, string> }> {
  if (!fs.existsSync(file)) throw new BackupRefused(`找不到备份文件：${file}`);
  let header: Header | null = null;
  let counts: Record<string, number> = {};
  let blobs = 0;
  const blobSm3 = new Map<string, string>();
  for await (const e of readBackup(file)) {
    if (e.kind === 'header') header = e.header;
    else if (e.kind === 'endBlob') blobSm3.set(e.key, e.sm3);
    else if (e.kind === 'trailer') {
      counts = e.counts;
      blobs = e.blobs;
    }
  }
  return { header: header!, counts, blobs, blobSm3 };
}

/* ------------------------------------------------------------------ restoring */

export interface RestoreOptions {
  databaseUrl: string | undefined;
  /** BCS_DATA_KEY (64 hex), else the key file beside the SQLite database / ./data/secret.key. */
  configuredKey: string | undefined;
  /** Or the key itself (tests). */
  dataKey?: Buffer;
  storage: AttachmentStorage;
  file: string;
  at: string;
  actor: string;
}

/** The key the target will run with, without creating one: a restore needs the backup's own key. */
function targetKey(o: RestoreOptions): Buffer {
  if (o.dataKey) return o.dataKey;
  if (o.configuredKey) return parseMasterKey(o.configuredKey, '环境变量 BCS_DATA_KEY ');
  const { kind, target } = parseDatabaseUrl(o.databaseUrl);
  const file = path.resolve(kind === 'sqlite' && target !== ':memory:' ? path.dirname(target) : './data', 'secret.key');
  if (!fs.existsSync(file)) {
    throw new BackupRefused(`找不到数据密钥：请设置环境变量 BCS_DATA_KEY，或把原安装的密钥文件复制到 ${file}（备份中不含密钥）`);
  }
  return parseMasterKey(fs.readFileSync(file, 'utf8'), `密钥文件 ${file} `);
}

function decodeValue(v: unknown, kind: DialectKind): unknown {
  if (v && typeof v === 'object' && typeof (v as { $b?: unknown }).$b === 'string') return Buffer.from((v as { $b: string }).$b, 'base64');
  if (kind === 'sqlite' && typeof v === 'boolean') return v ? 1 : 0;
  return v;
}

export interface RestoreSummary {
  counts: Record<string, number>;
  blobs: number;
  ms: number;
  source: DialectKind;
}

/**
 * Loads a backup into an empty database (either kind). Refuses (BackupRefused, nothing changed) a
 * damaged file, another data key, a newer schema, or a database that is not empty.
 */
export async function restoreBackup(o: RestoreOptions): Promise<RestoreSummary> {
  const t0 = Date.now();
  const checked = await verifyBackup(o.file);
  const { header } = checked;
  if (keyCheckOf(targetKey(o)) !== header.keyCheck) {
    throw new BackupRefused('数据密钥与备份不符：请使用备份来源安装的密钥（环境变量 BCS_DATA_KEY 或 secret.key）');
  }
  const known = new Set(migrationNames());
  const unknown = header.migrations.filter((m) => !known.has(m));
  if (unknown.length) throw new BackupRefused(`备份来自更新版本的程序（数据库结构 ${unknown.join('、')}），请先升级本程序`);
  const handle = openDatabase(o.databaseUrl, { poolSize: 2 });
  const written: string[] = [];
  try {
    await migrateToLatest(handle.db);
    const db = handle.db as unknown as Kysely<any>;
    const target = new Map((await db.introspection.getTables()).map((t) => [t.name, new Set(t.columns.map((c) => c.name))]));
    await assertEmpty(db, target);
    const mimeOf = new Map<string, string>();
    let summary: RestoreSummary | null = null;
    await db.transaction().execute(async (trx) => {
      await assertEmpty(trx, target);
      for (const t of SEEDED) if (target.has(t)) await trx.deleteFrom(t).execute();
      let table: { name: string; columns: string[]; keyCol: number; mimeCol: number } | null = null;
      let blob: { key: string; tmp: string; fd: fsp.FileHandle; size: number } | null = null;
      for await (const e of readBackup(o.file)) {
        if (e.kind === 'table') {
          const cols = target.get(e.name);
          if (!cols) throw new BackupRefused(`本程序的数据库中没有表 ${e.name}：备份来自不同版本`);
          const missing = e.columns.filter((c) => !cols.has(c));
          if (missing.length) throw new BackupRefused(`表 ${e.name} 缺少列 ${missing.join('、')}：备份来自不同版本`);
          table = { name: e.name, columns: e.columns, keyCol: FILE_TABLES.has(e.name) ? e.columns.indexOf('storage_key') : -1, mimeCol: e.columns.indexOf('mime') };
        } else if (e.kind === 'rows') {
          const t = table!;
          const width = t.columns.length;
          const per = Math.max(1, Math.floor(30000 / width));
          for (let i = 0; i < e.rows.length; i += per) {
            const batch = e.rows.slice(i, i + per);
            const params: unknown[] = [];
            for (const r of batch) {
              for (let j = 0; j < width; j++) params.push(decodeValue(r[j], handle.kind));
              if (t.keyCol >= 0) mimeOf.set(String(r[t.keyCol]), String(r[t.mimeCol] ?? 'application/octet-stream'));
            }
            // Written as plain SQL with parameters: building 30,000-value queries through the query builder costs more than running them.
            await trx.executeQuery(CompiledQuery.raw(insertSql(handle.kind, t.name, t.columns, batch.length), params));
          }
        } else if (e.kind === 'blob') {
          const tmp = path.join(o.storage.tempDir, `restore-${crypto.randomBytes(8).toString('hex')}`);
          await fsp.mkdir(o.storage.tempDir, { recursive: true });
          blob = { key: e.key, tmp, fd: await fsp.open(tmp, 'w'), size: 0 };
        } else if (e.kind === 'chunk') {
          await blob!.fd.write(e.data);
          blob!.size += e.data.length;
        } else if (e.kind === 'endBlob') {
          const b = blob!;
          await b.fd.close();
          if (await o.storage.exists(b.key)) {
            await fsp.rm(b.tmp, { force: true });
            throw new BackupRefused(`附件存储中已有同名文件 ${b.key}：请使用空的附件目录或存储桶`);
          }
          await o.storage.putFile(b.key, b.tmp, b.size, mimeOf.get(b.key) ?? 'application/octet-stream');
          written.push(b.key);
          blob = null;
        } else if (e.kind === 'trailer') {
          summary = { counts: e.counts, blobs: e.blobs, ms: 0, source: header.source };
        }
      }
      if (handle.kind === 'postgres') await advanceSequences(trx);
      await rebuildSearchIndex(trx, handle.kind);
      await appendAudit(trx, {
        at: o.at,
        actor: o.actor,
        action: 'backup.restore',
        entityType: 'installation',
        entityId: null,
        data: { file: path.basename(o.file), createdAt: header.createdAt, source: header.source, cases: summary!.counts.cases ?? 0, attachments: summary!.blobs },
      });
    });
    return { ...summary!, ms: Date.now() - t0 };
  } catch (e) {
    for (const k of written) await o.storage.remove(k).catch(() => undefined);
    throw e;
  } finally {
    await handle.close();
  }
}

/** `insert into t (cols) values (…), (…)` for `rows` rows, with the dialect's placeholders. */
const insertSqlCache = new Map<string, string>();
function insertSql(kind: DialectKind, table: string, columns: string[], rows: number): string {
  const key = `${kind}\u0000${table}\u0000${columns.join(',')}\u0000${rows}`;
  let text = insertSqlCache.get(key);
  if (!text) {
    let n = 0;
    const row = () => `(${columns.map(() => (kind === 'postgres' ? `$${++n}` : '?')).join(', ')})`;
    text = `insert into ${q(table)} (${columns.map(q).join(', ')}) values ${Array.from({ length: rows }, row).join(', ')}`;
    if (insertSqlCache.size > 200) insertSqlCache.clear();
    insertSqlCache.set(key, text);
  }
  return text;
}

/** Refuses a database holding anything a user or the product wrote (the seeded tables aside). */
async function assertEmpty(db: Kysely<any>, target: Map<string, Set<string>>): Promise<void> {
  const head = await db.selectFrom('audit_head').select('seq').where('id', '=', 1).executeTakeFirst();
  const busy: string[] = head && Number(head.seq) > 0 ? ['audit_head'] : [];
  for (const t of target.keys()) {
    if (isSkipped(t) || SEEDED.has(t)) continue;
    const r = await db.selectFrom(t).select(sql<number>`1`.as('x')).limit(1).executeTakeFirst();
    if (r) busy.push(t);
  }
  if (busy.length) throw new BackupRefused(`目标数据库不是空的（${busy.slice(0, 5).join('、')}${busy.length > 5 ? ' 等' : ''} 中已有数据），拒绝恢复，未做任何改动。请恢复到新建的空数据库。`);
}

/** PostgreSQL: every serial/identity sequence moves past the largest id restored. */
async function advanceSequences(trx: Kysely<any>): Promise<void> {
  const seqs = await sql<{ table_name: string; column_name: string; seq: string }>`
    select c.table_name, c.column_name, pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) as seq
    from information_schema.columns c where c.table_schema = current_schema()
      and pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) is not null`.execute(trx);
  for (const s of seqs.rows) {
    await sql`select setval(${s.seq}::regclass, coalesce((select max(${sql.ref(s.column_name)}) from ${sql.table(s.table_name)}), 0) + 1, false)`.execute(trx);
  }
}

/** The search index of every case, rebuilt from its text (the index's shape differs by database kind). */
async function rebuildSearchIndex(trx: Kysely<any>, kind: DialectKind): Promise<void> {
  let after = 0;
  for (;;) {
    const rows = await trx.selectFrom('cases').select(['id', 'matter', 'description', 'reporter_org_name']).where('id', '>', after).orderBy('id').limit(500).execute();
    if (rows.length === 0) break;
    const params: unknown[] = [];
    for (const r of rows) params.push(Number(r.id), searchDocument([r.matter, r.description, r.reporter_org_name]));
    const text =
      kind === 'postgres'
        ? `insert into case_search (case_id, tsv) values ${rows.map((_, i) => `($${2 * i + 1}, to_tsvector('simple', $${2 * i + 2}))`).join(', ')}`
        : `insert into case_search (rowid, grams) values ${rows.map(() => '(?, ?)').join(', ')}`;
    await trx.executeQuery(CompiledQuery.raw(text, params));
    after = Number(rows[rows.length - 1]!.id);
  }
}
