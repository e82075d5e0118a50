/**
 * SQLite with group commit (issue 17): the transactions that queue for the one connection while
 * another runs are committed together, in one SQLite transaction, each still atomic on its own.
 *
 * On SQLite an intake's commit cost more than all its statements together (821 of 1,479 µs: the
 * 42 pages it changed written to the WAL, one system call each, the 16 indexes of `cases` among
 * them). Transactions that follow one another change mostly the same pages (the last leaf of each
 * index, the counters, the audit chain's head), so committing several at once writes each page once.
 *
 * How, with kysely's own transaction API unchanged for the callers:
 * - `begin` opens SQLite's transaction only when none is open, then a savepoint: every logical
 *   transaction is a savepoint within the physical one. Its rollback rolls back to the savepoint,
 *   so a failing transaction undoes its own writes only.
 * - Its commit releases the savepoint, hands the connection to the next in line and waits: the
 *   promise resolves only after SQLite's `commit` succeeded, so nothing is acknowledged before it is
 *   in the WAL (the guarantee under `kill -9` is unchanged). If that commit fails, every transaction
 *   of the group fails with it (nothing of it was acknowledged).
 * - The group is committed when the event loop has run everything that was ready (`setImmediate`):
 *   under load, the requests read from the sockets in the same turn reach their transactions and
 *   join the group. Committing as soon as no one waits for the connection groups nothing: every
 *   statement is a synchronous call, so the connection is free again before another request asks.
 *   Also when it holds `MAX_GROUP` transactions or is `MAX_GROUP_MS` old, and before a writing
 *   statement outside a transaction (committed when it returns, as before).
 * - A later transaction of the group sees the earlier ones' writes; they commit together or not at
 *   all. If SQLite itself rolls the whole transaction back (a full disk, an I/O error), the group's
 *   waiting transactions fail.
 * - A read outside a transaction does not wait for the group: it may see a transaction of the group
 *   whose caller has not been answered yet (committed in SQLite's next step; lost only if the
 *   process dies or the disk fails in between — then its caller was never told it was saved).
 *   Committing before every such read would end every group: each request reads its session first.
 * - A write marked with {@link writeAtCommit} (the search index's entries) made inside a transaction
 *   is kept until the group commits and then written with the group's other such writes, in their
 *   order, as one statement just before SQLite's `commit`: FTS5 writes its pending entries out as a
 *   new index segment at every savepoint, so written where they were made, each transaction's
 *   entries became a segment of their own (≈ 300 µs an intake). Dropped with its transaction's
 *   rollback; if that statement fails, the group fails as a failed commit does. A later statement of
 *   the group does not see such an entry before the commit (none reads the index inside a write).
 */
import type SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  SelectQueryNode,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';
import type { CachingDatabase } from './dialect.js';

/** The most transactions one commit carries, and the longest the first of them waits for it. */
export const MAX_GROUP = 64;
export const MAX_GROUP_MS = 20;

const SAVEPOINT = 'bcs_group';
// Captured at load: a test's fake timers must not stop commits.
const later = globalThis.setImmediate;

interface Waiting {
  resolve(): void;
  reject(e: unknown): void;
}

/** What the driver counts, for benches and tests: commits and the transactions they carried. */
export interface GroupCommitStats {
  commits: number;
  transactions: number;
}

/**
 * A write that may wait for its group's commit ({@link writeAtCommit}): its rows, and how to write
 * the rows of every such write of the same kind in the group as one statement.
 */
export interface AtCommit {
  kind: string;
  rows: unknown[][];
  write(rows: unknown[][]): CompiledQuery;
}

const atCommitWrites = new WeakMap<CompiledQuery, AtCommit>();

/**
 * Marks `q` as a write that may wait for its group's commit (see the module's comment): run inside
 * a transaction of a group-commit connection, it is kept and `w.write` writes it with the others.
 * Anywhere else (outside a transaction, another driver, PostgreSQL) `q` runs as it is.
 */
export function writeAtCommit(q: CompiledQuery, w: AtCommit): CompiledQuery {
  atCommitWrites.set(q, w);
  return q;
}

/** Rows per statement of the writes kept for a commit (two parameters a row, far below SQLite's limit). */
const AT_COMMIT_ROWS = 500;

/**
 * The open handles of this process per database file. While a file has two (two instances in one
 * process: tests, a backup beside the server), each commits at once: a handle that waits for its
 * busy timeout blocks the event loop, and with it the other handle's commit it waits for.
 */
const handlesOf = new Map<string, Set<GroupCommitDriver>>();

export class GroupCommitSqliteDialect implements Dialect {
  constructor(private readonly config: { database: CachingDatabase; raw: SQLite.Database; file: string; stats?: GroupCommitStats }) {}
  createDriver(): Driver {
    return new GroupCommitDriver(this.config.database, this.config.raw, this.config.file, this.config.stats);
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

/** One use of the connection: from kysely's acquire to its release. */
class Lease implements DatabaseConnection {
  inTransaction = false;
  /** The connection went to the next in line at this lease's commit; its release frees nothing. */
  handedOn = false;
  /** This transaction's writes kept for the group's commit. */
  kept: AtCommit[] = [];
  constructor(private readonly driver: GroupCommitDriver) {}
  executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    return this.driver.execute<R>(this, q);
  }
  streamQuery<R>(q: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    return this.driver.stream<R>(this, q);
  }
}

export class GroupCommitDriver implements Driver {
  /** Who waits for the connection, first in line first. */
  private readonly line: Array<() => void> = [];
  private busy = false;
  /** Transactions released into SQLite's open transaction, waiting for its commit. */
  private waiting: Waiting[] = [];
  /** The writes the group's committed transactions kept for its commit, in their order. */
  private kept: AtCommit[] = [];
  private groupStartedAt = 0;
  private flushQueued = false;

  constructor(
    private readonly db: CachingDatabase,
    private readonly raw: SQLite.Database,
    /** The database file (':memory:' is never shared). */
    private readonly file: string,
    private readonly stats: GroupCommitStats = { commits: 0, transactions: 0 },
  ) {}

  async init(): Promise<void> {
    if (this.file === ':memory:') return;
    const set = handlesOf.get(this.file) ?? new Set();
    set.add(this);
    handlesOf.set(this.file, set);
  }

  /** Another handle of this process has the same file open. */
  private shared(): boolean {
    return (handlesOf.get(this.file)?.size ?? 0) > 1;
  }

  /**
   * Before this handle writes: the groups other handles of this process hold open are committed (a
   * write here would wait for SQLite's lock synchronously, and their commit could not run).
   */
  private commitOthers(): void {
    if (!this.shared()) return;
    for (const other of handlesOf.get(this.file)!) if (other !== this) other.commitIfIdle();
  }

  private commitIfIdle(): void {
    if (this.waiting.length > 0 && !this.busy) this.commitGroup();
  }

  acquireConnection(): Promise<DatabaseConnection> {
    if (!this.busy) {
      this.busy = true;
      return Promise.resolve(new Lease(this));
    }
    return new Promise((resolve) => this.line.push(() => resolve(new Lease(this))));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    if (lease.handedOn) return;
    if (lease.inTransaction) {
      // Released inside a transaction (kysely never does): do not leave it open for others.
      lease.inTransaction = false;
      lease.kept = [];
      this.undo();
    }
    this.handOn();
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    this.commitOthers();
    if (!this.raw.inTransaction) this.run('begin');
    this.run(`savepoint ${SAVEPOINT}`);
    lease.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    this.run(`release ${SAVEPOINT}`);
    lease.inTransaction = false;
    if (lease.kept.length) this.kept.push(...lease.kept.splice(0));
    const done = new Promise<void>((resolve, reject) => {
      if (this.waiting.length === 0) this.groupStartedAt = Date.now();
      this.waiting.push({ resolve, reject });
    });
    if (this.waiting.length >= MAX_GROUP || Date.now() - this.groupStartedAt >= MAX_GROUP_MS || this.shared()) {
      this.commitGroup();
    } else {
      lease.handedOn = true;
      this.handOn();
      this.queueFlush();
    }
    return done;
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    // After a failed group commit kysely rolls back too: that transaction is already undone, and the
    // connection may be another's by now.
    if (!lease.inTransaction) return;
    lease.inTransaction = false;
    lease.kept = [];
    this.undo();
  }

  async destroy(): Promise<void> {
    if (this.waiting.length > 0) this.commitGroup();
    const set = handlesOf.get(this.file);
    set?.delete(this);
    if (set?.size === 0) handlesOf.delete(this.file);
    this.db.close();
  }

  /** A statement of a lease: a write outside a transaction commits the group first. */
  async execute<R>(lease: Lease, q: CompiledQuery): Promise<QueryResult<R>> {
    const keep = lease.inTransaction ? atCommitWrites.get(q) : undefined;
    if (keep) {
      lease.kept.push(keep);
      return { rows: [] };
    }
    const stmt = this.db.prepare(q.sql);
    if (!stmt.readonly) {
      this.commitOthers();
      if (!lease.inTransaction && this.waiting.length > 0) this.commitGroup();
    }
    try {
      if (stmt.reader) return { rows: stmt.all(q.parameters) as R[] };
      const { changes, lastInsertRowid } = stmt.run(q.parameters);
      return {
        numAffectedRows: changes !== undefined && changes !== null ? BigInt(changes) : undefined,
        insertId: lastInsertRowid !== undefined && lastInsertRowid !== null ? BigInt(lastInsertRowid) : undefined,
        rows: [],
      };
    } catch (e) {
      if (lease.inTransaction) this.checkStillOpen(e);
      throw e;
    }
  }

  async *stream<R>(lease: Lease, q: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(q.query)) throw new Error('Sqlite driver only supports streaming of select queries');
    for (const row of this.db.prepare(q.sql).iterate(q.parameters)) yield { rows: [row as R] };
  }

  private run(text: string): void {
    this.db.prepare(text).run([]);
  }

  /** A transaction's undo: to its savepoint, or, when it is the group's only one, SQLite's own rollback. */
  private undo(): void {
    if (!this.raw.inTransaction) {
      this.lost(new Error('SQLite 事务已被回滚'));
      return;
    }
    this.run(`rollback to ${SAVEPOINT}`);
    this.run(`release ${SAVEPOINT}`);
    if (this.waiting.length === 0) this.run('rollback');
  }

  /** SQLite rolled the whole transaction back itself (full disk, I/O error): the group is gone. */
  private checkStillOpen(cause: unknown): void {
    if (!this.raw.inTransaction && this.waiting.length > 0) this.lost(cause);
  }

  private lost(cause: unknown): void {
    const group = this.waiting;
    this.waiting = [];
    this.kept = [];
    const err = new Error(`同批提交的事务失败，本事务未提交：${(cause as Error)?.message ?? String(cause)}`, { cause });
    for (const w of group) w.reject(err);
  }

  /** SQLite's commit of the open transaction: every waiting transaction succeeds or fails with it. */
  private commitGroup(): void {
    const group = this.waiting;
    this.waiting = [];
    const kept = this.kept;
    this.kept = [];
    if (group.length === 0) return;
    try {
      this.writeKept(kept);
      this.run('commit');
    } catch (e) {
      if (this.raw.inTransaction) {
        try {
          this.run('rollback');
        } catch {
          // The rollback's own failure changes nothing: the group has failed.
        }
      }
      for (const w of group) w.reject(e);
      return;
    }
    this.stats.commits++;
    this.stats.transactions += group.length;
    for (const w of group) w.resolve();
  }

  /** The kept writes, each kind's rows in their order as statements of up to AT_COMMIT_ROWS rows. */
  private writeKept(kept: AtCommit[]): void {
    const byKind = new Map<string, AtCommit[]>();
    for (const w of kept) {
      const list = byKind.get(w.kind);
      if (list) list.push(w);
      else byKind.set(w.kind, [w]);
    }
    for (const list of byKind.values()) {
      const rows = list.flatMap((w) => w.rows);
      for (let i = 0; i < rows.length; i += AT_COMMIT_ROWS) {
        const q = list[0]!.write(rows.slice(i, i + AT_COMMIT_ROWS));
        this.db.prepare(q.sql).run(q.parameters);
      }
    }
  }

  /** Commits the group once the event loop has run what is ready (those join it first). */
  private queueFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    later(() => {
      this.flushQueued = false;
      if (this.waiting.length === 0) return;
      void this.acquireConnection().then((lease) => {
        if (this.waiting.length > 0) this.commitGroup();
        void this.releaseConnection(lease);
      });
    });
  }

  private handOn(): void {
    const next = this.line.shift();
    if (next) next();
    else this.busy = false;
  }
}
