// @vitest-environment jsdom
import '../test/dom';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { App } from 'antd';
import { CaseDocuments, caseDocumentUrl } from './CaseDocuments';
import type { CaseDetail } from '../api/types';

type Source = Parameters<typeof CaseDocuments>[0]['c'];
const record = (kind: 'supervise' | 'circulate' | 'referral', recordNo: string) =>
  ({ kind, recordNo, department: 'scjgj', dueAt: null, text: '—', by: 'coord', at: '2026-11-26T10:00:00+08:00', report: null, reportedAt: null, reportedBy: null, overdue: false, result: null, resultAt: null }) as CaseDetail['supervisionRecords'][number];
const meeting = { heldAt: '2026-11-26T09:00:00+08:00', convenor: '赵组长', attendees: [], decision: '—', by: 'leader', at: '2026-11-26T10:00:00+08:00' };

function open(c: Source) {
  render(
    <App>
      <CaseDocuments c={c} />
    </App>,
  );
  fireEvent.click(screen.getByTestId('case-documents'));
}

const links = () => screen.getAllByRole('link').map((a) => [a.textContent, a.getAttribute('href'), a.hasAttribute('download')]);

describe('the 文书 menu', () => {
  afterEach(cleanup);

  it('shows nothing when the case has no document', () => {
    render(<CaseDocuments c={{ id: 7, status: 'in_progress', rejection: null, supervisionRecords: [], meetings: [] }} />);
    expect(screen.queryByTestId('case-documents')).toBeNull();
  });

  it('lists only the documents of a closed case with records, each a download link', async () => {
    open({
      id: 7,
      status: 'closed',
      rejection: null,
      supervisionRecords: [record('supervise', '督办〔2026〕第1号'), record('circulate', '通报〔2026〕第2号'), record('supervise', '督办〔2026〕第3号')],
      meetings: [meeting],
    });
    await screen.findByText('结案归档表');
    expect(links()).toEqual([
      ['督办单（督办〔2026〕第1号）', `/api/v1/cases/7/documents/supervision.docx?no=${encodeURIComponent('督办〔2026〕第1号')}`, true],
      ['督办单（督办〔2026〕第3号）', `/api/v1/cases/7/documents/supervision.docx?no=${encodeURIComponent('督办〔2026〕第3号')}`, true],
      ['通报（通报〔2026〕第2号）', `/api/v1/cases/7/documents/circulation.docx?no=${encodeURIComponent('通报〔2026〕第2号')}`, true],
      ['会商纪要', '/api/v1/cases/7/documents/meeting-minutes.docx?no=1', true],
      ['结案归档表', '/api/v1/cases/7/documents/archive-sheet.docx', true],
    ]);
    expect(screen.queryByText('不予受理告知书')).toBeNull();
    expect(screen.queryByText(/问题线索移送函/)).toBeNull();
  });

  it('offers the 不予受理告知书 for a rejected case only', async () => {
    open({ id: 9, status: 'rejected', rejection: { reasonCategory: 'litigation', explanation: '已诉讼' }, supervisionRecords: [], meetings: [] });
    await screen.findByText('不予受理告知书');
    expect(links()).toEqual([['不予受理告知书', '/api/v1/cases/9/documents/rejection-notice.docx', true]]);
    expect(caseDocumentUrl(9, { kind: 'referral', no: '移送〔2026〕第1号' })).toBe(`/api/v1/cases/9/documents/referral.docx?no=${encodeURIComponent('移送〔2026〕第1号')}`);
  });
});
