import type { Role } from '../../../core/domain';

/** Who may register cases (POST /cases). */
export const INTAKE_ROLES: readonly Role[] = ['clerk', 'coordinator'];
/** Who may read statistics (GET /stats/*). */
export const STATS_ROLES: readonly Role[] = ['coordinator', 'leader', 'supervisor', 'admin', 'handler'];
/** Who may import a ledger (POST /ledger/import). */
export const IMPORT_ROLES: readonly Role[] = ['coordinator', 'admin'];
/** 审计日志: the supervisors and the admin (server: GET /audit/records). */
export const AUDIT_ROLES: readonly Role[] = ['supervisor', 'admin'];
/** County-level readers: 部门考核 (GET /assessment) and 反复出现的问题 (GET /optimization/recurring). */
export const COUNTY_ROLES: readonly Role[] = ['coordinator', 'leader', 'supervisor', 'admin'];
export const ASSESSMENT_ROLES = COUNTY_ROLES;
export const RECURRING_ROLES = COUNTY_ROLES;
/** Who may create, edit and publish 一件事一次办 packages (POST/PATCH /packages). */
export const PACKAGE_EDITORS: readonly Role[] = ['coordinator'];
/** Who may draft and publish typical cases (POST /typical-cases, …/publish). */
export const TYPICAL_EDITORS: readonly Role[] = ['coordinator', 'supervisor'];

export function canIntake(role: Role): boolean {
  return INTAKE_ROLES.includes(role);
}
