/**
 * The source documents of a 知识库 entry (发文原件: PDF, OFD, DOCX, DOC): uploaded by whoever writes
 * the entry, read by whoever sees it. Received and checked by content exactly as a case's files
 * (server/attachments/receive.ts: size limit `attachmentMaxBytes`, names, zip bombs), stored in the
 * same attachment storage; taking one off keeps its bytes. Each upload or removal is one
 * transaction with its audit record (with the file's SM3).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ATTACHMENT_TYPES } from '../../core/attachments.js';
import { canWriteKnowledge, KNOWLEDGE_FILE_TYPES, KNOWLEDGE_MAX_FILES } from '../../core/knowledge.js';
import type { Actor } from '../../core/case-lifecycle.js';
import { ZKnowledgeFile } from '../../core/api/knowledge.js';
import { errorResponse } from '../../core/api/responses.js';
import { formatShanghai } from '../../core/working-days.js';
import { attachmentStorageOf, type AppContext } from '../context.js';
import { route } from '../http.js';
import { AppError, forbidden, notFound, validation } from '../errors.js';
import { appendAudit } from '../audit/audit.repository.js';
import { parseCaseId } from '../cases/case.repository.js';
import { contentDisposition } from '../documents/ledger-format.js';
import { newStorageKey } from '../attachments/storage.js';
import { discardFiles, receiveForm } from '../attachments/receive.js';
import { attachmentMaxBytes } from '../attachments/attachment.service.js';
import { filesOfEntries, findKnowledgeFile, insertKnowledgeFile, removeKnowledgeFile, type KnowledgeFileRow, type KnowledgeRecord } from './knowledge.repository.js';
import { visibleKnowledge } from './knowledge.service.js';

export const presentKnowledgeFile = (f: KnowledgeFileRow) => ({
  id: f.id,
  knowledgeId: f.knowledge_id,
  name: f.name,
  size: f.size,
  fileType: f.file_type,
  sm3: f.sm3,
  uploadedBy: f.uploaded_by,
  uploadedAt: formatShanghai(new Date(f.uploaded_at)),
});

function assertWriter(actor: Actor, e: KnowledgeRecord): void {
  if (!canWriteKnowledge(actor, e.departments)) throw forbidden('只有能编写该知识条目的人可以上传或移除原件');
}

export function registerKnowledgeFileRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(
    app,
    {
      method: 'POST',
      url: '/knowledge/:id/files',
      summary: '上传知识条目的原件（能编写该条目的人）：PDF、OFD、DOCX、DOC，按内容识别，其他 → 400，超过 attachmentMaxBytes → 413',
      tag: '知识库',
      auth: 'writeKnowledge',
      multipart: z.object({ file: z.file().describe('一个文件（按内容识别类型：PDF、OFD、DOCX、DOC；不超过 attachmentMaxBytes）') }),
      responses: { 201: '已上传', 413: '文件超过大小上限' },
      response: { 201: ZKnowledgeFile, 409: errorResponse('INVALID_TRANSITION'), 413: errorResponse('PAYLOAD_TOO_LARGE') },
    },
    async (req, reply, { actor }) => {
      const e = await visibleKnowledge(ctx, (req.params as { id: string }).id, actor);
      assertWriter(actor, e);
      if ((await filesOfEntries(ctx.db, [e.id])).get(e.id)!.length >= KNOWLEDGE_MAX_FILES) {
        throw new AppError('INVALID_TRANSITION', `每个知识条目最多 ${KNOWLEDGE_MAX_FILES} 个原件，请先移除不用的`);
      }
      const storage = attachmentStorageOf(ctx);
      const form = await receiveForm(req, {
        tempDir: storage.tempDir,
        maxBytes: await attachmentMaxBytes(ctx),
        fileField: 'file',
        maxFiles: 1,
        types: KNOWLEDGE_FILE_TYPES,
        typesMessage: '知识条目的原件只能是 PDF、OFD 或 Word（.docx、.doc）',
      });
      const f = form.files[0];
      if (!f) throw validation([{ field: 'file', message: '请选择要上传的文件（字段名 file）' }]);
      const key = newStorageKey(ctx.clock.now());
      try {
        await storage.putFile(key, f.tempPath, f.size, f.mime);
      } finally {
        await discardFiles(form.files);
      }
      const at = ctx.clock.now().toISOString();
      const id = await ctx.db.transaction().execute(async (trx) => {
        const id = await insertKnowledgeFile(trx, { knowledge_id: e.id, name: f.name, size: f.size, mime: f.mime, file_type: f.type, sm3: f.sm3, storage_key: key, uploaded_by: actor.username, uploaded_at: at });
        await appendAudit(trx, { at, actor: actor.username, action: 'knowledge.file_added', entityType: 'knowledge', entityId: String(e.id), data: { fileId: id, name: f.name, size: f.size, sm3: f.sm3 } });
        return id;
      });
      void reply.status(201);
      return presentKnowledgeFile((await findKnowledgeFile(ctx.db, e.id, id))!);
    },
  );

  route(
    app,
    {
      method: 'GET',
      url: '/knowledge/:id/files/:fid',
      summary: '下载知识条目的原件（能查看该条目的人）；Content-Disposition 带原文件名',
      tag: '知识库',
      auth: 'readKnowledge',
      produces: KNOWLEDGE_FILE_TYPES.map((t) => ATTACHMENT_TYPES[t].mime).join(', '),
    },
    async (req, reply, { actor }) => {
      const { id, fid } = req.params as { id: string; fid: string };
      const e = await visibleKnowledge(ctx, id, actor);
      const n = parseCaseId(fid);
      const f = n === null ? undefined : await findKnowledgeFile(ctx.db, e.id, n);
      if (!f) throw notFound();
      const stream = await attachmentStorageOf(ctx).read(f.storage_key);
      void reply
        .header('Content-Type', f.mime)
        .header('Content-Length', String(f.size))
        .header('Content-Disposition', contentDisposition(f.name, `knowledge-${e.id}-${f.id}.${f.file_type}`))
        .header('X-Bcs-Sm3', f.sm3)
        .header('Content-Security-Policy', "default-src 'none'; sandbox");
      return reply.send(stream);
    },
  );

  route(
    app,
    { method: 'DELETE', url: '/knowledge/:id/files/:fid', summary: '移除知识条目的原件（能编写该条目的人；文件留档）', tag: '知识库', auth: 'writeKnowledge', response: z.object({ items: z.array(ZKnowledgeFile) }) },
    async (req, _reply, { actor }) => {
      const { id, fid } = req.params as { id: string; fid: string };
      const e = await visibleKnowledge(ctx, id, actor);
      assertWriter(actor, e);
      const n = parseCaseId(fid);
      if (n === null) throw notFound();
      const at = ctx.clock.now().toISOString();
      await ctx.db.transaction().execute(async (trx) => {
        const f = await findKnowledgeFile(trx, e.id, n);
        if (!f || !(await removeKnowledgeFile(trx, e.id, n, actor.username, at))) throw notFound();
        await appendAudit(trx, { at, actor: actor.username, action: 'knowledge.file_removed', entityType: 'knowledge', entityId: String(e.id), data: { fileId: n, name: f.name, sm3: f.sm3 } });
      });
      return { items: (await filesOfEntries(ctx.db, [e.id])).get(e.id)!.map(presentKnowledgeFile) };
    },
  );
}
