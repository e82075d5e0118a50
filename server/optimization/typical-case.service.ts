/**
 * Typical-case commands: a draft made from a case past 已登记 (core/catalogue.ts), and its
 * publication. Each is one transaction with its audit record.
 */
import { canBeTypicalCaseSource } from '../../core/catalogue.js';
import type { Actor } from '../../core/case-lifecycle.js';
import type { AppContext } from '../context.js';
import { AppError, notFound, validation } from '../errors.js';
import { appendAudit } from '../audit/audit.repository.js';
import { findVisibleCase } from '../cases/case.repository.js';
import { findTypicalCase, insertTypicalCase, publishTypicalCase, type TypicalCaseRecord } from './typical-case.repository.js';

export interface TypicalCaseInput {
  caseId: number;
  kind: 'good' | 'negative';
  title: string;
  summary: string;
}

/**
 * Makes a draft typical case. A case the actor cannot see, or still 已登记 (not yet accepted or
 * rejected), → 400 VALIDATION on `caseId`, nothing written.
 */
export async function createTypicalCase(ctx: AppContext, input: TypicalCaseInput, actor: Actor): Promise<TypicalCaseRecord> {
  const c = await findVisibleCase(ctx.db, input.caseId, actor).catch(() => {
    throw validation([{ field: 'caseId', message: '反映件不存在' }]);
  });
  if (!canBeTypicalCaseSource(c)) {
    throw validation([{ field: 'caseId', message: `反映件 ${c.caseNo} 尚在“已登记”状态，受理（或不予受理）后才能作为典型案例` }]);
  }
  const at = ctx.clock.now().toISOString();
  const id = await ctx.db.transaction().execute(async (trx) => {
    const id = await insertTypicalCase(trx, input, actor.username, at);
    await appendAudit(trx, { at, actor: actor.username, action: 'typical_case.create', entityType: 'typical_case', entityId: String(id), data: { caseId: input.caseId, kind: input.kind, title: input.title } });
    return id;
  });
  return (await findTypicalCase(ctx.db, id))!;
}

/** Publishes a draft: unknown → 404, already published → 409 INVALID_TRANSITION. */
export async function publishTypical(ctx: AppContext, id: number | null, actor: Pick<Actor, 'username'>): Promise<TypicalCaseRecord> {
  const existing = id ? await findTypicalCase(ctx.db, id) : undefined;
  if (!existing) throw notFound();
  if (existing.status === 'published') throw new AppError('INVALID_TRANSITION', '该典型案例已发布');
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await publishTypicalCase(trx, existing.id, actor.username, at);
    await appendAudit(trx, { at, actor: actor.username, action: 'typical_case.publish', entityType: 'typical_case', entityId: String(existing.id), data: {} });
  });
  return (await findTypicalCase(ctx.db, existing.id))!;
}
