/** Case routes: validate → call the service → present. */
import { auditListRead } from '../audit/read-audit.js';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ZCaseListQuery, ZIntake, actionBodySchema } from '../../core/api/schemas.js';
import { CASE_ACTIONS } from '../../core/case-lifecycle.js';
import type { AppContext } from '../context.js';
import { route } from '../http.js';
import { can } from '../../core/permissions.js';
import { forbidden } from '../errors.js';
import { receiveIntakeForm } from '../attachments/attachment.routes.js';
import { storeAttachments } from '../attachments/attachment.service.js';
import { discardFiles } from '../attachments/receive.js';
import { ZCase, ZCasePage, errorResponse } from '../../core/api/responses.js';
import { intakeCase, runCaseAction } from './case.service.js';
import { findVisibleCase, listCases, parseCaseId } from './case.repository.js';
import { presentCaseSummary } from './case.presenter.js';
import { dueSoonUntil, presentDeps, presentFull } from './case.queries.js';

export function registerCaseRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(
    app,
    {
      method: 'POST',
      url: '/cases',
      operationId: 'createCase',
      summary: '登记反映件（受理员、县行管办）；可带 Idempotency-Key 头，或 externalRef（同一外部工单再次提交时返回首次登记的反映件）',
      tag: '反映件',
      bodyDoc: ZIntake,
      description: '也可以 multipart/form-data 提交：字段 case 为登记内容（JSON），文件字段 file（可多个，作为佐证材料存为附件，规则同上传附件）。',
      responses: { 201: '已登记', 200: '重复提交，返回首次登记的反映件', 413: '附件超过大小上限' },
      response: { 201: ZCase, 200: ZCase, 409: errorResponse('IDEMPOTENCY_MISMATCH') },
    },
    async (req, reply, { actor }) => {
      const key = req.headers['idempotency-key'];
      // The answer shows the reporter: a new case's transaction records that read too (a replay's
      // answer is recorded by presentFull).
      // The reference data's counters as read with the session (no round trip of their own).
      const opts = { idempotencyKey: typeof key === 'string' ? key : undefined, answerRead: true, refVersions: req.session?.refVersions };
      if (!req.isMultipart()) {
        const r = await intakeCase(ctx, req.body, actor, opts);
        void reply.status(r.replayed ? 200 : 201);
        return presentFull(ctx, r.record, actor, { justRegistered: !r.replayed, readAudited: !r.replayed, events: r.events, deps: r.deps });
      }
      // With files: checked before the case is registered, stored (as 佐证材料) right after it.
      if (!can(actor.role, 'intake')) throw forbidden('只有受理员和县行管办可以登记反映件');
      const { body, files } = await receiveIntakeForm(ctx, req, { public: false });
      try {
        const r = await intakeCase(ctx, body, actor, opts);
        if (r.replayed) await discardFiles(files);
        else await storeAttachments(ctx, r.record.id, files, { kind: 'evidence', note: null, source: 'staff' }, actor);
        void reply.status(r.replayed ? 200 : 201);
        return presentFull(ctx, r.record, actor, { readAudited: !r.replayed });
      } catch (e) {
        await discardFiles(files);
        throw e;
      }
    },
  );

  route(
    app,
    { method: 'GET', url: '/cases', operationId: 'listCases', summary: '反映件列表（台账），游标分页，电话号码脱敏', tag: '反映件', query: ZCaseListQuery, response: ZCasePage },
    async (req, _reply, { query, actor }) => {
      const { cursor, limit, dueSoon, sort, ...rest } = query;
      const now = ctx.clock.now();
      const filters = dueSoon ? { ...rest, dueSoonUntil: await dueSoonUntil(ctx, now, req.session?.refVersions) } : rest;
      const page = await listCases(ctx.db, filters, { limit, cursor, sort }, actor, now);
      const deps = await presentDeps(ctx, req.session?.refVersions);
      // The list shows reporters' full names: which filter, how many rows (server/audit/read-audit.ts).
      if (page.rows.length) await auditListRead(ctx, actor, 'cases.read', { ...rest, ...(dueSoon ? { dueSoon } : {}), ...(cursor ? { cursor } : {}) }, page.rows.length);
      return { items: page.rows.map((c) => presentCaseSummary(c, deps)), nextCursor: page.nextCursor };
    },
  );

  route(app, { method: 'GET', url: '/cases/:id', operationId: 'getCase', summary: '反映件详情：时间线、措施、回访与可执行操作', tag: '反映件', response: ZCase }, async (req, _reply, { actor }) => {
    const { id } = req.params as { id: string };
    const c = await findVisibleCase(ctx.db, parseCaseId(id), actor);
    return presentFull(ctx, c, actor, { refVersions: req.session?.refVersions });
  });

  route(
    app,
    {
      method: 'POST',
      url: '/cases/:id/actions/:action',
      operationId: 'runCaseAction',
      summary: `对反映件执行操作（${CASE_ACTIONS.join('、')}），请求体带 version`,
      tag: '反映件',
      bodyDoc: z.union(CASE_ACTIONS.map((a) => actionBodySchema(a)) as any),
      response: { 200: ZCase, 409: errorResponse('VERSION_CONFLICT', 'INVALID_TRANSITION') },
    },
    async (req, _reply, { actor }) => {
      const { id, action } = req.params as { id: string; action: string };
      const c = await runCaseAction(ctx, id, action, req.body, actor);
      return presentFull(ctx, c, actor);
    },
  );
}
