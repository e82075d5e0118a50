/** Attachment routes (附件): upload, list, download, withdraw. Thin: find the case → receive → service → present. */
import { containsNul } from '../security/nul.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ATTACHMENT_TYPES, canWithdrawAttachment, INTAKE_MAX_FILES, PUBLIC_ATTACHMENT_TYPES, PUBLIC_MAX_FILES } from '../../core/attachments.js';
import { ZAttachment, ZAttachmentList, ZAttachmentUploadForm, errorResponse } from '../../core/api/responses.js';
import { attachmentStorageOf, type AppContext } from '../context.js';
import { route } from '../http.js';
import { forbidden, notFound, validation } from '../errors.js';
import { parseCaseId } from '../cases/case.repository.js';
import { contentDisposition } from '../documents/ledger-format.js';
import { findAttachment, listAttachments } from './attachment.repository.js';
import { presentAttachment } from './attachment.presenter.js';
import { assertCaseTakesFiles, attachmentMaxBytes, findCaseForAttachments, parseUploadFields, storeAttachments, withdrawAttachment, ZWithdraw } from './attachment.service.js';
import { discardFiles, receiveForm, type ReceivedFile } from './receive.js';

const ZListQuery = z.object({
  includeWithdrawn: z.enum(['true', 'false'], { error: 'includeWithdrawn 应为 true 或 false' }).optional().describe('true：也列出已撤回的附件'),
});

/**
 * A multipart intake (POST /cases, POST /public/cases): the JSON field `case` and files `file`,
 * received and checked before the case is registered. The caller stores the files after the intake,
 * or discards them when it fails.
 */
export async function receiveIntakeForm(ctx: AppContext, req: FastifyRequest, opts: { public: boolean }): Promise<{ body: unknown; files: ReceivedFile[] }> {
  const form = await receiveForm(req, {
    tempDir: attachmentStorageOf(ctx).tempDir,
    maxBytes: await attachmentMaxBytes(ctx),
    fileField: 'file',
    maxFiles: opts.public ? PUBLIC_MAX_FILES : INTAKE_MAX_FILES,
    ...(opts.public ? { types: PUBLIC_ATTACHMENT_TYPES, typesMessage: '网上反映只能上传图片（JPEG、PNG）或 PDF' } : {}),
  });
  const raw = form.fields.case;
  let body: unknown;
  try {
    if (raw === undefined) throw new Error('missing');
    body = JSON.parse(raw);
    // As for a JSON body (server/app.ts): NUL cannot be stored by PostgreSQL.
    if (containsNul(body)) throw new Error('NUL');
  } catch {
    await discardFiles(form.files);
    throw validation([{ field: 'case', message: '请在字段 case 中提交登记内容（JSON）' }]);
  }
  return { body, files: form.files };
}


/** An attachment shown inline (the preview): nothing runs, nothing loads, only this site frames it. */
const INLINE_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'";
export function registerAttachmentRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(
    app,
    {
      method: 'POST',
      url: '/cases/:id/attachments',
      operationId: 'uploadAttachment',
      summary: '上传附件（能查看该反映件的人；已归档 → 409）：按内容识别类型，超过 attachmentMaxBytes → 413',
      description:
        'multipart/form-data：`file`（一个文件）、`kind`（evidence 佐证材料、promise 容缺书面承诺、result 办理结果、verification 核查材料、other 其他）、`note`（可选）。' +
        '文件类型以内容为准（PDF、OFD、JPEG、PNG、DOCX、XLSX、DOC、XLS），其他内容即使扩展名合规也 400；0 字节文件、文件名超过 255 字符或含路径（/、\\、..）或控制字符 → 400；' +
        '压缩包声明的解压大小异常（压缩炸弹）→ 400。上传不改变反映件的 version；时间线记“上传附件”，审计记录带文件的 SM3。',
      tag: '附件',
      multipart: ZAttachmentUploadForm,
      responses: { 201: '已上传', 413: '文件超过大小上限' },
      response: { 201: ZAttachment, 409: errorResponse('INVALID_TRANSITION'), 413: errorResponse('PAYLOAD_TOO_LARGE') },
    },
    async (req, reply, { actor }) => {
      const c = await findCaseForAttachments(ctx, (req.params as { id: string }).id, actor);
      assertCaseTakesFiles(c);
      const form = await receiveForm(req, { tempDir: attachmentStorageOf(ctx).tempDir, maxBytes: await attachmentMaxBytes(ctx), fileField: 'file', maxFiles: 1 });
      let rows;
      try {
        const fields = parseUploadFields(form.fields);
        if (form.files.length === 0) throw validation([{ field: 'file', message: '请选择要上传的文件（字段名 file）' }]);
        rows = await storeAttachments(ctx, c.id, form.files, { kind: fields.kind, note: fields.note ?? null, source: 'staff' }, actor);
      } catch (e) {
        await discardFiles(form.files);
        throw e;
      }
      void reply.status(201);
      return presentAttachment(rows[0]!);
    },
  );

  route(
    app,
    {
      method: 'GET',
      url: '/cases/:id/attachments',
      operationId: 'listAttachments',
      summary: '附件列表（能查看该反映件的人）；默认不含已撤回的，?includeWithdrawn=true 一并列出',
      tag: '附件',
      query: ZListQuery,
      response: ZAttachmentList,
    },
    async (req, _reply, { query, actor }) => {
      const c = await findCaseForAttachments(ctx, (req.params as { id: string }).id, actor);
      const rows = await listAttachments(ctx.db, c.id, { includeWithdrawn: query.includeWithdrawn === 'true' });
      return { items: rows.map(presentAttachment) };
    },
  );

  route(
    app,
    {
      method: 'GET',
      url: '/cases/:id/attachments/:aid',
      operationId: 'downloadAttachment',
      summary: '下载附件原文件（能查看该反映件的人；已撤回的也可下载）；Content-Disposition 带原文件名（RFC 5987）',
      description: '`?inline=1` 以 inline 方式返回（网页内预览图片与 PDF）。',
      tag: '附件',
      produces: Object.values(ATTACHMENT_TYPES).map((t) => t.mime).join(', '),
    },
    async (req, reply, { actor }) => {
      const { id, aid } = req.params as { id: string; aid: string };
      const c = await findCaseForAttachments(ctx, id, actor);
      const n = parseCaseId(aid);
      const a = n === null ? undefined : await findAttachment(ctx.db, c.id, n);
      if (!a) throw notFound();
      const stream = await attachmentStorageOf(ctx).read(a.storage_key);
      const inline = (req.query as { inline?: string }).inline === '1' && (a.file_type === 'pdf' || a.file_type === 'jpg' || a.file_type === 'png');
      const ascii = `attachment-${a.id}.${a.file_type}`;
      const disposition = contentDisposition(a.name, ascii);
      void reply
        .header('Content-Type', a.mime)
        .header('Content-Length', String(a.size))
        .header('Content-Disposition', inline ? disposition.replace(/^attachment/, 'inline') : disposition)
        .header('X-Bcs-Sm3', a.sm3);
      // A download is never run as a page of this site; an inline image or PDF is shown by the
      // browser's own viewer (which a sandbox would block) inside the case page's preview frame, so
      // this site alone may frame it (every other API answer: frame-ancestors 'none').
      void reply.header('Content-Security-Policy', inline ? INLINE_CSP : "default-src 'none'; sandbox");
      if (inline) void reply.header('X-Frame-Options', 'SAMEORIGIN');
      return reply.send(stream);
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/cases/:id/attachments/:aid/withdraw',
      operationId: 'withdrawAttachment',
      summary: '撤回误传的附件（上传人或县行管办；须填原因）：留档，默认列表不再显示；已撤回 → 409',
      tag: '附件',
      bodyDoc: ZWithdraw,
      response: { 200: ZAttachment, 409: errorResponse('INVALID_TRANSITION') },
    },
    async (req, _reply, { actor }) => {
      const { id, aid } = req.params as { id: string; aid: string };
      const c = await findCaseForAttachments(ctx, id, actor);
      const n = parseCaseId(aid);
      const a = n === null ? undefined : await findAttachment(ctx.db, c.id, n);
      if (!a) throw notFound();
      if (!canWithdrawAttachment(actor, a.uploaded_by)) throw forbidden('只有上传人或县行管办可以撤回附件');
      return presentAttachment(await withdrawAttachment(ctx, c, aid, req.body, actor));
    },
  );
}
