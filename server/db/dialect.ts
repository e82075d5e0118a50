/** Opens the database named by a URL: SQLite (embedded default) or PostgreSQL. */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import {
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  SqliteDialect,
  type PostgresCursor,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryResult,
  type SqliteDatabase,
  type SqliteStatement,
} from 'kysely';
import type { Database, Db, Executor } from './database.js';
import { GroupCommitSqliteDialect, type GroupCommitStats } from './group-commit.js';

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
 * `serial` (PostgreSQL): no parallel workers for the pool's statements. The server's reads are
 * pages of 50 and index lookups: at 10 M cases PostgreSQL sometimes gave a page's walk two workers
 * (a handler's first page: 66–83 ms, against 4–5 ms without them, on 2 cores) — the start-up of
 * worker processes costs more than such a walk, and under load the workers take the cores of
 * other requests.
 */
export function openDatabase(
  url: string | undefined,
  opts: { poolSize?: number; statementTimeoutMs?: number; serial?: boolean; groupCommit?: boolean; groupCommitStats?: GroupCommitStats } = {},
): DatabaseHandle {
  const { kind, target } = parseDatabaseUrl(url);
  if (kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: target,
      max: opts.poolSize ?? 10,
      ...(opts.statementTimeoutMs ? { statement_timeout: opts.statementTimeoutMs } : {}),
      ...(opts.serial ? { options: '-c max_parallel_workers_per_gather=0' } : {}),
    });
    // An idle connection dropped by the server (restart, failover) must not crash the process;
    // the pool opens a new one on the next query.
    pool.on('error', (err) => console.error(`PostgreSQL 连接中断：${err.message}`));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: namingStatements(pool) }) });
    return { db, kind, close: () => db.destroy() };
  }
  if (target !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  const sqlite = new SQLite(target);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Group commit (group-commit.ts) unless the configuration turns it off (BCS_SQLITE_GROUP_COMMIT=off).
  const grouped = opts.groupCommit ?? true;
  const database = cachingStatements(sqlite);
  const dialect = grouped ? new GroupCommitSqliteDialect({ database, raw: sqlite, file: target === ':memory:' ? target : path.resolve(target), stats: opts.groupCommitStats }) : new SqliteDialect({ database });
  const db = new Kysely<Database>({ dialect });
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
/** A statement as the drivers use it, with whether it only reads (better-sqlite3's `readonly`). */
export type CachedStatement = SqliteStatement & { readonly readonly: boolean };
export type CachingDatabase = Omit<SqliteDatabase, 'prepare'> & { prepare(text: string): CachedStatement };

export function cachingStatements(sqlite: SQLite.Database): CachingDatabase {
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
    prepare(text: string): CachedStatement {
      const stmt = prepared(text);
      return {
        reader: stmt.reader,
        readonly: stmt.readonly,
        all: (params) => stmt.all(params),
        run: (params) => stmt.run(params),
        iterate: (params) => sqlite.prepare(text).iterate(params),
      };
    },
  };
}

/** How many named statements one PostgreSQL connection keeps (least recently used deallocated first). */
export const PG_STATEMENT_CACHE_SIZE = 200;

/**
 * Raised whenever this process runs DDL or meets a statement prepared against an older schema
 * (another instance migrated): every connection then drops its named statements before its next
 * statement outside a transaction, so one stale statement costs one retry, not one per connection.
 */
let schemaEpoch = 0;

/** What a client is asked to run: kysely passes SQL text and parameters, or a cursor (a streamed query). */
type Submitted = string | PostgresCursor<unknown>;

/**
 * The pool as kysely's PostgreSQL driver sees it, its queries run as named prepared statements (one
 * name per distinct SQL text, from its hash): PostgreSQL parses and plans a statement once per
 * connection instead of on every query. Safe with schema changes: a statement prepared before a
 * migration changed its result type ("cached plan must not change result type", 0A000) is prepared
 * again and retried once outside a transaction; inside one, statements whose result is `*` (the
 * shape an added column changes) are not named, and any stale statement fails that transaction only
 * (the epoch makes every connection start afresh). DDL, transaction control, several statements in
 * one text and streamed queries (cursors) are sent as before, unnamed.
 */
export function namingStatements(pool: pg.Pool): PostgresPool {
  const clients = new WeakMap<pg.PoolClient, NamingClient>();
  return {
    async connect() {
      const c = await pool.connect();
      let n = clients.get(c);
      if (!n) {
        n = new NamingClient(c);
        clients.set(c, n);
      }
      return n;
    },
    end: () => pool.end(),
  };
}

const NAMEABLE = /^\s*(select|insert|update|delete|with)\b/i;
const TX_START = /^\s*(begin|start\s+transaction)\b/i;
const TX_END = /^\s*(commit|end|abort|rollback(?!\s+to\b)|prepare\s+transaction)\b/i;
const DDL = /^\s*(create|alter|drop|truncate|comment|reindex|grant|revoke|discard|deallocate)\b/i;
/**
 * A read whose best plan depends on its parameters — a list page, a search, a statistic (`order by`,
 * `limit`, `group by`) — where a filter's values are skewed (few rejected cases, many closed ones):
 * a prepared statement may settle on one generic plan for all of them after five runs, so these are
 * planned afresh each time. Writes and single-row reads (an intake's statements) are named.
 */
const PLAN_SENSITIVE = /^\s*(select|with)\b(?![\s\S]*\b(insert|update|delete)\b)[\s\S]*\b(order\s+by|limit|group\s+by)\b/i;
/** A result of `*` (`select *`, `returning *`, `t.*`): its type changes when a column is added. */
const STAR_RESULT = /(\bselect|\breturning|,)\s*\*|\.\*/i;

/** A statement prepared against a schema (or a session state) that is no longer there. */
function isStale(e: unknown): boolean {
  const err = e as { code?: string; routine?: string };
  return (err.code === '0A000' && err.routine === 'RevalidateCachedQuery') || err.code === '26000' || err.code === '42P05';
}

export function statementName(text: string): string {
  return `bcs_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
}

class NamingClient implements PostgresPoolClient {
  /** SQL text → statement name, least recently used first. */
  private readonly names = new Map<string, string>();
  private inTransaction = false;
  /** DDL ran in the current transaction: name nothing more until it ends. */
  private ddlInTransaction = false;
  private epoch = schemaEpoch;

  constructor(private readonly client: pg.PoolClient) {}

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query(q: Submitted, parameters?: ReadonlyArray<unknown>): unknown {
    if (typeof q !== 'string') return this.client.query(q as never);
    return this.run(q, parameters ?? []);
  }

  release(destroy?: boolean): void {
    this.client.release(destroy);
  }

  private async run(text: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<never>> {
    if (!this.inTransaction) await this.tidy();
    if (TX_START.test(text)) {
      this.inTransaction = true;
      this.ddlInTransaction = false;
      try {
        return await this.unnamed(text, parameters);
      } catch (e) {
        this.inTransaction = false;
        throw e;
      }
    }
    if (TX_END.test(text)) {
      try {
        return await this.unnamed(text, parameters);
      } finally {
        this.inTransaction = false;
        this.ddlInTransaction = false;
      }
    }
    if (DDL.test(text)) {
      try {
        return await this.unnamed(text, parameters);
      } finally {
        schemaEpoch++;
        if (this.inTransaction) this.ddlInTransaction = true;
      }
    }
    const nameable =
      NAMEABLE.test(text) &&
      !text.includes(';') &&
      !this.ddlInTransaction &&
      !(this.inTransaction && STAR_RESULT.test(text)) &&
      !PLAN_SENSITIVE.test(text);
    if (!nameable) return this.unnamed(text, parameters);
    try {
      return await this.named(text, parameters);
    } catch (e) {
      if (!isStale(e)) throw e;
      schemaEpoch++;
      // Inside a transaction the error has aborted it: nothing to retry here.
      if (this.inTransaction) throw e;
      await this.reset();
      return await this.named(text, parameters);
    }
  }

  private unnamed(text: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<never>> {
    return this.client.query(text, parameters as unknown[]) as unknown as Promise<PostgresQueryResult<never>>;
  }

  private async named(text: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<never>> {
    let name = this.names.get(text);
    if (name) this.names.delete(text); // re-inserted below: the Map's order is the recency order
    else name = statementName(text);
    this.names.set(text, name);
    try {
      return (await this.client.query({ name, text, values: parameters as unknown[] })) as unknown as PostgresQueryResult<never>;
    } catch (e) {
      // Parse failed (a wrong statement, an aborted transaction): the name does not exist on the server.
      if (this.parsed()[name] === undefined) this.names.delete(text);
      throw e;
    }
  }

  /** Outside a transaction: start afresh after a schema change, deallocate beyond the cache's size. */
  private async tidy(): Promise<void> {
    if (this.epoch !== schemaEpoch) return this.reset();
    while (this.names.size > PG_STATEMENT_CACHE_SIZE) {
      const [text, name] = this.names.entries().next().value!;
      this.names.delete(text);
      delete this.parsed()[name];
      try {
        await this.client.query(`deallocate ${name}`);
      } catch (e) {
        if ((e as { code?: string }).code !== '26000') throw e; // never prepared: nothing to free
      }
    }
  }

  private async reset(): Promise<void> {
    this.epoch = schemaEpoch;
    await this.client.query('deallocate all');
    this.names.clear();
    const parsed = this.parsed();
    for (const name of Object.keys(parsed)) delete parsed[name];
  }

  /**
   * node-postgres's own record of the statements it has parsed on this connection (it skips the
   * Parse of a name it knows): a deallocated name must leave it, or its next use would not be parsed.
   */
  private parsed(): Record<string, string> {
    const connection = (this.client as unknown as { connection?: { parsedStatements?: Record<string, string> } }).connection;
    if (!connection?.parsedStatements) throw new Error('node-postgres 内部结构已变：无法管理已命名的预备语句');
    return connection.parsedStatements;
  }
}

export function isPostgres(db: Executor | Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
