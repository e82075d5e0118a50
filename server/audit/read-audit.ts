/**
 * Reading personal data is audited (PIPL art. 51, 等保 2.0 安全审计): every answer that shows a
 * reporter's full name or phone appends a record of who read which case — or, for a list or an
 * export, which filter and how many rows. A call made with an API key is recorded under the key's
 * name (its actor's username).
 */
import type { Actor } from '../../core/case-lifecycle.js';
import { maskPhone } from '../../core/validation.js';
import type { AppContext } from '../context.js';
import { appendAuditAlone, type AuditEntry } from './audit.repository.js';

/** What answer showed the reporter: the case itself, a print page or document of it. */
export type CaseReadVia = 'case' | 'assignment_sheet' | 'receipt';

/** The record of one case's reporter shown to `actor`. */
export function caseReadEntry(at: string, actor: Pick<Actor, 'username'>, c: { id: number; caseNo: string }, via: CaseReadVia): AuditEntry {
  return { at, actor: actor.username, action: 'case.read', entityType: 'case', entityId: String(c.id), data: { caseNo: c.caseNo, via, rows: 1 } };
}

/** One case's reporter was shown to `actor`. */
export async function auditCaseRead(ctx: AppContext, actor: Pick<Actor, 'username'>, c: { id: number; caseNo: string }, via: CaseReadVia): Promise<void> {
  await appendAuditAlone(ctx.db, caseReadEntry(ctx.clock.now().toISOString(), actor, c, via));
}

/** The filter as recorded: empty values dropped, a searched phone masked, long text cut. */
export function recordedFilter(filter: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(filter)) {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    if (k === 'phone' && typeof v === 'string') out[k] = maskPhone(v);
    else if (typeof v === 'string') out[k] = v.slice(0, 200);
    else if (v instanceof Date) out[k] = v.toISOString();
    else out[k] = v;
  }
  return out;
}

/** A list or an export that showed reporters' names: which one, its filter and how many rows. */
export async function auditListRead(ctx: AppContext, actor: Pick<Actor, 'username'>, what: 'cases.read' | 'ledger.export', filter: Record<string, unknown>, rows: number): Promise<void> {
  await appendAuditAlone(ctx.db, { at: ctx.clock.now().toISOString(), actor: actor.username, action: what, entityType: 'cases', entityId: null, data: { filter: recordedFilter(filter), rows } });
}
