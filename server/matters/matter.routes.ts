/** 事项目录 (issue 15): list with type-ahead, add, import from Excel. Routes validate, call, present. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ZMatterCreate, ZMatterListQuery } from '../../core/api/schemas.js';
import { ZMatter, ZMatterImportResult, ZMatterList, errorResponse } from '../../core/api/responses.js';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { route } from '../http.js';
import { receiveUpload } from '../documents/document.routes.js';
import { openWorkbook } from '../documents/ledger-import.read.js';
import { listMatters } from './matter.repository.js';
import { addMatter, importMatters } from './matter.service.js';

const encodeCursor = (code: string) => Buffer.from(code, 'utf8').toString('base64url');
function decodeCursor(cursor: string): string {
  const code = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!code || !/^[0-9A-Za-z][0-9A-Za-z._-]*$/.test(code)) throw new AppError('VALIDATION', '分页游标无效', [{ field: 'cursor', message: '分页游标无效' }]);
  return code;
}

export function registerMatterRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(
    app,
    {
      method: 'GET',
      url: '/matters',
      summary: '事项目录（所有工作人员）：按编码排序，?q= 按编码或名称查找（登记时联想输入）',
      tag: '事项目录',
      query: ZMatterListQuery,
      response: ZMatterList,
    },
    async (_req, _reply, { query }) => {
      const afterCode = query.cursor ? decodeCursor(query.cursor) : undefined;
      const rows = await listMatters(ctx.db, { q: query.q, department: query.department, afterCode, limit: query.limit + 1 });
      const items = rows.slice(0, query.limit);
      return { items, nextCursor: rows.length > query.limit ? encodeCursor(items[items.length - 1]!.code) : null };
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/matters',
      summary: '新增事项（县行管办、系统管理员）：编码已存在 409，部门不存在 400',
      tag: '事项目录',
      auth: 'editMatters',
      body: ZMatterCreate,
      responses: { 201: '已新增' },
      response: { 201: ZMatter, 409: errorResponse('CONFLICT') },
    },
    async (_req, reply, { body, actor }) => {
      const m = await addMatter(ctx, body, actor);
      void reply.status(201);
      return m;
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/matters/import',
      summary:
        '导入事项目录（县行管办、系统管理员；multipart，字段 file，.xlsx）：表头含“事项编码”“事项名称”“实施部门”（部门名称或代码）；先整体校验，任何一行有误则 400 并在 details 中逐条列出 {row, column, cell, message}，不导入任何事项；已有编码的事项更新名称和部门',
      tag: '事项目录',
      auth: 'editMatters',
      responses: { 200: '已导入', 400: '文件或数据有误，details 为逐行错误报告' },
      response: ZMatterImportResult,
      multipart: z.object({ file: z.file().describe('事项目录（.xlsx）') }),
    },
    async (req, _reply, { actor }) => {
      const file = await receiveUpload(req, '事项目录文件');
      const wb = await openWorkbook(file.buffer);
      return importMatters(ctx, wb, file, actor);
    },
  );
}
