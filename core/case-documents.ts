/**
 * The case documents (文书) beyond the 交办单, and which of them a case has: decided once here, for
 * the server's 404 and the case page's 文书 menu. Pure: no I/O.
 */
import type { CaseStatus } from './domain.js';

export const CASE_DOCUMENT_KINDS = ['rejection-notice', 'supervision', 'circulation', 'referral', 'meeting-minutes', 'archive-sheet'] as const;
export type CaseDocumentKind = (typeof CASE_DOCUMENT_KINDS)[number];

export const CASE_DOCUMENT_LABELS: Record<CaseDocumentKind, string> = {
  'rejection-notice': '不予受理告知书',
  supervision: '督办单',
  circulation: '通报',
  referral: '问题线索移送函',
  'meeting-minutes': '会商纪要',
  'archive-sheet': '结案归档表',
};

/** Why a document is missing, for the 404 of a case it does not apply to. */
export const CASE_DOCUMENT_ABSENT: Record<CaseDocumentKind, string> = {
  'rejection-notice': '该反映件未作不予受理决定，没有不予受理告知书',
  supervision: '该反映件没有督办记录，没有督办单',
  circulation: '该反映件没有通报记录，没有通报文书',
  referral: '该反映件没有问题线索移送记录，没有移送函',
  'meeting-minutes': '该反映件没有工作组会商记录，没有会商纪要',
  'archive-sheet': '该反映件尚未办结归档，没有结案归档表',
};

/** The supervision record kind each record-based document is written from. */
const RECORD_KIND: Partial<Record<CaseDocumentKind, string>> = { supervision: 'supervise', circulation: 'circulate', referral: 'referral' };

/** What applicability needs of a case: the fields of GET /cases/{id} (server and web read the same). */
export interface CaseDocumentSource {
  status: CaseStatus;
  rejection: unknown;
  supervisionRecords: ReadonlyArray<{ kind: string; recordNo: string }>;
  meetings: ReadonlyArray<unknown>;
}

export function isCaseDocumentKind(v: string): v is CaseDocumentKind {
  return (CASE_DOCUMENT_KINDS as readonly string[]).includes(v);
}

/**
 * The records a document of `kind` can be written from, oldest first, each named by the `?no=` that
 * picks it: the record number (督办〔2026〕第1号) of a 督办/通报/移送, the ordinal ('1', '2', …) of a
 * 会商, '' for a document of the case as a whole. Empty: the document does not apply to the case.
 */
export function caseDocumentRecords(c: CaseDocumentSource, kind: CaseDocumentKind): string[] {
  const recordKind = RECORD_KIND[kind];
  if (recordKind) return c.supervisionRecords.filter((r) => r.kind === recordKind).map((r) => r.recordNo);
  if (kind === 'meeting-minutes') return c.meetings.map((_, i) => String(i + 1));
  if (kind === 'rejection-notice') return c.status === 'rejected' && c.rejection ? [''] : [];
  return c.status === 'closed' ? [''] : [];
}

/**
 * Which record `no` names among the document's records (index into caseDocumentRecords); the newest
 * when `no` is absent or blank; null when the document does not apply or `no` names none of them.
 * A 督办/通报/移送 is named by its full number or just its sequence (1 for 督办〔2026〕第1号).
 */
export function pickCaseDocumentRecord(c: CaseDocumentSource, kind: CaseDocumentKind, no?: string | null): number | null {
  const records = caseDocumentRecords(c, kind);
  if (records.length === 0) return null;
  const want = (no ?? '').trim();
  if (want === '') return records.length - 1;
  const exact = records.indexOf(want);
  if (exact >= 0) return exact;
  if (RECORD_KIND[kind] && /^\d{1,9}$/.test(want)) {
    const i = records.findIndex((r) => /第(\d+)号/.exec(r)?.[1] === String(Number(want)));
    if (i >= 0) return i;
  }
  return null;
}

/** One entry of the case page's 文书 menu. */
export interface CaseDocumentEntry {
  kind: CaseDocumentKind;
  /** The `?no=` naming the record, or null for the case as a whole. */
  no: string | null;
  /** What the menu says: 督办单（督办〔2026〕第1号）, 会商纪要（第1次）, 结案归档表. */
  label: string;
}

/** Every document the case has, in the order of CASE_DOCUMENT_KINDS, records oldest first. */
export function applicableCaseDocuments(c: CaseDocumentSource): CaseDocumentEntry[] {
  const out: CaseDocumentEntry[] = [];
  for (const kind of CASE_DOCUMENT_KINDS) {
    const records = caseDocumentRecords(c, kind);
    for (const no of records) {
      const label = CASE_DOCUMENT_LABELS[kind];
      if (no === '') out.push({ kind, no: null, label });
      else if (kind === 'meeting-minutes') out.push({ kind, no, label: records.length > 1 ? `${label}（第${no}次）` : label });
      else out.push({ kind, no, label: `${label}（${no}）` });
    }
  }
  return out;
}
