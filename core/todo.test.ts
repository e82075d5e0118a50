/** The 工作台's to-do kinds, derived from the transition table (core/todo.ts). */
import { describe, expect, it } from 'vitest';
import { filterQueryString, todoKindsFor } from './todo.js';
import { ACTION_RULES } from './case-lifecycle.js';
import { ROLES } from './domain.js';

const kinds = (role: Parameters<typeof todoKindsFor>[0], dept: string | null = null) =>
  todoKindsFor(role, dept).map((k) => [k.kind, k.label, k.filters]);

describe('the to-do of each role', () => {
  it('gives the coordinator triage, dispatch, callback, verification, extension requests and contests', () => {
    expect(kinds('coordinator')).toEqual([
      ['to_triage', '待受理', { status: ['received'] }],
      ['to_dispatch', '待交办', { status: ['accepted'] }],
      ['to_callback', '待回访', { status: ['completed'] }],
      ['to_verify', '差评待核查', { status: ['verifying'] }],
      ['extension_requests', '延期待审批', { pendingExtension: true, level: [1, 2] }],
      ['contests', '派单异议待处理', { pendingContest: true }],
    ]);
  });
  it('gives a handler what its department leads, and what it helps with', () => {
    expect(kinds('handler', 'scjgj')).toEqual([
      ['to_sign', '待签收', { status: ['assigned'], lead: 'scjgj' }],
      ['to_complete', '办理中待办结', { status: ['in_progress'], lead: 'scjgj' }],
      ['supervision_reports', '督办待报告', { pendingSupervision: true, lead: 'scjgj' }],
      ['co_handling', '协办中', { status: ['assigned', 'in_progress', 'escalating'], department: 'scjgj' }],
    ]);
  });
  it('gives the leader escalations, the supervisor verifications, the clerk what it registered, the admin nothing', () => {
    expect(kinds('leader')).toEqual([
      ['escalations', '提级待审批', { status: ['escalating'] }],
      // 延期 of level-3 cases is the leader's to decide
      ['extension_requests', '延期待审批', { pendingExtension: true, level: [3] }],
    ]);
    expect(kinds('supervisor')).toEqual([['to_verify', '差评待核查', { status: ['verifying'] }]]);
    expect(kinds('clerk')).toEqual([['to_triage', '已登记待受理', { status: ['received'] }]]);
    expect(kinds('admin')).toEqual([]);
  });
  it('follows the table: a role given a new move in a state gets that state as a to-do', () => {
    const rule = ACTION_RULES.callback;
    const roles = rule.roles;
    try {
      (rule as { roles: readonly string[] }).roles = [...roles, 'supervisor'];
      expect(todoKindsFor('supervisor', null).map((k) => k.kind)).toEqual(['to_callback', 'to_verify']);
    } finally {
      (rule as { roles: readonly string[] }).roles = roles;
    }
    expect(todoKindsFor('supervisor', null).map((k) => k.kind)).toEqual(['to_verify']);
  });
  it('lists no role twice in a kind and labels every kind', () => {
    for (const role of ROLES) for (const k of todoKindsFor(role, 'x')) expect(k.label).toMatch(/\p{Script=Han}/u);
  });
});

describe('filterQueryString', () => {
  it('names a list as GET /cases reads it: arrays comma-joined, empty and false left out', () => {
    expect(filterQueryString({ status: ['received', 'accepted'], lead: '', overdue: false, pendingExtension: true, level: [1, 2], department: undefined })).toBe(
      'status=received%2Caccepted&pendingExtension=true&level=1%2C2',
    );
    expect(filterQueryString({})).toBe('');
    expect(filterQueryString({ lead: 'scjgj', overdue: true })).toBe('lead=scjgj&overdue=true');
  });

  it("gives each role's to-do kinds a distinct, non-empty list", () => {
    for (const role of ROLES) {
      const qs = todoKindsFor(role, 'scjgj').map((k) => filterQueryString(k.filters));
      for (const q of qs) expect(q).not.toBe('');
      expect(new Set(qs).size).toBe(qs.length);
    }
  });
});
