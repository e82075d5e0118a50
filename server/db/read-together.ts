/**
 * Several reads of one answer sent as one statement on PostgreSQL (issue 17).
 *
 * The case page reads a dozen small lists of one case (timeline, measures, sheets, records…). As
 * separate queries each is a round trip: on this kind of machine ≈ 200 µs of the server's CPU in
 * the socket write alone (it wakes a PostgreSQL backend), a pooled connection each, and the page
 * waits for the slowest. Together they are one statement whose row holds each read's rows as a
 * JSON array: `select array_to_json(array(select row_to_json(t) from (<read 1>) t)) as r0, …`.
 *
 * Exact for this schema: its columns are only `text` and `integer`, which JSON carries unchanged
 * (a `bigint`, `numeric` or `boolean` column would come back as a JSON number or boolean where
 * node-postgres gives a string: such reads must not go through here). Each read keeps its own
 * order: a subquery with ORDER BY is not flattened into the outer query, and `array(…)` collects
 * its rows in the order it returns them. On SQLite (statements are calls in this process) the
 * reads run one after another, as they would alone.
 */
import { CompiledQuery, type Compilable } from 'kysely';
import type { Executor } from './database.js';
import { isPostgres } from './dialect.js';
import { renumberPlaceholders } from './together.js';

type RowsOf<Q> = Q extends Compilable<infer R> ? R[] : never;

/** Runs `reads` and answers each one's rows, in order: one statement on PostgreSQL. */
export async function readTogether<const Q extends ReadonlyArray<Compilable<any>>>(db: Executor, reads: Q): Promise<{ -readonly [K in keyof Q]: RowsOf<Q[K]> }> {
  const queries = reads.map((r) => r.compile());
  if (!isPostgres(db) || queries.length < 2) {
    const out: unknown[][] = [];
    for (const q of queries) out.push((await db.executeQuery(q)).rows);
    return out as { -readonly [K in keyof Q]: RowsOf<Q[K]> };
  }
  const { sql, parameters } = combinedRead(queries);
  const row = (await db.executeQuery(CompiledQuery.raw(sql, [...parameters]))).rows[0] as Record<string, unknown[]>;
  return queries.map((_, i) => row[`r${i}`] ?? []) as { -readonly [K in keyof Q]: RowsOf<Q[K]> };
}

/** The PostgreSQL text of {@link readTogether}: each read a column `r<i>` of one row, its placeholders moved after the reads' before it. */
export function combinedRead(queries: readonly CompiledQuery[]): { sql: string; parameters: readonly unknown[] } {
  const parameters: unknown[] = [];
  const columns = queries.map((q, i) => {
    const text = renumberPlaceholders(q.sql, parameters.length);
    parameters.push(...q.parameters);
    return `array_to_json(array(select row_to_json(t) from (${text}) as t)) as "r${i}"`;
  });
  return { sql: `select ${columns.join(', ')}`, parameters };
}
