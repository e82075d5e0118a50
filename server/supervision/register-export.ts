/**
 * 督办台账 as Excel: every record matching the register's filters, streamed with exceljs's
 * streaming writer in keyset batches (the styles and the back-pressure of the 台账 export).
 */
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Actor } from '../../core/case-lifecycle.js';
import type { TSupervisionRegisterFilters } from '../../core/api/schemas.js';
import { SUPERVISION_KIND_LABELS, SUPERVISION_REGISTER_STATUS_LABELS } from '../../core/supervision-register.js';
import { formatShanghai } from '../../core/working-days.js';
import type { Executor } from '../db/database.js';
import { BORDER, compressorGate, ExportAborted, writeSheetHead } from '../documents/ledger-export.js';
import { DATETIME_FORMAT, excelDateTime } from '../documents/ledger-format.js';
import { listDepartments } from '../users/user.repository.js';
import { presentRegisterRow, registerBatch } from './register.repository.js';

const BATCH = 500;
/** Title, subtitle, column headers. */
export const REGISTER_HEADER_ROWS = 3;

type Kind = 'text' | 'datetime' | 'center';
const COLUMNS: ReadonlyArray<{ header: string; width: number; kind: Kind; wrap?: boolean }> = [
  { header: '序号', width: 6, kind: 'center' },
  { header: '文书编号', width: 20, kind: 'text' },
  { header: '类别', width: 9, kind: 'center' },
  { header: '反映件编号', width: 14, kind: 'center' },
  { header: '事项名称', width: 24, kind: 'text', wrap: true },
  { header: '所涉部门', width: 18, kind: 'text' },
  { header: '发出时间', width: 17, kind: 'datetime' },
  { header: '发出人', width: 10, kind: 'center' },
  { header: '督办要求／通报摘要／移送线索', width: 40, kind: 'text', wrap: true },
  { header: '督办时限', width: 17, kind: 'datetime' },
  { header: '报告时间', width: 17, kind: 'datetime' },
  { header: '督办情况报告', width: 32, kind: 'text', wrap: true },
  { header: '线索处理结果', width: 32, kind: 'text', wrap: true },
  { header: '状态', width: 14, kind: 'center' },
];
const LAST = String.fromCharCode('A'.charCodeAt(0) + COLUMNS.length - 1);

const STYLES: Partial<ExcelJS.Style>[] = COLUMNS.map((c) => ({
  font: { name: '宋体', size: 10 },
  border: BORDER,
  alignment: c.wrap ? { vertical: 'top', horizontal: 'left', wrapText: true } : { vertical: 'top', horizontal: c.kind === 'text' ? 'left' : 'center' },
  ...(c.kind === 'datetime' ? { numFmt: DATETIME_FORMAT } : {}),
}));

/** The filters in words, for the sheet's subtitle. */
export function describeRegisterFilters(f: TSupervisionRegisterFilters, names: Map<string, string>): string {
  const parts: string[] = [];
  if (f.kind?.length) parts.push(`类别：${f.kind.map((k) => SUPERVISION_KIND_LABELS[k]).join('、')}`);
  if (f.department) parts.push(`部门：${names.get(f.department) ?? f.department}`);
  if (f.status) parts.push(`状态：${SUPERVISION_REGISTER_STATUS_LABELS[f.status]}`);
  if (f.from || f.to) parts.push(`发出日期：${f.from ?? '…'} 至 ${f.to ?? '…'}`);
  if (f.q) parts.push(`关键词：${f.q}`);
  return parts.length ? parts.join('；') : '全部';
}

/**
 * Writes the register of every record matching the filters to `out`, newest first. Returns the
 * number of rows; throws ExportAborted when `out` is destroyed before the end.
 */
export async function writeSupervisionRegister(
  db: Executor,
  out: Writable,
  o: { filters: TSupervisionRegisterFilters; actor: Actor; now: Date; countyName: string; batchSize?: number },
): Promise<number> {
  const names = new Map((await listDepartments(db)).map((d) => [d.code, d.name]));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = '办成事';
  wb.created = o.now;
  const ws = wb.addWorksheet('督办台账', {
    views: [{ state: 'frozen', xSplit: 0, ySplit: REGISTER_HEADER_ROWS }],
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  ws.columns = COLUMNS.map((c) => ({ width: c.width }));
  writeSheetHead(ws, {
    title: `${o.countyName}督办通报移送台账`,
    subtitle: `导出时间：${formatShanghai(o.now).slice(0, 16).replace('T', ' ')}　导出人：${o.actor.name}　筛选条件：${describeRegisterFilters(o.filters, names)}`,
    headers: COLUMNS.map((c) => c.header),
  });

  const gate = compressorGate(ws, out);
  const batchSize = o.batchSize ?? BATCH;
  let index = 0;
  let after: { at: string; id: number } | null = null;
  for (;;) {
    if (out.destroyed) throw new ExportAborted();
    const rows = await registerBatch(db, o.filters, o.now, after, batchSize);
    for (const r of rows) {
      index++;
      const v = presentRegisterRow(r, o.now);
      const values: Array<string | number | Date | null> = [
        index,
        v.recordNo,
        SUPERVISION_KIND_LABELS[v.kind],
        v.case.caseNo,
        v.case.matter,
        v.department?.name ?? null,
        excelDateTime(r.at),
        v.createdBy.name,
        v.text,
        r.due_at ? excelDateTime(r.due_at) : null,
        r.reported_at ? excelDateTime(r.reported_at) : null,
        v.report,
        v.result,
        v.state,
      ];
      const row = ws.getRow(REGISTER_HEADER_ROWS + index);
      values.forEach((value, i) => {
        const cell = row.getCell(i + 1);
        if (value !== null && value !== '') cell.value = value;
        cell.style = STYLES[i]!;
      });
      row.commit();
      if (index % 100 === 0 && gate.lagging()) await gate.wait();
    }
    if (rows.length < batchSize) break;
    const last = rows[rows.length - 1]!;
    after = { at: last.at, id: last.id };
    await new Promise((r) => setImmediate(r));
  }
  if (out.destroyed) throw new ExportAborted();
  ws.autoFilter = `A${REGISTER_HEADER_ROWS}:${LAST}${REGISTER_HEADER_ROWS + Math.max(index, 1)}`;
  ws.commit();
  await wb.commit();
  return index;
}
