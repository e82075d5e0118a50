import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { route } from '../http.js';
import { ZAuditRecordPage, ZAuditVerification } from '../../core/api/responses.js';
import { ZAuditQuery } from '../../core/api/schemas.js';
import { auditActionLabel, auditEntityLabel } from '../../core/audit-actions.js';
import { formatShanghai } from '../../core/working-days.js';
import { listAuditRecords, verifyAuditChain } from './audit.repository.js';
import { validation } from '../errors.js';


/** Start (00:00:00) or end (23:59:59.999) of a Shanghai calendar day, as a stored UTC instant. */
const dayEdge = (day: string, edge: 'start' | 'end') =>
  new Date(Date.parse(`${day}T${edge === 'start' ? '00:00:00.000' : '23:59:59.999'}+08:00`)).toISOString();

export function registerAuditRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(
    app,
    { method: 'GET', url: '/audit/verify', summary: '校验审计链（县纪委监委、系统管理员、审计管理员）', tag: '审计', auth: 'verifyAudit', response: ZAuditVerification },
    async () => verifyAuditChain(ctx.db),
  );

  route(
    app,
    {
      method: 'GET',
      url: '/audit/records',
      summary: '审计日志（审计管理员、县纪委监委；系统管理员不能查看）：按操作人、操作、对象、日期筛选，最新在前，游标分页',
      tag: '审计',
      auth: 'readAuditRecords',
      query: ZAuditQuery,
      response: ZAuditRecordPage,
    },
    async (_req, _reply, { query }) => {
      if (query.from && query.to && query.from > query.to) throw validation([{ field: 'to', message: '结束日期不能早于开始日期' }]);
      const page = await listAuditRecords(
        ctx.db,
        {
          actor: query.actor || undefined,
          action: query.action || undefined,
          entityType: query.entityType || undefined,
          entityId: query.entityId || undefined,
          fromAt: query.from ? dayEdge(query.from, 'start') : undefined,
          toAt: query.to ? dayEdge(query.to, 'end') : undefined,
        },
        { limit: query.limit, cursor: query.cursor },
      );
      const usernames = [...new Set(page.rows.map((r) => r.actor))];
      const users = usernames.length
        ? await ctx.db.selectFrom('users').select(['username', 'name']).where('username', 'in', usernames).execute()
        : [];
      const names = new Map(users.map((u) => [u.username, u.name]));
      return {
        items: page.rows.map((r) => ({
          seq: r.seq,
          at: formatShanghai(new Date(r.at)),
          actor: r.actor,
          actorName: names.get(r.actor) ?? null,
          action: r.action,
          actionLabel: auditActionLabel(r.action),
          entityType: r.entityType,
          entityLabel: auditEntityLabel(r.entityType),
          entityId: r.entityId,
          caseNo: r.entityType === 'case' && typeof r.data.caseNo === 'string' ? r.data.caseNo : null,
          data: r.data,
          hash: r.hash,
        })),
        nextCursor: page.nextCursor === null ? null : String(page.nextCursor),
      };
    },
  );
}
