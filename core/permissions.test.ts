/** Who may do what outside the case actions (core/permissions.ts). */
import { describe, expect, it } from 'vitest';
import { can, PERMISSIONS, rolesWith, settingPermission, type Permission } from './permissions.js';
import { ROLES } from './domain.js';

describe('permissions', () => {
  it.each([
    ['intake', ['clerk', 'coordinator']],
    ['importLedger', ['coordinator', 'admin']],
    ['readStats', ['coordinator', 'leader', 'supervisor', 'admin', 'handler']],
    ['readAuditRecords', ['supervisor', 'auditor']],
    ['verifyAudit', ['supervisor', 'admin', 'auditor']],
    ['manageCredentials', ['security_admin']],
    ['manageSecurityPolicy', ['security_admin']],
    ['readUsers', ['admin', 'security_admin']],
    ['workOnCases', ['clerk', 'coordinator', 'handler', 'leader', 'supervisor', 'admin']],
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
  it('三员分立: the auditor holds only the audit log, the security admin only credentials and policy, the admin never the audit records', () => {
    const held = (r: (typeof ROLES)[number]) => (Object.keys(PERMISSIONS) as Permission[]).filter((p) => can(r, p)).sort();
    expect(held('auditor')).toEqual(['readAuditRecords', 'signedIn', 'verifyAudit']);
    expect(held('security_admin')).toEqual(['changeSettings', 'manageCredentials', 'manageSecurityPolicy', 'readUsers', 'signedIn']);
    expect(can('admin', 'readAuditRecords')).toBe(false);
    expect(can('admin', 'manageCredentials')).toBe(false);
    expect(can('admin', 'manageSecurityPolicy')).toBe(false);
    expect(settingPermission('totpRequiredRoles')).toBe('manageSecurityPolicy');
    expect(settingPermission('passwordMaxAgeDays')).toBe('manageSecurityPolicy');
    expect(settingPermission('levelDays')).toBe('manageSettings');
  });
  it('names only known roles', () => {
    for (const p of Object.keys(PERMISSIONS) as Permission[]) for (const r of rolesWith(p)) expect(ROLES).toContain(r);
  });
});
