import { describe, expect, it } from 'vitest';
import { CASE_STATUSES } from './domain.js';
import { applicableCaseDocuments, caseDocumentRecords, pickCaseDocumentRecord, type CaseDocumentSource } from './case-documents.js';

const base: CaseDocumentSource = { status: 'in_progress', rejection: null, supervisionRecords: [], meetings: [] };
const records = [
  { kind: 'supervise', recordNo: '督办〔2026〕第1号' },
  { kind: 'circulate', recordNo: '通报〔2026〕第1号' },
  { kind: 'supervise', recordNo: '督办〔2026〕第3号' },
];

describe('which documents a case has', () => {
  it('has none of them while in progress without records', () => {
    expect(applicableCaseDocuments(base)).toEqual([]);
  });
  it('has the 不予受理告知书 only while rejected, the 结案归档表 only when closed', () => {
    for (const status of CASE_STATUSES) {
      const kinds = applicableCaseDocuments({ ...base, status, rejection: { reasonCategory: 'legal' } }).map((d) => d.kind);
      expect(kinds.includes('rejection-notice'), status).toBe(status === 'rejected');
      expect(kinds.includes('archive-sheet'), status).toBe(status === 'closed');
    }
    // Rejected but without a recorded decision (an imported row): no notice to print.
    expect(caseDocumentRecords({ ...base, status: 'rejected' }, 'rejection-notice')).toEqual([]);
  });
  it('lists one entry per 督办/通报/移送 record and per 会商, oldest first', () => {
    const c = { ...base, status: 'closed' as const, supervisionRecords: records, meetings: [{}, {}] };
    expect(applicableCaseDocuments(c).map((d) => d.label)).toEqual([
      '督办单（督办〔2026〕第1号）',
      '督办单（督办〔2026〕第3号）',
      '通报（通报〔2026〕第1号）',
      '会商纪要（第1次）',
      '会商纪要（第2次）',
      '结案归档表',
    ]);
    expect(applicableCaseDocuments({ ...base, meetings: [{}] }).map((d) => [d.label, d.no])).toEqual([['会商纪要', '1']]);
  });
  it('picks the newest by default, a record by number or sequence, and nothing unknown', () => {
    const c = { ...base, supervisionRecords: records, meetings: [{}, {}] };
    expect(pickCaseDocumentRecord(c, 'supervision')).toBe(1);
    expect(pickCaseDocumentRecord(c, 'supervision', ' ')).toBe(1);
    expect(pickCaseDocumentRecord(c, 'supervision', '督办〔2026〕第1号')).toBe(0);
    expect(pickCaseDocumentRecord(c, 'supervision', '3')).toBe(1);
    expect(pickCaseDocumentRecord(c, 'supervision', '2')).toBeNull();
    expect(pickCaseDocumentRecord(c, 'supervision', '通报〔2026〕第1号')).toBeNull();
    expect(pickCaseDocumentRecord(c, 'referral')).toBeNull();
    expect(pickCaseDocumentRecord(c, 'meeting-minutes')).toBe(1);
    expect(pickCaseDocumentRecord(c, 'meeting-minutes', '1')).toBe(0);
    expect(pickCaseDocumentRecord(c, 'meeting-minutes', '3')).toBeNull();
    expect(pickCaseDocumentRecord({ ...c, status: 'closed' }, 'archive-sheet')).toBe(0);
    expect(pickCaseDocumentRecord({ ...c, status: 'closed' }, 'archive-sheet', 'x')).toBeNull();
  });
});
