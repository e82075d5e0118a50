/**
 * 台账 import, step 3: validation. Every bad cell of every row is reported (row, column, Chinese
 * message); rows come back only when none is bad. Never writes. The lifecycle facts (which
 * states are undispatched, which completed) come from core/clocks.ts.
 */
import { COMPLETED_STATUSES, UNDISPATCHED_STATUSES } from '../../core/clocks.js';
import { LIMITS } from '../../core/api/schemas.js';
import {
  formatCaseNo,
  CASE_STATUSES,
  CHANNEL_LABELS,
  CHANNELS,
  PROBLEM_TYPE_LABELS,
  PROBLEM_TYPES,
  RATING_ASPECTS,
  STATUS_LABELS,
  type CaseStatus,
  type Channel,
  type ProblemType,
  type Rating,
  type RejectCategory,
  type VerifyOutcome,
} from '../../core/domain.js';
import { isValidPhone, normalisePhone } from '../../core/validation.js';
import { shanghaiDate } from '../../core/working-days.js';
import { LEDGER_COLUMNS, wallTimeOf, type LedgerKey } from './ledger-format.js';
import { EMPTY, MAX_IMPORT_ROWS, MAX_ISSUES, fileError, readCell, type ImportIssue, type Raw, type SheetLayout } from './ledger-import.read.js';
import {
  CHANNEL_WORDS,
  LEVEL_WORDS,
  PROBLEM_WORDS,
  STATUS_WORDS,
  bad,
  normaliseWord,
  ok,
  parseCallback,
  parseRejection,
  parseVerification,
  type Parsed,
} from './ledger-import.words.js';

// ---------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------

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
  departments: ReadonlyArray<{ code: string; name: string }>,
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
      // The number as the system writes it: six digits, more only past a million (formatCaseNo).
      const m = /^(\d{4})-(\d{6,9})$/.exec(caseNoText);
      if (!m || Number(m[2]) === 0 || formatCaseNo(Number(m[1]), Number(m[2])) !== caseNoText)
        problem('caseNo', `编号“${caseNoText}”格式不对，应为“年份-6位序号”（超过 999999 时为实际位数），如 2025-000123`);
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
    if (status === 'merged') {
      // A merge needs its main case (并件 points at it); a ledger row cannot say which case that is in this system.
      problem('status', '当前状态“已并件”不能导入：并件须指明主件。请将该行改为主件之外的独立反映件导入，或导入后在系统中用“并件”并入主件');
    } else if (status) {
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
