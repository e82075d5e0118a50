/**
 * Statements of the intake's hot path written once as SQL text instead of built by kysely on every
 * request (issue 17). Building and compiling an insert of the case row (60 columns) and of the other
 * rows an intake writes took a tenth of its CPU (kysely's value parsing, node freezing and
 * visiting); the text of such a statement depends only on the table, the columns and the number of
 * rows, so it is made once per shape and kept, and each call passes only its values.
 *
 * Only plain values: a row whose value is an SQL expression (kysely's `sql`) goes through kysely.
 */
import { CompiledQuery } from 'kysely';
import { isPostgres } from './dialect.js';
import type { Executor } from './database.js';

const texts = new Map<string, string>();
/** Texts kept at most (shapes are few: the tables, column sets and row counts of the hot path). */
const MAX_TEXTS = 500;

/** An identifier quoted for SQL (both databases). */
export const quoteIdent = (id: string) => `"${id.replace(/"/g, '""')}"`;

/**
 * `insert into "table" ("a", "b") values (?, ?), (?, ?)<tail>` with the rows' values as parameters
 * (`$n` on PostgreSQL). The columns are the first row's keys with a defined value; every row must
 * have the same. `tail` is a fixed clause (`returning *`, `on conflict … do update …`).
 */
export function insertRows(trx: Executor, table: string, objects: ReadonlyArray<object>, tail = ''): CompiledQuery<any> {
  const rows = objects as ReadonlyArray<Record<string, unknown>>;
  if (rows.length === 0) throw new Error('insertRows: no rows');
  const columns = Object.keys(rows[0]!).filter((k) => rows[0]![k] !== undefined);
  const pg = isPostgres(trx);
  const key = `${pg ? 'p' : 's'}\u0001${table}\u0001${columns.join(',')}\u0001${rows.length}\u0001${tail}`;
  const parameters: unknown[] = [];
  for (const row of rows) {
    let defined = 0;
    for (const k in row) if (row[k] !== undefined) defined++;
    if (defined !== columns.length) throw new Error(`insertRows: the rows of ${table} have different columns`);
    for (const c of columns) {
      const v = row[c];
      if (v === undefined) throw new Error(`insertRows: the rows of ${table} have different columns`);
      if (v !== null && typeof v === 'object' && !(v instanceof Date) && !Buffer.isBuffer(v) && !Array.isArray(v)) {
        throw new Error(`insertRows: ${table}.${c} is not a plain value`);
      }
      parameters.push(v);
    }
  }
  let text = texts.get(key);
  if (text === undefined) {
    let n = 0;
    const one = `(${columns.map(() => (pg ? `$${++n}` : '?')).join(', ')})`;
    const all = [one];
    for (let i = 1; i < rows.length; i++) all.push(`(${columns.map(() => (pg ? `$${++n}` : '?')).join(', ')})`);
    text = `insert into ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) values ${all.join(', ')}${tail ? ` ${tail}` : ''}`;
    if (texts.size >= MAX_TEXTS) texts.clear();
    texts.set(key, text);
  }
  return CompiledQuery.raw(text, parameters);
}

/** A fixed statement written with `?` placeholders, as PostgreSQL wants it there (`$1`, `$2`, …). */
export function fixedStatement(trx: Executor, text: string, parameters: readonly unknown[]): CompiledQuery<any> {
  if (!isPostgres(trx)) return CompiledQuery.raw(text, [...parameters]);
  const key = `p\u0001${text}`;
  let pgText = texts.get(key);
  if (pgText === undefined) {
    let n = 0;
    pgText = text.replace(/\?/g, () => `$${++n}`);
    if (texts.size >= MAX_TEXTS) texts.clear();
    texts.set(key, pgText);
  }
  return CompiledQuery.raw(pgText, [...parameters]);
}
