/** Documents: 交办单 (Word and print view), 回执 (print page with QR code), 台账 export, template and import (Excel). */
import { auditCaseRead, auditListRead } from '../audit/read-audit.js';
import { can } from '../../core/permissions.js';
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ZCaseListQuery } from '../../core/api/schemas.js';
import { dueSoonUntil } from '../cases/case.queries.js';
import { shanghaiDate } from '../../core/working-days.js';
import type { AppContext } from '../context.js';
import { AppError, forbidden } from '../errors.js';
import { route } from '../http.js';
import { ZLedgerImportForm, ZLedgerImportResult } from '../../core/api/responses.js';
import { getSettings } from '../settings/settings.repository.js';
import { listDepartments } from '../users/user.repository.js';
import { loadAssignmentSheet, renderAssignmentSheetDocx, renderAssignmentSheetHtml } from './assignment-sheet.js';
import { countLedgerRows, ExportAborted, writeLedger } from './ledger-export.js';
import { contentDisposition } from './ledger-format.js';
import { MAX_IMPORT_BYTES, openWorkbook, locateLedger, validateLedger, writeImport } from './ledger-import.js';
import { buildLedgerTemplate } from './ledger-template.js';
import { loadReceipt, renderReceiptHtml } from './receipt.js';
import { loadCaseDocument, renderCaseDocument } from './case-documents.js';
import { sendPrintPage } from './print-page.js';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** The list's filters without paging: the export holds every matching case. */
export const ZLedgerQuery = ZCaseListQuery.omit({ cursor: true, limit: true });

/** `?sheet=` of the 交办单: parsed after the case is found (404 before 400), so the schema only documents it. */
const ZSheetQuery = z.object({
  sheet: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .describe('交办单编号，如 〔2026〕第12号（或只写 12）；缺省为最新一份'),
});

/** `?no=` of a case document: parsed after the case is found (404 before 400), so the schema only documents it. */
const ZDocumentQuery = z.object({
  no: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .describe('记录编号：督办单、通报、移送函为其编号（如 督办〔2026〕第1号，或只写 1），会商纪要为第几次会商（1、2…）；缺省为最新一份'),
});

const uploadError = (message: string) => new AppError('VALIDATION', message, [{ row: null, column: null, cell: null, message }]);

/** Reads the one uploaded file (field `file`), or answers 400 saying what is wrong with the upload. `what` names the file in messages. */
export async function receiveUpload(req: FastifyRequest, what = '台账文件'): Promise<{ name: string; buffer: Buffer }> {
  if (!req.isMultipart()) throw uploadError(`请以 multipart/form-data 方式上传${what}（字段名 file）`);
  const limitMb = Math.round(MAX_IMPORT_BYTES / 1024 / 1024);
  try {
    const part = await req.file({ limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 10, parts: 20 } });
    if (!part) throw uploadError(`请选择要导入的${what}（字段名 file）`);
    if (part.fieldname !== 'file') {
      part.file.resume();
      throw uploadError(`上传字段名应为 file（收到 ${part.fieldname.slice(0, 30)}）`);
    }
    const buffer = await part.toBuffer();
    const name = (part.filename || `${what}.xlsx`).replace(/[\r\n\t]/g, ' ').slice(0, 200);
    return { name, buffer };
  } catch (e) {
    if (e instanceof AppError) throw e;
    const code = (e as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw uploadError(`文件超过 ${limitMb} MB 上限，请分批导入`);
    if (code === 'FST_FILES_LIMIT') throw uploadError('一次只能上传一个文件');
    if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') throw uploadError('上传内容的字段过多');
    throw uploadError('上传内容无法解析，请重新选择文件上传');
  }
}

export async function registerDocumentRoutes(api: FastifyInstance, ctx: AppContext): Promise<void> {
  // Multipart is parsed for the whole API (server/app.ts); the import reads it with its own limits.
  await api.register(async (app) => {

    route(
      app,
      {
        method: 'GET',
        url: '/cases/:id/assignment-sheet.docx',
        summary: '交办单（Word，A4）：最新一份，或 ?sheet= 指定的较早一份；未交办的反映件 404',
        tag: '文书',
        query: ZSheetQuery,
        produces: DOCX_TYPE,
      },
      async (req, reply, { actor }) => {
        const { id } = req.params as { id: string };
        const v = await loadAssignmentSheet(ctx, id, (req.query as { sheet?: unknown }).sheet, actor);
        const buf = await renderAssignmentSheetDocx(v);
        await auditCaseRead(ctx, actor, { id: Number(id), caseNo: v.caseNo }, 'assignment_sheet');
        const seq = /第(\d+)号/.exec(v.sheetNo)?.[1] ?? '';
        const year = /〔(\d+)〕/.exec(v.sheetNo)?.[1] ?? '';
        return reply
          .header('Content-Type', DOCX_TYPE)
          .header('Cache-Control', 'no-store')
          .header('Content-Disposition', contentDisposition(`交办单-${v.caseNo}-${year}第${seq}号.docx`, `assignment-sheet-${v.caseNo}-${year}-${seq}.docx`))
          .send(buf);
      },
    );

    route(
      app,
      {
        method: 'GET',
        url: '/cases/:id/assignment-sheet',
        summary: '交办单打印页（HTML，A4）；?sheet= 同上，?print=1 打开即打印',
        tag: '文书',
        query: ZSheetQuery,
        produces: 'text/html',
      },
      async (req, reply, { actor }) => {
        const { id } = req.params as { id: string };
        const v = await loadAssignmentSheet(ctx, id, (req.query as { sheet?: unknown }).sheet, actor);
        await auditCaseRead(ctx, actor, { id: Number(id), caseNo: v.caseNo }, 'assignment_sheet');
        return sendPrintPage(reply, renderAssignmentSheetHtml(v));
      },
    );

    route(
      app,
      {
        method: 'GET',
        url: '/cases/:id/documents/:kind.docx',
        operationId: 'getCaseDocument',
        summary:
          '反映件文书（Word，A4）：kind 为 rejection-notice 不予受理告知书、supervision 督办单、circulation 通报、referral 问题线索移送函、meeting-minutes 会商纪要、archive-sheet 结案归档表；?no= 指定记录（缺省为最新）；不适用于该反映件的文书 404',
        tag: '文书',
        query: ZDocumentQuery,
        produces: DOCX_TYPE,
      },
      async (req, reply, { actor }) => {
        const { id, kind } = req.params as { id: string; kind: string };
        const doc = await renderCaseDocument(await loadCaseDocument(ctx, id, kind, (req.query as { no?: unknown }).no, actor));
        return reply
          .header('Content-Type', DOCX_TYPE)
          .header('Cache-Control', 'no-store')
          .header('Content-Disposition', contentDisposition(doc.fileName, doc.asciiName))
          .send(doc.buffer);
      },
    );

    route(
      app,
      {
        method: 'GET',
        url: '/cases/:id/receipt',
        summary: '回执打印页（HTML，A5）：编号、登记时间、后续办理与时限、咨询电话、进度查询二维码；?print=1 打开即打印',
        tag: '文书',
        produces: 'text/html',
      },
      async (req, reply, { actor }) => {
        const { id } = req.params as { id: string };
        const view = await loadReceipt(ctx, id, actor, `${req.protocol}://${req.host}`);
        // The receipt shows the reporter's full name: the read is audited like the case's own answer.
        await auditCaseRead(ctx, actor, { id: Number(id), caseNo: view.caseNo }, 'receipt');
        return sendPrintPage(reply, renderReceiptHtml(view));
      },
    );

    route(
      app,
      {
        method: 'GET',
        url: '/ledger.xlsx',
        summary: '导出台账（Excel）：与列表相同的筛选条件，全部匹配的反映件，流式输出；X-Total-Count 头给出行数',
        tag: '台账',
        query: ZLedgerQuery,
        produces: XLSX_TYPE,
      },
      async (req, reply, { query: raw, actor }) => {
        const now = ctx.clock.now();
        // Same filters as the list, dueSoon included.
        const { dueSoon, ...rest } = raw;
        const query = dueSoon ? { ...rest, dueSoonUntil: await dueSoonUntil(ctx, now) } : rest;
        const [settings, total] = await Promise.all([getSettings(ctx.db), countLedgerRows(ctx.db, { filters: query, actor, now })]);
        // Every export shows reporters' names and phones: its filter and row count are audited.
        await auditListRead(ctx, actor, 'ledger.export', raw, total);
        const out = new PassThrough();
        writeLedger(ctx.db, out, { filters: query, actor, now, countyName: settings.countyName }).catch((err: unknown) => {
          if (!(err instanceof ExportAborted)) req.log.error({ err }, 'ledger export failed');
          out.destroy(err as Error);
        });
        const day = shanghaiDate(now).replace(/-/g, '');
        return reply
          .header('Content-Type', XLSX_TYPE)
          .header('Cache-Control', 'no-store')
          .header('Content-Disposition', contentDisposition(`台账-${day}.xlsx`, `ledger-${day}.xlsx`))
          .header('X-Total-Count', String(total))
          .send(out);
      },
    );

    route(
      app,
      {
        method: 'GET',
        url: '/ledger/template.xlsx',
        summary: '台账导入模板（Excel）：与导出相同的列（联系电话填完整号码）、下拉选项和填写说明',
        tag: '台账',
        produces: XLSX_TYPE,
      },
      async (_req, reply) => {
        const [settings, depts] = await Promise.all([getSettings(ctx.db), listDepartments(ctx.db)]);
        const buf = await buildLedgerTemplate(settings.countyName, depts.filter((d) => d.disabled === 0));
        return reply
          .header('Content-Type', XLSX_TYPE)
          .header('Cache-Control', 'no-store')
          .header('Content-Disposition', contentDisposition('台账导入模板.xlsx', 'ledger-template.xlsx'))
          .send(buf);
      },
    );

    route(
      app,
      {
        method: 'POST',
        url: '/ledger/import',
        summary:
          '导入台账（县行管办、系统管理员；multipart，字段 file，.xlsx ≤ 20 MB）：先整体校验，任何一行有误则 400 并在 details 中逐条列出 {row, column, cell, message}，不导入任何数据；已有编号视为同一件，跳过',
        tag: '台账',
        responses: { 200: '已导入：{fileName, sheet, rows, imported, skipped, skippedCaseNos, sm3}', 400: '文件或数据有误，details 为逐行错误报告', 403: '角色无权导入' },
        response: ZLedgerImportResult,
        multipart: ZLedgerImportForm,
      },
      async (req, _reply, { actor }) => {
        const file = await receiveUpload(req);
        const wb = await openWorkbook(file.buffer);
        const layout = locateLedger(wb);
        const depts = await listDepartments(ctx.db);
        const checked = await validateLedger(layout, depts, ctx.clock.now());
        if (!checked.ok) {
          const shown = checked.issues.length >= 1000 ? '（仅列出前 1000 处）' : '';
          throw new AppError('VALIDATION', `台账有 ${checked.issues.length} 处错误${shown}，未导入任何数据，请改正后重新上传`, checked.issues);
        }
        if (!can(actor.role, 'importLedger')) throw forbidden('只有县行管办和系统管理员可以导入台账');
        return writeImport(ctx, checked.value, file, actor);
      },
    );
  });
}
