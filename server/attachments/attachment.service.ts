/**
 * Attachment commands. An upload: the case is found as the caller may see it (404) and must not be
 * closed (409); the files were received and checked into temporary files (receive.ts); each is
 * stored under a generated key, then one transaction writes its row, its timeline event and its
 * audit record (with the file's SM3). The case's `version` does not change. If the transaction
 * fails, the stored objects are removed again: nothing is left half done.
 */
import { z } from 'zod';
import { ATTACHMENT_KINDS, MAX_NOTE_LENGTH, canAttachTo, type AttachmentKind, type AttachmentSource } from '../../core/attachments.js';
import type { Actor, PublicReporter } from '../../core/case-lifecycle.js';
import { describeIssues } from '../../core/api/schemas.js';
import { attachmentStorageOf, type AppContext } from '../context.js';
import { appendAudit } from '../audit/audit.repository.js';
import { AppError, notFound, readableBody, validation } from '../errors.js';
import { appendEvent, findCaseById, findVisibleCase, parseCaseId, type CaseRecord } from '../cases/case.repository.js';
import { getSettings } from '../settings/settings.repository.js';
import { newStorageKey } from './storage.js';
import { discardFiles, type ReceivedFile } from './receive.js';
import { findAttachment, insertAttachment, markWithdrawn, type AttachmentRow } from './attachment.repository.js';

export const ZUploadFields = z.object({
  kind: z.enum(ATTACHMENT_KINDS, { error: `用途（kind）应为 ${ATTACHMENT_KINDS.join('、')} 之一` }),
  note: z.string().trim().max(MAX_NOTE_LENGTH, { error: `说明不能超过 ${MAX_NOTE_LENGTH} 字` }).optional(),
});

export const ZWithdraw = z.object({
  reason: z.string({ error: '请填写撤回原因' }).trim().min(1, { error: '请填写撤回原因' }).max(MAX_NOTE_LENGTH, { error: `撤回原因不能超过 ${MAX_NOTE_LENGTH} 字` }),
});

/** The case an attachment route names, as the caller may see it (404 otherwise). */
export async function findCaseForAttachments(ctx: AppContext, rawId: string, actor: Actor): Promise<CaseRecord> {
  return findVisibleCase(ctx.db, parseCaseId(rawId), actor);
}

/** 409 when the case takes no new files (已归档). */
export function assertCaseTakesFiles(c: CaseRecord): void {
  if (!canAttachTo(c.status)) throw new AppError('INVALID_TRANSITION', '反映件已归档，不能再上传附件');
}

/** The size limit now (setting `attachmentMaxBytes`). */
export async function attachmentMaxBytes(ctx: AppContext): Promise<number> {
  return (await getSettings(ctx.db)).attachmentMaxBytes;
}

export function parseUploadFields(fields: Record<string, string>): z.infer<typeof ZUploadFields> {
  const r = ZUploadFields.safeParse({ kind: fields.kind, note: fields.note === '' ? undefined : fields.note });
  if (!r.success) throw validation(describeIssues(r.error));
  return r.data;
}

function authorOf(a: Actor | PublicReporter) {
  return a.kind === 'public' ? { username: a.username, name: a.name, role: 'public' } : { username: a.username, name: a.name, role: a.role };
}

/**
 * Stores received files on a case: objects first, then one transaction with a row, a timeline
 * event and an audit record per file. Takes ownership of the temporary files (gone afterwards,
 * whatever happens). Answers the new rows.
 */
export async function storeAttachments(
  ctx: AppContext,
  caseId: number,
  files: ReceivedFile[],
  meta: { kind: AttachmentKind; note?: string | null; source: AttachmentSource },
  actor: Actor | PublicReporter,
): Promise<AttachmentRow[]> {
  const storage = attachmentStorageOf(ctx);
  const at = ctx.clock.now().toISOString();
  const stored: Array<{ f: ReceivedFile; key: string }> = [];
  try {
    for (const f of files) {
      const key = newStorageKey(ctx.clock.now());
      await storage.putFile(key, f.tempPath, f.size, f.mime);
      stored.push({ f, key });
    }
  } catch (e) {
    await discardFiles(files);
    await Promise.all(stored.map((s) => storage.remove(s.key).catch(() => undefined)));
    throw e;
  }
  const by = authorOf(actor);
  try {
    const ids = await ctx.db.transaction().execute(async (trx) => {
      const c = await findCaseById(trx, caseId);
      if (!c) throw notFound();
      // Checked again inside the transaction: the case may have been closed while the bytes arrived.
      assertCaseTakesFiles(c);
      const out: number[] = [];
      for (const { f, key } of stored) {
        const id = await insertAttachment(trx, {
          case_id: caseId,
          kind: meta.kind,
          name: f.name,
          size: f.size,
          mime: f.mime,
          file_type: f.type,
          sm3: f.sm3,
          storage_key: key,
          note: meta.note ?? null,
          source: meta.source,
          uploaded_by: by.username,
          uploaded_by_name: by.name,
          uploaded_at: at,
        });
        await appendEvent(trx, caseId, { type: 'attachment_added', at, by, data: { attachmentId: id, name: f.name, kind: meta.kind, size: f.size, sm3: f.sm3 } });
        out.push(id);
      }
      for (const [i, { f }] of stored.entries()) {
        await appendAudit(trx, {
          at,
          actor: by.username,
          action: 'case.attachment_added',
          entityType: 'case',
          entityId: String(caseId),
          data: { caseNo: c.caseNo, attachmentId: out[i], name: f.name, kind: meta.kind, type: f.type, size: f.size, sm3: f.sm3 },
        });
      }
      return out;
    });
    const rows = await Promise.all(ids.map((id) => findAttachment(ctx.db, caseId, id)));
    return rows.filter((r): r is AttachmentRow => !!r);
  } catch (e) {
    await Promise.all(stored.map((s) => storage.remove(s.key).catch(() => undefined)));
    throw e;
  }
}

/** Withdraws a file uploaded by mistake (kept in the archive); audited. 404 unknown, 409 already withdrawn. */
export async function withdrawAttachment(ctx: AppContext, c: CaseRecord, rawAid: string, rawBody: unknown, actor: Actor): Promise<AttachmentRow> {
  const aid = parseCaseId(rawAid);
  const a = aid === null ? undefined : await findAttachment(ctx.db, c.id, aid);
  if (!a) throw notFound();
  const r = ZWithdraw.safeParse(readableBody(rawBody) ?? undefined);
  if (!r.success) throw validation(describeIssues(r.error));
  if (a.withdrawn_at) throw new AppError('INVALID_TRANSITION', '该附件已撤回');
  const at = ctx.clock.now().toISOString();
  const by = authorOf(actor);
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await markWithdrawn(trx, a.id, { at, by: actor.username, reason: r.data.reason }))) throw new AppError('INVALID_TRANSITION', '该附件已撤回');
    await appendEvent(trx, c.id, { type: 'attachment_withdrawn', at, by, data: { attachmentId: a.id, name: a.name, kind: a.kind as AttachmentKind, reason: r.data.reason } });
    await appendAudit(trx, {
      at,
      actor: actor.username,
      action: 'case.attachment_withdrawn',
      entityType: 'case',
      entityId: String(c.id),
      data: { caseNo: c.caseNo, attachmentId: a.id, name: a.name, sm3: a.sm3, reason: r.data.reason },
    });
  });
  return (await findAttachment(ctx.db, c.id, a.id))!;
}
