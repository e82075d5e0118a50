/**
 * The 台账 (ledger) as a county keeps it: its columns, the Chinese words it uses for each value,
 * and the conversions between our instants and Excel dates. Shared by the export, the template
 * and the import, so that a file we write can be read back.
 */
import { isOverdue } from '../../core/clocks.js';
import {
  RATING_ASPECT_LABELS,
  RATING_ASPECTS,
  RATING_LABELS,
  VERIFY_OUTCOME_LABELS,
  type CaseStatus,
  type Rating,
  type VerifyOutcome,
} from '../../core/domain.js';
import { SHANGHAI_OFFSET_MS } from '../../core/working-days.js';

/** Keys of the ledger's columns, in their order on the sheet. */
export const LEDGER_KEYS = [
  'index', // 序号
  'caseNo', // 编号
  'receivedDate', // 受理日期
  'channel', // 渠道
  'reporterName', // 反映人
  'phone', // 联系电话 (masked in the export, full in an import)
  'orgName', // 企业名称
  'matter', // 事项名称
  'description', // 诉求
  'reason', // 办不成原因
  'problemType', // 问题类型
  'level', // 调度级别
  'leadDepartment', // 承办部门
  'coDepartments', // 协办部门
  'assignedDate', // 交办日期
  'dueAt', // 办理时限
  'completedDate', // 办结日期
  'overdue', // 是否超期
  'result', // 办理结果
  'callback', // 回访评价
  'verification', // 核查结果
  'status', // 当前状态
] as const;
export type LedgerKey = (typeof LEDGER_KEYS)[number];

export interface LedgerColumn {
  key: LedgerKey;
  header: string;
  /** Column width in Excel character units. */
  width: number;
  /** 'date': a Shanghai calendar date; 'datetime': a Shanghai wall time; 'text' otherwise. */
  kind: 'text' | 'date' | 'datetime' | 'int';
  /** Long text that wraps in its cell. */
  wrap?: boolean;
}

export const LEDGER_COLUMNS: readonly LedgerColumn[] = [
  { key: 'index', header: '序号', width: 7, kind: 'int' },
  { key: 'caseNo', header: '编号', width: 14, kind: 'text' },
  { key: 'receivedDate', header: '受理日期', width: 12, kind: 'date' },
  { key: 'channel', header: '渠道', width: 10, kind: 'text' },
  { key: 'reporterName', header: '反映人', width: 10, kind: 'text' },
  { key: 'phone', header: '联系电话', width: 15, kind: 'text' },
  { key: 'orgName', header: '企业名称', width: 22, kind: 'text', wrap: true },
  { key: 'matter', header: '事项名称', width: 24, kind: 'text', wrap: true },
  { key: 'description', header: '诉求', width: 40, kind: 'text', wrap: true },
  { key: 'reason', header: '办不成原因', width: 30, kind: 'text', wrap: true },
  { key: 'problemType', header: '问题类型', width: 22, kind: 'text', wrap: true },
  { key: 'level', header: '调度级别', width: 9, kind: 'text' },
  { key: 'leadDepartment', header: '承办部门', width: 16, kind: 'text', wrap: true },
  { key: 'coDepartments', header: '协办部门', width: 20, kind: 'text', wrap: true },
  { key: 'assignedDate', header: '交办日期', width: 12, kind: 'date' },
  { key: 'dueAt', header: '办理时限', width: 17, kind: 'datetime' },
  { key: 'completedDate', header: '办结日期', width: 12, kind: 'date' },
  { key: 'overdue', header: '是否超期', width: 9, kind: 'text' },
  { key: 'result', header: '办理结果', width: 30, kind: 'text', wrap: true },
  { key: 'callback', header: '回访评价', width: 22, kind: 'text', wrap: true },
  { key: 'verification', header: '核查结果', width: 20, kind: 'text', wrap: true },
  { key: 'status', header: '当前状态', width: 12, kind: 'text' },
];

/** The Excel letter of the last column ('V'). */
export const LAST_COLUMN_LETTER = String.fromCharCode('A'.charCodeAt(0) + LEDGER_COLUMNS.length - 1);

export const DATE_FORMAT = 'yyyy-mm-dd';
export const DATETIME_FORMAT = 'yyyy-mm-dd hh:mm';

/** 调度级别 as the ledger writes it. */
export const LEVEL_LABELS: Record<1 | 2 | 3, string> = { 1: '一级', 2: '二级', 3: '三级' };

/** The sheet title: 《垫江县“办不成事”问题台账》. */
export function ledgerTitle(countyName: string): string {
  return `${countyName}“办不成事”问题台账`;
}

// ---------------------------------------------------------------------------
// Instants ↔ Excel dates. Excel has no time zones: a cell holds a wall time. We write the
// Asia/Shanghai wall time into the Date's UTC fields (which is what exceljs serialises), and
// read a cell's Date back the same way, so the sheet shows the Chinese date on any machine.
// ---------------------------------------------------------------------------

/** The Asia/Shanghai wall time of a UTC ISO instant, as an Excel date-time. */
export function excelDateTime(iso: string): Date {
  return new Date(Date.parse(iso) + SHANGHAI_OFFSET_MS);
}

/** The Asia/Shanghai calendar date of a UTC ISO instant, as an Excel date (midnight). */
export function excelDate(iso: string): Date {
  const d = excelDateTime(iso);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

/** An Excel date (wall time in the UTC fields) → 'YYYY-MM-DD' and 'HH:MM:SS'. */
export function wallTimeOf(d: Date): { date: string; time: string } {
  const s = d.toISOString();
  return { date: s.slice(0, 10), time: s.slice(11, 19) };
}

// ---------------------------------------------------------------------------
// Values in words
// ---------------------------------------------------------------------------

export interface CallbackValue {
  attitude: Rating;
  result: Rating;
  efficiency: Rating;
  integrity: Rating;
}

/** 回访评价: one word when the four ratings agree (“满意”), else each aspect named. */
export function callbackText(cb: Partial<CallbackValue> | null): string {
  if (!cb) return '';
  const ratings = RATING_ASPECTS.map((a) => cb[a]);
  if (ratings.some((r) => !r || !(r in RATING_LABELS))) return '';
  if (ratings.every((r) => r === ratings[0])) return RATING_LABELS[ratings[0]!];
  return RATING_ASPECTS.map((a) => `${RATING_ASPECT_LABELS[a]}：${RATING_LABELS[cb[a]!]}`).join('；');
}

/** 核查结果 of a 差评 verification: “差评属实，限期整改” / “差评不实，无需处理”. */
export function verificationText(v: { substantiated?: unknown; outcome?: unknown } | null): string {
  if (!v || typeof v.substantiated !== 'boolean') return '';
  const outcome = VERIFY_OUTCOME_LABELS[v.outcome as VerifyOutcome];
  return `${v.substantiated ? '差评属实' : '差评不实'}${outcome ? `，${outcome}` : ''}`;
}

/**
 * 是否超期: “是” when the case is past its deadline now or its first completion came after the
 * deadline; “否” when it has a deadline (or was completed) in time; empty when no clock ever ran.
 */
export function overdueText(
  c: { status: CaseStatus; dueAt: string | null; firstCompletedAt: string | null; firstCompletedOnTime: boolean | null },
  now: Date,
): string {
  if (isOverdue(c, now)) return '是';
  if (c.firstCompletedAt && c.firstCompletedOnTime === false) return '是';
  if (c.dueAt || c.firstCompletedAt) return '否';
  return '';
}

/** RFC 5987 Content-Disposition for a download with a Chinese file name and an ASCII fallback. */
export function contentDisposition(fileName: string, asciiFallback: string): string {
  return `attachment; filename="${asciiFallback}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
