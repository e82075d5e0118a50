/**
 * 事项目录 commands (issue 15): add one matter, import a county's catalogue from Excel. Each is one
 * transaction with its audit record; an import is validated whole first and a bad file changes
 * nothing (400 with every row's problem, as the ledger import).
 */
import type ExcelJS from 'exceljs';
import { ZMatterCode, describeIssues, type TMatterCreate } from '../../core/api/schemas.js';
import { LIMITS } from '../../core/api/schemas.js';
import type { Actor } from '../../core/case-lifecycle.js';
import type { AppContext } from '../context.js';
import { createHash } from 'node:crypto';
import { appendAudit } from '../audit/audit.repository.js';
import { AppError, validation } from '../errors.js';
import { isUniqueViolation, listDepartments } from '../users/user.repository.js';
import { fileError, MAX_ISSUES, readCell, type ImportIssue } from '../documents/ledger-import.read.js';
import { findMatters, insertMatter, updateMatter, type MatterRow } from './matter.repository.js';

/** Adds a matter. Unknown department → 400; an existing code → 409. */
export async function addMatter(ctx: AppContext, body: TMatterCreate, actor: Actor): Promise<MatterRow> {
  const dept = (await listDepartments(ctx.db)).find((d) => d.code === body.department);
  if (!dept) throw validation([{ field: 'department', message: `部门代码“${body.department}”不存在` }]);
  const at = ctx.clock.now().toISOString();
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await insertMatter(trx, { ...body, at });
      await appendAudit(trx, { at, actor: actor.username, action: 'matter.add', entityType: 'matter', entityId: body.code, data: { code: body.code, name: body.name, department: body.department } });
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError('CONFLICT', `事项编码“${body.code}”已在事项目录中`);
    throw e;
  }
  return { code: body.code, name: body.name, department: body.department, departmentName: dept.name };
}

/** The columns of the catalogue's sheet, as counties head them. */
const HEADERS = {
  code: ['事项编码', '编码', '实施编码', '事项代码', '基本编码'],
  name: ['事项名称', '名称', '实施清单名称'],
  department: ['实施部门', '部门', '实施主体', '部门代码', '责任部门'],
} as const;
type Column = keyof typeof HEADERS;
const LABEL: Record<Column, string> = { code: '事项编码', name: '事项名称', department: '实施部门' };

const norm = (s: string) => s.replace(/\s+/g, '').replace(/[（(].*?[）)]/g, '');

/** Finds the sheet and header row holding 事项编码, 事项名称 and 实施部门 (first 10 rows of each sheet). */
function locateCatalogue(wb: ExcelJS.Workbook): { ws: ExcelJS.Worksheet; headerRow: number; cols: Record<Column, number> } {
  for (const ws of wb.worksheets) {
    for (let r = 1; r <= Math.min(10, ws.rowCount); r++) {
      const found: Partial<Record<Column, number>> = {};
      const row = ws.getRow(r);
      for (let c = 1; c <= Math.min(50, ws.columnCount); c++) {
        const v = readCell(row.getCell(c));
        if (v.kind !== 'text') continue;
        const h = norm(v.text);
        for (const key of Object.keys(HEADERS) as Column[]) if (found[key] === undefined && (HEADERS[key] as readonly string[]).includes(h)) found[key] = c;
      }
      if (found.code !== undefined && found.name !== undefined && found.department !== undefined) return { ws, headerRow: r, cols: found as Record<Column, number> };
    }
  }
  throw fileError('未找到事项目录表头：需要“事项编码”“事项名称”“实施部门”三列');
}

export interface MatterImportResult {
  fileName: string;
  sheet: string;
  rows: number;
  imported: number;
  updated: number;
}

/**
 * Imports the catalogue: every row is checked first (code, name, department by code or name,
 * repeats within the file); any problem → 400 listing them all, nothing written. A code already in
 * the catalogue takes the file's name and department; the same file again changes nothing.
 */
export async function importMatters(ctx: AppContext, wb: ExcelJS.Workbook, file: { name: string; buffer: Buffer }, actor: Actor): Promise<MatterImportResult> {
  const { ws, headerRow, cols } = locateCatalogue(wb);
  const depts = await listDepartments(ctx.db);
  const byCode = new Map(depts.map((d) => [d.code, d.code]));
  const byName = new Map(depts.map((d) => [norm(d.name), d.code]));
  const issues: ImportIssue[] = [];
  const rows: Array<{ code: string; name: string; department: string }> = [];
  const seen = new Map<string, number>();
  const cellText = (row: ExcelJS.Row, c: number) => {
    const v = readCell(row.getCell(c));
    return v.kind === 'text' ? v.text : v.kind === 'number' ? String(v.n) : v.kind === 'empty' ? '' : null;
  };
  let dataRows = 0;
  for (let r = headerRow + 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const code = cellText(row, cols.code);
    const name = cellText(row, cols.name);
    const dept = cellText(row, cols.department);
    if (code === '' && name === '' && dept === '') continue;
    dataRows++;
    const issue = (col: Column, cell: string | null, message: string) => issues.push({ row: r, column: LABEL[col], cell: cell === null ? null : cell.slice(0, 100), message });
    const parsedCode = ZMatterCode.safeParse(code ?? undefined);
    if (!parsedCode.success) issue('code', code, code ? describeIssues(parsedCode.error)[0]?.message ?? '事项编码无效' : '请填写事项编码');
    else if (seen.has(parsedCode.data)) issue('code', code, `事项编码与第 ${seen.get(parsedCode.data)} 行重复`);
    else seen.set(parsedCode.data, r);
    if (!name) issue('name', name, '请填写事项名称');
    else if (name.length > LIMITS.matter) issue('name', name, `事项名称不能超过 ${LIMITS.matter} 个字`);
    const deptCode = dept ? (byCode.get(dept) ?? byName.get(norm(dept))) : undefined;
    if (!dept) issue('department', dept, '请填写实施部门（部门名称或代码）');
    else if (!deptCode) issue('department', dept, `实施部门“${dept.slice(0, 30)}”不在部门列表中`);
    if (parsedCode.success && name && name.length <= LIMITS.matter && deptCode) rows.push({ code: parsedCode.data, name, department: deptCode });
    if (issues.length >= MAX_ISSUES) break;
  }
  if (dataRows === 0) throw fileError('事项目录中没有数据行');
  if (issues.length) {
    const shown = issues.length >= MAX_ISSUES ? `（仅列出前 ${MAX_ISSUES} 处）` : '';
    throw new AppError('VALIDATION', `事项目录有 ${issues.length} 处错误${shown}，未导入任何事项，请改正后重新上传`, issues);
  }
  const at = ctx.clock.now().toISOString();
  const sm3 = createHash('sm3').update(file.buffer).digest('hex');
  let imported = 0;
  let updated = 0;
  await ctx.db.transaction().execute(async (trx) => {
    const existing = await findMatters(trx, rows.map((x) => x.code));
    for (const m of rows) {
      const prior = existing.get(m.code);
      if (!prior) {
        await insertMatter(trx, { ...m, at });
        imported++;
      } else if (prior.name !== m.name || prior.department !== m.department) {
        await updateMatter(trx, m);
        updated++;
      }
    }
    await appendAudit(trx, { at, actor: actor.username, action: 'matter.import', entityType: 'matter', entityId: file.name.slice(0, 100), data: { fileName: file.name, rows: rows.length, imported, updated, sm3 } });
  });
  return { fileName: file.name, sheet: ws.name, rows: rows.length, imported, updated };
}
