/**
 * 台账 import, step 1: reading the upload. Opens the xlsx safely (size, zip bombs, old or
 * encrypted formats answered in plain Chinese), normalises cells, and finds the ledger sheet and
 * its header row. Also the import's limits and its issue shape.
 */
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { AppError } from '../errors.js';
import { LEDGER_COLUMNS, type LedgerKey } from './ledger-format.js';
import { ALWAYS_REQUIRED } from './ledger-template.js';
import { HEADER_ALIASES, normaliseHeader } from './ledger-import.words.js';

/** Upload limit of the import (bytes). */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
/** Data rows one import may hold. */
export const MAX_IMPORT_ROWS = 50_000;
/** Uncompressed size the xlsx may unpack to (guards against zip bombs). */
export const MAX_UNZIPPED_BYTES = 200 * 1024 * 1024;
/** Issues listed in one report at most. */
export const MAX_ISSUES = 1000;
/** One problem of the file: Excel row number (1-based, as Excel shows it), the column's header, the cell. */
export interface ImportIssue {
  row: number | null;
  column: string | null;
  cell: string | null;
  message: string;
}

/** A file-level 400 (not an xlsx, no sheet, no data …): one issue without row or column. */
export function fileError(message: string): AppError {
  return new AppError('VALIDATION', message, [{ row: null, column: null, cell: null, message }] satisfies ImportIssue[]);
}

// ---------------------------------------------------------------------------
// Reading the file
// ---------------------------------------------------------------------------

/** Opens the upload as a workbook, or answers 400 saying plainly what is wrong with it. */
export async function openWorkbook(buffer: Buffer): Promise<ExcelJS.Workbook> {
  if (buffer.length === 0) throw fileError('上传的文件是空的');
  const magic = buffer.subarray(0, 4).toString('hex');
  if (magic === 'd0cf11e0') {
    throw fileError('这是旧版 Excel（.xls）或加密的文件，请在 Excel 中“另存为” .xlsx 格式（不加密）后再上传');
  }
  if (magic !== '504b0304') throw fileError('文件不是 Excel（.xlsx）格式，请使用导入模板填写后上传');
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(buffer, { checkCRC32: false });
  } catch {
    throw fileError('文件已损坏，无法作为 Excel（.xlsx）文件打开');
  }
  if (!zip.file('xl/workbook.xml')) throw fileError('文件不是 Excel 工作簿（.xlsx），请使用导入模板填写后上传');
  const entries = Object.values(zip.files).filter((f) => !f.dir);
  if (entries.length > 5000) throw fileError('文件中的内容过多，不是台账模板格式');
  // A zip's declared sizes can lie: inflate every entry once, counting, and stop at the budget
  // (so a “zip bomb” costs us a bounded amount of work and no memory).
  let budget = MAX_UNZIPPED_BYTES;
  for (const f of entries) {
    const within = await new Promise<boolean>((resolve) => {
      const stream = f.nodeStream('nodebuffer');
      stream.on('data', (chunk: Buffer) => {
        budget -= chunk.length;
        if (budget < 0) {
          stream.pause();
          stream.removeAllListeners('data');
          resolve(false);
        }
      });
      stream.on('end', () => resolve(true));
      stream.on('error', () => resolve(true)); // a damaged entry: exceljs below says so
    });
    if (!within) throw fileError('文件解压后内容过大（超过 200 MB），请分批导入');
  }
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buffer as never);
  } catch {
    throw fileError('无法读取该 Excel 文件，请在 Excel 中打开后重新保存为 .xlsx 再上传');
  }
  return wb;
}

/** A cell's content, normalised. */
export type Raw =
  | { kind: 'empty' }
  | { kind: 'text'; text: string }
  | { kind: 'number'; n: number }
  | { kind: 'date'; d: Date }
  | { kind: 'bool'; b: boolean }
  | { kind: 'formula' }
  | { kind: 'error'; text: string };

export const EMPTY: Raw = { kind: 'empty' };

function cleanText(s: string): string {
  return s.replace(/\r\n?/g, '\n').replace(/[\u00a0\u3000]/g, ' ').replace(/[\u200b-\u200d\ufeff]/g, '').trim();
}

export function readCell(cell: ExcelJS.Cell | undefined): Raw {
  if (!cell) return EMPTY;
  const v = cell.value as unknown;
  if (v === null || v === undefined) return EMPTY;
  if (typeof v === 'object' && v !== null && ('formula' in v || 'sharedFormula' in v)) return { kind: 'formula' };
  if (cell.type === ExcelJS.ValueType.Formula) return { kind: 'formula' };
  if (typeof v === 'string') {
    const t = cleanText(v);
    return t ? { kind: 'text', text: t } : EMPTY;
  }
  if (typeof v === 'number') return Number.isFinite(v) ? { kind: 'number', n: v } : { kind: 'error', text: String(v) };
  if (typeof v === 'boolean') return { kind: 'bool', b: v };
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? { kind: 'error', text: '无效日期' } : { kind: 'date', d: v };
  if (typeof v === 'object') {
    const o = v as { richText?: Array<{ text?: string }>; text?: unknown; error?: string };
    if (Array.isArray(o.richText)) {
      const t = cleanText(o.richText.map((r) => r.text ?? '').join(''));
      return t ? { kind: 'text', text: t } : EMPTY;
    }
    if (typeof o.error === 'string') return { kind: 'error', text: o.error };
    if (typeof o.text === 'string') {
      const t = cleanText(o.text);
      return t ? { kind: 'text', text: t } : EMPTY;
    }
    if (o.text && typeof o.text === 'object' && Array.isArray((o.text as { richText?: unknown[] }).richText)) {
      const t = cleanText(((o.text as { richText: Array<{ text?: string }> }).richText).map((r) => r.text ?? '').join(''));
      return t ? { kind: 'text', text: t } : EMPTY;
    }
  }
  return { kind: 'error', text: String(v) };
}

export interface SheetLayout {
  ws: ExcelJS.Worksheet;
  headerRow: number;
  /** Our column key → its 1-based column number and the header as the file writes it. */
  columns: Map<LedgerKey, { col: number; header: string }>;
}

/** Finds the ledger sheet and its header row: the sheet named 台账 first, else any with a header. */
export function locateLedger(wb: ExcelJS.Workbook): SheetLayout {
  const sheets = [...wb.worksheets].sort((a, b) => (a.name === '台账' ? -1 : b.name === '台账' ? 1 : 0));
  if (sheets.length === 0) throw fileError('文件中没有工作表');
  const candidates = sheets.filter((s) => s.state !== 'hidden' && s.state !== 'veryHidden' && s.name !== '代码表' && s.name !== '填写说明');
  for (const ws of candidates) {
    const lastScan = Math.min(ws.rowCount, 10);
    for (let r = 1; r <= lastScan; r++) {
      const columns = new Map<LedgerKey, { col: number; header: string }>();
      ws.getRow(r).eachCell((cell, col) => {
        const raw = readCell(cell);
        if (raw.kind !== 'text') return;
        const key = HEADER_ALIASES[normaliseHeader(raw.text)];
        if (key && !columns.has(key)) columns.set(key, { col, header: raw.text.replace(/\s+/g, '') });
      });
      if (columns.has('caseNo') && columns.has('matter') && columns.size >= 5) {
        const missing = ALWAYS_REQUIRED.filter((k) => !columns.has(k)).map((k) => LEDGER_COLUMNS.find((c) => c.key === k)!.header);
        if (missing.length) throw fileError(`台账缺少必需的列：${missing.join('、')}。请使用导入模板`);
        return { ws, headerRow: r, columns };
      }
    }
  }
  const first = candidates[0] ?? sheets[0]!;
  if (first.actualRowCount === 0) throw fileError(`工作表“${first.name}”是空的，没有可导入的数据`);
  throw fileError('未找到台账的列名行（应有 编号、受理日期、渠道、反映人、联系电话、事项名称、诉求、当前状态 等列），请使用导入模板');
}
