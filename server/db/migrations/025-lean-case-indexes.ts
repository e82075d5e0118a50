/**
 * An intake wrote 23 indexes of `cases` (issue 17: the commit was the biggest single cost of an
 * intake). Two were prefixes of wider ones and are dropped; nine cover a column that is empty until
 * a later step of the loop (a lead department, a problem type, a level, a deadline, a merge, a
 * matter code, a closing, another system's ticket) and become partial — `where <column> is not
 * null` — so a new case writes none of them. Every query that uses one of them constrains its
 * column with `=`, `in`, `<`, `>` or `is not null`, which implies the index's condition on both
 * databases (server/db/lean-indexes.test.ts checks the plans).
 *
 * SQLite: the search index (FTS5 over character bigrams, migration 005) kept a second copy of each
 * case's bigram document (≈ 2 KB, 3 pages an intake) that nothing reads — a search answers row
 * ids, the case's text is in `cases`, and a backup rebuilds the index from the cases. It becomes
 * contentless (`content=''`, `contentless_delete=1`, so `insert or replace` and `delete` still
 * work; SQLite ≥ 3.43); the index itself is copied over unchanged.
 *
 * Frozen: written against Kysely<any>; change the schema with a new migration.
 */
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/** Dropped: `cases_due (due_at)` is the prefix of `cases_due_order (due_at, id)`,
 *  `cases_status_due (status, due_at)` of `cases_status_due_received (status, due_at, received_at, id)`. */
const DROPPED = ['cases_due', 'cases_status_due'];

/** Index, columns, the column that must be set (the partial condition), unique. */
const PARTIAL: Array<[string, string[], string, boolean]> = [
  ['cases_lead_department_received', ['lead_department', 'received_at', 'id'], 'lead_department', false],
  ['cases_problem_type_received', ['problem_type', 'received_at', 'id'], 'problem_type', false],
  ['cases_level_received', ['level', 'received_at', 'id'], 'level', false],
  ['cases_due_order', ['due_at', 'id'], 'due_at', false],
  ['cases_merged_into', ['merged_into'], 'merged_into', false],
  ['cases_matter_code', ['matter_code', 'received_date'], 'matter_code', false],
  ['cases_retention', ['reporter_erased_at', 'closed_at'], 'closed_at', false],
  // NULLs never collide in a unique index: limiting it to the cases that carry a ticket changes nothing.
  ['cases_external_ref', ['external_system', 'external_id'], 'external_system', true],
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const name of DROPPED) await db.schema.dropIndex(name).execute();
  for (const [name, columns, column, unique] of PARTIAL) {
    await db.schema.dropIndex(name).execute();
    let ix = db.schema.createIndex(name).on('cases').columns(columns).where(sql.ref(column), 'is not', null);
    if (unique) ix = ix.unique();
    await ix.execute();
  }
  if (!isPostgres(db)) {
    await sql`create virtual table case_search_lean using fts5(grams, content = '', contentless_delete = 1, tokenize = 'unicode61', detail = 'full')`.execute(db);
    await sql`insert into case_search_lean (rowid, grams) select rowid, grams from case_search`.execute(db);
    await sql`drop table case_search`.execute(db);
    await sql`alter table case_search_lean rename to case_search`.execute(db);
  }
}
