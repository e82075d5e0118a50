import type { FastifyInstance } from 'fastify';
import { ZStatsQuery } from '../../core/api/schemas.js';
import type { AppContext } from '../context.js';
import { route } from '../http.js';
import { ZStatsDepartments, ZStatsMonthly, ZStatsOverview } from '../../core/api/responses.js';
import { statDefinitionsMarkdown } from '../../core/stats-definitions.js';
import { AppError, validation } from '../errors.js';
import { departmentFigures, monthlyFigures, overviewFigures } from './stats.repository.js';
import { listDepartments } from '../users/user.repository.js';
import type { Actor } from '../../core/case-lifecycle.js';


/** County-level roles see every department; a handler only its own (others → 403). */
function scopeFor(actor: Actor, department: string | undefined): string | undefined {
  if (actor.role !== 'handler') return department;
  if (department && department !== actor.department) throw new AppError('FORBIDDEN', '只能查看本部门的统计');
  return actor.department ?? '';
}

export function registerStatsRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(
    app,
    { method: 'GET', url: '/stats/overview', summary: '统计概览：期间内受理的反映件（Asia/Shanghai 日期，含首尾）', description: `口径：\n\n${statDefinitionsMarkdown()}\n\n\`department\` 按牵头部门筛选；承办部门用户只能查看本部门。`, tag: '统计', auth: 'readStats', query: ZStatsQuery, response: ZStatsOverview },
    async (_req, _reply, { query, actor }) => {
      if (query.from > query.to) throw validation([{ field: 'from', message: '开始日期不能晚于结束日期' }]);
      const department = scopeFor(actor, query.department);
      return { from: query.from, to: query.to, department: department ?? null, ...(await overviewFigures(ctx.db, { ...query, department }, ctx.clock.now())) };
    },
  );
  route(
    app,
    { method: 'GET', url: '/stats/departments', summary: '分部门统计（按牵头部门；未交办的不计入）', description: `每个牵头部门一行，口径同统计概览：\n\n${statDefinitionsMarkdown()}`, tag: '统计', auth: 'readStats', query: ZStatsQuery, response: ZStatsDepartments },
    async (_req, _reply, { query, actor }) => {
      if (query.from > query.to) throw validation([{ field: 'from', message: '开始日期不能晚于结束日期' }]);
      const department = scopeFor(actor, query.department);
      const [figures, depts] = await Promise.all([departmentFigures(ctx.db, { ...query, department }, ctx.clock.now()), listDepartments(ctx.db)]);
      const names = new Map(depts.map((d) => [d.code, d.name]));
      return {
        from: query.from,
        to: query.to,
        items: [...figures.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([code, f]) => ({ department: code, name: names.get(code) ?? code, ...f })),
      };
    },
  );
  route(
    app,
    { method: 'GET', url: '/stats/monthly', summary: '按受理月份的统计（期间内每月一行，含部分月份）', description: '每月口径同统计概览（不含当前超期）。', tag: '统计', auth: 'readStats', query: ZStatsQuery, response: ZStatsMonthly },
    async (_req, _reply, { query, actor }) => {
      if (query.from > query.to) throw validation([{ field: 'from', message: '开始日期不能晚于结束日期' }]);
      const department = scopeFor(actor, query.department);
      return { from: query.from, to: query.to, department: department ?? null, items: await monthlyFigures(ctx.db, { ...query, department }) };
    },
  );
}
