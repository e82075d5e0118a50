/** 附件: upload, list, withdraw (POST/GET /cases/{id}/attachments). */
import { API_BASE, api, toQuery } from './client';
import type { Attachment } from './types';
import type { AttachmentKind } from '../../../core/attachments';

/** The accept list of file pickers (the server decides by content anyway). */
export const ATTACHMENT_ACCEPT = '.pdf,.ofd,.jpg,.jpeg,.png,.docx,.xlsx,.doc,.xls,image/jpeg,image/png,application/pdf';

/** Uploads one file to a case. Throws ApiError (400 type/name, 409 closed case, 413 too large). */
export function uploadAttachment(caseId: number, file: File, kind: AttachmentKind, note?: string): Promise<Attachment> {
  const fd = new FormData();
  fd.append('kind', kind);
  if (note?.trim()) fd.append('note', note.trim());
  fd.append('file', file, file.name);
  return api<Attachment>(`/cases/${caseId}/attachments`, { method: 'POST', body: fd });
}

/** Uploads files one after another; answers the names that failed with their reasons. */
export async function uploadAttachments(caseId: number, files: File[], kind: AttachmentKind): Promise<string[]> {
  const failed: string[] = [];
  for (const f of files) {
    try {
      await uploadAttachment(caseId, f, kind);
    } catch (e) {
      failed.push(`${f.name}：${(e as Error).message}`);
    }
  }
  return failed;
}

export function listAttachments(caseId: number, includeWithdrawn: boolean): Promise<{ items: Attachment[] }> {
  return api(`/cases/${caseId}/attachments${toQuery({ includeWithdrawn: includeWithdrawn ? 'true' : undefined })}`);
}

export function withdrawAttachment(caseId: number, id: number, reason: string): Promise<Attachment> {
  return api<Attachment>(`/cases/${caseId}/attachments/${id}/withdraw`, { method: 'POST', body: { reason } });
}

/** The file's address; `inline` for the preview of images and PDF. */
export function attachmentUrl(a: Pick<Attachment, 'caseId' | 'id'>, inline = false): string {
  return `${API_BASE}/cases/${a.caseId}/attachments/${a.id}${inline ? '?inline=1' : ''}`;
}

/** Whether the browser can show the file inline (images and PDF). */
export function isPreviewable(a: Pick<Attachment, 'type'>): boolean {
  return a.type === 'pdf' || a.type === 'jpg' || a.type === 'png';
}

/** Bytes in words: 1.2 MB, 35 KB. */
export function formatSize(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} 字节`;
}
