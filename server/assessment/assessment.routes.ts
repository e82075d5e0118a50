import type { FastifyInstance } from 'fastify';
import { ZStatsQuery } from '../../core/api/schemas.js';
import type { AppContext } from '../context.js';
import { route } from '../http.js';
import { ZAssessment } from '../../core/api/responses.js';
import { validation } from '../errors.js';
import { getSettings } from '../settings/settings.repository.js';
import { assessDepartments } from './assessment.js';
import { assessmentDocx, assessmentXlsx, formulaText } from './assessment.documents.js';

const ZPeriod = ZStatsQuery.omit({ department: true });

function attachment(name: string): string {
  return `attachment; filename="assessment"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export function registerAssessmentRoutes(app: FastifyInstance, ctx: AppContext): void {
  const load = async (q: { from: string; to: string }) => {
    if (q.from > q.to) throw validation([{ field: 'from', message: '开始日期不能晚于结束日期' }]);
    const settings = await getSettings(ctx.db);
    const rows = await assessDepartments(ctx.db, q, ctx.clock.now(), settings.assessment);
    return { rows, settings };
  };
  route(app, { method: 'GET', url: '/assessment', summary: '部门考核：分部门统计、通报与差评属实、得分与排名', tag: '考核', auth: 'readAssessment', query: ZPeriod, response: ZAssessment }, async (_r, _p, { query }) => {
    const { rows, settings } = await load(query);
    return { from: query.from, to: query.to, formula: { ...settings.assessment, text: formulaText(settings.assessment) }, items: rows };
  });
  route(app, { method: 'GET', url: '/assessment.xlsx', summary: '部门考核导出 Excel', tag: '考核', auth: 'readAssessment', query: ZPeriod, produces: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }, async (_r, reply, { query }) => {
    const { rows, settings } = await load(query);
    const buf = await assessmentXlsx(rows, query, settings.assessment);
    return reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', attachment(`部门考核-${query.from}-${query.to}.xlsx`))
      .send(buf);
  });
  route(app, { method: 'GET', url: '/assessment.docx', summary: '考核情况通报（Word 讨论稿）', tag: '考核', auth: 'readAssessment', query: ZPeriod, produces: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' }, async (_r, reply, { query }) => {
    const { rows, settings } = await load(query);
    const buf = await assessmentDocx(rows, query, settings.assessment, settings.countyName);
    return reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')
      .header('content-disposition', attachment(`考核情况通报-${query.from}-${query.to}.docx`))
      .send(buf);
  });
}
