/** Who may do what outside the case actions (core/permissions.ts). */
import { describe, expect, it } from 'vitest';
import { can, PERMISSIONS, rolesWith, type Permission } from './permissions.js';
import { ROLES } from './domain.js';

describe('permissions', () => {
  it.each([
    ['intake', ['clerk', 'coordinator']],
    ['importLedger', ['coordinator', 'admin']],
    ['readStats', ['coordinator', 'leader', 'supervisor', 'admin', 'handler']],
    ['readAuditRecords', ['supervisor', 'admin']],
    ['readDrafts', ['coordinator', 'leader', 'supervisor', 'admin']],
    ['editPackages', ['coordinator']],
    ['editTypicalCases', ['coordinator', 'supervisor']],
    ['manageUsers', ['admin']],
    ['viewSupervisionRegister', ['coordinator', 'leader', 'supervisor']],
    ['readBriefing', ['coordinator', 'leader', 'supervisor']],
  ] as Array<[Permission, string[]]>)('grants %s to %j and to nobody else', (p, roles) => {
    expect(ROLES.filter((r) => can(r, p))).toEqual(ROLES.filter((r) => roles.includes(r)));
  });
  it('grants the public reporter nothing', () => {
    for (const p of Object.keys(PERMISSIONS) as Permission[]) expect(can('public', p)).toBe(false);
  });
  it('names only known roles', () => {
    for (const p of Object.keys(PERMISSIONS) as Permission[]) for (const r of rolesWith(p)) expect(ROLES).toContain(r);
  });
});
