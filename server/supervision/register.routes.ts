/** 督办台账: GET /supervision-records (a page of the register) and GET /supervision-records.xlsx (all of it, as Excel). */
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { ZSupervisionRegisterExportQuery, ZSupervisionRegisterQuery } from '../../core/api/schemas.js';
import { ZSupervisionRegisterPage } from '../../core/api/responses.js';
import { shanghaiDate } from '../../core/working-days.js';
import type { AppContext } from '../context.js';
import { route } from '../http.js';
import { contentDisposition } from '../documents/ledger-format.js';
import { ExportAborted } from '../documents/ledger-export.js';
import { XLSX_TYPE } from '../documents/document.routes.js';
import { getSettings } from '../settings/settings.repository.js';
import { filteredRecords, listSupervisionRecords, presentRegisterRow } from './register.repository.js';
import { writeSupervisionRegister } from './register-export.js';

export function registerSupervisionRegisterRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(
    app,
    {
      method: 'GET',
      url: '/supervision-records',
      operationId: 'listSupervisionRecords',
      summary: '督办台账：全部督办单、通报、问题线索移送，最新的在前；可按类别、部门、发出日期、状态、编号或事项筛选',
      tag: '督办',
      auth: 'viewSupervisionRegister',
      query: ZSupervisionRegisterQuery,
      response: ZSupervisionRegisterPage,
    },
    async (_req, _reply, { query }) => {
      const now = ctx.clock.now();
      const { limit, cursor, ...filters } = query;
      const page = await listSupervisionRecords(ctx.db, filters, { limit, cursor }, now);
      return { items: page.rows.map((r) => presentRegisterRow(r, now)), nextCursor: page.nextCursor };
    },
  );

  route(
    app,
    {
      method: 'GET',
      url: '/supervision-records.xlsx',
      operationId: 'exportSupervisionRecords',
      summary: '导出督办台账（Excel）：与列表相同的筛选条件，全部匹配的记录，流式输出；X-Total-Count 头给出行数',
      tag: '督办',
      auth: 'viewSupervisionRegister',
      query: ZSupervisionRegisterExportQuery,
      produces: XLSX_TYPE,
    },
    async (req, reply, { query: filters, actor }) => {
      const now = ctx.clock.now();
      const [settings, total] = await Promise.all([
        getSettings(ctx.db),
        filteredRecords(ctx.db, filters, now)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirst(),
      ]);
      const out = new PassThrough();
      writeSupervisionRegister(ctx.db, out, { filters, actor, now, countyName: settings.countyName }).catch((err: unknown) => {
        if (!(err instanceof ExportAborted)) req.log.error({ err }, 'supervision register export failed');
        out.destroy(err as Error);
      });
      const day = shanghaiDate(now).replace(/-/g, '');
      return reply
        .header('Content-Type', XLSX_TYPE)
        .header('Cache-Control', 'no-store')
        .header('Content-Disposition', contentDisposition(`督办台账-${day}.xlsx`, `supervision-records-${day}.xlsx`))
        .header('X-Total-Count', String(Number(total?.n ?? 0)))
        .send(out);
    },
  );
}
