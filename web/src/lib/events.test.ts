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
      ['import', 'due_soon', 'overdue', 'measure_due_soon', 'measure_overdue', 'deadline_recomputed', 'request-extension', 'approve-extension', 'deny-extension', 'supervise', 'circulate', 'refer-discipline'].map((t) => eventTitle(t)),
    ).toEqual(['台账导入', '即将到期', '已超期', '措施即将到期', '措施逾期', '时限重新计算', '申请延期', '批准延期', '不予延期', '督办', '通报', '线索移送']);
    expect(eventTitle('something_new')).toBe('something_new');
    // A measure's reminder names a 容缺 promise as such.
    expect(eventTitle('measure_overdue', { measureType: 'tolerance_acceptance' })).toBe('容缺承诺逾期');
    expect(eventTitle('measure_due_soon', { measureType: 'tolerance_acceptance' })).toBe('容缺承诺即将到期');
    expect(eventTitle('measure_overdue', { measureType: 'proxy' })).toBe('措施逾期');
    expect(eventTitle('withdraw-measure', {})).toBe('撤回措施');
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

  it('describes the events of the loop as it really runs (issue 10)', () => {
    const names: Record<string, string> = { scjgj: '县市场监管局', rsj: '县人力社保局', zjw: '县住房城乡建委' };
    const dept = (c: string) => names[c] ?? c;
    expect(eventTitle('contest')).toBe('派单异议');
    expect(eventLines(entry('contest', { department: 'scjgj', reason: '属社保业务', suggestedDepartment: 'rsj' }), dept)).toEqual([
      '异议部门：县市场监管局',
      '异议理由：属社保业务',
      '建议改派至：县人力社保局',
    ]);
    expect(
      eventLines(
        entry('redispatch', {
          level: 2,
          leadDepartment: 'rsj',
          coDepartments: ['zjw'],
          reason: '采纳异议',
          from: { leadDepartment: 'scjgj', coDepartments: ['zjw'], level: 2 },
          workingDays: 5,
          dueAt: '2026-12-03T23:59:59+08:00',
          provisional: false,
          contest: 'upheld',
          contestDepartment: 'scjgj',
          assignmentNo: '〔2026〕第2号',
        }),
        dept,
      ),
    ).toEqual([
      '采纳县市场监管局的派单异议',
      '原牵头部门：县市场监管局（协办：县住房城乡建委）',
      '改派二级交办，牵头部门：县人力社保局',
      '协办部门：县住房城乡建委',
      '理由：采纳异议',
      '新办理时限：2026-12-03 23:59',
      '交办单：〔2026〕第2号',
    ]);
    expect(
      eventLines(
        entry('correct', {
          note: '登记时电话记错',
          fields: [
            { field: 'reporter.phone', before: '138****1234', after: '139****5678' },
            { field: 'channel', before: 'window', after: 'hotline' },
            { field: 'reason', before: null, after: '窗口称缺材料' },
          ],
        }),
        dept,
      ),
    ).toEqual(['联系电话：138****1234 → 139****5678', '反映渠道：窗口 → 热线', '办不成原因：（空） → 窗口称缺材料', '更正说明：登记时电话记错']);
    expect(eventLines(entry('callback-attempt', { outcome: 'busy', attempt: 2 }), dept)).toEqual(['第 2 次回访：忙线']);
    expect(eventLines(entry('close-unreachable', { note: '三次未接通', attempts: 3 }), dept)).toEqual([
      '回访 3 次均未接通，按无法回访办结（不计入满意度）',
      '说明：三次未接通',
    ]);
    expect(eventLines(entry('merge', { into: 7, intoCaseNo: '2026-000007' }), dept)).toEqual(['并入主件 2026-000007']);
    expect(eventLines(entry('fulfil-measure', { measureId: 3, note: '已补交场所证明' }), dept, (id) => (id === 3 ? '容缺受理' : null))).toEqual([
      '措施：容缺受理',
      '完成情况：已补交场所证明',
    ]);
    expect(eventLines(entry('withdraw-measure', { measureId: 3, reason: '误录' }), dept, (id) => (id === 3 ? '代办' : null))).toEqual(['措施：代办', '撤回理由：误录']);
    expect(eventLines(entry('reopen', { reason: '群众再次反映', from: 'closed', dueAt: '2026-12-10T15:59:59.000Z', leadDepartment: 'rsj' }), dept)).toEqual([
      '已归档的反映件重办，回到办理中',
      '牵头部门：县人力社保局',
      '新办理时限：2026-12-10 23:59',
      '理由：群众再次反映',
    ]);
  });
});
