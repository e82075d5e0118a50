/**
 * Several writes of one transaction sent as one statement on PostgreSQL (issue 17).
 *
 * Each statement of a transaction is a round trip to PostgreSQL — on this kind of machine a few
 * hundred µs of the server's CPU (the socket write wakes the database's process) and, worse, time
 * during which the transaction holds its row locks (the year's counter, the audit chain's head)
 * while other intakes wait for them. Writes that do not read one another's results — the rollup,
 * the search index, the timeline event, the outbox, the audit chain's head — can go together: on
 * PostgreSQL as data-modifying CTEs of one statement (`with w1 as (insert …), w2 as (insert …)
 * <last>`), each executed exactly once whether or not the last part reads it. On SQLite (no
 * data-modifying CTEs, and statements are calls into the same process) they run one after another.
 *
 * The parts must be independent: in one PostgreSQL statement every part sees the database as it
 * was before the statement (none sees another's rows) and no two parts may change the same row.
 */
import { CompiledQuery, type Compilable, type QueryResult } from 'kysely';
import { isPostgres } from './dialect.js';
import type { Executor } from './database.js';

/** A write: a query builder, or a query compiled already (a raw `sql` statement). */
export type Part = Compilable | CompiledQuery;

export const compiled = <R>(p: Compilable<R> | CompiledQuery<R>): CompiledQuery<R> => ('compile' in p ? p.compile() : p);

/**
 * Runs `parts` (nulls skipped) and then `last`, and answers `last`'s rows: one statement on
 * PostgreSQL, one statement each on SQLite.
 */
export async function writeTogether<R>(trx: Executor, parts: ReadonlyArray<Part | null | undefined>, last: Compilable<R> | CompiledQuery<R>): Promise<R[]> {
  const writes = parts.filter((p): p is Part => !!p).map(compiled);
  if (!isPostgres(trx)) {
    for (const q of writes) await trx.executeQuery(q);
    return (await trx.executeQuery(compiled(last))).rows;
  }
  if (writes.length === 0) return (await trx.executeQuery(compiled(last))).rows;
  const { sql, parameters } = combineStatements(writes, compiled(last));
  const result: QueryResult<R> = await trx.executeQuery(CompiledQuery.raw(sql, [...parameters]) as CompiledQuery<R>);
  return result.rows;
}

/**
 * The PostgreSQL text of `parts` as CTEs before `last`, each part's `$n` placeholders moved after
 * those of the parts before it. A `last` that has CTEs of its own keeps them (after the parts').
 */
export function combineStatements(parts: ReadonlyArray<CompiledQuery>, last: CompiledQuery): { sql: string; parameters: readonly unknown[] } {
  const parameters: unknown[] = [];
  const ctes: string[] = [];
  const shifted = (q: CompiledQuery) => {
    const text = renumberPlaceholders(q.sql, parameters.length);
    parameters.push(...q.parameters);
    return text;
  };
  parts.forEach((p, i) => {
    ctes.push(`"w${i}" as (${shifted(p)})`);
  });
  let tail = shifted(last).trimStart();
  const ownWith = /^with\s+/i.exec(tail);
  if (ownWith) {
    if (/^with\s+recursive\b/i.test(tail)) throw new Error('writeTogether: a recursive CTE cannot follow other parts');
    tail = tail.slice(ownWith[0].length);
    return { sql: `with ${ctes.join(', ')}, ${tail}`, parameters };
  }
  return { sql: `with ${ctes.join(', ')} ${tail}`, parameters };
}

/**
 * `$n` → `$(n + offset)` outside string literals and quoted identifiers (kysely passes every value
 * as a parameter, but a raw SQL fragment may hold a '$1' in a literal).
 */
export function renumberPlaceholders(text: string, offset: number): string {
  if (offset === 0) return text;
  // One pass of one expression (on PostgreSQL this runs while the intake holds the year's counter):
  // a quoted run is kept as it is, a `$n` not preceded by a word character is moved.
  return text.replace(PLACEHOLDER_OR_QUOTED, (m: string, digits: string | undefined) => (digits === undefined ? m : `$${Number(digits) + offset}`));
}

/** A quoted run ('' and "" are the quote itself; an unclosed one runs to the end), or a placeholder. */
const PLACEHOLDER_OR_QUOTED = /'(?:[^']|'')*(?:'|$)|"(?:[^"]|"")*(?:"|$)|(?<![A-Za-z0-9_])\$([0-9]+)/g;
