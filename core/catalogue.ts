/**
 * Which cases may feed the 优化提升 catalogue: the 一件事一次办 packages and the typical-case
 * library. Pure predicates, asked by the server (which enforces them) and the web app (which
 * offers only the cases they accept).
 */
import type { CaseStatus, ProblemType } from './domain.js';

/**
 * Whether a case may be a source of a 一件事一次办 package: a 不好办 case of the kind “流程复杂、
 * 材料过多” (complex) whose result has been given at least once.
 */
export function canBePackageSource(c: { problemType: ProblemType | string | null; firstCompletedAt: string | null }): boolean {
  return c.problemType === 'complex' && !!c.firstCompletedAt;
}

/** Whether a typical case may be made from a case: any case past 已登记 (received). */
export function canBeTypicalCaseSource(c: { status: CaseStatus | string }): boolean {
  return c.status !== 'received';
}
