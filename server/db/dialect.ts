/** Opens the database named by a URL: SQLite (embedded default) or PostgreSQL. */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import type { Database, Db, Executor } from './database.js';

export type DialectKind = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Db;
  kind: DialectKind;
  close(): Promise<void>;
}

// COUNT(*) and SUM() come back from PostgreSQL as int8/numeric strings; every count we keep fits a JS number.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
pg.types.setTypeParser(1700, (v) => Number.parseFloat(v));

export const DEFAULT_SQLITE_PATH = './data/banchengshi.db';

/** Which dialect a URL names: unset → SQLite at ./data/banchengshi.db. */
export function parseDatabaseUrl(url: string | undefined): { kind: DialectKind; target: string } {
  if (!url) return { kind: 'sqlite', target: DEFAULT_SQLITE_PATH };
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return { kind: 'postgres', target: url };
  if (url.startsWith('sqlite:')) return { kind: 'sqlite', target: url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '') };
  throw new Error(`DATABASE_URL 无法识别：应为 sqlite:<路径> 或 postgres://…（收到 ${url.split(':')[0]}:…）`);
}

/**
 * `statementTimeoutMs` (PostgreSQL): the server's last guard against a statement that would hold a
 * connection for long (a query plan gone wrong) — never the fix for a slow query.
 */
export function openDatabase(url: string | undefined, opts: { poolSize?: number; statementTimeoutMs?: number } = {}): DatabaseHandle {
  const { kind, target } = parseDatabaseUrl(url);
  if (kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: target, max: opts.poolSize ?? 10, ...(opts.statementTimeoutMs ? { statement_timeout: opts.statementTimeoutMs } : {}) });
    // An idle connection dropped by the server (restart, failover) must not crash the process;
    // the pool opens a new one on the next query.
    pool.on('error', (err) => console.error(`PostgreSQL 连接中断：${err.message}`));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind, close: () => db.destroy() };
  }
  if (target !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  const sqlite = new SQLite(target);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingStatements(sqlite) }) });
  return { db, kind, close: () => db.destroy() };
}

/** How many prepared statements one SQLite connection keeps (least recently used dropped first). */
export const STATEMENT_CACHE_SIZE = 400;

/**
 * The connection as kysely's SQLite driver sees it, preparing each distinct SQL text once: the
 * driver calls `prepare` for every query (10 % of an intake's CPU went to preparing the same
 * statements again). A cached statement is used by `all`/`run` only, which finish before they
 * return; `iterate` (a streamed query, which stays open while the caller reads) gets a statement
 * of its own, so two streams of the same SQL, or a query inside a stream's loop, never share one.
 */
export function cachingStatements(sqlite: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  const prepared = (text: string): SQLite.Statement => {
    let stmt = cache.get(text);
    if (stmt) {
      cache.delete(text); // re-inserted below: the Map's order is the recency order
    } else {
      stmt = sqlite.prepare(text);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    }
    cache.set(text, stmt);
    return stmt;
  };
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare(text: string): SqliteStatement {
      const stmt = prepared(text);
      return {
        reader: stmt.reader,
        all: (params) => stmt.all(params),
        run: (params) => stmt.run(params),
        iterate: (params) => sqlite.prepare(text).iterate(params),
      };
    },
  };
}

export function isPostgres(db: Executor | Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
