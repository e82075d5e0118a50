/**
 * 优化提升: what keeps failing (matters, departments × problem types, the same reporter back on the
 * same matter), the catalogue of 一件事一次办 packages made from completed 不好办 (complex) cases,
 * and the library of typical cases (good practice and negative) with draft / published status.
 */
import { can } from '../../core/permissions.js';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import { LIMITS, ZDepartmentCode, ZStatsQuery } from '../../core/api/schemas.js';
import type { AppContext } from '../context.js';
import { parseWith, route, uncheckedAnswer } from '../http.js';
import { ZRecurring, ZServicePackage, ZServicePackageList, ZTypicalCase, ZTypicalCaseList, errorResponse } from '../../core/api/responses.js';
import { AppError, notFound, validation } from '../errors.js';
import { appendAudit } from '../audit/audit.repository.js';
import { findKnownDepartments, findVisibleCase, parseCaseId } from '../cases/case.repository.js';


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

const presentPackage = (r: any) => ({
  id: r.id,
  name: r.name,
  departments: JSON.parse(r.departments),
  materialsBefore: r.materials_before,
  materialsAfter: r.materials_after,
  stepsBefore: r.steps_before,
  stepsAfter: r.steps_after,
  sourceCaseIds: JSON.parse(r.source_case_ids),
  status: r.status,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Adds `sources: [{id, caseNo, matter}]` to packages (one query for all of them). */
async function withSources(db: AppContext['db'], packages: ReturnType<typeof presentPackage>[]) {
  const ids = [...new Set(packages.flatMap((p) => p.sourceCaseIds as number[]))];
  const rows = ids.length ? await db.selectFrom('cases').select(['id', 'case_no', 'matter']).where('id', 'in', ids).execute() : [];
  const byId = new Map(rows.map((r) => [r.id, { id: r.id, caseNo: r.case_no, matter: r.matter }]));
  return packages.map((p) => ({ ...p, sources: (p.sourceCaseIds as number[]).map((id) => byId.get(id)).filter(Boolean) }));
}

const presentTypical = (r: any) => ({
  id: r.id,
  caseId: r.case_id,
  caseNo: r.case_no,
  kind: r.kind,
  title: r.title,
  summary: r.summary,
  status: r.status,
  createdBy: r.created_by,
  createdAt: r.created_at,
  publishedBy: r.published_by,
  publishedAt: r.published_at,
});

export function registerOptimizationRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(
    app,
    { method: 'GET', url: '/optimization/recurring', summary: '反复出现的问题：事项、部门×问题类型、同一反映人同一事项再次反映', tag: '优化提升', auth: 'readRecurring', query: ZStatsQuery.omit({ department: true }), response: uncheckedAnswer(ZRecurring) },
    async (_r, _p, { query }) => {
      if (query.from > query.to) throw validation([{ field: 'from', message: '开始日期不能晚于结束日期' }]);
      const inPeriod = ctx.db.selectFrom('cases').where('received_date', '>=', query.from).where('received_date', '<=', query.to);
      const [matters, deptTypes, repeats] = await Promise.all([
        inPeriod
          .select(['matter', sql<number>`count(*)`.as('n'), sql<number>`count(distinct lead_department)`.as('departments')])
          .groupBy('matter')
          .having(sql`count(*)`, '>=', 2)
          .orderBy(sql`count(*)`, 'desc')
          .orderBy('matter')
          .limit(20)
          .execute(),
        inPeriod
          .where('lead_department', 'is not', null)
          .where('problem_type', 'is not', null)
          .select(['lead_department', 'problem_type', sql<number>`count(*)`.as('n')])
          .groupBy(['lead_department', 'problem_type'])
          .having(sql`count(*)`, '>=', 2)
          .orderBy(sql`count(*)`, 'desc')
          .limit(30)
          .execute(),
        inPeriod
          // The same phone is the same blind index (the phone itself is sealed at rest).
          .where('reporter_phone_index', 'is not', null)
          .select([
            sql<string>`max(reporter_phone_masked)`.as('phone_masked'),
            'matter',
            sql<number>`count(*)`.as('n'),
            sql<string>`min(case_no)`.as('first_no'),
            sql<string>`max(case_no)`.as('last_no'),
          ])
          .groupBy(['reporter_phone_index', 'matter'])
          .having(sql`count(*)`, '>=', 2)
          .orderBy(sql`count(*)`, 'desc')
          .limit(30)
          .execute(),
      ]);
      return {
        from: query.from,
        to: query.to,
        matters: matters.map((m) => ({ matter: m.matter, count: Number(m.n), departments: Number(m.departments) })),
        departmentProblemTypes: deptTypes.map((d) => ({ department: d.lead_department, problemType: d.problem_type, count: Number(d.n) })),
        repeatReporters: repeats.map((r) => ({ phone: r.phone_masked, matter: r.matter, count: Number(r.n), firstCaseNo: r.first_no, lastCaseNo: r.last_no })),
      };
    },
  );

  // 一件事一次办 packages
  route(app, { method: 'GET', url: '/packages', summary: '“一件事一次办”套餐目录', tag: '优化提升', auth: 'readCatalogue', response: uncheckedAnswer(ZServicePackageList) }, async (_r, _p, { actor }) => {
    let q = ctx.db.selectFrom('service_packages').selectAll().orderBy('id', 'desc');
    if (!can(actor.role, 'readDrafts')) q = q.where('status', '=', 'published');
    return { items: await withSources(ctx.db, (await q.execute()).map(presentPackage)) };
  });

  const validatePackage = async (body: z.infer<typeof ZPackage>) => {
    const known = await findKnownDepartments(ctx.db, body.departments);
    const details = body.departments.filter((d) => !known.has(d)).map((d) => ({ field: 'departments', message: `部门代码“${d}”不存在` }));
    const cases = await ctx.db.selectFrom('cases').select(['id', 'problem_type', 'first_completed_at']).where('id', 'in', body.sourceCaseIds).execute();
    for (const id of body.sourceCaseIds) {
      const c = cases.find((x) => x.id === id);
      if (!c) details.push({ field: 'sourceCaseIds', message: `反映件 ${id} 不存在` });
      else if (c.problem_type !== 'complex' || !c.first_completed_at)
        details.push({ field: 'sourceCaseIds', message: `反映件 ${id} 不是已办结的“流程复杂、材料过多”类问题` });
    }
    if (details.length) throw validation(details);
  };

  route(app, { method: 'POST', url: '/packages', summary: '由已办结的“不好办”反映件新建“一件事一次办”套餐（县行管办）', tag: '优化提升', auth: 'editPackages', body: ZPackage, responses: { 201: '已新建' }, response: uncheckedAnswer(ZServicePackage) }, async (_r, reply, { body, actor }) => {
    await validatePackage(body);
    const at = ctx.clock.now().toISOString();
    const id = await ctx.db.transaction().execute(async (trx) => {
      const r = await trx
        .insertInto('service_packages')
        .values({
          name: body.name,
          departments: JSON.stringify(body.departments),
          materials_before: body.materialsBefore,
          materials_after: body.materialsAfter,
          steps_before: body.stepsBefore,
          steps_after: body.stepsAfter,
          source_case_ids: JSON.stringify(body.sourceCaseIds),
          status: body.status,
          created_by: actor.username,
          created_at: at,
          updated_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await appendAudit(trx, { at, actor: actor.username, action: 'package.create', entityType: 'package', entityId: String(r.id), data: { name: body.name, sourceCaseIds: body.sourceCaseIds } });
      return r.id;
    });
    void reply.status(201);
    return (await withSources(ctx.db, [presentPackage(await ctx.db.selectFrom('service_packages').selectAll().where('id', '=', id).executeTakeFirstOrThrow())]))[0];
  });

  route(app, { method: 'PATCH', url: '/packages/:id', summary: '修改或发布套餐（县行管办）', tag: '优化提升', auth: 'editPackages', bodyDoc: ZPackage.partial(), response: uncheckedAnswer(ZServicePackage) }, async (req, _p, { actor }) => {
    const id = parseCaseId((req.params as { id: string }).id);
    const existing = id ? await ctx.db.selectFrom('service_packages').selectAll().where('id', '=', id).executeTakeFirst() : undefined;
    if (!existing) throw notFound();
    const body = parseWith(ZPackage.partial(), req.body);
    const merged = { ...presentPackage(existing), ...Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) } as z.infer<typeof ZPackage>;
    await validatePackage(merged);
    const at = ctx.clock.now().toISOString();
    await ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('service_packages')
        .set({
          name: merged.name,
          departments: JSON.stringify(merged.departments),
          materials_before: merged.materialsBefore,
          materials_after: merged.materialsAfter,
          steps_before: merged.stepsBefore,
          steps_after: merged.stepsAfter,
          source_case_ids: JSON.stringify(merged.sourceCaseIds),
          status: merged.status,
          updated_at: at,
        })
        .where('id', '=', id!)
        .execute();
      await appendAudit(trx, { at, actor: actor.username, action: 'package.update', entityType: 'package', entityId: String(id), data: body as Record<string, unknown> });
    });
    return (await withSources(ctx.db, [presentPackage(await ctx.db.selectFrom('service_packages').selectAll().where('id', '=', id!).executeTakeFirstOrThrow())]))[0];
  });

  // Typical cases
  const typicalQuery = () =>
    ctx.db.selectFrom('typical_cases').innerJoin('cases', 'cases.id', 'typical_cases.case_id').selectAll('typical_cases').select('cases.case_no');

  route(app, { method: 'GET', url: '/typical-cases', summary: '典型案例库（好的做法与反面典型）；草稿仅县行管办、组长、纪委监委可见；caseId= 只看某件反映件的', tag: '优化提升', auth: 'readCatalogue', query: z.object({ caseId: z.string().regex(/^[1-9]\d{0,9}$/, { error: 'caseId 应为正整数' }).optional() }), response: ZTypicalCaseList }, async (_r, _p, { actor, query }) => {
    let q = typicalQuery().orderBy('typical_cases.id', 'desc');
    if (query.caseId) q = q.where('typical_cases.case_id', '=', Number(query.caseId));
    if (!can(actor.role, 'readDrafts')) q = q.where('typical_cases.status', '=', 'published');
    return { items: (await q.execute()).map(presentTypical) };
  });

  route(app, { method: 'POST', url: '/typical-cases', summary: '新建典型案例草稿（县行管办、县纪委监委）', tag: '优化提升', auth: 'editTypicalCases', body: ZTypical, responses: { 201: '已新建' }, response: ZTypicalCase }, async (_r, reply, { body, actor }) => {
    await findVisibleCase(ctx.db, body.caseId, actor).catch(() => {
      throw validation([{ field: 'caseId', message: '反映件不存在' }]);
    });
    const at = ctx.clock.now().toISOString();
    const id = await ctx.db.transaction().execute(async (trx) => {
      const r = await trx
        .insertInto('typical_cases')
        .values({ case_id: body.caseId, kind: body.kind, title: body.title, summary: body.summary, status: 'draft', created_by: actor.username, created_at: at })
        .returning('id')
        .executeTakeFirstOrThrow();
      await appendAudit(trx, { at, actor: actor.username, action: 'typical_case.create', entityType: 'typical_case', entityId: String(r.id), data: { caseId: body.caseId, kind: body.kind, title: body.title } });
      return r.id;
    });
    void reply.status(201);
    return presentTypical(await typicalQuery().where('typical_cases.id', '=', id).executeTakeFirstOrThrow());
  });

  route(app, { method: 'POST', url: '/typical-cases/:id/publish', summary: '发布典型案例（县行管办、县纪委监委）', tag: '优化提升', auth: 'editTypicalCases', response: { 200: ZTypicalCase, 409: errorResponse('INVALID_TRANSITION') } }, async (req, _p, { actor }) => {
    const id = parseCaseId((req.params as { id: string }).id);
    const existing = id ? await ctx.db.selectFrom('typical_cases').selectAll().where('id', '=', id).executeTakeFirst() : undefined;
    if (!existing) throw notFound();
    if (existing.status === 'published') throw new AppError('INVALID_TRANSITION', '该典型案例已发布');
    const at = ctx.clock.now().toISOString();
    await ctx.db.transaction().execute(async (trx) => {
      await trx.updateTable('typical_cases').set({ status: 'published', published_by: actor.username, published_at: at }).where('id', '=', id!).execute();
      await appendAudit(trx, { at, actor: actor.username, action: 'typical_case.publish', entityType: 'typical_case', entityId: String(id), data: {} });
    });
    return presentTypical(await typicalQuery().where('typical_cases.id', '=', id!).executeTakeFirstOrThrow());
  });
}
