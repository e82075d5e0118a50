import { Kysely, PostgresDialect, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './dialect.js';
import { fixedStatement, insertRows } from './plain-insert.js';

// A PostgreSQL executor that never connects: only the text is looked at.
const pg = new Kysely<any>({ dialect: new PostgresDialect({ pool: { connect: () => Promise.reject(new Error('no')), end: async () => {} } as any }) });
const lite = openDatabase('sqlite::memory:', { groupCommit: true });
afterAll(() => lite.close());

describe('statements written once as text', () => {
  it('writes an insert of rows with ? on SQLite and $n on PostgreSQL, as kysely does', () => {
    const rows = [
      { a: 1, b: 'x', c: undefined, d: null },
      { a: 2, b: 'y', d: 'z' },
    ];
    expect(insertRows(lite.db, 'tab', rows, 'returning *')).toMatchObject({
      sql: 'insert into "tab" ("a", "b", "d") values (?, ?, ?), (?, ?, ?) returning *',
      parameters: [1, 'x', null, 2, 'y', 'z'],
    });
    expect(insertRows(pg, 'tab', rows)).toMatchObject({ sql: 'insert into "tab" ("a", "b", "d") values ($1, $2, $3), ($4, $5, $6)', parameters: [1, 'x', null, 2, 'y', 'z'] });
    expect(insertRows(pg, 'tab', [{ a: 1 }]).sql).toBe(pg.insertInto('tab').values({ a: 1 }).compile().sql);
    expect(fixedStatement(pg, 'update t set a = ? where id = ? returning a', [1, 2])).toMatchObject({ sql: 'update t set a = $1 where id = $2 returning a', parameters: [1, 2] });
    expect(fixedStatement(lite.db, 'update t set a = ? where id = ?', [1, 2]).sql).toBe('update t set a = ? where id = ?');
  });

  it('refuses rows with other columns and values that are not plain', () => {
    expect(() => insertRows(lite.db, 't', [{ a: 1 }, { a: 1, b: 2 }])).toThrow(/different columns/);
    expect(() => insertRows(lite.db, 't', [{ a: 1, b: 2 }, { a: 1, c: 2 }])).toThrow(/different columns/);
    expect(() => insertRows(lite.db, 't', [{ a: sql`now()` }])).toThrow(/not a plain value/);
    expect(() => insertRows(lite.db, 't', [])).toThrow(/no rows/);
  });

  it('runs on SQLite and answers the returned rows', async () => {
    await sql`create table p (id integer primary key, note text not null, n integer)`.execute(lite.db);
    const { rows } = await lite.db.executeQuery<{ id: number; note: string }>(insertRows(lite.db, 'p', [{ note: 'a', n: 1 }, { note: 'b', n: null }], 'returning id, note'));
    expect(rows).toEqual([
      { id: 1, note: 'a' },
      { id: 2, note: 'b' },
    ]);
  });
});
