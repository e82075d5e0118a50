/**
 * 台账 export: every case the list would show for the same filters, streamed into an .xlsx with
 * exceljs's streaming writer. Rows are read in keyset batches (never all at once) and written
 * only as fast as the zip compressor and the client take them, so memory stays flat whatever
 * the number of cases.
 */
import type { EventEmitter } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Actor } from '../../core/case-lifecycle.js';
import {
  CHANNEL_LABELS,
  PROBLEM_TYPE_LABELS,
  REJECT_CATEGORY_LABELS,
  STATUS_LABELS,
  type CaseStatus,
  type Channel,
  type ProblemType,
  type RejectCategory,
} from '../../core/domain.js';
import { maskPhone } from '../../core/validation.js';
import { unseal } from '../security/pii.js';
import { formatShanghai } from '../../core/working-days.js';
import { sql, type Selectable } from 'kysely';
import type { CaseTable, Executor } from '../db/database.js';
import { filteredCases, type CaseFilters } from '../cases/case.repository.js';
import { listDepartments } from '../users/user.repository.js';
import {
  callbackText,
  DATE_FORMAT,
  DATETIME_FORMAT,
  excelDate,
  excelDateTime,
  LAST_COLUMN_LETTER,
  LEDGER_COLUMNS,
  ledgerTitle,
  LEVEL_LABELS,
  overdueText,
  verificationText,
} from './ledger-format.js';

type CellValue = string | number | Date | null;

/** Rows read per query. */
const BATCH = 500;
/** Uncompressed sheet XML allowed to wait for the compressor before we stop producing. */
const PENDING_LIMIT = 1024 * 1024;
/** Rows written between two looks at the compressor. */
const CHECK_EVERY = 100;
/** Header rows above the data: title, subtitle, column headers. */
export const LEDGER_HEADER_ROWS = 3;

export interface LedgerExportOptions {
  filters: CaseFilters;
  actor: Actor;
  now: Date;
  countyName: string;
  batchSize?: number;
}

/** How many cases the export will hold (for the download's progress display). */
export async function countLedgerRows(db: Executor, o: Pick<LedgerExportOptions, 'filters' | 'actor' | 'now'>): Promise<number> {
  const r = await filteredCases(db, o.filters, o.actor, o.now)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** The filters in words, for the sheet's subtitle. */
export function describeFilters(f: CaseFilters, departmentNames: Map<string, string>): string {
  const parts: string[] = [];
  if (f.status?.length) parts.push(`状态：${f.status.map((s) => STATUS_LABELS[s]).join('、')}`);
  if (f.level?.length) parts.push(`调度级别：${f.level.map((l) => LEVEL_LABELS[l as 1 | 2 | 3]).join('、')}`);
  if (f.department) parts.push(`部门：${departmentNames.get(f.department) ?? f.department}`);
  if (f.problemType) parts.push(`问题类型：${PROBLEM_TYPE_LABELS[f.problemType]}`);
  if (f.channel) parts.push(`渠道：${CHANNEL_LABELS[f.channel]}`);
  if (f.overdue) parts.push('仅超期');
  if (f.q) parts.push(`关键词：${f.q}`);
  if (f.receivedFrom || f.receivedTo) parts.push(`受理日期：${f.receivedFrom ?? '…'} 至 ${f.receivedTo ?? '…'}`);
  return parts.length ? parts.join('；') : '全部';
}

/** The columns of `cases` the ledger reads (not all of them: the export reads every matching row). */
const SOURCE_COLUMNS = [
  'id',
  'case_no',
  'channel',
  'status',
  'level',
  'problem_type',
  'lead_department',
  'co_departments',
  'reporter_name',
  'reporter_phone',
  'reporter_phone_masked',
  'reporter_org_name',
  'matter',
  'description',
  'reason',
  'received_at',
  'due_at',
  'deadline_start_at',
  'first_completed_at',
  'first_completed_on_time',
  'completed_at',
  'result',
  'reject_category',
  'reject_explanation',
  'callback',
  'verification',
] as const;
type SourceRow = Pick<Selectable<CaseTable>, (typeof SOURCE_COLUMNS)[number]>;

function parseJson<T>(text: string | null, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** 办理结果 as the ledger shows it; for a 不予受理 case, the category and the explanation. */
function resultText(r: SourceRow): string | null {
  if (r.status === 'rejected' && r.reject_category) {
    const label = REJECT_CATEGORY_LABELS[r.reject_category as RejectCategory] ?? r.reject_category;
    return `不予受理（${label}）：${r.reject_explanation ?? ''}`;
  }
  return r.result;
}

/** One ledger row of a case (null = empty cell). `assignedAt`: when its latest 交办单 was issued. */
export function ledgerValues(r: SourceRow, index: number, assignedAt: string | null, names: Map<string, string>, now: Date): CellValue[] {
  const name = (code: string) => names.get(code) ?? code;
  const v = (s: string | null | undefined) => (s ? s : null);
  const co = parseJson<string[]>(r.co_departments, []);
  const status = r.status as CaseStatus;
  return [
    index,
    r.case_no,
    excelDate(r.received_at),
    CHANNEL_LABELS[r.channel as Channel] ?? r.channel,
    unseal(r.reporter_name),
    r.reporter_phone_masked ?? maskPhone(unseal(r.reporter_phone)),
    v(r.reporter_org_name),
    r.matter,
    r.description,
    v(r.reason),
    r.problem_type ? (PROBLEM_TYPE_LABELS[r.problem_type as ProblemType] ?? r.problem_type) : null,
    r.level ? (LEVEL_LABELS[r.level as 1 | 2 | 3] ?? String(r.level)) : null,
    r.lead_department ? name(r.lead_department) : null,
    v(co.map(name).join('、')),
    assignedAt ? excelDate(assignedAt) : null,
    r.due_at ? excelDateTime(r.due_at) : null,
    r.completed_at ? excelDate(r.completed_at) : null,
    v(
      overdueText(
        {
          status,
          dueAt: r.due_at,
          firstCompletedAt: r.first_completed_at,
          firstCompletedOnTime: r.first_completed_on_time === null ? null : r.first_completed_on_time === 1,
        },
        now,
      ),
    ),
    v(resultText(r)),
    v(callbackText(parseJson(r.callback, null))),
    v(verificationText(parseJson(r.verification, null))),
    STATUS_LABELS[status] ?? r.status,
  ];
}

const thin = { style: 'thin' as const, color: { argb: 'FF808080' } };
export const BORDER = { top: thin, left: thin, bottom: thin, right: thin };
const BODY_FONT = { name: '宋体', size: 10 };

/** One style object per column, shared by every cell of it (exceljs caches styles by identity). */
const COLUMN_STYLES: Partial<ExcelJS.Style>[] = LEDGER_COLUMNS.map((col) => ({
  font: BODY_FONT,
  border: BORDER,
  alignment: col.wrap
    ? { vertical: 'top', horizontal: 'left', wrapText: true }
    : { vertical: 'top', horizontal: col.kind === 'text' ? 'left' : 'center' },
  ...(col.kind === 'date' ? { numFmt: DATE_FORMAT } : col.kind === 'datetime' ? { numFmt: DATETIME_FORMAT } : {}),
}));
export const TITLE_STYLE: Partial<ExcelJS.Style> = {
  font: { name: '黑体', size: 16, bold: true },
  alignment: { horizontal: 'center', vertical: 'middle' },
};
export const SUBTITLE_STYLE: Partial<ExcelJS.Style> = {
  font: { name: '宋体', size: 10, color: { argb: 'FF595959' } },
  alignment: { horizontal: 'left', vertical: 'middle' },
};
export const HEADER_STYLE: Partial<ExcelJS.Style> = {
  font: { name: '黑体', size: 11, bold: true },
  alignment: { horizontal: 'center', vertical: 'middle', wrapText: true },
  fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } },
  border: BORDER,
};

/** Resolves when any of the given events fires on any of the emitters. */
function firstOf(targets: Array<[EventEmitter, string[]]>): Promise<void> {
  return new Promise((resolve) => {
    const off: Array<() => void> = [];
    const done = () => {
      for (const f of off) f();
      resolve();
    };
    for (const [em, events] of targets)
      for (const ev of events) {
        em.once(ev, done);
        off.push(() => em.removeListener(ev, done));
      }
  });
}

type PipeLike = EventEmitter & { writableLength?: number; _writableState?: { length: number }; destroyed?: boolean };

/**
 * The three rows every streamed export starts with — the title, a line saying when, by whom and with
 * which filters it was exported, and the column headers — merged across the columns and committed.
 */
export function writeSheetHead(ws: ExcelJS.Worksheet, head: { title: string; subtitle: string; headers: readonly string[] }): void {
  const last = String.fromCharCode('A'.charCodeAt(0) + head.headers.length - 1);
  const title = ws.getRow(1);
  title.height = 30;
  title.getCell(1).value = head.title;
  title.getCell(1).style = TITLE_STYLE;
  ws.mergeCells(`A1:${last}1`);
  const sub = ws.getRow(2);
  sub.getCell(1).value = head.subtitle;
  sub.getCell(1).style = SUBTITLE_STYLE;
  ws.mergeCells(`A2:${last}2`);
  const header = ws.getRow(3);
  header.height = 24;
  head.headers.forEach((h, i) => {
    const cell = header.getCell(i + 1);
    cell.value = h;
    cell.style = HEADER_STYLE;
  });
  title.commit();
  sub.commit();
  header.commit();
}

/**
 * Back-pressure for the sheet. exceljs hands the sheet's XML to the zip compressor without
 * heeding back-pressure; the stream it writes into is where unconsumed XML piles up (when the
 * compressor or the client is slower than we are), so that is where we look.
 */
export function compressorGate(ws: ExcelJS.Worksheet, out: Writable) {
  let pipe: PipeLike | undefined;
  const lagging = () => {
    pipe ??= (ws as unknown as { stream?: { pipes?: PipeLike[] } }).stream?.pipes?.[0];
    return !!pipe && !pipe.destroyed && !out.destroyed && (pipe.writableLength ?? pipe._writableState?.length ?? 0) > PENDING_LIMIT;
  };
  return {
    lagging,
    /** Resolves once the compressor has caught up (or the client went away). */
    async wait(): Promise<void> {
      while (lagging()) {
        await firstOf([
          [pipe!, ['drain', 'close', 'error']],
          [out, ['close', 'error']],
        ]);
      }
    },
  };
}

export class ExportAborted extends Error {
  constructor() {
    super('ledger export aborted: the client went away');
  }
}

/**
 * Writes the ledger of every case matching the filters (visible to the actor) to `out`, newest
 * first like the list. Returns the number of case rows. Throws ExportAborted when `out` is
 * destroyed (the client went away) before the end.
 */
export async function writeLedger(db: Executor, out: Writable, o: LedgerExportOptions): Promise<number> {
  const depts = await listDepartments(db);
  const names = new Map(depts.map((d) => [d.code, d.name]));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = '办成事';
  wb.created = o.now;
  const ws = wb.addWorksheet('台账', {
    views: [{ state: 'frozen', xSplit: 0, ySplit: LEDGER_HEADER_ROWS }],
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  ws.columns = LEDGER_COLUMNS.map((c) => ({ width: c.width }));

  writeSheetHead(ws, {
    title: ledgerTitle(o.countyName),
    subtitle: `导出时间：${formatShanghai(o.now).slice(0, 16).replace('T', ' ')}　导出人：${o.actor.name}　筛选条件：${describeFilters(o.filters, names)}`,
    headers: LEDGER_COLUMNS.map((c) => c.header),
  });

  const gate = compressorGate(ws, out);
  const batchSize = o.batchSize ?? BATCH;
  let index = 0;
  let cursor: { receivedAt: string; id: number } | null = null;
  for (;;) {
    if (out.destroyed) throw new ExportAborted();
    let q = filteredCases(db, o.filters, o.actor, o.now);
    if (cursor) {
      // A row-value comparison: both SQLite and PostgreSQL walk the (received_at, id) index with it.
      q = q.where(sql<boolean>`(cases.received_at, cases.id) < (${cursor.receivedAt}, ${cursor.id})`);
    }
    const rows = (await q
      .select(SOURCE_COLUMNS.map((c) => `cases.${c}` as const))
      .orderBy('received_at', 'desc')
      .orderBy('id', 'desc')
      .limit(batchSize)
      .execute()) as SourceRow[];
    if (rows.length === 0) break;
    const assigned = new Map<number, string>();
    const ids = rows.filter((r) => r.level !== null).map((r) => r.id);
    if (ids.length) {
      const sheets = await db
        .selectFrom('assignment_sheets')
        .select((eb) => ['case_id', eb.fn.max('issued_at').as('at')])
        .where('case_id', 'in', ids)
        .groupBy('case_id')
        .execute();
      for (const s of sheets) assigned.set(s.case_id, s.at as string);
    }
    for (const r of rows) {
      index++;
      // An imported case has no 交办单: its 交办日期 is kept as the deadline's start.
      const values = ledgerValues(r, index, assigned.get(r.id) ?? r.deadline_start_at ?? null, names, o.now);
      const row = ws.getRow(LEDGER_HEADER_ROWS + index);
      for (let i = 0; i < values.length; i++) {
        const cell = row.getCell(i + 1);
        if (values[i] !== null) cell.value = values[i];
        cell.style = COLUMN_STYLES[i]!;
      }
      row.commit();
      if (index % CHECK_EVERY === 0 && gate.lagging()) await gate.wait();
    }
    const last = rows[rows.length - 1]!;
    cursor = { receivedAt: last.received_at, id: last.id };
    // Let other requests, the socket and the compressor's callbacks run between batches.
    await new Promise((r) => setImmediate(r));
    if (rows.length < batchSize) break;
  }
  if (out.destroyed) throw new ExportAborted();
  ws.autoFilter = `A${LEDGER_HEADER_ROWS}:${LAST_COLUMN_LETTER}${LEDGER_HEADER_ROWS + Math.max(index, 1)}`;
  ws.commit();
  await wb.commit();
  return index;
}
