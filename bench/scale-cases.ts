/**
 * The cases of bench/scale.bench.ts, through the product's own functions (shared by the bench and
 * its generation workers, bench/scale-worker.ts).
 */
import { formatCaseNo, newCaseRow, timelineEventRow, type NewCase } from '../server/cases/case.repository.js';
import { searchDocument } from '../server/cases/case-search.js';
import { DEMO_DEPARTMENTS, DEMO_MATTERS } from '../server/demo/demo-data.js';
import { CHANNELS, PROBLEM_TYPES, REJECT_CATEGORIES } from '../core/domain.js';
import { bulkRows, rng, type BulkOptions } from './bulk-cases.js';

export const DAYS = 1096;

export const WORDS = ['窗口', '材料', '证明', '系统', '办理', '申请', '退回', '补交', '签字', '审批', '部门', '时限', '政策', '要求', '反映', '协调', '网上', '大厅', '多次', '无法', '提供', '原件', '复印件', '房屋', '产权', '租赁', '合同', '老人', '不会', '操作', '企业', '项目', '开工', '流程', '复杂', '跑腿', '态度', '生硬', '答复', '矛盾', '社保', '执照', '医保', '公积金', '户籍', '档案', '遗失', '核实', '上门', '代办'];
export const ORGS = ['垫江县鑫达商贸有限公司', '重庆垫江恒通物流有限公司', '垫江县明月山食品有限公司', '垫江县桂溪建筑工程有限公司', '垫江县牡丹湖农业开发有限公司'];
export const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范'];
export const GIVEN = [...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅鹏飞建国志海燕春晓东'];
export const REASONS = ['历史遗留问题，材料无法取得', '部门之间要求不一致', '政策理解不一致，窗口不予办理', '系统操作不会，无人指导', '多次往返仍未办成'];
export const DEPTS = DEMO_DEPARTMENTS.map(([code]) => code).filter((c) => c !== 'xgb');

export const today = () => Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
/** The cases end today (Shanghai): the server's own clock finds the last weeks' ones open, some overdue. */
export const bulkOptions = (n: number, start = today() - DAYS * 86400_000): BulkOptions => ({ n, start, days: DAYS });

// ---------------------------------------------------------------------------------------------
// The cases, through the product's functions
// ---------------------------------------------------------------------------------------------

export interface Generated {
  row: Record<string, unknown>;
  doc: string;
  depts: Array<{ department_code: string; role: string; status: string }>;
  event: Record<string, unknown>;
}

/** What a case will be, drawn from the data set's random stream (cheap: no sealing, no rows yet). */
export interface PlannedCase {
  i: number;
  c: NewCase;
  lead: string | null;
  co: string[];
}

/**
 * The cases of a data set in order, as plans (deterministic). Every generator walks the whole
 * stream, so workers that materialise disjoint slices of it produce the same cases as one would.
 */
export function* plannedCases(n: number, start?: number): Generator<PlannedCase> {
  const r = rng(20261207);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const seqOf = new Map<number, number>();
  for (const x of bulkRows(bulkOptions(n, start))) {
    const year = Number(x.date.slice(0, 4));
    const seq = (seqOf.get(year) ?? 0) + 1;
    seqOf.set(year, seq);
    const received = Date.parse(x.receivedAt);
    const status = x.status as NewCase['status'];
    const dispatched = x.lead !== null;
    const level = dispatched ? (r() < 0.7 ? 1 : r() < 0.85 ? 2 : 3) : null;
    const lead = x.lead;
    const co = level !== null && level > 1 ? [pick(DEPTS)].filter((d) => d !== lead) : [];
    const [matter, home] = pick(DEMO_MATTERS);
    const words = Array.from({ length: 8 + Math.floor(r() * 20) }, () => pick(WORDS));
    if (x.i % 5000 === 7) words.push('罕见词条');
    const enterprise = r() < 0.3;
    const done = status === 'completed' || status === 'verifying' || status === 'closed';
    const completedAt = done ? new Date(Math.min(Date.now() - 3600_000, received + (1 + r() * 12) * 86400_000)).toISOString() : null;
    const onTime = completedAt && x.dueAt ? completedAt <= x.dueAt : completedAt ? true : null;
    const bad = status === 'verifying' || (status === 'closed' && r() < 0.04);
    const callback = status === 'closed' || status === 'verifying'
      ? { attitude: 'satisfied', result: bad ? 'dissatisfied' : 'satisfied', efficiency: 'satisfied', integrity: 'satisfied', comment: null, bad, at: completedAt!, by: 'coord' }
      : null;
    const caseNo = formatCaseNo(year, seq);
    const c: NewCase = {
      caseNo,
      year,
      seq,
      channel: r() < 0.5 ? 'hotline' : pick(CHANNELS),
      status,
      level,
      problemType: dispatched || status === 'closed' ? pick(PROBLEM_TYPES) : null,
      leadDepartment: lead,
      coDepartments: co,
      namedDepartments: lead ? [lead] : r() < 0.3 ? [home] : [],
      reporter: {
        name: pick(SURNAMES) + pick(GIVEN) + (r() < 0.6 ? pick(GIVEN) : ''),
        phone: x.phone,
        kind: enterprise ? 'enterprise' : 'person',
        orgName: enterprise ? pick(ORGS) : null,
        orgCode: enterprise ? `91500231MA${String(Math.floor(r() * 1e8)).padStart(8, '0')}` : null,
      },
      matter,
      description: words.join(r() < 0.5 ? '，' : '') + '。',
      reason: r() < 0.8 ? pick(REASONS) : null,
      receivedAt: x.receivedAt,
      receivedDate: x.date,
      createdBy: 'clerk',
      dueAt: x.dueAt,
      dueProvisional: false,
      deadlineStartAt: dispatched && x.dueAt ? new Date(received + 3600_000).toISOString() : null,
      deadlineDays: dispatched ? (level === 1 ? 5 : 10) : null,
      escalatedFrom: null,
      assignmentNo: null,
      firstCompletedAt: completedAt,
      firstCompletedOnTime: onTime,
      completedAt,
      closedAt: status === 'closed' ? completedAt : status === 'rejected' || status === 'merged' ? new Date(received + 3600_000).toISOString() : null,
      resolvedOnSpot: status === 'closed' && !dispatched,
      result: done ? '已协调承办部门办结，并电话答复反映人。' : null,
      repliedVia: done ? 'phone' : null,
      rejectCategory: status === 'rejected' ? pick(REJECT_CATEGORIES) : null,
      rejectExplanation: status === 'rejected' ? '已进入诉讼程序，依法不予受理。' : null,
      callback,
      verification: null,
      updatedAt: completedAt ?? x.receivedAt,
      stage: x.stageStartedAt ? { stageStartedAt: x.stageStartedAt, stageDueAt: x.stageDue } : null,
    };
    yield { i: x.i, c, lead, co };
  }
}


/**
 * A planned case as the product writes it: its row from `newCaseRow` (the reporter sealed, the
 * phone's blind index), its search document, its department rows and its intake event.
 */
export function materialise(p: PlannedCase): Generated {
  const { i, c, lead, co } = p;
  const status = c.status;
  const row: Record<string, unknown> = { id: i, ...newCaseRow(c), merged_into: status === 'merged' ? Math.max(1, i - 17) : null };
  const depts = [
    ...(lead ? [{ department_code: lead, role: 'lead', status }] : []),
    ...co.map((d) => ({ department_code: d, role: 'co', status })),
  ];
  const event = timelineEventRow(i, {
    type: 'intake',
    at: c.receivedAt,
    by: { username: 'clerk', name: '窗口登记员', role: 'clerk' },
    data: { caseNo: c.caseNo, channel: c.channel as any, matter: c.matter, departmentCodes: c.namedDepartments, reporterKind: c.reporter.kind as any },
  });
  return { row, doc: searchDocument([c.matter, c.description, c.reporter.orgName]), depts, event: event as Record<string, unknown> };
}

/** The cases of a data set, one by one (deterministic; the reporter's sealing uses random IVs). */
export function* generatedCases(n: number, start?: number): Generator<Generated> {
  for (const p of plannedCases(n, start)) yield materialise(p);
}

/** A PostgreSQL array literal of text elements (the server casts it to the column's type). */
function arrayLiteral(xs: unknown[]): string {
  // JSON's quoting is the array literal's (\" and \\ inside double quotes, bare null and numbers)
  // as long as no other escape appears (control characters): then element by element.
  const json = JSON.stringify(xs.map((v) => (v === undefined ? null : v)));
  if (!/\\[^"\\]/.test(json)) return '{' + json.slice(1, -1) + '}';
  let s = '{';
  for (let k = 0; k < xs.length; k++) {
    const v = xs[k];
    if (k) s += ',';
    if (v === null || v === undefined) s += 'NULL';
    else s += '"' + String(v).replace(/[\\"]/g, '\\$&') + '"';
  }
  return s + '}';
}

/** One chunk of cases for PostgreSQL: one array literal per column of each table (`unnest` inserts). */
export interface PgChunk {
  first: number;
  count: number;
  caseCols: string[];
  cases: string[];
  search: [string, string];
  depts: [string, string, string, string, string, string];
  events: string[];
}

export const EVENT_COLS = ['case_id', 'type', 'at', 'by_user', 'by_name', 'by_role', 'data'];

export function pgChunk(first: number, gens: Generated[]): PgChunk {
  const caseCols = Object.keys(gens[0]!.row);
  const ids = gens.map((g) => g.row.id);
  const depts = gens.flatMap((g) => g.depts.map((d) => [g.row.id, d.department_code, d.role, d.status, g.row.received_at, g.row.due_at ?? null]));
  return {
    first,
    count: gens.length,
    caseCols,
    cases: caseCols.map((col) => arrayLiteral(gens.map((g) => g.row[col]))),
    search: [arrayLiteral(ids), arrayLiteral(gens.map((g) => g.doc))],
    depts: [0, 1, 2, 3, 4, 5].map((k) => arrayLiteral(depts.map((d) => d[k]))) as PgChunk['depts'],
    events: EVENT_COLS.map((col) => arrayLiteral(gens.map((g) => g.event[col]))),
  };
}
