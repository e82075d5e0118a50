/**
 * The audit chain: every write appends a record whose SM3 hash covers its full content and the
 * previous record's hash, so altering, removing or inserting a record breaks the chain.
 */
import { createHash } from 'node:crypto';
import type { Executor } from '../db/database.js';
import { isPostgres } from '../db/dialect.js';

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
 * lock (PostgreSQL) and holds it only until commit. On PostgreSQL that is two round trips under the
 * lock: the head is advanced and read in one statement (`update … returning`: the lock and the
 * previous hash at once), then the record is written and the head's hash set in one statement.
 */
export async function appendAudit(trx: Executor, e: AuditEntry): Promise<number> {
  return (await appendAudits(trx, [e]))[0]!;
}

/** Appends records in their order, with one advance of the head for all of them; answers their numbers. */
export async function appendAudits(trx: Executor, entries: readonly AuditEntry[]): Promise<number[]> {
  if (entries.length === 0) return [];
  const head = await advanceAuditHead(trx, entries.length).executeTakeFirstOrThrow();
  return writeAuditRecords(trx, head, entries);
}

/**
 * Advances the chain's head by `n` records and answers the head as it is then: `seq` the number the
 * last of the n records will have, `hash` the hash of the record before the first (unchanged yet).
 * Takes the head's row lock (PostgreSQL) until the transaction ends. Compilable, so that it can go
 * with other writes in one statement (`writeTogether`); {@link writeAuditRecords} must follow it in
 * the same transaction.
 */
export function advanceAuditHead(trx: Executor, n: number) {
  return trx
    .updateTable('audit_head')
    .set((eb) => ({ seq: eb('seq', '+', n) }))
    .where('id', '=', 1)
    .returning(['seq', 'hash']);
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
    await trx.insertInto('audit_log').values(rows).execute();
    await trx.updateTable('audit_head').set({ hash: prev }).where('id', '=', 1).execute();
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
