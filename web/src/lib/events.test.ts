import { describe, expect, it } from 'vitest';
import { eventColor, eventLines, eventTitle } from './events';
import type { TimelineEntry } from '../api/types';

const entry = (type: string, data: Record<string, unknown> = {}): TimelineEntry => ({
  type,
  at: '2026-11-26T10:00:00+08:00',
  by: 'system',
  byName: '系统',
  byRole: 'coordinator',
  data,
});

describe('timeline events in words', () => {
  it('names the events of issues 4–6', () => {
    expect(
      ['import', 'due_soon', 'overdue', 'measure_due_soon', 'measure_overdue', 'deadline_recomputed', 'request-extension', 'approve-extension', 'deny-extension', 'supervise', 'circulate', 'refer-discipline'].map(eventTitle),
    ).toEqual(['台账导入', '即将到期', '已超期', '容缺承诺即将到期', '容缺承诺逾期', '时限重新计算', '申请延期', '批准延期', '不予延期', '督办', '通报', '线索移送']);
    expect(eventTitle('something_new')).toBe('something_new');
  });

  it('describes their data', () => {
    expect(eventLines(entry('measure_overdue', { measureType: 'tolerance_acceptance', dueAt: '2026-11-27T15:59:59Z', note: '补交场所证明' }), (c) => c)).toEqual([
      '措施：容缺受理',
      '承诺补交期限：2026-11-27 23:59',
      '措施说明：补交场所证明',
    ]);
    expect(eventLines(entry('import', { fileName: '台账.xlsx', sheet: '台账', row: 4, status: 'closed', history: { receivedAt: '2025-03-03T09:00:00+08:00' } }), (c) => c)).toEqual([
      '导入文件：台账.xlsx（台账，第 4 行）',
      '原台账受理：2025-03-03 09:00',
      '导入时状态：已归档',
    ]);
    expect(eventLines(entry('deadline_recomputed', { year: 2027, from: '2027-01-04T23:59:59+08:00', to: '2027-01-05T23:59:59+08:00', provisional: false }), (c) => c)).toEqual([
      '2027 年节假日安排已录入',
      '原时限：2027-01-04 23:59',
      '新时限：2027-01-05 23:59',
    ]);
    expect(eventLines(entry('overdue', { dueAt: '2026-11-25T23:59:59+08:00' }), (c) => c)).toEqual(['办理时限：2026-11-25 23:59']);
  });

  it('colours missed deadlines red and coming ones orange', () => {
    expect(eventColor(entry('overdue'))).toBe('red');
    expect(eventColor(entry('measure_overdue'))).toBe('red');
    expect(eventColor(entry('due_soon'))).toBe('orange');
    expect(eventColor(entry('deadline_recomputed'))).toBe('gray');
    expect(eventColor(entry('complete'))).toBe('green');
    expect(eventColor(entry('callback', { badReview: true }))).toBe('red');
  });
});
