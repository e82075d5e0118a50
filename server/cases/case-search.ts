/**
 * Chinese substring search over matter, description and the reporter's organisation, indexed on
 * both databases by character bigrams: each pair of adjacent characters becomes one token, so a
 * phrase of consecutive tokens is exactly a substring — including the two-character words people
 * search all day (社保, 执照), which trigram indexes cannot find.
 *
 * Tokens are spelled in letters (each code point as 5 base-26 letters) so that neither SQLite's
 * unicode61 tokenizer nor PostgreSQL's text-search parser splits or folds them. SQLite keeps them in
 * an FTS5 table whose rowid is the case id; PostgreSQL in a tsvector with a GIN index.
 */
import { CompiledQuery, sql } from 'kysely';
import { writeAtCommit } from '../db/group-commit.js';
import type { Executor } from '../db/database.js';
import { isPostgres } from '../db/dialect.js';

/** A token no text produces: keeps a phrase from running across two fields. */
const FIELD_BREAK = 'zzzzzzzzzz';

/** Spelled code points, kept (a county's texts use a few thousand characters again and again). */
const spelled = new Map<number, string>();

function letters(cp: number): string {
  let s = spelled.get(cp);
  if (s !== undefined) return s;
  s = '';
  for (let i = 0, n = cp; i < 5; i++) {
    s = String.fromCharCode(97 + (n % 26)) + s;
    n = Math.floor(n / 26);
  }
  if (spelled.size < 50_000) spelled.set(cp, s);
  return s;
}

/** The characters compared: NFKC (full-width → half-width), lower case, no white space. */
export function normaliseForSearch(text: string): string[] {
  return Array.from(text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ''));
}

function bigrams(chars: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(letters(chars[i]!.codePointAt(0)!) + letters(chars[i + 1]!.codePointAt(0)!));
  return out;
}

/** The indexed document of a case: the bigrams of each field, fields kept apart. */
export function searchDocument(fields: Array<string | null | undefined>): string {
  return fields
    .filter((f): f is string => !!f)
    .map((f) => bigrams(normaliseForSearch(f)).join(' '))
    .filter(Boolean)
    .join(` ${FIELD_BREAK} `);
}

/** PostgreSQL's limits on a tsvector's positions (`MAXENTRYPOS - 1`, `MAXNUMPOS - 1`). */
const LAST_POSITION = 16383;
const POSITIONS_PER_LEXEME = 255;

/**
 * A document's tsvector written out as PostgreSQL's text form: exactly what `to_tsvector('simple',
 * doc)` makes of it (every token is a word of letters: its position is its place among the tokens,
 * from 1, held at 16,383; a lexeme keeps its first 255 distinct positions), but read by PostgreSQL
 * as a literal instead of parsed (its parser and dictionary took a fifth of an intake's statement).
 * `case-search.test.ts` compares the two in PostgreSQL.
 */
export function tsvectorText(doc: string): string {
  const positions = new Map<string, number[]>();
  let position = 0;
  for (const token of doc.split(' ')) {
    if (!token) continue;
    const p = Math.min(++position, LAST_POSITION);
    const list = positions.get(token);
    if (!list) positions.set(token, [p]);
    else if (list.length < POSITIONS_PER_LEXEME && list[list.length - 1] !== p) list.push(p);
  }
  let out = '';
  for (const [token, list] of positions) out += `${out ? ' ' : ''}'${token}':${list.join(',')}`;
  return out;
}

/** The phrase to look for, or null when the query is a single character (no bigram). */
export function queryTokens(q: string): string[] | null {
  const grams = bigrams(normaliseForSearch(q));
  return grams.length ? grams : null;
}

/** Adds or replaces a case's entry in the search index (same transaction as the case write). */
export async function indexCaseText(trx: Executor, caseId: number, fields: Array<string | null | undefined>): Promise<void> {
  await trx.executeQuery(caseTextWrite(trx, caseId, fields));
}

/** The statement {@link indexCaseText} runs, compiled, not executed (for `writeTogether`). */
export function caseTextWrite(trx: Executor, caseId: number, fields: Array<string | null | undefined> | { document: string }): CompiledQuery {
  const doc = Array.isArray(fields) ? searchDocument(fields) : fields.document;
  if (isPostgres(trx)) {
    return sql`insert into case_search (case_id, tsv) values (${caseId}, cast(${tsvectorText(doc)} as tsvector))
      on conflict (case_id) do update set tsv = excluded.tsv`.compile(trx);
  }
  // FTS5 honours OR REPLACE on the rowid: one statement whether the case had an entry or not. With
  // group commit the entries of a group are written together just before its commit (one index
  // segment for the group instead of one per transaction), in the order they were made.
  return writeAtCommit(searchEntries([[caseId, doc]]), {
    kind: 'case_search',
    rows: [[caseId, doc]],
    write: searchEntries,
  });
}

/** SQLite: several search entries as one statement, in their order (a later one for the same case wins). */
function searchEntries(rows: unknown[][]): CompiledQuery {
  return CompiledQuery.raw(`insert or replace into case_search (rowid, grams) values ${rows.map(() => '(?, ?)').join(', ')}`, rows.flat());
}

/**
 * A condition "the case's text contains q", for a query over `cases`: the index for two characters
 * or more; LIKE for a single character.
 */
export function matchesText(db: Executor, tokens: string[]) {
  if (isPostgres(db)) {
    const tsq = tokens.join(' <-> ');
    return sql<boolean>`exists (select 1 from case_search s where s.case_id = cases.id and s.tsv @@ to_tsquery('simple', ${tsq}))`;
  }
  const phrase = `"${tokens.join(' ')}"`;
  return sql<boolean>`cases.id in (select rowid from case_search where case_search match ${phrase})`;
}
