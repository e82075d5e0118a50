/** 工作简报: GET /reports/briefing.docx?from&to. */
import type { FastifyInstance } from 'fastify';
import { ZBriefingQuery } from '../../core/api/schemas.js';
import type { AppContext } from '../context.js';
import { route } from '../http.js';
import { DOCX_TYPE } from '../documents/document.routes.js';
import { contentDisposition } from '../documents/ledger-format.js';
import { loadBriefing, renderBriefingDocx } from './briefing.js';

export function registerBriefingRoutes(app: FastifyInstance, ctx: AppContext, opts: { chartFonts?: readonly string[] } = {}): void {
  route(
    app,
    {
      method: 'GET',
      url: '/reports/briefing.docx',
      operationId: 'downloadBriefing',
      summary: '工作简报（Word，A4）：期间内（按登记日期，含首尾，不超过一年）的总体情况、各部门办理情况、反复出现的问题、典型案例，附统计图',
      description: '数字与统计分析（GET /stats/overview、/stats/departments、/stats/monthly）和反复出现的问题（GET /optimization/recurring）同一口径；典型案例为期间内发布的。',
      tag: '文书',
      auth: 'readBriefing',
      query: ZBriefingQuery,
      produces: DOCX_TYPE,
    },
    async (_req, reply, { query }) => {
      const view = await loadBriefing(ctx, query.from, query.to, opts.chartFonts);
      const buf = await renderBriefingDocx(view);
      const span = `${query.from.replace(/-/g, '')}-${query.to.replace(/-/g, '')}`;
      return reply
        .header('Content-Type', DOCX_TYPE)
        .header('Cache-Control', 'no-store')
        .header('Content-Disposition', contentDisposition(`工作简报-${span}.docx`, `briefing-${span}.docx`))
        .send(buf);
    },
  );
}
