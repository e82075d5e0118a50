/**
 * 优化提升: what keeps failing (matters, departments × problem types, the same reporter back on the
 * same matter), the catalogue of 一件事一次办 packages made from completed 不好办 (complex) cases,
 * and the library of typical cases (good practice and negative) with draft / published status.
 * Routes validate, call the services / repositories of this folder, present.
 */
import { can } from '../../core/permissions.js';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { LIMITS, ZDepartmentCode, ZStatsQuery } from '../../core/api/schemas.js';
import type { AppContext } from '../context.js';
import { parseWith, route } from '../http.js';
import { ZRecurring, ZServicePackage, ZServicePackageList, ZTypicalCase, ZTypicalCaseList, errorResponse } from '../../core/api/responses.js';
import { validation } from '../errors.js';
import { parseCaseId } from '../cases/case.repository.js';
import { findRecurring } from './recurring.repository.js';
import { listPackages } from './package.repository.js';
import { changePackage, createPackage, packageOr404, withSources, type PackageWithSources } from './package.service.js';
import { listTypicalCases, type TypicalCaseRecord } from './typical-case.repository.js';
import { createTypicalCase, publishTypical } from './typical-case.service.js';

const text = (label: string, max: number) => z.string({ error: `${label}必须是文字` }).trim().min(1, { error: `请填写${label}` }).max(max, { error: `${label}不能超过 ${max} 个字` });

const ZPackage = z.object({
  name: text('套餐名称', LIMITS.name),
  departments: z.array(ZDepartmentCode).min(1, { error: '请至少选择一个部门' }).max(30),
  materialsBefore: text('优化前材料', LIMITS.text),
  materialsAfter: text('优化后材料', LIMITS.text),
  stepsBefore: text('优化前流程', LIMITS.text),
  stepsAfter: text('优化后流程', LIMITS.text),
  sourceCaseIds: z.array(z.number().int().positive()).min(1, { error: '请至少关联一件来源反映件' }).max(50),
  status: z.enum(['draft', 'published'], { error: '状态应为 draft 或 published' }).optional().default('draft'),
});

const ZTypical = z.object({
  caseId: z.number({ error: '请指定反映件' }).int().positive(),
  kind: z.enum(['good', 'negative'], { error: '类型应为 good（好的做法）或 negative（反面典型）' }),
  title: text('标题', 100),
  summary: text('案例摘要', LIMITS.text),
});

const presentPackage = (p: PackageWithSources) => ({
  id: p.id,
  name: p.name,
  departments: p.departments,
  materialsBefore: p.materialsBefore,
  materialsAfter: p.materialsAfter,
  stepsBefore: p.stepsBefore,
  stepsAfter: p.stepsAfter,
  sourceCaseIds: p.sourceCaseIds,
  status: p.status,
  createdBy: p.createdBy,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
  sources: p.sources,
});

// kind and status are written only through ZTypical and the publish command.
const presentTypical = (t: TypicalCaseRecord) => ({
  id: t.id,
  caseId: t.caseId,
  caseNo: t.caseNo,
  kind: t.kind as 'good' | 'negative',
  title: t.title,
  summary: t.summary,
  status: t.status as 'draft' | 'published',
  createdBy: t.createdBy,
  createdAt: t.createdAt,
  publishedBy: t.publishedBy,
  publishedAt: t.publishedAt,
});

export function registerOptimizationRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(
    app,
    { method: 'GET', url: '/optimization/recurring', summary: '反复出现的问题：事项、部门×问题类型、同一反映人同一事项再次反映', tag: '优化提升', auth: 'readRecurring', query: ZStatsQuery.omit({ department: true }), response: ZRecurring },
    async (_r, _p, { query }) => {
      if (query.from > query.to) throw validation([{ field: 'from', message: '开始日期不能晚于结束日期' }]);
      return { from: query.from, to: query.to, ...(await findRecurring(ctx.db, query.from, query.to)) };
    },
  );

  // 一件事一次办 packages
  route(app, { method: 'GET', url: '/packages', summary: '“一件事一次办”套餐目录', tag: '优化提升', auth: 'readCatalogue', response: ZServicePackageList }, async (_r, _p, { actor }) => {
    const packages = await listPackages(ctx.db, { withDrafts: can(actor.role, 'readDrafts') });
    return { items: (await withSources(ctx.db, packages)).map(presentPackage) };
  });

  route(app, { method: 'POST', url: '/packages', summary: '由已办结的“不好办”反映件新建“一件事一次办”套餐（县行管办）', tag: '优化提升', auth: 'editPackages', body: ZPackage, responses: { 201: '已新建' }, response: ZServicePackage }, async (_r, reply, { body, actor }) => {
    const p = await createPackage(ctx, body, actor);
    void reply.status(201);
    return presentPackage(p);
  });

  route(app, { method: 'PATCH', url: '/packages/:id', summary: '修改或发布套餐（县行管办）', tag: '优化提升', auth: 'editPackages', bodyDoc: ZPackage.partial(), response: ZServicePackage }, async (req, _p, { actor }) => {
    const existing = await packageOr404(ctx, parseCaseId((req.params as { id: string }).id));
    const body = parseWith(ZPackage.partial(), req.body);
    return presentPackage(await changePackage(ctx, existing, body, actor));
  });

  // Typical cases
  route(app, { method: 'GET', url: '/typical-cases', summary: '典型案例库（好的做法与反面典型）；草稿仅县行管办、组长、纪委监委可见；caseId= 只看某件反映件的', tag: '优化提升', auth: 'readCatalogue', query: z.object({ caseId: z.string().regex(/^[1-9]\d{0,9}$/, { error: 'caseId 应为正整数' }).optional() }), response: ZTypicalCaseList }, async (_r, _p, { actor, query }) => {
    const items = await listTypicalCases(ctx.db, { caseId: query.caseId ? Number(query.caseId) : undefined, withDrafts: can(actor.role, 'readDrafts') });
    return { items: items.map(presentTypical) };
  });

  route(app, { method: 'POST', url: '/typical-cases', summary: '新建典型案例草稿（县行管办、县纪委监委）', tag: '优化提升', auth: 'editTypicalCases', body: ZTypical, responses: { 201: '已新建' }, response: ZTypicalCase }, async (_r, reply, { body, actor }) => {
    const t = await createTypicalCase(ctx, body, actor);
    void reply.status(201);
    return presentTypical(t);
  });

  route(app, { method: 'POST', url: '/typical-cases/:id/publish', summary: '发布典型案例（县行管办、县纪委监委）', tag: '优化提升', auth: 'editTypicalCases', response: { 200: ZTypicalCase, 409: errorResponse('INVALID_TRANSITION') } }, async (req, _p, { actor }) => {
    return presentTypical(await publishTypical(ctx, parseCaseId((req.params as { id: string }).id), actor));
  });
}
