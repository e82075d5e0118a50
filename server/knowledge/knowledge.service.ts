/**
 * 知识库 commands: create, change, open, link to a case, unlink. Each command checks the rules of
 * core/knowledge.ts (who writes, the status transitions), validates against the database (the
 * departments exist, the title is free) and writes in one transaction with its audit record (and,
 * for a link, the case's timeline event).
 */
import type { Actor } from '../../core/case-lifecycle.js';
import { canSeeKnowledge, canWriteKnowledge, knowledgeTransitionRefusal } from '../../core/knowledge.js';
import type { TKnowledgeInput } from '../../core/api/knowledge.js';
import type { AppContext } from '../context.js';
import { AppError, forbidden, notFound, validation } from '../errors.js';
import { appendAudit } from '../audit/audit.repository.js';
import { appendEvent, findKnownDepartments, findVisibleCase, parseCaseId } from '../cases/case.repository.js';
import { isUniqueViolation } from '../users/user.repository.js';
import {
  countOpening,
  deleteKnowledgeLink,
  findKnowledge,
  findKnowledgeIdByTitle,
  insertKnowledge,
  insertKnowledgeLink,
  listCaseKnowledge,
  updateKnowledge,
  type KnowledgeRecord,
} from './knowledge.repository.js';

const titleTaken = (title: string) => new AppError('CONFLICT', `标题“${title}”已存在，知识条目的标题不能重复`);

/** 403 unless the actor may write an entry of these departments (a handler: one of theirs). */
function assertWriter(actor: Actor, departments: readonly string[]): void {
  if (!canWriteKnowledge(actor, departments)) {
    throw forbidden(actor.role === 'handler' ? '承办部门只能编写本部门的知识条目（所属部门须包含本部门）' : '您的角色无权编写知识条目');
  }
}

async function assertDepartments(ctx: AppContext, departments: string[]): Promise<void> {
  const known = await findKnownDepartments(ctx.db, departments);
  const details = departments.filter((d) => !known.has(d)).map((d) => ({ field: 'departments', message: `部门代码“${d}”不存在` }));
  if (details.length) throw validation(details);
}

export async function createKnowledge(ctx: AppContext, input: TKnowledgeInput, actor: Actor): Promise<KnowledgeRecord> {
  assertWriter(actor, input.departments);
  await assertDepartments(ctx, input.departments);
  const refusal = knowledgeTransitionRefusal(null, input.status);
  if (refusal) throw new AppError('INVALID_TRANSITION', refusal);
  const at = ctx.clock.now().toISOString();
  const id = await ctx.db
    .transaction()
    .execute(async (trx) => {
      if (await findKnowledgeIdByTitle(trx, input.title)) throw titleTaken(input.title);
      const id = await insertKnowledge(trx, input, actor.username, at);
      await appendAudit(trx, { at, actor: actor.username, action: 'knowledge.create', entityType: 'knowledge', entityId: String(id), data: { title: input.title, status: input.status } });
      return id;
    })
    .catch((e: unknown) => {
      throw isUniqueViolation(e) ? titleTaken(input.title) : e;
    });
  return (await findKnowledge(ctx.db, id))!;
}

/** The entry the actor sees, or 404 (drafts and expired entries of others are not told apart from none). */
export async function visibleKnowledge(ctx: AppContext, rawId: string, actor: Actor): Promise<KnowledgeRecord> {
  const id = parseCaseId(rawId);
  const e = id ? await findKnowledge(ctx.db, id) : undefined;
  if (!e || !canSeeKnowledge(actor, e)) throw notFound();
  return e;
}

/** GET /knowledge/{id}: the entry, counted as opened once more. */
export async function openKnowledge(ctx: AppContext, rawId: string, actor: Actor): Promise<KnowledgeRecord> {
  const e = await visibleKnowledge(ctx, rawId, actor);
  await countOpening(ctx.db, e.id);
  return { ...e, openCount: e.openCount + 1 };
}

/**
 * PUT /knowledge/{id}: the whole entry replaced. The actor must write the entry as it is and as it
 * will be (a handler cannot give an entry away from their department); a change of status follows
 * the transition table (else 409); another entry's title → 409.
 */
export async function changeKnowledge(ctx: AppContext, rawId: string, input: TKnowledgeInput, actor: Actor): Promise<KnowledgeRecord> {
  const existing = await visibleKnowledge(ctx, rawId, actor);
  assertWriter(actor, existing.departments);
  assertWriter(actor, input.departments);
  await assertDepartments(ctx, input.departments);
  const refusal = knowledgeTransitionRefusal(existing.status, input.status);
  if (refusal) throw new AppError('INVALID_TRANSITION', refusal);
  const at = ctx.clock.now().toISOString();
  const reviewChanged = existing.reviewDueAt !== input.reviewDueAt;
  await ctx.db
    .transaction()
    .execute(async (trx) => {
      const other = await findKnowledgeIdByTitle(trx, input.title);
      if (other !== undefined && other !== existing.id) throw titleTaken(input.title);
      await updateKnowledge(trx, existing.id, input, reviewChanged, actor.username, at);
      const changed = (Object.keys(input) as Array<keyof TKnowledgeInput>).filter((k) => JSON.stringify(input[k]) !== JSON.stringify(existing[k]));
      await appendAudit(trx, {
        at,
        actor: actor.username,
        action: 'knowledge.update',
        entityType: 'knowledge',
        entityId: String(existing.id),
        data: { title: input.title, changed, ...(existing.status !== input.status ? { from: existing.status, to: input.status } : {}) },
      });
    })
    .catch((e: unknown) => {
      throw isUniqueViolation(e) ? titleTaken(input.title) : e;
    });
  return (await findKnowledge(ctx.db, existing.id))!;
}

/**
 * POST /cases/{id}/knowledge: whoever sees the case links a published entry to it (404 for a case
 * or an entry they do not see; 409 for an entry not published, or one linked already). Timeline
 * event 引用知识 and an audit record; the entry's linkCount grows by one.
 */
export async function linkKnowledge(ctx: AppContext, rawCaseId: string, knowledgeId: number, actor: Actor): Promise<Array<{ id: number; title: string }>> {
  const c = await findVisibleCase(ctx.db, parseCaseId(rawCaseId), actor);
  const e = await findKnowledge(ctx.db, knowledgeId);
  if (!e || !canSeeKnowledge(actor, e)) throw validation([{ field: 'knowledgeId', message: `知识条目 ${knowledgeId} 不存在` }]);
  if (e.status !== 'published') throw new AppError('INVALID_TRANSITION', `知识条目“${e.title}”未发布，不能引用`);
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await insertKnowledgeLink(trx, c.id, e.id, actor.username, at))) throw new AppError('CONFLICT', `反映件已引用知识条目“${e.title}”`);
    await appendEvent(trx, c.id, { type: 'knowledge_linked', at, by: actor, data: { knowledgeId: e.id, title: e.title } });
    await appendAudit(trx, { at, actor: actor.username, action: 'case.knowledge_linked', entityType: 'case', entityId: String(c.id), data: { caseNo: c.caseNo, knowledgeId: e.id, title: e.title } });
  });
  return listCaseKnowledge(ctx.db, c.id);
}

/** DELETE /cases/{id}/knowledge/{knowledgeId}: the link removed (404 when there is none). */
export async function unlinkKnowledge(ctx: AppContext, rawCaseId: string, rawKnowledgeId: string, actor: Actor): Promise<void> {
  const c = await findVisibleCase(ctx.db, parseCaseId(rawCaseId), actor);
  const knowledgeId = parseCaseId(rawKnowledgeId);
  if (!knowledgeId) throw notFound();
  const e = await findKnowledge(ctx.db, knowledgeId);
  if (!e) throw notFound();
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await deleteKnowledgeLink(trx, c.id, knowledgeId))) throw notFound();
    await appendEvent(trx, c.id, { type: 'knowledge_unlinked', at, by: actor, data: { knowledgeId, title: e.title } });
    await appendAudit(trx, { at, actor: actor.username, action: 'case.knowledge_unlinked', entityType: 'case', entityId: String(c.id), data: { caseNo: c.caseNo, knowledgeId, title: e.title } });
  });
}
