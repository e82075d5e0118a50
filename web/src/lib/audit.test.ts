import { describe, expect, it } from 'vitest';
import { auditLines } from './audit';

const dept = (code: string) => ({ scjgj: '县市场监管局', rsj: '县人力社保局' })[code] ?? code;

describe('audit records in words', () => {
  it('tells a case action as the timeline does, with the change of state', () => {
    const lines = auditLines(
      {
        action: 'case.dispatch',
        data: {
          caseNo: '2026-000007',
          from: 'accepted',
          to: 'assigned',
          version: 3,
          fields: { level: 2, leadDepartment: 'scjgj', coDepartments: ['rsj'], dueAt: '2026-12-01T15:59:59.000Z', workingDays: 5, provisional: false },
        },
      },
      dept,
    );
    expect(lines[0]).toBe('状态：予以受理 → 已交办');
    expect(lines).toContain('二级交办');
    expect(lines).toContain('牵头部门：县市场监管局');
    expect(lines).toContain('协办部门：县人力社保局');
    expect(lines.join('；')).toContain('2026-12-01 23:59');
    expect(lines.join('；')).not.toMatch(/leadDepartment|dueAt|\{/);
  });

  it('tells intake with the matter and the masked phone, and the jobs’ marks with their deadline', () => {
    const intake = auditLines({ action: 'case.intake', data: { caseNo: '2026-000001', channel: 'hotline', matter: '社保转移', reporterPhone: '138****1234', departmentCodes: ['rsj'] } }, dept);
    expect(intake).toEqual(['渠道：热线', '涉及部门：县人力社保局', '事项：社保转移', '反映人电话：138****1234']);
    expect(auditLines({ action: 'case.overdue', data: { caseNo: '2026-000001', dueAt: '2026-11-24T15:59:59.000Z' } }, dept)).toEqual(['办理时限：2026-11-24 23:59']);
  });

  it('tells other records field by field, in words', () => {
    expect(auditLines({ action: 'user.add', data: { username: 'h_sw', role: 'handler', department: 'scjgj' } }, dept)).toEqual([
      '用户名：h_sw',
      '角色：承办部门',
      '部门：县市场监管局',
    ]);
    expect(auditLines({ action: 'login_failed', data: { reason: 'locked', ip: '10.0.0.8' } }, dept)).toEqual(['原因：账号已锁定', '登录地址：10.0.0.8']);
    expect(auditLines({ action: 'logout', data: {} }, dept)).toEqual([]);
    expect(auditLines({ action: 'settings.update', data: { levelDays: { 2: 6 }, hotlines: ['12345', '023-1234'] } }, dept)).toEqual([
      '办理时限（工作日）：二级交办：6',
      '热线号码：12345、023-1234',
    ]);
  });
});
