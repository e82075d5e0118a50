/**
 * 知识库 routes: the list and search, an entry (opened: counted), writing (core/knowledge.ts decides
 * who and which status change), and a case's links to entries. Thin: validate → service → present.
 */
import type { FastifyInstance } from 'fastify';
import type { Actor } from '../../core/case-lifecycle.js';
import { canWriteKnowledge, isReviewOverdue } from '../../core/knowledge.js';
import { formatShanghai } from '../../core/working-days.js';
import { ZCaseKnowledgeList, ZKnowledge, ZKnowledgeInput, ZKnowledgeLinkInput, ZKnowledgePage, ZKnowledgeQuery, ZKnowledgeSearch, ZKnowledgeSearchQuery } from '../../core/api/knowledge.js';
import { errorResponse } from '../../core/api/responses.js';
import type { AppContext } from '../context.js';
import { parseWith, route } from '../http.js';
import { listKnowledge, type KnowledgeRecord } from './knowledge.repository.js';
import { changeKnowledge, createKnowledge, linkKnowledge, openKnowledge, unlinkKnowledge, visibleKnowledge } from './knowledge.service.js';
import { searchKnowledgeBase } from './knowledge.search.js';
import { findVisibleCase, parseCaseId } from '../cases/case.repository.js';
import { filesOfEntries, listCaseKnowledge, type KnowledgeFileRow } from './knowledge.repository.js';
import { presentKnowledgeFile, registerKnowledgeFileRoutes } from './knowledge-files.js';

const at = (iso: string) => formatShanghai(new Date(iso));

export function presentKnowledge(e: KnowledgeRecord, actor: Actor, now: Date, files: KnowledgeFileRow[]) {
  return {
    id: e.id,
    source: 'knowledge' as const,
    title: e.title,
    category: e.category,
    kind: e.kind,
    body: e.body,
    issuer: e.issuer,
    keywords: e.keywords,
    departments: e.departments,
    matterCodes: e.matterCodes,
    status: e.status,
    reviewDueAt: e.reviewDueAt ? at(e.reviewDueAt) : null,
    reviewOverdue: isReviewOverdue(e, now),
    openCount: e.openCount,
    linkCount: e.linkCount,
    canEdit: canWriteKnowledge(actor, e.departments),
    files: files.map(presentKnowledgeFile),
    createdBy: e.createdBy,
    createdAt: at(e.createdAt),
    updatedBy: e.updatedBy,
    updatedAt: at(e.updatedAt),
  };
}

const WHO =
  '县行管办、系统管理员编写全部条目；承办部门编写所属部门包含本部门的条目；各角色都能查看已发布的条目，草稿和已失效的条目只有能编写它的人看得到（其他人 404）。' +
  '状态：draft → published → expired → published（复核后重新发布），其他改变 → 409。';

export function registerKnowledgeRoutes(app: FastifyInstance, ctx: AppContext): void {
  /** Entries as answered, each with its files (one query for all). */
  const present = async (entries: KnowledgeRecord[], actor: Actor) => {
    const files = await filesOfEntries(ctx.db, entries.map((e) => e.id));
    const now = ctx.clock.now();
    return entries.map((e) => presentKnowledge(e, actor, now, files.get(e.id) ?? []));
  };
  const one = async (e: KnowledgeRecord, actor: Actor) => (await present([e], actor))[0]!;
  registerKnowledgeFileRoutes(app, ctx);

  route(
    app,
    {
      method: 'GET',
      url: '/knowledge',
      summary: '知识库列表：q= 中文词语（每个词都须出现在标题、关键字或内容中），可按状态、类目、材料性质、部门筛选；最新的在前',
      description: WHO,
      tag: '知识库',
      auth: 'readKnowledge',
      query: ZKnowledgeQuery,
      response: ZKnowledgePage,
    },
    async (_req, _reply, { query, actor }) => {
      const { limit, cursor, ...filter } = query;
      const page = await listKnowledge(ctx.db, filter, { limit, cursor }, actor);
      return { items: await present(page.rows, actor), nextCursor: page.nextCursor === null ? null : String(page.nextCursor) };
    },
  );

  route(
    app,
    {
      method: 'GET',
      url: '/knowledge/search',
      summary: '知识检索：已发布的知识条目、“一件事一次办”套餐和典型案例一起查；q= 每个词都须出现，text= 一段描述（分词后任一词出现即可，最相关的在前）',
      tag: '知识库',
      auth: 'readKnowledge',
      query: ZKnowledgeSearchQuery,
      response: ZKnowledgeSearch,
    },
    async (_req, _reply, { query, actor }) => ({ items: await searchKnowledgeBase(ctx, query, actor), nextCursor: null }),
  );

  route(
    app,
    {
      method: 'POST',
      url: '/knowledge',
      summary: '新建知识条目（标题重复 → 409）',
      description: WHO,
      tag: '知识库',
      auth: 'writeKnowledge',
      body: ZKnowledgeInput,
      responses: { 201: '已新建' },
      response: { 201: ZKnowledge, 409: errorResponse('CONFLICT', 'INVALID_TRANSITION') },
    },
    async (_req, reply, { body, actor }) => {
      const e = await createKnowledge(ctx, body, actor);
      void reply.status(201);
      return one(e, actor);
    },
  );

  route(
    app,
    { method: 'GET', url: '/knowledge/:id', summary: '知识条目（每次打开计数一次）', description: WHO, tag: '知识库', auth: 'readKnowledge', response: ZKnowledge },
    async (req, _reply, { actor }) => one(await openKnowledge(ctx, (req.params as { id: string }).id, actor), actor),
  );

  route(
    app,
    {
      method: 'PUT',
      url: '/knowledge/:id',
      summary: '修改知识条目（整条替换；发布、失效、重新发布也在这里改 status）',
      description: WHO,
      tag: '知识库',
      auth: 'writeKnowledge',
      bodyDoc: ZKnowledgeInput,
      response: { 200: ZKnowledge, 409: errorResponse('CONFLICT', 'INVALID_TRANSITION') },
    },
    async (req, _reply, { actor }) => {
      const id = (req.params as { id: string }).id;
      await visibleKnowledge(ctx, id, actor); // 404 before 400
      const body = parseWith(ZKnowledgeInput, req.body);
      return one(await changeKnowledge(ctx, id, body, actor), actor);
    },
  );

  route(
    app,
    { method: 'GET', url: '/cases/:id/knowledge', summary: '反映件引用的知识条目', tag: '知识库', response: ZCaseKnowledgeList },
    async (req, _reply, { actor }) => {
      const c = await findVisibleCase(ctx.db, parseCaseId((req.params as { id: string }).id), actor);
      return { items: await listCaseKnowledge(ctx.db, c.id) };
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/cases/:id/knowledge',
      summary: '反映件引用知识条目（能查看该反映件的人；只能引用已发布的条目；已引用 → 409）',
      tag: '知识库',
      bodyDoc: ZKnowledgeLinkInput,
      responses: { 201: '已引用' },
      response: { 201: ZCaseKnowledgeList, 409: errorResponse('CONFLICT', 'INVALID_TRANSITION') },
    },
    async (req, reply, { actor }) => {
      const id = (req.params as { id: string }).id;
      await findVisibleCase(ctx.db, parseCaseId(id), actor); // 404 before 400
      const body = parseWith(ZKnowledgeLinkInput, req.body);
      const items = await linkKnowledge(ctx, id, body.knowledgeId, actor);
      void reply.status(201);
      return { items };
    },
  );

  route(
    app,
    { method: 'DELETE', url: '/cases/:id/knowledge/:knowledgeId', summary: '取消引用知识条目', tag: '知识库', response: ZCaseKnowledgeList },
    async (req, _reply, { actor }) => {
      const { id, knowledgeId } = req.params as { id: string; knowledgeId: string };
      await unlinkKnowledge(ctx, id, knowledgeId, actor);
      const c = await findVisibleCase(ctx.db, parseCaseId(id), actor);
      return { items: await listCaseKnowledge(ctx.db, c.id) };
    },
  );
}
