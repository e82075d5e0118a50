/**
 * PostgreSQL: the audit chain can be extended inside the database (issue 17, MEASURED.md "hold the
 * head lock as briefly as possible"). `bcs_audit_chain(prev, seq, prefixes)` answers the chain's
 * hashes from `prev` on — element 1 is `prev`, element i + 1 the SM3 hash of record seq + i, over
 * `<previous hash>\n<prefix i><seq + i>}` where prefix i is the record's canonical JSON up to its
 * `"seq":` (server/audit/audit.repository.ts builds it; the same text `auditHash` hashes). With it an
 * append is one statement that locks the head, hashes and inserts — the head's row lock is held from
 * that statement to the commit, with no round trip to the server in between.
 *
 * SM3 comes from pgcrypto's `digest(…, 'sm3')` (OpenSSL's). The function is created whether or not
 * pgcrypto is there (a PL/pgSQL body is resolved when it first runs); the server uses it only after
 * checking at start that it answers what Node's SM3 answers, and chains in Node otherwise.
 *
 * Frozen: written against Kysely<any>; change the schema with a new migration.
 */
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`create function bcs_audit_chain(prev text, seq bigint, prefixes text[]) returns text[]
    language plpgsql stable as $$
    declare
      h text := prev;
      hashes text[] := array[prev];
    begin
      for i in 1 .. coalesce(array_length(prefixes, 1), 0) loop
        h := encode(digest(h || E'\\n' || prefixes[i] || (seq + i)::text || '}', 'sm3'), 'hex');
        hashes := hashes || h;
      end loop;
      return hashes;
    end $$`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
