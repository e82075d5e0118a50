import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { route } from '../http.js';
import { ZAuditVerification } from '../../core/api/responses.js';
import { verifyAuditChain } from './audit.repository.js';

export function registerAuditRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(
    app,
    { method: 'GET', url: '/audit/verify', summary: '校验审计链（县纪委监委、系统管理员）', tag: '审计', auth: ['supervisor', 'admin'], response: ZAuditVerification },
    async () => verifyAuditChain(ctx.db),
  );
}
