/** How a record of the 督办台账 reads (core/supervision-register.ts). */
import { describe, expect, it } from 'vitest';
import { supervisionStateText } from './supervision-register.js';

describe('supervisionStateText', () => {
  it.each([
    [{ kind: 'supervise', reportedAt: null, overdue: false, result: null }, '待报告'],
    [{ kind: 'supervise', reportedAt: null, overdue: true, result: null }, '逾期未报告'],
    [{ kind: 'supervise', reportedAt: '2026-11-24T10:00:00+08:00', overdue: false, result: null }, '已报告'],
    [{ kind: 'supervise', reportedAt: '2026-11-26T10:00:00+08:00', overdue: true, result: null }, '已报告（逾期）'],
    [{ kind: 'referral', reportedAt: null, overdue: false, result: null }, '待反馈结果'],
    [{ kind: 'referral', reportedAt: null, overdue: false, result: '已立案' }, '已反馈结果'],
    [{ kind: 'circulate', reportedAt: null, overdue: false, result: null }, '已通报'],
  ] as const)('reads %j as %s', (r, text) => {
    expect(supervisionStateText(r)).toBe(text);
  });
});
