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
import { randomBytes } from 'node:crypto';
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

/** A part of a combined statement with a name of its own (a CTE later parts or the last statement read). */
export interface NamedPart {
  name: string;
  query: CompiledQuery;
}

/**
 * A value the statement itself produces, stood for in the parts' parameters by a marker until the
 * statement is combined (PostgreSQL): the new case's id and number, made by an earlier CTE, named in
 * the writes that follow it (their rows, the JSON texts and the audit chain's hashed text). A
 * parameter equal to the marker becomes `sql`; a text parameter (or an array's text element) holding
 * the marker is cut there and joined again around `textSql` with `||`. Markers carry a random part
 * drawn once per process ({@link lateMarker}), so no text from outside can hold one.
 */
export interface LateValue {
  marker: string | number;
  sql: string;
  textSql: string;
}

const lateNonce = randomBytes(12).toString('hex');

/** A text marker for a {@link LateValue} (letters, digits and `-` only: JSON leaves it as it is). */
export function lateMarker(name: string): string {
  return `bcs-late-${lateNonce}-${name}`;
}

/**
 * A whole-number marker for a {@link LateValue} (an id): negative, beyond any id, its digits drawn
 * once per process; its decimal text is what a text parameter holds (`String(id)`).
 */
export function lateNumberMarker(): number {
  return -(2 ** 52 + (randomBytes(6).readUIntBE(0, 6) % 2 ** 51));
}

/**
 * The PostgreSQL text of `parts` as CTEs before `last`, each part's `$n` placeholders moved after
 * those of the parts before it. A `last` that has CTEs of its own keeps them (after the parts').
 * With `late` values, the parameters that hold their markers become SQL (see {@link LateValue}).
 */
export function combineStatements(
  parts: ReadonlyArray<CompiledQuery | NamedPart>,
  last: CompiledQuery,
  late: readonly LateValue[] = [],
): { sql: string; parameters: readonly unknown[] } {
  const parameters: unknown[] = [];
  const ctes: string[] = [];
  const shifted = late.length ? (q: CompiledQuery) => withLateValues(q, parameters, late) : (q: CompiledQuery) => {
    const text = renumberPlaceholders(q.sql, parameters.length);
    parameters.push(...q.parameters);
    return text;
  };
  parts.forEach((p, i) => {
    if ('name' in p) ctes.push(`"${p.name}" as (${shifted(p.query)})`);
    else ctes.push(`"w${i}" as (${shifted(p)})`);
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

/** `q`'s text with its placeholders pointing after `parameters` (its values appended), late values made SQL. */
function withLateValues(q: CompiledQuery, parameters: unknown[], late: readonly LateValue[]): string {
  const made = new Map<number, string>();
  const markers = late.map((l) => String(l.marker));
  const placeholder = (v: unknown) => {
    parameters.push(v);
    return `$${parameters.length}`;
  };
  const text = (s: string): string => {
    // Cut at every marker, in the order they appear; plain runs stay parameters.
    const out: string[] = [];
    let rest = s;
    for (;;) {
      let at = -1;
      let which = -1;
      for (let i = 0; i < markers.length; i++) {
        const found = rest.indexOf(markers[i]!);
        if (found >= 0 && (at < 0 || found < at)) [at, which] = [found, i];
      }
      if (which < 0) break;
      if (at > 0) out.push(placeholder(rest.slice(0, at)));
      out.push(`(${late[which]!.textSql})`);
      rest = rest.slice(at + markers[which]!.length);
    }
    if (rest) out.push(placeholder(rest));
    return out.length === 1 ? out[0]! : `(${out.join(' || ')})`;
  };
  const holds = (v: unknown) => {
    if (typeof v !== 'string') return false;
    for (const m of markers) if (v.includes(m)) return true;
    return false;
  };
  const value = (v: unknown): string => {
    if (typeof v === 'number' || typeof v === 'string') for (const l of late) if (l.marker === v) return `(${l.sql})`;
    if (holds(v)) return text(v as string);
    if (Array.isArray(v) && v.some(holds)) return `(array[${v.map((e) => (holds(e) ? text(e as string) : placeholder(e))).join(', ')}])`;
    return placeholder(v);
  };
  return q.sql.replace(PLACEHOLDER_OR_QUOTED, (m: string, digits: string | undefined) => {
    if (digits === undefined) return m;
    const n = Number(digits);
    let t = made.get(n);
    if (t === undefined) made.set(n, (t = value(q.parameters[n - 1])));
    return t;
  });
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
