import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from './dialect.js';
import { writeAtCommit, type GroupCommitStats } from './group-commit.js';
import { CompiledQuery } from 'kysely';

/** What another connection (another process, a backup) sees: only what SQLite has committed. */
function committedNotes(file: string): string[] {
  const other = new Database(file, { readonly: true });
  try {
    return (other.prepare('select note from t order by id').all() as Array<{ note: string }>).map((r) => r.note);
  } finally {
    other.close();
  }
}

describe('SQLite group commit', () => {
  let dir: string;
  let file: string;
  let handle: DatabaseHandle;
  let stats: GroupCommitStats;
  // The tests' tables are not in the app's schema.
  const db = () => handle.db as any;
  const insert = (trx: any, note: string) => trx.insertInto('t').values({ note }).execute();

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcs-group-'));
    file = path.join(dir, 'g.db');
    stats = { commits: 0, transactions: 0 };
    handle = openDatabase(`sqlite:${file}`, { groupCommit: true, groupCommitStats: stats });
    await sql`create table t (id integer primary key, note text not null unique)`.execute(handle.db);
    await sql`create table child (id integer primary key, parent integer not null references t (id) deferrable initially deferred)`.execute(handle.db);
  });
  afterEach(async () => {
    await handle.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('commits transactions that queue together in one commit, and answers each only once committed', async () => {
    const seenByOthers: string[][] = [];
    const done = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        db()
          .transaction()
          .execute(async (trx: any) => {
            await insert(trx, `n${i}`);
            // Inside the group another connection sees none of it yet.
            seenByOthers.push(committedNotes(file));
          })
          .then(() => committedNotes(file)),
      ),
    );
    expect(stats.transactions).toBe(10);
    expect(stats.commits).toBeLessThan(10);
    expect(seenByOthers.every((notes) => notes.length === 0)).toBe(true);
    // When a transaction's promise resolves, its row is committed (visible to another connection).
    done.forEach((notes, i) => expect(notes).toContain(`n${i}`));
    expect(committedNotes(file)).toHaveLength(10);
  });

  it('rolls back a failing transaction alone: the others of its group commit', async () => {
    const results = await Promise.allSettled([
      db().transaction().execute((trx: any) => insert(trx, 'a')),
      db()
        .transaction()
        .execute(async (trx: any) => {
          await insert(trx, 'b');
          await insert(trx, 'a'); // unique violation: b goes too
        }),
      db().transaction().execute((trx: any) => insert(trx, 'c')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(committedNotes(file)).toEqual(['a', 'c']);
    expect(stats.transactions).toBe(2);
  });

  it('fails every transaction of a group whose commit fails, and goes on afterwards', async () => {
    const results = await Promise.allSettled([
      db().transaction().execute((trx: any) => insert(trx, 'good')),
      // A deferred foreign key is checked at SQLite's commit: the group's commit fails.
      db().transaction().execute((trx: any) => trx.insertInto('child').values({ parent: 999 }).execute()),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(committedNotes(file)).toEqual([]);
    await db().transaction().execute((trx: any) => insert(trx, 'after'));
    expect(committedNotes(file)).toEqual(['after']);
  });

  it('commits the group before a write outside a transaction, which is committed when it returns', async () => {
    const tx = db().transaction().execute((trx: any) => insert(trx, 'in-tx'));
    // Queued behind the transaction: runs after it released its savepoint, before the group's commit.
    await db().insertInto('t').values({ note: 'alone' }).execute();
    expect(committedNotes(file)).toEqual(['in-tx', 'alone']);
    await tx;
  });

  it('lets a read outside a transaction run without ending the group', async () => {
    const reads: number[] = [];
    await Promise.all([
      db().transaction().execute((trx: any) => insert(trx, 'x')),
      db()
        .selectFrom('t')
        .selectAll()
        .execute()
        .then((rows: unknown[]) => reads.push(rows.length)),
      db().transaction().execute((trx: any) => insert(trx, 'y')),
    ]);
    expect(stats).toEqual({ commits: 1, transactions: 2 });
    expect(reads).toEqual([1]);
    expect(committedNotes(file)).toEqual(['x', 'y']);
  });

  it('leaves no transaction open after the only transaction of a group rolled back', async () => {
    await expect(db().transaction().execute((trx: any) => insert(trx, 'x').then(() => insert(trx, 'x')))).rejects.toThrow();
    await db().insertInto('t').values({ note: 'z' }).execute();
    // Another connection can write: nothing holds SQLite's write lock.
    const other = new Database(file);
    other.prepare(`insert into t (note) values ('other')`).run();
    other.close();
    expect(committedNotes(file)).toEqual(['z', 'other']);
  });

  it('commits a waiting group before another handle of this process writes (its wait for the lock would block the commit)', async () => {
    const second = openDatabase(`sqlite:${file}`, { groupCommit: true });
    try {
      // The second handle opens its connection at its first statement, the write below.
      const first = db().transaction().execute((trx: any) => insert(trx, 'one'));
      // Let the transaction run and release its savepoint: its group now waits for the next turn.
      for (let i = 0; i < 100; i++) await Promise.resolve();
      const t0 = Date.now();
      await (second.db as any).insertInto('t').values({ note: 'two' }).execute();
      expect(Date.now() - t0).toBeLessThan(1000);
      await first;
      expect(committedNotes(file)).toEqual(['one', 'two']);
    } finally {
      await second.close();
    }
  });
});

describe('writes kept for the group commit', () => {
  let dir: string;
  let file: string;
  let handle: DatabaseHandle;
  let stats: GroupCommitStats;
  const written: number[] = [];
  const db = () => handle.db as any;
  /** An entry of `fts` (FTS5, rowid = the id), kept for the commit; `statements` counts its writes. */
  const entry = (id: number, text: string) =>
    writeAtCommit(CompiledQuery.raw('insert or replace into fts (rowid, body) values (?, ?)', [id, text]), {
      kind: 'fts',
      rows: [[id, text]],
      write: (rows) => {
        written.push(rows.length);
        return CompiledQuery.raw(`insert or replace into fts (rowid, body) values ${rows.map(() => '(?, ?)').join(', ')}`, rows.flat());
      },
    });
  const committed = () => {
    const other = new Database(file, { readonly: true });
    try {
      return other.prepare('select rowid as id, body from fts order by rowid').all();
    } finally {
      other.close();
    }
  };

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcs-kept-'));
    file = path.join(dir, 'k.db');
    stats = { commits: 0, transactions: 0 };
    written.length = 0;
    handle = openDatabase(`sqlite:${file}`, { groupCommit: true, groupCommitStats: stats });
    await sql`create virtual table fts using fts5(body)`.execute(handle.db);
    await sql`create table t (id integer primary key, note text not null unique)`.execute(handle.db);
  });
  afterEach(async () => {
    await handle.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes a group’s entries as one statement before its commit, in their order, and drops a rolled-back one', async () => {
    const rs = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        db()
          .transaction()
          .execute(async (trx: any) => {
            await trx.executeQuery(entry(i + 1, `正文${i}`));
            // A later transaction of the group replaces case 1's entry: the later one wins.
            if (i === 5) await trx.executeQuery(entry(1, '更正后的正文'));
            if (i === 3) throw new Error('rolled back');
          }),
      ),
    );
    expect(rs.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(stats.commits).toBeLessThan(8);
    expect(written.reduce((a, b) => a + b, 0)).toBe(8);
    expect(written.length).toBe(stats.commits);
    expect(committed()).toEqual([
      { id: 1, body: '更正后的正文' },
      ...[2, 3, 5, 6, 7, 8].map((id) => ({ id, body: `正文${id - 1}` })),
    ]);
    expect((await sql<{ n: number }>`select count(*) as n from fts where fts match '正文1'`.execute(handle.db)).rows[0]!.n).toBe(1);
  });

  it('fails the whole group when the kept writes fail, and writes an entry outside a transaction at once', async () => {
    const bad = writeAtCommit(CompiledQuery.raw('insert into fts (rowid, body) values (?, ?)', [1, 'x']), {
      kind: 'bad',
      rows: [[1, 'x']],
      write: () => CompiledQuery.raw('insert into no_such_table values (1)', []),
    });
    const rs = await Promise.allSettled([
      db().transaction().execute((trx: any) => trx.insertInto('t').values({ note: 'a' }).execute()),
      db().transaction().execute((trx: any) => trx.executeQuery(bad)),
    ]);
    expect(rs.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await db().selectFrom('t').selectAll().execute()).toEqual([]);
    await db().executeQuery(entry(9, '单独写入'));
    expect(committed()).toEqual([{ id: 9, body: '单独写入' }]);
    expect(written).toEqual([]);
    // The connection works on.
    await db().transaction().execute((trx: any) => trx.insertInto('t').values({ note: 'b' }).execute());
    expect((await db().selectFrom('t').select('note').execute()).map((r: any) => r.note)).toEqual(['b']);
  });
});
