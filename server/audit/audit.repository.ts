/**
 * The audit chain: every write appends a record whose SM3 hash covers its full content and the
 * previous record's hash, so altering, removing or inserting a record breaks the chain.
 */
import { createHash } from 'node:crypto';
import { CompiledQuery, sql } from 'kysely';
import type { Executor } from '../db/database.js';
import { isPostgres } from '../db/dialect.js';
import { combineStatements, compiled, writeTogether, type NamedPart, type Part } from '../db/together.js';
import { fixedStatement, insertRows } from '../db/plain-insert.js';

export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string | null;
  data: Record<string, unknown>;
}

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
    .join(',')}}`;
}

export function sm3Hex(text: string): string {
  return createHash('sm3').update(text, 'utf8').digest('hex');
}

/** The hash of a record: SM3 over the previous hash and the canonical form of every field. */
export function auditHash(seq: number, prevHash: string, e: AuditEntry): string {
  return sm3Hex(
    `${prevHash}\n${canonicalJson({ seq, at: e.at, actor: e.actor, action: e.action, entityType: e.entityType, entityId: e.entityId, data: e.data })}`,
  );
}

/**
 * Appends a record to the chain. Call it last in the transaction: it takes the chain head's row
 * lock (PostgreSQL) and holds it until the commit — one statement when the database computes the
 * chain (see {@link writeThenAudit}), else two (the head advanced and read, then the record written
 * and the head's hash set).
 */
export async function appendAudit(trx: Executor, e: AuditEntry): Promise<number> {
  return (await appendAudits(trx, [e]))[0]!;
}

/** Appends records in their order, with one advance of the head for all of them; answers their numbers. */
export async function appendAudits(trx: Executor, entries: readonly AuditEntry[]): Promise<number[]> {
  return writeThenAudit(trx, [], entries);
}

/**
 * Runs `parts` (writes of the same transaction that read nothing of one another; see
 * `writeTogether`) and then appends `entries` to the chain, the head advanced last. On PostgreSQL
 * that is one statement when the database computes the chain (migration 028, checked by
 * {@link prepareAuditChain}): the head's row is locked by the statement and held only until the
 * commit. Otherwise the parts go with the head's advance, and the records follow in a second
 * statement (the hashes computed here).
 */
export async function writeThenAudit(trx: Executor, parts: ReadonlyArray<Part | null | undefined>, entries: readonly AuditEntry[]): Promise<number[]> {
  if (entries.length === 0) {
    for (const p of parts) if (p) await trx.executeQuery(compiled(p));
    return [];
  }
  if (chainsInDatabase(trx)) {
    const rows = await writeTogether(trx, parts, appendInDatabase(trx, entries));
    return rows.map((r) => Number(r.seq));
  }
  const [head] = await writeTogether(trx, parts, advanceAuditHead(trx, entries.length));
  return writeAuditRecords(trx, head!, entries);
}

/**
 * Appends one record as a write of its own (a read's record, not part of a change): on PostgreSQL
 * with the chain in the database one statement, committed by itself; otherwise in its own
 * transaction (or the caller's), whose first statement advances the head — a write, so on SQLite it
 * takes the write lock at once instead of failing to upgrade a read lock.
 */
export async function appendAuditAlone(db: Executor, e: AuditEntry): Promise<number> {
  if (chainsInDatabase(db)) return Number((await db.executeQuery(appendInDatabase(db, [e]))).rows[0]!.seq);
  if (db.isTransaction) return appendAudit(db, e);
  return db.transaction().execute((trx) => appendAudit(trx, e));
}

/** Databases (by their kysely adapter, shared by a database and its transactions) that chain in SQL. */
const chainInSql = new WeakMap<object, boolean>();

export function chainsInDatabase(db: Executor): boolean {
  return chainInSql.get(db.getExecutor().adapter) === true;
}

/**
 * PostgreSQL, at start: makes pgcrypto available if it can (`create extension if not exists`) and
 * turns on chaining in the database when `bcs_audit_chain` (migration 028) hashes exactly as
 * {@link auditHash} does; answers whether it did. Anything missing (no pgcrypto, no right to create
 * it, an OpenSSL without SM3) leaves the chain computed here, as on SQLite.
 */
export async function prepareAuditChain(db: Executor): Promise<boolean> {
  if (!isPostgres(db)) return false;
  let ok = false;
  try {
    await sql`create extension if not exists pgcrypto`.execute(db);
  } catch {
    // Not allowed here, or not installed: the probe below decides.
  }
  try {
    const probe: AuditEntry = { at: '2026-01-01T00:00:00.000Z', actor: '测试', action: 'probe', entityType: 'x', entityId: null, data: { 文本: '审计链\n"引号"', n: 1 } };
    const r = await sql<{ c: string[] }>`select bcs_audit_chain(${GENESIS_HASH}, ${41}, ${[seqPrefix(probe)]}::text[]) as c`.execute(db);
    ok = r.rows[0]?.c?.[1] === auditHash(42, GENESIS_HASH, probe);
  } catch {
    ok = false;
  }
  chainInSql.set(db.getExecutor().adapter, ok);
  return ok;
}

/** A record's canonical JSON up to its `"seq":` — what `bcs_audit_chain` completes with the number and `}`. */
function seqPrefix(e: AuditEntry): string {
  // `seq` sorts last among the record's keys (action, actor, at, data, entityId, entityType, seq).
  const rest = canonicalJson({ at: e.at, actor: e.actor, action: e.action, entityType: e.entityType, entityId: e.entityId, data: e.data });
  return `${rest.slice(0, -1)},"seq":`;
}

/** The one statement that appends `entries` with the chain computed by the database (migration 028). */
function appendInDatabase(trx: Executor, entries: readonly AuditEntry[]): CompiledQuery<{ seq: number }> {
  const { ctes, insert } = auditChainParts(trx, entries);
  const { sql: text, parameters } = combineStatements(ctes, insert);
  return CompiledQuery.raw(text, [...parameters]);
}

/**
 * {@link appendInDatabase} as its parts: the CTEs that lock and advance the head and the records'
 * insert, for a statement that has writes of its own before them (a new case's, whose id and number
 * the records name: {@link LateValue}). The CTEs are named `cur`, `ch` and `adv`.
 */
export function auditChainParts(trx: Executor, entries: readonly AuditEntry[]): { ctes: NamedPart[]; insert: CompiledQuery<{ seq: number }> } {
  // One parameter per record (not one array): a record's text may be joined in SQL around the
  // case's late id and number.
  const each = (values: unknown[]) => sql.join(values.map((v) => sql`${v}`));
  const ctes: NamedPart[] = [
    { name: 'cur', query: sql`select seq, hash from audit_head where id = 1 for update`.compile(trx) },
    { name: 'ch', query: sql`select cur.seq as seq0, bcs_audit_chain(cur.hash, cur.seq, array[${each(entries.map(seqPrefix))}]::text[]) as c from cur`.compile(trx) },
    { name: 'adv', query: sql`update audit_head set seq = ch.seq0 + ${sql.lit(entries.length)}, hash = ch.c[${sql.lit(entries.length + 1)}] from ch where audit_head.id = 1`.compile(trx) },
  ];
  const insert = sql<{ seq: number }>`insert into audit_log (seq, at, actor, action, entity_type, entity_id, data, prev_hash, hash)
    select ch.seq0 + e.i, e.at, e.actor, e.action, e.entity_type, e.entity_id, e.data, ch.c[e.i], ch.c[e.i + 1]
    from ch, unnest(array[${each(entries.map((e) => e.at))}]::text[], array[${each(entries.map((e) => e.actor))}]::text[], array[${each(entries.map((e) => e.action))}]::text[],
      array[${each(entries.map((e) => e.entityType))}]::text[], array[${each(entries.map((e) => e.entityId))}]::text[], array[${each(entries.map((e) => JSON.stringify(e.data)))}]::text[])
      with ordinality as e(at, actor, action, entity_type, entity_id, data, i)
    order by e.i
    returning seq`.compile(trx);
  return { ctes, insert };
}

/**
 * Advances the chain's head by `n` records and answers the head as it is then: `seq` the number the
 * last of the n records will have, `hash` the hash of the record before the first (unchanged yet).
 * Takes the head's row lock (PostgreSQL) until the transaction ends. Compilable, so that it can go
 * with other writes in one statement (`writeTogether`); {@link writeAuditRecords} must follow it in
 * the same transaction.
 */
export function advanceAuditHead(trx: Executor, n: number): CompiledQuery<{ seq: number; hash: string }> {
  return fixedStatement(trx, 'update "audit_head" set "seq" = "seq" + ? where "id" = ? returning "seq", "hash"', [n, 1]);
}

/** Writes the records a {@link advanceAuditHead} of entries.length made room for, and sets the head's hash. */
export async function writeAuditRecords(trx: Executor, head: { seq: number; hash: string }, entries: readonly AuditEntry[]): Promise<number[]> {
  const first = Number(head.seq) - entries.length + 1;
  let prev = head.hash;
  const rows = entries.map((e, i) => {
    const seq = first + i;
    const hash = auditHash(seq, prev, e);
    const row = auditRow(seq, prev, hash, e);
    prev = hash;
    return row;
  });
  if (isPostgres(trx)) {
    await trx
      .with('head', (qc) => qc.updateTable('audit_head').set({ hash: prev }).where('id', '=', 1))
      .insertInto('audit_log')
      .values(rows)
      .execute();
  } else {
    await trx.executeQuery(insertRows(trx, 'audit_log', rows));
    await trx.executeQuery(fixedStatement(trx, 'update "audit_head" set "hash" = ? where "id" = ?', [prev, 1]));
  }
  return rows.map((r) => r.seq);
}

function auditRow(seq: number, prevHash: string, hash: string, e: AuditEntry) {
  return {
    seq,
    at: e.at,
    actor: e.actor,
    action: e.action,
    entity_type: e.entityType,
    entity_id: e.entityId,
    data: JSON.stringify(e.data),
    prev_hash: prevHash,
    hash,
  };
}

export type AuditVerification =
  | { ok: true; records: number }
  | { ok: false; records: number; brokenAt: number; reason: string };

/** Walks the whole chain in batches and names the first broken record. */
export async function verifyAuditChain(db: Executor, batchSize = 2000): Promise<AuditVerification> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let count = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(batchSize)
      .execute();
    for (const r of rows) {
      if (r.seq !== expectedSeq)
        return { ok: false, records: count, brokenAt: expectedSeq, reason: `第 ${expectedSeq} 条记录缺失（下一条为第 ${r.seq} 条）` };
      if (r.prev_hash !== prevHash)
        return { ok: false, records: count, brokenAt: r.seq, reason: `第 ${r.seq} 条记录的前序哈希与链不符（记录被删除或插入）` };
      let data: Record<string, unknown>;
      try {
        data = JSON.parse(r.data) as Record<string, unknown>;
      } catch {
        return { ok: false, records: count, brokenAt: r.seq, reason: `第 ${r.seq} 条记录内容无法解析` };
      }
      const entry: AuditEntry = { at: r.at, actor: r.actor, action: r.action, entityType: r.entity_type, entityId: r.entity_id, data };
      if (auditHash(r.seq, r.prev_hash, entry) !== r.hash)
        return { ok: false, records: count, brokenAt: r.seq, reason: `第 ${r.seq} 条记录内容被篡改（哈希不符）` };
      prevHash = r.hash;
      expectedSeq = r.seq + 1;
      count++;
    }
    if (rows.length < batchSize) break;
  }
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
  if (!head || head.seq !== count || head.hash !== prevHash) {
    return { ok: false, records: count, brokenAt: count + 1, reason: `链尾与链头不符：链头记录第 ${head?.seq ?? '?'} 条，实际 ${count} 条（末尾记录被删除）` };
  }
  return { ok: true, records: count };
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  /** Inclusive UTC instants. */
  fromAt?: string;
  toAt?: string;
}

/** A record as stored: its entry, place in the chain and hash. */
export interface AuditRow extends AuditEntry {
  seq: number;
  hash: string;
}

/** A page of the chain, newest first, keyset on `seq` (before `cursor`). */
export async function listAuditRecords(db: Executor, f: AuditFilter, page: { limit: number; cursor?: number }): Promise<{ rows: AuditRow[]; nextCursor: number | null }> {
  let q = db.selectFrom('audit_log').select(['seq', 'at', 'actor', 'action', 'entity_type', 'entity_id', 'data', 'hash']);
  if (f.actor) q = q.where('actor', '=', f.actor);
  if (f.action) q = q.where('action', '=', f.action);
  if (f.entityType) q = q.where('entity_type', '=', f.entityType);
  if (f.entityId) q = q.where('entity_id', '=', f.entityId);
  if (f.fromAt) q = q.where('at', '>=', f.fromAt);
  if (f.toAt) q = q.where('at', '<=', f.toAt);
  if (page.cursor !== undefined) q = q.where('seq', '<', page.cursor);
  const rows = await q.orderBy('seq', 'desc').limit(page.limit + 1).execute();
  const more = rows.length > page.limit;
  const shown = rows.slice(0, page.limit);
  return {
    rows: shown.map((r) => {
      let data: Record<string, unknown>;
      try {
        data = JSON.parse(r.data) as Record<string, unknown>;
      } catch {
        data = { raw: r.data };
      }
      return { seq: r.seq, at: r.at, actor: r.actor, action: r.action, entityType: r.entity_type, entityId: r.entity_id, data, hash: r.hash };
    }),
    nextCursor: more ? shown[shown.length - 1]!.seq : null,
  };
}
