/** The bigram search index (see server/cases/case-search.ts). Frozen. */
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`create table case_search (case_id integer primary key references cases(id), tsv tsvector not null)`.execute(db);
    await sql`create index case_search_tsv on case_search using gin (tsv)`.execute(db);
  } else {
    // rowid = case id, so results come back in intake order without a sort.
    await sql`create virtual table case_search using fts5(grams, tokenize = 'unicode61', detail = 'full')`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
