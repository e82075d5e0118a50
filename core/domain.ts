/**
 * The vocabulary of the platform, taken from the county work plan (垫江府办发〔2021〕18号).
 * Pure data: used by the server, the web app and the tests alike.
 */

/** Staff roles (docs/DOMAIN.md §Roles). */
export const ROLES = ['clerk', 'coordinator', 'handler', 'leader', 'supervisor', 'admin', 'security_admin', 'auditor'] as const;
export type Role = (typeof ROLES)[number];
export const ROLE_LABELS: Record<Role, string> = {
  clerk: '受理员',
  coordinator: '县行管办',
  handler: '承办部门',
  leader: '工作组组长',
  supervisor: '县纪委监委',
  admin: '系统管理员',
  security_admin: '安全管理员',
  auditor: '审计管理员',
};

/**
 * 三员分立 (等保 2.0 level 3): the system, security and audit administrators. An account has one
 * role, so nobody holds two of these; none of them works on cases.
 */
export const ADMINISTRATOR_ROLES = ['admin', 'security_admin', 'auditor'] as const satisfies readonly Role[];
/** The roles that work on cases (read them, act on them, see their lists and statistics). */
export const CASE_ROLES = ['clerk', 'coordinator', 'handler', 'leader', 'supervisor', 'admin'] as const satisfies readonly Role[];

/** How a case reached the platform. */
export const CHANNELS = ['window', 'hotline', 'online', 'mass_work', 'other'] as const;
export type Channel = (typeof CHANNELS)[number];
export const CHANNEL_LABELS: Record<Channel, string> = {
  window: '窗口',
  hotline: '热线',
  online: '网上平台',
  mass_work: '群工系统',
  other: '其他',
};

/** The channel a role's 登记 form starts on when the account names none of its own: a 受理员 sits at a window. */
const ROLE_INTAKE_CHANNEL: Partial<Record<Role, Channel>> = { clerk: 'window' };

/**
 * The channel the 登记 form starts on: the account's own (users.intake_channel — a 热线 desk's
 * clerk starts on 热线), else its role's, else 热线 (the county office takes calls).
 */
export function startingChannel(role: Role, own: Channel | null | undefined): Channel {
  return own ?? ROLE_INTAKE_CHANNEL[role] ?? 'hotline';
}

/** Case states (docs/DOMAIN.md §Lifecycle). */
export const CASE_STATUSES = [
  'received', // 已登记
  'accepted', // 予以受理
  'rejected', // 不予受理 (terminal)
  'assigned', // 已交办
  'in_progress', // 办理中
  'escalating', // 提级申请中
  'completed', // 已办结 (awaiting callback)
  'verifying', // 核查督办中 (a 差评 is being verified)
  'closed', // 已归档 (terminal)
  'merged', // 已并件: a repeat merged into a main case (terminal)
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const STATUS_LABELS: Record<CaseStatus, string> = {
  received: '已登记',
  accepted: '予以受理',
  rejected: '不予受理',
  assigned: '已交办',
  in_progress: '办理中',
  escalating: '提级申请中',
  completed: '已办结',
  verifying: '核查督办中',
  closed: '已归档',
  merged: '已并件',
};
// What a state means for the deadline (clock running, completed, terminal) is in clocks.ts.

/** The five problem types of the plan, each with the plan's own words. */
export const PROBLEM_TYPES = [
  'materials', // 材料不齐、缺乏佐证 — 不敢办
  'rigid_policy', // 生硬理解、机械执行政策 — 不愿办
  'unable', // 政策不熟、行动不便、运用智能技术困难 — 不会办
  'complex', // 流程复杂、材料过多 — 不好办
  'misconduct', // 吃拿卡要、业务不熟、态度不好 — 不给办
] as const;
export type ProblemType = (typeof PROBLEM_TYPES)[number];
export const PROBLEM_TYPE_LABELS: Record<ProblemType, string> = {
  materials: '材料不齐、缺乏佐证（不敢办）',
  rigid_policy: '生硬理解、机械执行政策（不愿办）',
  unable: '政策不熟、行动不便、运用智能技术困难（不会办）',
  complex: '流程复杂、材料过多（不好办）',
  misconduct: '吃拿卡要、业务不熟、态度不好（不给办）',
};

/** Remedies the plan prescribes, recorded as measures on a case. */
export const MEASURE_TYPES = [
  'investigation', // 调查核实取证 (materials)
  'tolerance_acceptance', // 容缺受理 with a written promise and a due date (materials)
  'remote_signing', // 远程/邮寄签字 (materials)
  'special_study', // 专题研究 (rigid_policy)
  'fault_tolerance', // 容错纠错 (rigid_policy)
  'assisted', // 帮办 (unable)
  'guided', // 导办 (unable)
  'proxy', // 代办 (unable)
  'first_contact_lead', // 首接部门牵头 (complex)
  'package_proposal', // 一件事一次办 套餐建议 (complex, afterwards)
  'immediate_handling', // 立即办结 (misconduct)
  'circulation', // 全县通报 (misconduct)
  'discipline_referral', // 问题线索移交县纪委监委 (misconduct)
  'other', // 其他措施
] as const;
export type MeasureType = (typeof MEASURE_TYPES)[number];
export const MEASURE_LABELS: Record<MeasureType, string> = {
  investigation: '调查核实取证',
  tolerance_acceptance: '容缺受理',
  remote_signing: '远程/邮寄签字',
  special_study: '专题研究',
  fault_tolerance: '容错纠错',
  assisted: '帮办',
  guided: '导办',
  proxy: '代办',
  first_contact_lead: '首接部门牵头',
  package_proposal: '纳入“一件事一次办”套餐建议',
  immediate_handling: '立即办结',
  circulation: '全县通报',
  discipline_referral: '问题线索移交县纪委监委',
  other: '其他措施',
};
/** The measures the plan names for each problem type (a suggestion for the UI; any measure is accepted). */
export const MEASURES_BY_PROBLEM_TYPE: Record<ProblemType, readonly MeasureType[]> = {
  materials: ['investigation', 'tolerance_acceptance', 'remote_signing'],
  rigid_policy: ['special_study', 'fault_tolerance'],
  unable: ['assisted', 'guided', 'proxy'],
  complex: ['first_contact_lead', 'package_proposal'],
  misconduct: ['immediate_handling', 'circulation', 'discipline_referral'],
};

/** Why a case is not accepted (不予受理): 涉法、涉诉、涉访、与现行政策不符、其他. */
export const REJECT_CATEGORIES = ['legal', 'litigation', 'petition', 'policy_conflict', 'other'] as const;
export type RejectCategory = (typeof REJECT_CATEGORIES)[number];
export const REJECT_CATEGORY_LABELS: Record<RejectCategory, string> = {
  legal: '涉法',
  litigation: '涉诉',
  petition: '涉访',
  policy_conflict: '与现行政策不符',
  other: '其他',
};

/** How the handler told the reporter of the result. */
export const REPLY_CHANNELS = ['phone', 'sms', 'in_person', 'letter', 'online'] as const;
export type ReplyChannel = (typeof REPLY_CHANNELS)[number];
export const REPLY_CHANNEL_LABELS: Record<ReplyChannel, string> = {
  phone: '电话',
  sms: '短信',
  in_person: '当面',
  letter: '书面',
  online: '网上',
};

/** Callback ratings (电话回访). Any `dissatisfied` makes the callback a 差评. */
export const RATINGS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;
export type Rating = (typeof RATINGS)[number];
export const RATING_LABELS: Record<Rating, string> = {
  satisfied: '满意',
  basically_satisfied: '基本满意',
  dissatisfied: '不满意',
};
export const RATING_ASPECTS = ['attitude', 'result', 'efficiency', 'integrity'] as const;
export type RatingAspect = (typeof RATING_ASPECTS)[number];
export const RATING_ASPECT_LABELS: Record<RatingAspect, string> = {
  attitude: '服务态度',
  result: '办理结果',
  efficiency: '办理效率',
  integrity: '廉洁勤政',
};

/** A callback that did not reach the reporter (回访未接通). */
export const CALLBACK_ATTEMPT_OUTCOMES = ['no_answer', 'busy', 'wrong_number', 'refused'] as const;
export type CallbackAttemptOutcome = (typeof CALLBACK_ATTEMPT_OUTCOMES)[number];
export const CALLBACK_ATTEMPT_OUTCOME_LABELS: Record<CallbackAttemptOutcome, string> = {
  no_answer: '未接通',
  busy: '忙线',
  wrong_number: '号码错误',
  refused: '拒绝回访',
};

/** Fields of the intake a 更正 (correct) may change. */
export const CORRECTABLE_FIELDS = ['reporter', 'matter', 'description', 'reason', 'channel'] as const;
export type CorrectableField = (typeof CORRECTABLE_FIELDS)[number];

/** Outcome of verifying a 差评. */
export const VERIFY_OUTCOMES = ['rectify', 'accountability', 'none'] as const;
export type VerifyOutcome = (typeof VERIFY_OUTCOMES)[number];
export const VERIFY_OUTCOME_LABELS: Record<VerifyOutcome, string> = {
  rectify: '限期整改',
  accountability: '追责问责',
  none: '无需处理',
};

export const REPORTER_KINDS = ['person', 'enterprise'] as const;
export type ReporterKind = (typeof REPORTER_KINDS)[number];

/** Dispatch levels: 1 = one department, 2 = lead + co-departments, 3 = escalated, approved by the leader. */
export type Level = 1 | 2 | 3;

/** A case number as shown everywhere: the year and the counter's value, at least six digits (2026-000042, past a million 2026-1000000). */
export function formatCaseNo(year: number, seq: number): string {
  return `${year}-${String(seq).padStart(6, '0')}`;
}
