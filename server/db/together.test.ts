import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompiledQuery, sql } from 'kysely';
import { createTestEnv, DIALECTS, type TestEnv } from '../test/harness.js';
import { combineStatements, lateMarker, lateNumberMarker, renumberPlaceholders, writeTogether } from './together.js';
import { advanceAuditHead, appendAuditAlone, appendAudits, prepareAuditChain, verifyAuditChain, writeAuditRecords, writeThenAudit } from '../audit/audit.repository.js';
import { openDatabase } from './dialect.js';

describe('placeholders of a statement moved after those of the parts before it', () => {
  it('shifts $n outside quotes and leaves literals, identifiers and $ in words alone', () => {
    expect(renumberPlaceholders('select $1, $2 where a = $10', 3)).toBe('select $4, $5 where a = $13');
    expect(renumberPlaceholders(`select '$1', 'it''s $2', "col$1", $1`, 5)).toBe(`select '$1', 'it''s $2', "col$1", $6`);
    expect(renumberPlaceholders('select a$1 from t where x = $1', 1)).toBe('select a$1 from t where x = $2');
    expect(renumberPlaceholders('select $1', 0)).toBe('select $1');
    expect(renumberPlaceholders(`select $9,$10 from "a""$1" where x = 'unclosed $1`, 2)).toBe(`select $11,$12 from "a""$1" where x = 'unclosed $1`);
    expect(renumberPlaceholders(`select '' , $1, '''$1'''`, 1)).toBe(`select '' , $2, '''$1'''`);
  });

  it('puts the parts as CTEs before the last statement, keeping the last one’s own CTEs', () => {
    const a = CompiledQuery.raw('insert into t (x) values ($1)', [1]);
    const b = CompiledQuery.raw('insert into u (y, z) values ($1, $2)', ['y', 'z']);
    expect(combineStatements([a, b], CompiledQuery.raw('update h set n = n + $1 returning n', [2]))).toEqual({
      sql: 'with "w0" as (insert into t (x) values ($1)), "w1" as (insert into u (y, z) values ($2, $3)) update h set n = n + $4 returning n',
      parameters: [1, 'y', 'z', 2],
    });
    expect(combineStatements([a], CompiledQuery.raw('with h as (update h set v = $1) insert into v values ($2)', ['v', 3]))).toEqual({
      sql: 'with "w0" as (insert into t (x) values ($1)), h as (update h set v = $2) insert into v values ($3)',
      parameters: [1, 'v', 3],
    });
  });
});

describe('values the statement itself makes (late values)', () => {
  const no = lateMarker('no');
  const id = lateNumberMarker();
  const late = [
    { marker: id, sql: 'select "id" from "c"', textSql: 'select "id"::text from "c"' },
    { marker: no, sql: 'select "no" from "c"', textSql: 'select "no" from "c"' },
  ];

  it('makes markers no text from outside holds: a random part per process, JSON leaves them as they are', () => {
    expect(no).toMatch(/^bcs-late-[0-9a-f]{24}-no$/);
    expect(JSON.stringify({ no })).toBe(`{"no":"${no}"}`);
    expect(Number.isSafeInteger(id) && id < -(2 ** 52)).toBe(true);
  });

  it('turns a parameter equal to a marker into its SQL and a text holding markers into a join around them', () => {
    const c = { name: 'c', query: CompiledQuery.raw('insert into cases (x) values ($1) returning *', ['plain']) };
    const event = CompiledQuery.raw('insert into e (case_id, data, note) values ($1, $2, $3)', [id, `{"no":"${no}","id":"${id}"}`, `${no}`]);
    const audit = CompiledQuery.raw('select f(array[$1, $2]::text[], $3::text[]) where $1 is not null', [`"${no}"`, 'x', ['a', `b${id}`]]);
    expect(combineStatements([c, event, audit], CompiledQuery.raw('select * from "c"', []), late)).toEqual({
      sql:
        'with "c" as (insert into cases (x) values ($1) returning *), ' +
        '"w1" as (insert into e (case_id, data, note) values ((select "id" from "c"), ($2 || (select "no" from "c") || $3 || (select "id"::text from "c") || $4), (select "no" from "c"))), ' +
        '"w2" as (select f(array[($5 || (select "no" from "c") || $6), $7]::text[], (array[$8, ($9 || (select "id"::text from "c"))])::text[]) where ($5 || (select "no" from "c") || $6) is not null) ' +
        'select * from "c"',
      parameters: ['plain', '{"no":"', '","id":"', '"}', '"', '"', 'x', 'a', 'b'],
    });
  });

  it('leaves parameters without markers as they were', () => {
    const a = CompiledQuery.raw(`insert into t (x, y) values ($1, '$2')`, [1]);
    expect(combineStatements([a], CompiledQuery.raw('select $1', [null]), late)).toEqual({
      sql: `with "w0" as (insert into t (x, y) values ($1, '$2')) select $2`,
      parameters: [1, null],
    });
  });
});

describe.each(DIALECTS)('writes that go together on %s', (kind) => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv(kind);
    await sql`create table together_a (id integer primary key, note text)`.execute(env.ctx.db);
    await sql`create table together_b (id integer primary key, n integer not null)`.execute(env.ctx.db);
    await sql`insert into together_b (id, n) values (1, 10)`.execute(env.ctx.db);
  });
  afterAll(() => env.close());

  it('runs every part and the last statement, in one transaction, and answers the last one’s rows', async () => {
    const db = env.ctx.db as any;
    const rows = await db.transaction().execute((trx: any) =>
      writeTogether(
        trx,
        [trx.insertInto('together_a').values({ id: 1, note: "it's $1" }), null, sql`insert into together_a (id, note) values (${2}, ${'二'})`.compile(trx)],
        trx.updateTable('together_b').set({ n: sql`n + ${5}` }).where('id', '=', 1).returning('n'),
      ),
    );
    expect(rows).toEqual([{ n: 15 }]);
    expect(await db.selectFrom('together_a').selectAll().orderBy('id').execute()).toEqual([
      { id: 1, note: "it's $1" },
      { id: 2, note: '二' },
    ]);
  });

  it('leaves nothing behind when a part fails', async () => {
    const db = env.ctx.db as any;
    await expect(
      db.transaction().execute((trx: any) =>
        writeTogether(trx, [trx.insertInto('together_a').values({ id: 3, note: 'x' }), trx.insertInto('together_a').values({ id: 1, note: 'taken' })], trx.selectFrom('together_b').select('n')),
      ),
    ).rejects.toThrow();
    expect((await db.selectFrom('together_a').select('id').orderBy('id').execute()).map((r: any) => r.id)).toEqual([1, 2]);
  });

  it('chains audit records appended together, and after the head advanced with other writes', async () => {
    const db = env.ctx.db;
    const e = (action: string) => ({ at: '2026-12-07T01:00:00.000Z', actor: 'tester', action, entityType: 'case', entityId: '1', data: { n: action } });
    const seqs = await db.transaction().execute((trx) => appendAudits(trx, [e('a'), e('b'), e('c')]));
    expect(seqs[1]).toBe(seqs[0]! + 1);
    expect(seqs[2]).toBe(seqs[0]! + 2);
    const more = await db.transaction().execute(async (trx) => {
      const [head] = await writeTogether(trx, [(trx as any).insertInto('together_a').values({ id: 9, note: 'with the head' })], advanceAuditHead(trx, 2));
      return writeAuditRecords(trx, head!, [e('d'), e('f')]);
    });
    expect(more).toEqual([seqs[2]! + 1, seqs[2]! + 2]);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
    const head = await db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
    const last = await db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect([Number(head.seq), head.hash]).toEqual([Number(last.seq), last.hash]);
  });

  it('extends the chain in the database on PostgreSQL (pgcrypto SM3), equal to the chain computed here, also when both run at once', async () => {
    const db = env.ctx.db;
    // openPreparedDatabase turned it on for the test database when it could; on this machine it can.
    expect(await prepareAuditChain(db)).toBe(kind === 'postgres');
    // Two SQLite connections of one process cannot write at once (the product runs one instance there).
    if (kind === 'sqlite') return;
    const e = (action: string, data: Record<string, unknown> = {}) => ({ at: new Date().toISOString(), actor: '审计员', action, entityType: 'case', entityId: null, data: { 说明: '换行\n和"引号"', ...data } });
    const before = Number((await db.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq);
    // A second instance on the same database that chains in Node (not prepared), writing at the same time.
    const other = openDatabase(env.url);
    try {
      await Promise.all([
        ...Array.from({ length: 12 }, (_, i) => appendAuditAlone(db, e('in-db', { i }))),
        ...Array.from({ length: 12 }, (_, i) => other.db.transaction().execute((trx) => appendAudits(trx, [e('in-node', { i }), e('in-node-2', { i })]))),
        db.transaction().execute((trx) => writeThenAudit(trx, [(trx as any).insertInto('together_a').values({ id: 20, note: 'x' })], [e('with-a-write'), e('with-a-write-2')])),
      ]);
    } finally {
      await other.close();
    }
    const after = Number((await db.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq);
    expect(after - before).toBe(12 + 24 + 2);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });
});

