/**
 * PostgreSQL named statements (server/db/dialect.ts): reused per connection, and never broken by a
 * schema change — made by this process or by another one (here a plain pg client, as another
 * instance running a migration would be).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { sql } from 'kysely';
import { createTestEnv, TEST_DATA_KEY, type TestEnv } from '../test/harness.js';
import { openDatabase, PG_STATEMENT_CACHE_SIZE, statementName, type DatabaseHandle } from './dialect.js';
import { openPreparedDatabase } from '../boot.js';
import type { Db, Executor } from './database.js';

describe.runIf(!!process.env.TEST_DATABASE_URL)('PostgreSQL named statements', () => {
  let env: TestEnv;
  let handle: DatabaseHandle;
  let db: Db;
  let other: pg.Client;

  beforeAll(async () => {
    env = await createTestEnv('postgres');
    // One connection, so every query below runs on the connection whose statements we inspect.
    handle = openDatabase(env.url, { poolSize: 1 });
    db = handle.db;
    other = new pg.Client({ connectionString: env.url });
    await other.connect();
    await other.query('create table probe (a integer not null, label text)');
    await other.query("insert into probe values (1, 'one'), (2, 'two')");
  });
  afterAll(async () => {
    await other.end();
    await handle.close();
    await env.close();
  });

  const prepared = async (): Promise<string[]> =>
    (await sql<{ name: string }>`select name from pg_prepared_statements order by name`.execute(db)).rows.map((r) => r.name);

  it('prepares a statement once per connection and reuses it', async () => {
    const q = () => db.selectFrom('departments').select(['code', 'name']).where('code', '=', 'nope');
    const text = q().compile().sql;
    await q().execute();
    await q().execute();
    const names = await prepared();
    expect(names.filter((n) => n === statementName(text))).toHaveLength(1);
    // Same text, other values: the same statement.
    await db.selectFrom('departments').select(['code', 'name']).where('code', '=', 'other').execute();
    expect((await prepared()).filter((n) => n.startsWith('bcs_'))).toEqual(names.filter((n) => n.startsWith('bcs_')));
  });

  it('plans a list, a search or a statistic afresh each time (their best plan depends on the values)', async () => {
    const list = db.selectFrom('probe' as never).select('a' as never).where('a' as never, '>', 0 as never).orderBy('a' as never).limit(5);
    const grouped = db.selectFrom('probe' as never).select(sql<number>`count(*)`.as('n')).groupBy('label' as never);
    await list.execute();
    await grouped.execute();
    const names = await prepared();
    expect(names).not.toContain(statementName(list.compile().sql));
    expect(names).not.toContain(statementName(grouped.compile().sql));
  });

  it('survives a column added by another connection between two runs of the same select *', async () => {
    const q = () => sql<Record<string, unknown>>`select * from probe where a = ${1}`.execute(db);
    expect((await q()).rows).toEqual([{ a: 1, label: 'one' }]);
    expect(await prepared()).toContain(statementName('select * from probe where a = $1'));
    await other.query("alter table probe add column extra text default 'x'");
    // PostgreSQL refuses the old statement (0A000 "cached plan must not change result type"): prepared again, retried.
    expect((await q()).rows).toEqual([{ a: 1, label: 'one', extra: 'x' }]);
  });

  it('survives a column type changed by another connection, for explicit columns too', async () => {
    const q = () => sql<{ a: unknown }>`select a, label from probe where a = ${2}`.execute(db);
    expect((await q()).rows).toEqual([{ a: 2, label: 'two' }]);
    await other.query('alter table probe alter column a type bigint');
    expect((await q()).rows).toEqual([{ a: 2, label: 'two' }]); // int8 comes back as a number (dialect's type parser)
  });

  it('survives DDL run through the same database handle (no failed statement at all)', async () => {
    const q = () => sql<Record<string, unknown>>`select * from probe where a = ${1}`.execute(db);
    await q();
    await sql`alter table probe add column more integer default 7`.execute(db);
    expect((await q()).rows).toEqual([{ a: 1, label: 'one', extra: 'x', more: 7 }]);
  });

  it('inside a transaction a select * is not named, so an added column does not abort it', async () => {
    const q = (e: Executor) =>
      sql<Record<string, unknown>>`select * from probe where a = ${2} for update`.execute(e);
    await db.transaction().execute((trx) => q(trx)); // run once in a transaction: not named
    await other.query('alter table probe add column late integer default 3');
    const rows = await db.transaction().execute(async (trx) => (await q(trx)).rows);
    expect(rows).toEqual([{ a: 2, label: 'two', extra: 'x', more: 7, late: 3 }]);
  });

  it('a stale named statement inside a transaction fails that transaction only; the next one runs', async () => {
    const q = (e: Executor) => sql<{ a: unknown; label: unknown }>`select a, label from probe where a = ${1}`.execute(e);
    await q(db); // named now
    await other.query('alter table probe alter column label type varchar(50)');
    const first = db.transaction().execute((trx) => q(trx));
    await expect(first).rejects.toMatchObject({ code: '0A000' });
    const rows = await db.transaction().execute(async (trx) => (await q(trx)).rows);
    expect(rows).toEqual([{ a: 1, label: 'one' }]);
  });

  it('keeps at most PG_STATEMENT_CACHE_SIZE statements, and an evicted one runs again', async () => {
    // Distinct texts: the literal changes the statement text.
    const distinct = (i: number) => sql<{ v: number }>`select ${sql.lit(i)} as v where ${1} = ${1}`.execute(db);
    for (let i = 0; i < PG_STATEMENT_CACHE_SIZE + 30; i++) expect((await distinct(i)).rows[0]!.v).toBe(i);
    await distinct(0); // evicted (least recently used): prepared anew
    expect((await distinct(0)).rows[0]!.v).toBe(0);
    const names = (await prepared()).filter((n) => n.startsWith('bcs_'));
    expect(names.length).toBeLessThanOrEqual(PG_STATEMENT_CACHE_SIZE + 1);
    expect(names).toContain(statementName('select 0 as v where $1 = $2'));
  });

  it('still runs several statements in one text and statements without parameters', async () => {
    await sql`create temporary table scratch (x int); insert into scratch values (5)`.execute(db);
    expect((await sql<{ x: number }>`select x from scratch`.execute(db)).rows).toEqual([{ x: 5 }]);
  });

  it('a statement that failed to prepare does not break the eviction of its name later', async () => {
    await expect(sql`select nope from missing_table where a = ${1}`.execute(db)).rejects.toMatchObject({ code: '42P01' });
    // Enough other statements to push the failed one out of the cache: its name was never prepared.
    for (let i = 0; i < PG_STATEMENT_CACHE_SIZE + 5; i++) await sql`select ${sql.lit(i)} + ${1} as v`.execute(db);
    expect((await sql<{ v: number }>`select ${sql.lit(1)} + ${1} as v`.execute(db)).rows).toEqual([{ v: 2 }]);
  });

  it("the server's pool runs its statements without parallel workers; another pool keeps PostgreSQL's default", async () => {
    const serving = await openPreparedDatabase(env.url, { dataKey: TEST_DATA_KEY, statementTimeoutMs: 30_000 });
    try {
      const show = async (d: Executor) => (await sql<{ v: string }>`select current_setting('max_parallel_workers_per_gather') as v`.execute(d)).rows[0]!.v;
      expect(await show(serving.db)).toBe('0');
      expect(await show(serving.db)).toBe('0');
      expect(await show(db)).not.toBe('0');
    } finally {
      await serving.close();
    }
  });
});
