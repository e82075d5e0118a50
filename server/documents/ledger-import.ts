/**
 * 台账 import: a county's existing Excel ledger becomes cases with their historical state.
 *
 * Validation comes first and is complete: every bad cell of every row is reported (row, column,
 * Chinese message) and nothing is written while any is bad. A good file is written in ONE
 * transaction: the case rows (numbers from 编号, dates from the sheet), their department index,
 * an `import` timeline event each, the year counters advanced past the imported numbers, and one
 * audit record for the whole import. A number already in the database is the same case and is
 * skipped, so importing the same file twice creates nothing new.
 */
import { COMPLETED_STATUSES, UNDISPATCHED_STATUSES } from '../../core/clocks.js';
import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { sql } from 'kysely';
import type { Actor } from '../../core/case-lifecycle.js';
import { LIMITS } from '../../core/api/schemas.js';
import {
  CASE_STATUSES,
  CHANNEL_LABELS,
  CHANNELS,
  PROBLEM_TYPE_LABELS,
  PROBLEM_TYPES,
  RATING_ASPECT_LABELS,
  RATING_ASPECTS,
  RATING_LABELS,
  RATINGS,
  REJECT_CATEGORIES,
  REJECT_CATEGORY_LABELS,
  STATUS_LABELS,
  VERIFY_OUTCOME_LABELS,
  VERIFY_OUTCOMES,
  type CaseStatus,
  type Channel,
  type ProblemType,
  type Rating,
  type RejectCategory,
  type VerifyOutcome,
} from '../../core/domain.js';
import { isValidPhone, normalisePhone } from '../../core/validation.js';
import { sealReporter } from '../security/pii.js';
import { formatShanghai, shanghaiDate } from '../../core/working-days.js';
import type { AppContext } from '../context.js';
import type { Executor } from '../db/database.js';
import { appendAudit } from '../audit/audit.repository.js';
import { applyRollup, rebuildRollup } from '../stats/rollup.js';
import { indexCaseText } from '../cases/case-search.js';
import { timelineEventRow } from '../cases/case.repository.js';
import { AppError } from '../errors.js';
import { LEDGER_COLUMNS, wallTimeOf, type LedgerKey } from './ledger-format.js';
import { ALWAYS_REQUIRED } from './ledger-template.js';

/** Upload limit of the import (bytes). */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
/** Data rows one import may hold. */
export const MAX_IMPORT_ROWS = 50_000;
/** Uncompressed size the xlsx may unpack to (guards against zip bombs). */
const MAX_UNZIPPED_BYTES = 200 * 1024 * 1024;
/** Above this many new cases the statistics rollup is rebuilt in one statement rather than case by case. */
const ROLLUP_REBUILD_FROM = 500;
/** Issues listed in one report at most. */
const MAX_ISSUES = 1000;
/** Roles that may import. */

/** One problem of the file: Excel row number (1-based, as Excel shows it), the column's header, the cell. */
export interface ImportIssue {
  row: number | null;
  column: string | null;
  cell: string | null;
  message: string;
}

/** A file-level 400 (not an xlsx, no sheet, no data …): one issue without row or column. */
function fileError(message: string): AppError {
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
type Raw =
  | { kind: 'empty' }
  | { kind: 'text'; text: string }
  | { kind: 'number'; n: number }
  | { kind: 'date'; d: Date }
  | { kind: 'bool'; b: boolean }
  | { kind: 'formula' }
  | { kind: 'error'; text: string };

const EMPTY: Raw = { kind: 'empty' };

function cleanText(s: string): string {
  return s.replace(/\r\n?/g, '\n').replace(/[\u00a0\u3000]/g, ' ').replace(/[\u200b-\u200d\ufeff]/g, '').trim();
}

function readCell(cell: ExcelJS.Cell | undefined): Raw {
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

/** Header words of other ledgers that mean our columns. */
const HEADER_ALIASES: Record<string, LedgerKey> = {
  序号: 'index',
  编号: 'caseNo',
  反映件编号: 'caseNo',
  案件编号: 'caseNo',
  受理日期: 'receivedDate',
  受理时间: 'receivedDate',
  登记日期: 'receivedDate',
  反映日期: 'receivedDate',
  渠道: 'channel',
  反映渠道: 'channel',
  来源渠道: 'channel',
  反映人: 'reporterName',
  反映人姓名: 'reporterName',
  姓名: 'reporterName',
  联系电话: 'phone',
  电话: 'phone',
  联系方式: 'phone',
  企业名称: 'orgName',
  单位名称: 'orgName',
  事项名称: 'matter',
  办理事项: 'matter',
  诉求: 'description',
  诉求内容: 'description',
  反映问题: 'description',
  办不成原因: 'reason',
  办不成事原因: 'reason',
  问题类型: 'problemType',
  问题类别: 'problemType',
  调度级别: 'level',
  交办级别: 'level',
  级别: 'level',
  承办部门: 'leadDepartment',
  牵头部门: 'leadDepartment',
  承办单位: 'leadDepartment',
  协办部门: 'coDepartments',
  协办单位: 'coDepartments',
  配合部门: 'coDepartments',
  交办日期: 'assignedDate',
  交办时间: 'assignedDate',
  办理时限: 'dueAt',
  办结时限: 'dueAt',
  截止日期: 'dueAt',
  办结日期: 'completedDate',
  办结时间: 'completedDate',
  是否超期: 'overdue',
  办理结果: 'result',
  办理情况: 'result',
  回访评价: 'callback',
  回访情况: 'callback',
  满意度: 'callback',
  核查结果: 'verification',
  核查情况: 'verification',
  当前状态: 'status',
  状态: 'status',
  办理状态: 'status',
};

function normaliseHeader(s: string): string {
  return s.replace(/[\s*＊:：]/g, '').replace(/[（(](必填|选填)[）)]/g, '');
}

interface SheetLayout {
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

// ---------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------

type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (message: string): Parsed<never> => ({ ok: false, message });

/** A Shanghai wall time: date, and time when the cell gave one. */
interface WallTime {
  date: string;
  time: string | null;
}

function isRealDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

function wallFromDate(d: Date): WallTime {
  const w = wallTimeOf(d);
  return { date: w.date, time: w.time === '00:00:00' ? null : w.time };
}

const DATE_TEXT = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT]*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?\s*[秒分]?)?$/;

/** Reads a date (Excel date, serial number, 20251126, or text such as 2025-11-26 / 2025年11月26日 17:00). */
function parseDate(raw: Raw): Parsed<WallTime | null> {
  switch (raw.kind) {
    case 'empty':
      return ok(null);
    case 'date':
      return ok(wallFromDate(raw.d));
    case 'number': {
      const n = raw.n;
      if (Number.isInteger(n) && n >= 19000101 && n <= 21001231) {
        const y = Math.floor(n / 10000);
        const m = Math.floor(n / 100) % 100;
        const d = n % 100;
        if (!isRealDate(y, m, d)) return bad(`日期“${n}”不存在`);
        return ok({ date: `${y}-${pad2(m)}-${pad2(d)}`, time: null });
      }
      if (n >= 20000 && n < 80000) {
        // An Excel serial date whose cell lost its date format.
        return ok(wallFromDate(new Date(Math.round((n - 25569) * 86_400_000))));
      }
      return bad(`无法识别的日期“${n}”，应为 2025-11-26 这样的日期`);
    }
    case 'text': {
      const m = DATE_TEXT.exec(raw.text);
      if (!m) return bad(`无法识别的日期“${raw.text}”，应为 2025-11-26 这样的日期`);
      const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
      if (!isRealDate(y, mo, d)) return bad(`日期“${raw.text}”不存在`);
      let time: string | null = null;
      if (m[4] !== undefined) {
        const [h, mi, s] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
        if (h > 23 || mi > 59 || s > 59) return bad(`时间“${raw.text}”不存在`);
        time = `${pad2(h)}:${pad2(mi)}:${pad2(s)}`;
        if (time === '00:00:00') time = null;
      }
      return ok({ date: `${y}-${pad2(mo)}-${pad2(d)}`, time });
    }
    default:
      return bad('应为日期');
  }
}

/** The instant of a wall time; a bare date is its start, or with `endOfDay` its last second. */
function instantOf(w: WallTime, endOfDay = false): string {
  const time = w.time ?? (endOfDay ? '23:59:59' : '00:00:00');
  return new Date(Date.parse(`${w.date}T${time}+08:00`)).toISOString();
}

function asText(raw: Raw): string | null {
  switch (raw.kind) {
    case 'text':
      return raw.text;
    case 'number':
      return Number.isInteger(raw.n) ? String(raw.n) : String(raw.n);
    case 'bool':
      return raw.b ? '是' : '否';
    default:
      return null;
  }
}

/** Lookup of the words a ledger may use for a coded value. */
function lookup<T extends string>(entries: Array<[string, T]>): Map<string, T> {
  const m = new Map<string, T>();
  for (const [k, v] of entries) m.set(normaliseWord(k), v);
  return m;
}
function normaliseWord(s: string): string {
  return s.replace(/\s+/g, '').replace(/\(/g, '（').replace(/\)/g, '）').toLowerCase();
}

const CHANNEL_WORDS = lookup<Channel>([
  ...CHANNELS.map((c) => [c, c] as [string, Channel]),
  ...CHANNELS.map((c) => [CHANNEL_LABELS[c], c] as [string, Channel]),
  ['大厅窗口', 'window'],
  ['办不成事窗口', 'window'],
  ['“办不成事”窗口', 'window'],
  ['现场', 'window'],
  ['12345', 'hotline'],
  ['12345热线', 'hotline'],
  ['政务服务热线', 'hotline'],
  ['电话', 'hotline'],
  ['网上', 'online'],
  ['网络', 'online'],
  ['网上平台', 'online'],
  ['群工', 'mass_work'],
]);

const PROBLEM_WORDS = lookup<ProblemType>(
  PROBLEM_TYPES.flatMap((p) => {
    const label = PROBLEM_TYPE_LABELS[p];
    const [head, tail] = label.replace('）', '').split('（');
    return [
      [p, p],
      [label, p],
      [head!, p],
      [tail!, p],
    ] as Array<[string, ProblemType]>;
  }),
);

const LEVEL_WORDS = lookup<string>([
  ['1', '1'],
  ['2', '2'],
  ['3', '3'],
  ['一级', '1'],
  ['二级', '2'],
  ['三级', '3'],
  ['一级交办', '1'],
  ['二级交办', '2'],
  ['三级交办', '3'],
  ['三级（提级）', '3'],
  ['提级', '3'],
]);

const STATUS_WORDS = lookup<CaseStatus>([
  ...CASE_STATUSES.map((s) => [s, s] as [string, CaseStatus]),
  ...CASE_STATUSES.map((s) => [STATUS_LABELS[s], s] as [string, CaseStatus]),
  ['登记', 'received'],
  ['已受理', 'accepted'],
  ['受理', 'accepted'],
  ['不受理', 'rejected'],
  ['交办', 'assigned'],
  ['已签收', 'in_progress'],
  ['提级', 'escalating'],
  ['办结', 'completed'],
  ['待回访', 'completed'],
  ['核查督办', 'verifying'],
  ['核查中', 'verifying'],
  ['归档', 'closed'],
  ['已结案', 'closed'],
  ['结案', 'closed'],
]);

const RATING_WORDS = lookup<Rating>(RATINGS.map((r) => [RATING_LABELS[r], r]));
const ASPECT_WORDS = lookup(RATING_ASPECTS.map((a) => [RATING_ASPECT_LABELS[a], a]));

/** Parses 回访评价: one rating for all four aspects, or each aspect named. */
function parseCallback(text: string): Parsed<Record<(typeof RATING_ASPECTS)[number], Rating>> {
  const whole = RATING_WORDS.get(normaliseWord(text));
  if (whole) return ok({ attitude: whole, result: whole, efficiency: whole, integrity: whole });
  const out: Partial<Record<(typeof RATING_ASPECTS)[number], Rating>> = {};
  for (const part of text.split(/[；;，,、\n]+/).map((s) => s.trim()).filter(Boolean)) {
    const m = /^(.+?)[:：](.+)$/.exec(part);
    const aspect = m ? ASPECT_WORDS.get(normaliseWord(m[1]!)) : undefined;
    const rating = m ? RATING_WORDS.get(normaliseWord(m[2]!)) : undefined;
    if (!aspect || !rating) return bad(`回访评价“${text}”无法识别，应为“满意”“基本满意”“不满意”或逐项填写（如“服务态度：满意；办理结果：不满意；…”）`);
    out[aspect] = rating;
  }
  const missing = RATING_ASPECTS.filter((a) => !out[a]).map((a) => RATING_ASPECT_LABELS[a]);
  if (missing.length) return bad(`回访评价缺少${missing.join('、')}的评价`);
  return ok(out as Record<(typeof RATING_ASPECTS)[number], Rating>);
}

/** Parses 核查结果: 差评属实/不实 and the outcome. */
function parseVerification(text: string): Parsed<{ substantiated: boolean; outcome: VerifyOutcome }> {
  const t = normaliseWord(text);
  const substantiated = /不属实|不实/.test(t) ? false : /属实/.test(t) ? true : null;
  const outcome = VERIFY_OUTCOMES.find((o) => t.includes(VERIFY_OUTCOME_LABELS[o]));
  if (substantiated === null) return bad(`核查结果“${text}”无法识别，应写明差评“属实”或“不实”（如“差评属实，限期整改”）`);
  if (!substantiated) {
    if (outcome && outcome !== 'none') return bad('差评不实时不应有整改或问责');
    return ok({ substantiated, outcome: 'none' });
  }
  if (!outcome || outcome === 'none') return bad('差评属实时须写明“限期整改”或“追责问责”');
  return ok({ substantiated, outcome });
}

/** Parses 不予受理 text: “不予受理（涉诉）：说明” or a category word at the start. */
function parseRejection(text: string | null): { category: RejectCategory; explanation: string } {
  if (!text) return { category: 'other', explanation: '历史台账导入，未载明不予受理原因' };
  const byLabel = (s: string) => REJECT_CATEGORIES.find((c) => REJECT_CATEGORY_LABELS[c] === s.trim());
  const m = /^不予受理[（(](.+?)[）)][:：]?\s*([\s\S]*)$/.exec(text);
  if (m) {
    const cat = byLabel(m[1]!);
    if (cat) return { category: cat, explanation: m[2]!.trim() || text };
  }
  const lead = REJECT_CATEGORIES.filter((c) => c !== 'other').find((c) => text.startsWith(REJECT_CATEGORY_LABELS[c]));
  return { category: lead ?? 'other', explanation: text };
}

// ---------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------

/** A row that passed validation: what the case will hold. */
export interface ImportCase {
  row: number;
  caseNo: string;
  year: number;
  seq: number;
  status: CaseStatus;
  channel: Channel;
  reporter: { name: string; phone: string; kind: 'person' | 'enterprise'; orgName: string | null };
  matter: string;
  description: string;
  reason: string | null;
  problemType: ProblemType | null;
  level: 1 | 2 | 3 | null;
  lead: string | null;
  co: string[];
  receivedAt: string;
  receivedDate: string;
  assignedAt: string | null;
  dueAt: string | null;
  completedAt: string | null;
  onTime: boolean | null;
  resolvedOnSpot: boolean;
  result: string | null;
  rejection: { category: RejectCategory; explanation: string } | null;
  callback: (Record<(typeof RATING_ASPECTS)[number], Rating> & { bad: boolean }) | null;
  verification: { substantiated: boolean; outcome: VerifyOutcome } | null;
}

export interface ValidatedLedger {
  sheet: string;
  rows: ImportCase[];
  dataRows: number;
}

/** Statuses in which a case has never been dispatched; those that need a completion (办结日期 and 办理结果). */
const UNDISPATCHED: readonly CaseStatus[] = UNDISPATCHED_STATUSES;
const COMPLETED: readonly CaseStatus[] = COMPLETED_STATUSES;

/**
 * Checks every row of the ledger sheet. Never writes (and yields to the event loop as it goes). Returns the cases, or the full list of
 * issues (capped at 1000) — never both.
 */
export async function validateLedger(
  layout: SheetLayout,
  departments: Array<{ code: string; name: string }>,
  now: Date,
): Promise<{ ok: true; value: ValidatedLedger } | { ok: false; issues: ImportIssue[]; dataRows: number }> {
  const { ws, headerRow, columns } = layout;
  const today = shanghaiDate(now);
  const deptByWord = new Map<string, string>();
  for (const d of departments) {
    deptByWord.set(normaliseWord(d.code), d.code);
    deptByWord.set(normaliseWord(d.name), d.code);
  }
  const issues: ImportIssue[] = [];
  const rows: ImportCase[] = [];
  const firstRowOf = new Map<string, number>();
  let dataRows = 0;

  const headerOf = (key: LedgerKey) => columns.get(key)?.header ?? LEDGER_COLUMNS.find((c) => c.key === key)!.header;
  const letterOf = (col: number) => {
    let s = '';
    for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
    return s;
  };

  // Only the rows the file holds (a sheet formatted down to row 1,048,576 has no more rows than that).
  const rowNumbers: number[] = [];
  ws.eachRow({ includeEmpty: false }, (_row, n) => {
    if (n > headerRow) rowNumbers.push(n);
  });
  for (const [i, r] of rowNumbers.entries()) {
    // A large sheet takes seconds to check: let other requests through now and then.
    if (i % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
    const row = ws.getRow(r);
    const raw = new Map<LedgerKey, Raw>();
    let filled = false;
    for (const [key, { col }] of columns) {
      const v = readCell(row.getCell(col));
      raw.set(key, v);
      if (v.kind !== 'empty' && key !== 'index') filled = true;
    }
    if (!filled) continue;
    dataRows++;
    if (dataRows > MAX_IMPORT_ROWS) throw fileError(`单次最多导入 ${MAX_IMPORT_ROWS} 行，请分批导入`);
    if (issues.length >= MAX_ISSUES) continue;

    let rowOk = true;
    const problem = (key: LedgerKey, message: string) => {
      rowOk = false;
      const c = columns.get(key);
      if (issues.length < MAX_ISSUES) issues.push({ row: r, column: headerOf(key), cell: c ? `${letterOf(c.col)}${r}` : null, message });
    };
    const get = (key: LedgerKey): Raw => raw.get(key) ?? EMPTY;

    // Formulas are refused wherever they are: their value depends on the other cells.
    for (const [key, v] of raw) {
      if (v.kind === 'formula') problem(key, `${headerOf(key)}不能是公式，请复制后“选择性粘贴—数值”`);
      if (v.kind === 'error') problem(key, `${headerOf(key)}的值无效（${v.text}）`);
    }
    const usable = (key: LedgerKey) => get(key).kind !== 'formula' && get(key).kind !== 'error';

    const text = (key: LedgerKey, max: number, required: boolean): string | null => {
      if (!usable(key)) return null;
      const v = get(key);
      const t = v.kind === 'date' ? wallFromDate(v.d).date : asText(v);
      if (!t) {
        if (required) problem(key, `请填写${headerOf(key)}`);
        return null;
      }
      if ([...t].length > max) {
        problem(key, `${headerOf(key)}不能超过 ${max} 个字`);
        return null;
      }
      return t;
    };
    const date = (key: LedgerKey): WallTime | null => {
      if (!usable(key)) return null;
      const p = parseDate(get(key));
      if (!p.ok) {
        problem(key, `${headerOf(key)}：${p.message}`);
        return null;
      }
      if (p.value && (p.value.date < '2000-01-01' || p.value.date > '2100-12-31')) {
        problem(key, `${headerOf(key)}“${p.value.date}”超出合理范围`);
        return null;
      }
      return p.value;
    };
    const coded = <T>(key: LedgerKey, words: Map<string, T>, hint: string): T | null => {
      const t = text(key, 100, false);
      if (t === null) return null;
      const v = words.get(normaliseWord(t));
      if (v === undefined) problem(key, `${headerOf(key)}“${t}”无效，应为：${hint}`);
      return v ?? null;
    };

    // 编号
    const caseNoText = text('caseNo', 20, true);
    let year = 0;
    let seq = 0;
    let caseNo: string | null = null;
    if (caseNoText !== null) {
      const m = /^(\d{4})-(\d{6})$/.exec(caseNoText);
      if (!m || Number(m[2]) === 0) problem('caseNo', `编号“${caseNoText}”格式不对，应为“年份-6位序号”，如 2025-000123`);
      else {
        caseNo = caseNoText;
        year = Number(m[1]);
        seq = Number(m[2]);
        const first = firstRowOf.get(caseNo);
        if (first !== undefined) problem('caseNo', `编号“${caseNo}”与第 ${first} 行重复`);
        else firstRowOf.set(caseNo, r);
      }
    }

    // Dates
    const received = date('receivedDate');
    if (received === null && usable('receivedDate') && get('receivedDate').kind === 'empty') problem('receivedDate', '请填写受理日期');
    const assigned = date('assignedDate');
    const due = date('dueAt');
    const completed = date('completedDate');
    for (const [key, w] of [['receivedDate', received], ['assignedDate', assigned], ['completedDate', completed]] as const) {
      if (w && w.date > today) problem(key, `${headerOf(key)}“${w.date}”晚于今天`);
    }
    if (received && caseNo && year !== Number(received.date.slice(0, 4))) {
      problem('caseNo', `编号年份（${year}）与受理日期的年份（${received.date.slice(0, 4)}）不一致`);
    }
    if (received && assigned && assigned.date < received.date) problem('assignedDate', '交办日期不能早于受理日期');
    if (received && completed && completed.date < received.date) problem('completedDate', '办结日期不能早于受理日期');
    if (assigned && completed && completed.date < assigned.date) problem('completedDate', '办结日期不能早于交办日期');
    if (assigned && due && due.date < assigned.date) problem('dueAt', '办理时限不能早于交办日期');

    // Coded values
    const requiredCoded = <T>(key: LedgerKey, words: Map<string, T>, hint: string): T | null => {
      if (get(key).kind !== 'empty') return coded(key, words, hint);
      problem(key, `请填写${headerOf(key)}`);
      return null;
    };
    const channel = requiredCoded('channel', CHANNEL_WORDS, CHANNELS.map((c) => CHANNEL_LABELS[c]).join('、'));
    const status = requiredCoded('status', STATUS_WORDS, CASE_STATUSES.map((s) => STATUS_LABELS[s]).join('、'));
    const problemType = coded('problemType', PROBLEM_WORDS, PROBLEM_TYPES.map((p) => PROBLEM_TYPE_LABELS[p]).join('、'));
    const levelText = coded('level', LEVEL_WORDS, '一级、二级、三级');
    const level = levelText ? (Number(levelText) as 1 | 2 | 3) : null;

    // Departments: by name or code.
    let lead: string | null = null;
    const leadText = text('leadDepartment', 100, false);
    if (leadText) {
      lead = deptByWord.get(normaliseWord(leadText)) ?? null;
      if (!lead) problem('leadDepartment', `承办部门“${leadText}”不存在，请填写系统中的部门名称`);
    }
    const co: string[] = [];
    const coText = text('coDepartments', 1000, false);
    if (coText) {
      for (const word of coText.split(/[、,，;；\s/]+/).filter(Boolean)) {
        const code = deptByWord.get(normaliseWord(word));
        if (!code) problem('coDepartments', `协办部门“${word}”不存在，请填写系统中的部门名称`);
        else if (!co.includes(code)) co.push(code);
      }
    }
    if (lead && co.includes(lead)) problem('coDepartments', '协办部门不能与承办部门相同');

    // Reporter
    const name = text('reporterName', LIMITS.name, true);
    let phone: string | null = null;
    const phoneText = text('phone', 50, true);
    if (phoneText) {
      if (/[*＊]|[xX×]{3,}/.test(phoneText)) problem('phone', '联系电话是脱敏号码（含 *），导入须填写完整号码');
      else {
        const p = normalisePhone(phoneText);
        if (!isValidPhone(p)) problem('phone', `联系电话“${phoneText}”格式不正确（应为手机号码或固定电话）`);
        else phone = p;
      }
    }
    const orgName = text('orgName', LIMITS.name, false);
    const matter = text('matter', LIMITS.matter, true);
    const description = text('description', LIMITS.text, true);
    const reason = text('reason', LIMITS.text, false);
    const result = text('result', LIMITS.text, false);

    // 回访评价, 核查结果, 是否超期
    let callback: ImportCase['callback'] = null;
    const cbText = text('callback', 200, false);
    if (cbText) {
      const p = parseCallback(cbText);
      if (!p.ok) problem('callback', p.message);
      else callback = { ...p.value, bad: RATING_ASPECTS.some((a) => p.value[a] === 'dissatisfied') };
    }
    let verification: ImportCase['verification'] = null;
    const vText = text('verification', 500, false);
    if (vText) {
      const p = parseVerification(vText);
      if (!p.ok) problem('verification', p.message);
      else verification = p.value;
    }
    let overdueGiven: boolean | null = null;
    const oText = text('overdue', 20, false);
    if (oText) {
      const t = normaliseWord(oText);
      if (['是', '超期', '已超期', '超期办结'].includes(t)) overdueGiven = true;
      else if (['否', '未超期', '按时', '按期', '按时办结'].includes(t)) overdueGiven = false;
      else problem('overdue', `是否超期“${oText}”无效，应为“是”或“否”`);
    }

    // What the state requires.
    const dispatched = get('level').kind !== 'empty' || get('leadDepartment').kind !== 'empty';
    if (status) {
      const label = STATUS_LABELS[status];
      const need = (key: LedgerKey, present: boolean, why: string) => {
        if (!present && usable(key) && get(key).kind === 'empty') problem(key, `${why}须填写${headerOf(key)}`);
      };
      if (UNDISPATCHED.includes(status)) {
        for (const key of ['level', 'leadDepartment', 'coDepartments', 'assignedDate', 'dueAt'] as const)
          if (get(key).kind !== 'empty') problem(key, `当前状态为“${label}”（尚未交办），不应填写${headerOf(key)}`);
        for (const key of ['completedDate', 'callback', 'verification'] as const)
          if (get(key).kind !== 'empty') problem(key, `当前状态为“${label}”（尚未办结），不应填写${headerOf(key)}`);
      }
      if (status === 'accepted') need('problemType', problemType !== null, `当前状态为“${label}”的`);
      const mustDispatch = status === 'assigned' || status === 'in_progress' || (COMPLETED.includes(status) && dispatched) || (status === 'escalating' && dispatched);
      if (mustDispatch) {
        const why = `已交办的反映件`;
        need('problemType', problemType !== null, why);
        need('level', level !== null, why);
        need('leadDepartment', lead !== null, why);
        need('assignedDate', assigned !== null, why);
        need('dueAt', due !== null, why);
      }
      if (status === 'escalating') need('problemType', problemType !== null, `当前状态为“${label}”的`);
      if (COMPLETED.includes(status)) {
        need('completedDate', completed !== null, `当前状态为“${label}”的`);
        need('result', result !== null, `当前状态为“${label}”的`);
      }
      if (status === 'verifying') {
        if (cbText === null) problem('callback', '当前状态为“核查督办中”的，须填写含“不满意”的回访评价');
        else if (callback && !callback.bad) problem('callback', '当前状态为“核查督办中”的，回访评价中应有“不满意”');
        if (verification) problem('verification', '当前状态为“核查督办中”的尚未核查完毕，不应填写核查结果');
      }
      if (status === 'closed' && callback?.bad) {
        if (vText === null) problem('verification', '回访有“不满意”且已归档的，须填写核查结果');
        else if (verification?.outcome === 'rectify') problem('verification', '限期整改的反映件应为“办理中”，整改办结并回访满意后才归档');
      }
      if (cbText !== null && completed === null && get('completedDate').kind === 'empty' && !UNDISPATCHED.includes(status))
        problem('completedDate', '有回访评价的须填写办结日期');
      if (vText !== null && cbText === null && !UNDISPATCHED.includes(status)) problem('callback', '有核查结果的须填写回访评价');
    }
    if (level === 1 && co.length > 0) problem('coDepartments', '一级交办只交一个部门，不应有协办部门');
    if (level === 2 && co.length === 0 && get('coDepartments').kind === 'empty') problem('coDepartments', '二级交办须至少有一个协办部门');

    if (!rowOk || !caseNo || !received || !channel || !status || !name || !phone || !matter || !description) continue;

    // A bare date is the start of its day: on a day that also has a timed event before it, keep the order.
    const latest = (a: string, b: string | null) => (b !== null && b > a ? b : a);
    const receivedAt = instantOf(received);
    const assignedAt = assigned ? latest(instantOf(assigned), receivedAt) : null;
    const dueAt = due ? instantOf(due, true) : null;
    const completedAt = completed ? latest(instantOf(completed), assignedAt ?? receivedAt) : null;
    const resolvedOnSpot = COMPLETED.includes(status) ? !dispatched : false;
    const onTime = completedAt === null ? null : resolvedOnSpot ? true : overdueGiven !== null ? !overdueGiven : dueAt ? completedAt <= dueAt : true;
    rows.push({
      row: r,
      caseNo,
      year,
      seq,
      status,
      channel,
      reporter: { name, phone, kind: orgName ? 'enterprise' : 'person', orgName },
      matter,
      description,
      reason,
      problemType,
      level,
      lead,
      co,
      receivedAt,
      receivedDate: received.date,
      assignedAt,
      dueAt,
      completedAt,
      onTime,
      resolvedOnSpot,
      result: status === 'rejected' ? null : result,
      rejection: status === 'rejected' ? parseRejection(result) : null,
      callback,
      verification,
    });
  }
  if (dataRows === 0) throw fileError(`工作表“${ws.name}”的列名行下没有数据行`);
  if (issues.length) return { ok: false, issues, dataRows };
  return { ok: true, value: { sheet: ws.name, rows, dataRows } };
}

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------

export interface ImportResult {
  fileName: string;
  sheet: string;
  /** Data rows in the file. */
  rows: number;
  /** Cases created. */
  imported: number;
  /** Rows whose 编号 was already in the database (the same case): not created again. */
  skipped: number;
  skippedCaseNos: string[];
  /** SM3 of the file, as in the audit record. */
  sm3: string;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function existingCaseNos(db: Executor, caseNos: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const part of chunks(caseNos, 500)) {
    const rows = await db.selectFrom('cases').select('case_no').where('case_no', 'in', part).execute();
    for (const r of rows) found.add(r.case_no);
  }
  return found;
}

function caseRow(c: ImportCase, actor: Actor, at: string) {
  const b = (v: boolean) => (v ? 1 : 0);
  const closed = c.status === 'closed' || c.status === 'rejected';
  return {
    case_no: c.caseNo,
    year: c.year,
    seq: c.seq,
    channel: c.channel,
    status: c.status,
    level: c.level,
    problem_type: c.problemType,
    lead_department: c.lead,
    co_departments: JSON.stringify(c.co),
    named_departments: JSON.stringify(c.lead ? [c.lead, ...c.co] : []),
    ...sealReporter({ name: c.reporter.name, phone: c.reporter.phone, orgCode: null }),
    reporter_kind: c.reporter.kind,
    reporter_org_name: c.reporter.orgName,
    matter: c.matter,
    description: c.description,
    reason: c.reason,
    received_at: c.receivedAt,
    received_date: c.receivedDate,
    created_by: actor.username,
    due_at: c.dueAt,
    due_provisional: 0,
    // The 交办日期; no working-day count, so an imported deadline is never recomputed.
    deadline_start_at: c.assignedAt,
    deadline_days: null,
    escalated_from: c.status === 'escalating' ? (c.lead ? 'assigned' : 'accepted') : null,
    assignment_no: null,
    first_completed_at: c.completedAt,
    first_completed_on_time: c.onTime === null ? null : b(c.onTime),
    completed_at: c.completedAt,
    closed_at: closed ? (c.completedAt ?? c.receivedAt) : null,
    resolved_on_spot: b(c.resolvedOnSpot),
    result: c.result,
    replied_via: null,
    reject_category: c.rejection?.category ?? null,
    reject_explanation: c.rejection?.explanation ?? null,
    callback: c.callback
      ? JSON.stringify({
          attitude: c.callback.attitude,
          result: c.callback.result,
          efficiency: c.callback.efficiency,
          integrity: c.callback.integrity,
          comment: null,
          bad: c.callback.bad,
          // The ledger does not say when the callback was made: the completion is the nearest date it gives.
          at: c.completedAt ?? c.receivedAt,
          by: actor.username,
          imported: true,
        })
      : null,
    callback_count: c.callback ? 1 : 0,
    ever_bad_review: b(c.callback?.bad ?? false),
    latest_callback_bad: b(c.callback?.bad ?? false),
    verification: c.verification
      ? JSON.stringify({
          substantiated: c.verification.substantiated,
          outcome: c.verification.outcome,
          note: null,
          at: c.completedAt ?? c.receivedAt,
          by: actor.username,
          imported: true,
        })
      : null,
    ever_substantiated: b(c.verification?.substantiated ?? false),
    version: 1,
    updated_at: at,
  };
}

/**
 * Writes the validated rows: all in one transaction, numbers already in the database skipped.
 * Holds the year counters' rows (PostgreSQL row locks) from the start, so a concurrent intake
 * of the same year waits and then continues after the highest imported number.
 */
export async function writeImport(
  ctx: AppContext,
  ledger: ValidatedLedger,
  file: { name: string; buffer: Buffer },
  actor: Actor,
): Promise<ImportResult> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  const digest = createHash('sm3').update(file.buffer).digest('hex');
  const base = { fileName: file.name, sheet: ledger.sheet, rows: ledger.dataRows, sm3: digest };

  const before = await existingCaseNos(ctx.db, ledger.rows.map((r) => r.caseNo));
  if (ledger.rows.every((r) => before.has(r.caseNo))) {
    return { ...base, imported: 0, skipped: ledger.rows.length, skippedCaseNos: ledger.rows.map((r) => r.caseNo).slice(0, 200) };
  }

  return ctx.db.transaction().execute(async (trx) => {
    // Counters first: on PostgreSQL this takes the rows' locks, so intakes of these years queue behind us.
    const maxSeq = new Map<number, number>();
    for (const r of ledger.rows) maxSeq.set(r.year, Math.max(maxSeq.get(r.year) ?? 0, r.seq));
    for (const [year, value] of [...maxSeq].sort((a, b) => a[0] - b[0])) {
      await trx
        .insertInto('counters')
        .values({ name: 'case', year, value })
        .onConflict((oc) =>
          oc.columns(['name', 'year']).doUpdateSet({
            value: sql<number>`case when counters.value < excluded.value then excluded.value else counters.value end`,
          }),
        )
        .execute();
    }
    const existing = await existingCaseNos(trx, ledger.rows.map((r) => r.caseNo));
    const fresh = ledger.rows.filter((r) => !existing.has(r.caseNo));
    const skipped = ledger.rows.filter((r) => existing.has(r.caseNo)).map((r) => r.caseNo);
    const by = { username: actor.username, name: actor.name, role: actor.role };

    const rebuild = fresh.length > ROLLUP_REBUILD_FROM;
    for (const part of chunks(fresh, 200)) {
      const values = part.map((c) => caseRow(c, actor, at));
      const inserted = await trx
        .insertInto('cases')
        .values(values)
        .returning(['id', 'case_no'])
        .execute();
      const idOf = new Map(inserted.map((i) => [i.case_no, i.id]));
      if (!rebuild) for (const v of values) await applyRollup(trx, null, v);
      for (const v of values) await indexCaseText(trx, idOf.get(v.case_no)!, [v.matter, v.description, v.reporter_org_name]);
      const depts = part.flatMap((c) => {
        const id = idOf.get(c.caseNo)!;
        return [
          ...(c.lead ? [{ case_id: id, department_code: c.lead, role: 'lead' }] : []),
          ...c.co.map((d) => ({ case_id: id, department_code: d, role: 'co' })),
        ];
      });
      for (const d of chunks(depts, 500)) await trx.insertInto('case_departments').values(d).execute();
      await trx
        .insertInto('case_events')
        .values(
          part.map((c) =>
            timelineEventRow(idOf.get(c.caseNo)!, {
              type: 'import',
              at,
              by,
              data: {
                fileName: file.name,
                sheet: ledger.sheet,
                row: c.row,
                status: c.status,
                // The dates the ledger gave, as the history the case had before the platform.
                history: {
                  receivedAt: formatShanghai(new Date(c.receivedAt)),
                  assignedAt: c.assignedAt ? formatShanghai(new Date(c.assignedAt)) : null,
                  dueAt: c.dueAt ? formatShanghai(new Date(c.dueAt)) : null,
                  completedAt: c.completedAt ? formatShanghai(new Date(c.completedAt)) : null,
                },
              },
            }),
          ),
        )
        .execute();
    }
    // The statistics' per-day rollup must count the imported cases too.
    if (rebuild) await rebuildRollup(trx);
    if (fresh.length) {
      await appendAudit(trx, {
        at,
        actor: actor.username,
        action: 'ledger.import',
        entityType: 'ledger',
        entityId: null,
        data: { fileName: file.name, sm3: digest, bytes: file.buffer.length, sheet: ledger.sheet, rows: ledger.dataRows, imported: fresh.length, skipped: skipped.length },
      });
    }
    return { ...base, imported: fresh.length, skipped: skipped.length, skippedCaseNos: skipped.slice(0, 200) };
  });
}
