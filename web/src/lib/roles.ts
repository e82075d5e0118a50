import type { Role } from '../../../core/domain';

/** Who may register cases (POST /cases). */
export const INTAKE_ROLES: readonly Role[] = ['clerk', 'coordinator'];
/** Who may read statistics (GET /stats/*). */
export const STATS_ROLES: readonly Role[] = ['coordinator', 'leader', 'supervisor', 'admin', 'handler'];
/** Who may import a ledger (POST /ledger/import). */
export const IMPORT_ROLES: readonly Role[] = ['coordinator', 'admin'];

export function canIntake(role: Role): boolean {
  return INTAKE_ROLES.includes(role);
}
