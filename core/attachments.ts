/**
 * Attachments of a case (附件): their kinds, the file types accepted (by content, never by name),
 * the rules for a file's name, and when a case takes files. Pure: no I/O.
 */
import type { CaseStatus } from './domain.js';

/** What a file is for. */
export const ATTACHMENT_KINDS = [
  /** 佐证材料: evidence brought by the reporter or gathered by staff. */
  'evidence',
  /** 容缺书面承诺: the reporter's written promise to hand in missing material by a date. */
  'promise',
  /** 办理结果: the department's result letter. */
  'result',
  /** 核查材料: the material of a 差评 verification. */
  'verification',
  /** 其他. */
  'other',
] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

export const ATTACHMENT_KIND_LABELS: Readonly<Record<AttachmentKind, string>> = Object.freeze({
  evidence: '佐证材料',
  promise: '容缺书面承诺',
  result: '办理结果',
  verification: '核查材料',
  other: '其他',
});

/** Where a file came from: staff, or the reporter's online report (visible to staff only). */
export const ATTACHMENT_SOURCES = ['staff', 'public'] as const;
export type AttachmentSource = (typeof ATTACHMENT_SOURCES)[number];

/** The accepted types, as detected from the bytes, with the media type the file is served with. */
export const ATTACHMENT_TYPES = {
  pdf: { mime: 'application/pdf', label: 'PDF' },
  ofd: { mime: 'application/ofd', label: 'OFD' },
  jpg: { mime: 'image/jpeg', label: 'JPEG 图片' },
  png: { mime: 'image/png', label: 'PNG 图片' },
  docx: { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', label: 'Word（.docx）' },
  xlsx: { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', label: 'Excel（.xlsx）' },
  doc: { mime: 'application/msword', label: 'Word（.doc）' },
  xls: { mime: 'application/vnd.ms-excel', label: 'Excel（.xls）' },
} as const;
export type AttachmentType = keyof typeof ATTACHMENT_TYPES;
export const ATTACHMENT_TYPE_LIST = Object.keys(ATTACHMENT_TYPES) as AttachmentType[];

/** The types the reporter may send with the online report (photos and PDF). */
export const PUBLIC_ATTACHMENT_TYPES: readonly AttachmentType[] = ['jpg', 'png', 'pdf'];
/** At most this many files with one online report. */
export const PUBLIC_MAX_FILES = 3;
/** At most this many files with one intake by staff. */
export const INTAKE_MAX_FILES = 10;

/** The longest name kept, in characters. */
export const MAX_NAME_LENGTH = 255;
/** The longest reason of a withdrawal and note of an upload. */
export const MAX_NOTE_LENGTH = 500;

/** Shown where the accepted types are listed. */
export const ACCEPTED_TYPES_TEXT = 'PDF、OFD、JPEG、PNG、Word（docx/doc）、Excel（xlsx/xls）';

/** A name that can be kept as given, or the Chinese reason why not. Never throws. */
export function checkAttachmentName(name: string): { ok: true; name: string } | { ok: false; message: string } {
  const n = name.normalize('NFC');
  if (n.trim() === '') return { ok: false, message: '文件名不能为空' };
  if ([...n].length > MAX_NAME_LENGTH) return { ok: false, message: `文件名不能超过 ${MAX_NAME_LENGTH} 个字符` };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(n)) return { ok: false, message: '文件名不能含控制字符' };
  if (/[/\\]/.test(n) || n.split('.').every((p) => p === '') || n.includes('..')) return { ok: false, message: '文件名不能含路径（/、\\ 或 ..）' };
  return { ok: true, name: n };
}

/** Whether a case in this state takes new files: every state but 已归档. */
export function canAttachTo(status: CaseStatus): boolean {
  return status !== 'closed';
}

/** The extension of a name, lower case, without the dot ('' when none). */
export function extensionOf(name: string): string {
  const i = name.lastIndexOf('.');
  return i < 0 ? '' : name.slice(i + 1).toLowerCase();
}

/**
 * Who may withdraw a file: the person who uploaded it, or the coordinator (县行管办; also for the
 * reporter's files of an online report). Seeing the case is required first.
 */
export function canWithdrawAttachment(actor: { username: string; role: string }, uploadedBy: string): boolean {
  return actor.role === 'coordinator' || actor.username === uploadedBy;
}
