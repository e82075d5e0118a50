/**
 * The 督办 / 通报 / 移送 register (督办台账): the kinds of supervision record, the states the
 * register filters by, and how a record reads in words. Pure: no I/O.
 */

/** supervise 督办单 · circulate 通报 · referral 问题线索移送. */
export const SUPERVISION_KINDS = ['supervise', 'circulate', 'referral'] as const;
export type SupervisionKind = (typeof SUPERVISION_KINDS)[number];

export const SUPERVISION_KIND_LABELS: Record<SupervisionKind, string> = { supervise: '督办', circulate: '通报', referral: '线索移送' };

/**
 * The register's `status` filter.
 * - `awaiting_report` 待报告: a 督办 the lead department has not answered yet (overdue or not)
 * - `reported` 已报告: a 督办 answered
 * - `overdue` 逾期: a 督办 past its deadline without a report, or answered after it
 * - `result_recorded` 已反馈: a 线索移送 whose handling result 纪委 has recorded
 * - `awaiting_result` 待反馈: a 线索移送 without a result yet
 */
export const SUPERVISION_REGISTER_STATUSES = ['awaiting_report', 'reported', 'overdue', 'result_recorded', 'awaiting_result'] as const;
export type SupervisionRegisterStatus = (typeof SUPERVISION_REGISTER_STATUSES)[number];

export const SUPERVISION_REGISTER_STATUS_LABELS: Record<SupervisionRegisterStatus, string> = {
  awaiting_report: '督办待报告',
  reported: '督办已报告',
  overdue: '督办逾期',
  result_recorded: '移送已反馈结果',
  awaiting_result: '移送待反馈结果',
};

/** How one record stands, in words, for the register's table and its Excel. */
export function supervisionStateText(r: { kind: SupervisionKind; reportedAt: string | null; overdue: boolean; result: string | null }): string {
  if (r.kind === 'supervise') {
    if (r.reportedAt) return r.overdue ? '已报告（逾期）' : '已报告';
    return r.overdue ? '逾期未报告' : '待报告';
  }
  if (r.kind === 'referral') return r.result ? '已反馈结果' : '待反馈结果';
  return '已通报';
}
