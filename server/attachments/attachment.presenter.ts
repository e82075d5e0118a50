/** An attachment as the API answers it (core/api/responses.ts ZAttachment). */
import type { z } from 'zod';
import type { ZAttachment } from '../../core/api/responses.js';
import type { AttachmentKind, AttachmentSource, AttachmentType } from '../../core/attachments.js';
import { formatShanghai } from '../../core/working-days.js';
import type { AttachmentRow } from './attachment.repository.js';

const iso = (v: string | null) => (v ? formatShanghai(new Date(v)) : null);

export function presentAttachment(a: AttachmentRow): z.input<typeof ZAttachment> {
  return {
    id: a.id,
    caseId: a.case_id,
    kind: a.kind as AttachmentKind,
    name: a.name,
    size: Number(a.size),
    mime: a.mime,
    type: a.file_type as AttachmentType,
    sm3: a.sm3,
    note: a.note,
    source: a.source as AttachmentSource,
    uploadedBy: a.uploaded_by,
    uploadedByName: a.uploaded_by_name,
    uploadedAt: iso(a.uploaded_at)!,
    withdrawn: a.withdrawn_at !== null,
    withdrawnAt: iso(a.withdrawn_at),
    withdrawnBy: a.withdrawn_by,
    withdrawnReason: a.withdrawn_reason,
    url: `/api/v1/cases/${a.case_id}/attachments/${a.id}`,
  };
}
