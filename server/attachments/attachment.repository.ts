/** Attachment rows: plain functions over a database or a transaction (the caller owns the transaction). */
import type { Selectable } from 'kysely';
import type { AttachmentTable, Executor } from '../db/database.js';

export type AttachmentRow = Selectable<AttachmentTable>;

export async function insertAttachment(
  trx: Executor,
  a: Omit<AttachmentRow, 'id' | 'withdrawn_at' | 'withdrawn_by' | 'withdrawn_reason'>,
): Promise<number> {
  const r = await trx.insertInto('attachments').values(a).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

/** A case's files, oldest first; withdrawn ones only when asked. */
export async function listAttachments(db: Executor, caseId: number, opts: { includeWithdrawn?: boolean } = {}): Promise<AttachmentRow[]> {
  return attachmentsQuery(db, caseId, opts).execute();
}

/** A case's files, oldest first; the withdrawn ones only with `includeWithdrawn`. */
export function attachmentsQuery(db: Executor, caseId: number, opts: { includeWithdrawn?: boolean } = {}) {
  let q = db.selectFrom('attachments').selectAll().where('case_id', '=', caseId);
  if (!opts.includeWithdrawn) q = q.where('withdrawn_at', 'is', null);
  return q.orderBy('id');
}

export async function findAttachment(db: Executor, caseId: number, id: number): Promise<AttachmentRow | undefined> {
  return db.selectFrom('attachments').selectAll().where('case_id', '=', caseId).where('id', '=', id).executeTakeFirst();
}

/** Marks a file withdrawn; false when it already was (nothing changed). */
export async function markWithdrawn(trx: Executor, id: number, w: { at: string; by: string; reason: string }): Promise<boolean> {
  const r = await trx
    .updateTable('attachments')
    .set({ withdrawn_at: w.at, withdrawn_by: w.by, withdrawn_reason: w.reason })
    .where('id', '=', id)
    .where('withdrawn_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Every stored file in id order, a batch at a time (for `bcs audit verify`). */
export async function listAllAttachments(db: Executor, afterId: number, limit: number): Promise<AttachmentRow[]> {
  return db.selectFrom('attachments').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
}
