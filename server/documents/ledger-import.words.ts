/**
 * 台账 import, step 2: the words of a county's ledger. Chinese headers and values (channels,
 * problem types, levels, states, ratings, verification and rejection text) → our codes. Pure.
 */
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
import type { LedgerKey } from './ledger-format.js';

/** Header words of other ledgers that mean our columns. */
export const HEADER_ALIASES: Record<string, LedgerKey> = {
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

export function normaliseHeader(s: string): string {
  return s.replace(/[\s*＊:：]/g, '').replace(/[（(](必填|选填)[）)]/g, '');
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };
export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const bad = (message: string): Parsed<never> => ({ ok: false, message });

/** Lookup of the words a ledger may use for a coded value. */
export function lookup<T extends string>(entries: Array<[string, T]>): Map<string, T> {
  const m = new Map<string, T>();
  for (const [k, v] of entries) m.set(normaliseWord(k), v);
  return m;
}
export function normaliseWord(s: string): string {
  return s.replace(/\s+/g, '').replace(/\(/g, '（').replace(/\)/g, '）').toLowerCase();
}

export const CHANNEL_WORDS = lookup<Channel>([
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

export const PROBLEM_WORDS = lookup<ProblemType>(
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

export const LEVEL_WORDS = lookup<string>([
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

export const STATUS_WORDS = lookup<CaseStatus>([
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

export const RATING_WORDS = lookup<Rating>(RATINGS.map((r) => [RATING_LABELS[r], r]));
export const ASPECT_WORDS = lookup(RATING_ASPECTS.map((a) => [RATING_ASPECT_LABELS[a], a]));

/** Parses 回访评价: one rating for all four aspects, or each aspect named. */
export function parseCallback(text: string): Parsed<Record<(typeof RATING_ASPECTS)[number], Rating>> {
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
export function parseVerification(text: string): Parsed<{ substantiated: boolean; outcome: VerifyOutcome }> {
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
export function parseRejection(text: string | null): { category: RejectCategory; explanation: string } {
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
