/**
 * Notification topics, their audiences and the built-in Chinese templates; rendering and checking
 * of (admin-edited) templates. Pure: no I/O.
 *
 * A message in the outbox has a `topic` and a `recipient`; the recipient's kind is the template's
 * *audience*: 'reporter' (SMS to the 反映人), 'department' (in-app to the handlers of a department),
 * or a role — 'supervisor', 'coordinator', 'leader' (in-app to every active user of that role) —
 * or 'staff': an SMS to one staff member (recipient `user:<id>`) who gave a mobile number and chose
 * to be told of that event by SMS (server/notifications/staff-sms.ts; the bell goes out anyway).
 */
import { REJECT_CATEGORY_LABELS, type RejectCategory } from '../../core/domain.js';

export const AUDIENCES = ['reporter', 'department', 'supervisor', 'coordinator', 'leader', 'staff'] as const;
export type Audience = (typeof AUDIENCES)[number];
export const AUDIENCE_LABELS: Record<Audience, string> = {
  reporter: '反映人（短信）',
  department: '承办部门（站内）',
  supervisor: '县纪委监委（站内）',
  coordinator: '县行管办（站内）',
  leader: '工作组组长（站内）',
  staff: '工作人员（短信）',
};

export type Channel = 'sms' | 'inapp';
export const channelOf = (a: Audience): Channel => (a === 'reporter' || a === 'staff' ? 'sms' : 'inapp');

/** Topics, one documented enum (the `topic` column of the outbox). */
export const TOPICS = {
  /** 已登记: the case was registered (intake, any channel). */
  received: '登记回执',
  /** 予以受理. */
  accepted: '予以受理',
  /** 不予受理, with the reason and the route the plan names for an objection. */
  rejected: '不予受理',
  /** 已办结 (also resolved on the spot): result to the reporter, 抄报备案 to the supervisor, the coordinator to call back. */
  completed: '办结',
  /** 回访邀请: sent to the reporter shortly after the completion SMS. */
  callback_invitation: '回访邀请',
  /** 交办: to the lead department. */
  dispatched: '交办',
  /** 催办. */
  urged: '催办',
  /** Deadline within `dueSoonWorkingDays` (written by the deadline sweep). */
  due_soon: '即将到期',
  /** Deadline passed (written by the deadline sweep). */
  overdue: '超期',
  /** 差评: a callback with any 不满意. */
  bad_review: '差评',
  /** 提级申请: to the leader. */
  escalation_requested: '提级申请',
  /** 限期整改 after a substantiated 差评. */
  rectify: '限期整改',
  /** A measure's due date (a 容缺受理 promise, or any measure given one) within one working day. */
  measure_due_soon: '措施到期提醒',
  /** A measure's due date passed unfulfilled. */
  measure_overdue: '措施逾期未完成',
  /** 问题线索移交县纪委监委 (a `discipline_referral` measure or the refer-discipline action). */
  discipline_referral: '问题线索移送',
  /** 申请延期: a handler asks the coordinator for a later deadline. */
  extension_requested: '延期申请',
  /** 批准延期. */
  extension_approved: '批准延期',
  /** 不予延期. */
  extension_denied: '不予延期',
  /** 督办: a supervision order with its own deadline. */
  supervised: '督办',
  /** 派单异议: the lead department contests the dispatch; to the coordinator. */
  contested: '派单异议',
  /** 维持原派单: the contest was not upheld; to the lead department. */
  contest_rejected: '维持原派单',
  /** 协办: a co-department named on a dispatch, re-dispatch or approved escalation. */
  co_dispatched: '协办交办',
  /** 改派: the case left this department (re-dispatched elsewhere). */
  redispatched_away: '已改派',
  /** 重新受理 / 重办. */
  reopened: '重新受理',
  /** A stage clock (triage, callback, verification) passed (written by the deadline sweep). */
  stage_overdue: '环节超时',
  /** 知识复核提醒: a published 知识库 entry's review date is within 5 working days (server/knowledge/review-reminders.ts); {note} is the entry's title. */
  knowledge_review_due: '知识复核提醒',
  /** 通报: to the circulated department. */
  circulated: '通报',
  /** 督办情况报告: the lead department answered a 督办; to the coordinator and the supervisor. */
  supervision_reported: '督办情况报告',
  /** A 督办's deadline passed without a report (written by the deadline sweep). */
  supervision_overdue: '督办逾期未报告',
} as const;
export type Topic = keyof typeof TOPICS;

/** Placeholders a template may use, with what they are. Anything else in braces is refused. */
export const PLACEHOLDERS = {
  caseNo: '反映件编号',
  matter: '事项名称',
  result: '办理结果',
  reason: '原因或意见（不予受理原因、提级理由、催办意见、延期理由、回访意见、核查意见）',
  route: '对不予受理有异议时的反映途径（按不予受理原因类别）',
  dueAt: '时限（如 2026年12月1日 23:59）',
  department: '承办（牵头）部门名称',
  trackUrl: '进度查询网址',
  ratingUrl: '反映人评价链接（已办结待回访时；一次有效，否则为进度查询网址）',
  hotline: '服务热线',
  county: '县名',
  measure: '措施名称（如 容缺受理）',
  note: '说明（措施说明、承诺内容、督办要求、移送材料说明、审批意见）',
} as const;
export type Placeholder = keyof typeof PLACEHOLDERS;
export type TemplateVars = Partial<Record<Placeholder, string | null | undefined>>;

export interface TemplateText {
  title: string;
  body: string;
}

/**
 * The objection routes of the plan for a 不予受理 (涉法、涉诉、涉访 and policy conflicts are outside
 * the scheme and go their own legal ways).
 */
export const REJECT_ROUTES: Record<RejectCategory, string> = {
  legal: '如对不予受理有异议，可依法通过行政复议、行政诉讼等法定途径反映。',
  litigation: '如对不予受理有异议，可依法通过人民法院诉讼等司法途径反映。',
  petition: '如对不予受理有异议，可依法通过信访途径反映。',
  policy_conflict: '如对不予受理有异议，可依法通过12345政务服务便民热线等途径向政策制定部门反映意见建议。',
  other: '如对不予受理有异议，可依法通过行政复议、行政诉讼、信访等途径反映。',
};

export function rejectReasonText(category: string | null, explanation: string | null): string {
  const label = category && category in REJECT_CATEGORY_LABELS ? REJECT_CATEGORY_LABELS[category as RejectCategory] : null;
  return [label, explanation].filter(Boolean).join('：');
}

export function rejectRouteText(category: string | null): string {
  return category && category in REJECT_ROUTES ? REJECT_ROUTES[category as RejectCategory] : REJECT_ROUTES.other;
}

const t = (title: string, body: string): TemplateText => ({ title, body });

/** The built-in templates, by `topic.audience`. An admin's edit replaces one; deleting it restores this. */
export const DEFAULT_TEMPLATES: Record<string, TemplateText> = {
  'received.reporter': t(
    '登记回执',
    '您反映的“{matter}”已登记，编号{caseNo}，请妥善保存。查询办理进度：{trackUrl}（需编号和手机号码后四位）。咨询电话：{hotline}。',
  ),
  'received.coordinator': t('新反映件：{caseNo}', '收到新的“办不成事”反映（{matter}），编号 {caseNo}，请及时研判受理。'),
  'accepted.reporter': t(
    '予以受理',
    '您反映的“{matter}”（编号{caseNo}）已予以受理，我们将尽快安排承办部门办理。查询进度：{trackUrl}',
  ),
  'rejected.reporter': t(
    '不予受理',
    '您反映的“{matter}”（编号{caseNo}）经研判不予受理。原因：{reason}。{route}咨询电话：{hotline}。',
  ),
  'completed.reporter': t('办结答复', '您反映的“{matter}”（编号{caseNo}）已办结。办理结果：{result}。请您对办理情况作出评价：{ratingUrl}'),
  'completed.supervisor': t(
    '办结抄报：{caseNo}',
    '反映件 {caseNo}（{matter}）已办结，承办部门：{department}，抄报备案。办理结果：{result}',
  ),
  'completed.coordinator': t(
    '办结备案：{caseNo}',
    '反映件 {caseNo}（{matter}）已办结，承办部门：{department}。请安排电话回访。办理结果：{result}',
  ),
  'callback_invitation.reporter': t(
    '回访邀请',
    '县行管办将就您反映的“{matter}”（编号{caseNo}）进行电话回访，请您对服务态度、办理结果、办理效率、廉洁勤政作出评价。如有意见也可拨打{hotline}。',
  ),
  'dispatched.department': t('新交办：{caseNo}', '县行管办向本部门交办反映件 {caseNo}（{matter}），办理时限 {dueAt}，请及时签收办理。'),
  'urged.department': t('催办：{caseNo}', '反映件 {caseNo}（{matter}）被催办，请抓紧办理。催办意见：{reason}。办理时限 {dueAt}。'),
  'due_soon.department': t('即将到期：{caseNo}', '反映件 {caseNo}（{matter}）将于 {dueAt} 到期，请抓紧办理。'),
  'due_soon.coordinator': t('即将到期：{caseNo}', '反映件 {caseNo}（{matter}）将于 {dueAt} 到期，承办部门：{department}。'),
  'overdue.department': t('已超期：{caseNo}', '反映件 {caseNo}（{matter}）已超过办理时限 {dueAt}，请立即办理。'),
  'overdue.coordinator': t('已超期：{caseNo}', '反映件 {caseNo}（{matter}）已超过办理时限 {dueAt}，承办部门：{department}，请督办。'),
  'bad_review.supervisor': t(
    '差评：{caseNo}',
    '反映件 {caseNo}（{matter}）回访为差评（不满意），承办部门：{department}，请会同县行管办核查督办。回访意见：{reason}',
  ),
  'bad_review.coordinator': t(
    '差评：{caseNo}',
    '反映件 {caseNo}（{matter}）回访为差评（不满意），承办部门：{department}，请会同县纪委监委核查督办。回访意见：{reason}',
  ),
  'escalation_requested.leader': t(
    '提级申请：{caseNo}',
    '县行管办申请对反映件 {caseNo}（{matter}）提级调度，理由：{reason}。请审批并一事一议确定办结时限。',
  ),
  'rectify.department': t(
    '限期整改：{caseNo}',
    '反映件 {caseNo}（{matter}）的差评经核查属实，请于 {dueAt} 前整改完毕并答复反映人。核查意见：{reason}',
  ),
  'knowledge_review_due.department': t(
    '知识复核提醒：{note}',
    '知识库条目“{note}”的复核日期为 {dueAt}，请核对内容是否仍然有效：修改后更新复核日期，或将其设为已失效。',
  ),
  'measure_due_soon.reporter': t(
    '容缺补交提醒',
    '温馨提示：您办理“{matter}”（编号{caseNo}）时书面承诺于{dueAt}前补交材料，请按时补交。咨询电话：{hotline}。',
  ),
  'measure_due_soon.department': t(
    '措施到期提醒：{caseNo}',
    '反映件 {caseNo}（{matter}）的“{measure}”将于 {dueAt} 到期（容缺受理的，请提醒申请人按时补交），完成后请在反映件上记录“措施完成”。说明：{note}',
  ),
  'measure_due_soon.coordinator': t(
    '措施到期提醒：{caseNo}',
    '反映件 {caseNo}（{matter}）的“{measure}”将于 {dueAt} 到期，完成后请在反映件上记录“措施完成”。说明：{note}',
  ),
  'measure_overdue.department': t(
    '措施逾期未完成：{caseNo}',
    '反映件 {caseNo}（{matter}）的“{measure}”已过时限 {dueAt} 仍未完成，已在反映件上标记，请跟进处理。说明：{note}',
  ),
  'measure_overdue.coordinator': t(
    '措施逾期未完成：{caseNo}',
    '反映件 {caseNo}（{matter}）的“{measure}”已过时限 {dueAt} 仍未完成，承办部门：{department}，请督促跟进。说明：{note}',
  ),
  'discipline_referral.supervisor': t(
    '问题线索移送：{caseNo}',
    '反映件 {caseNo}（{matter}）涉及“吃拿卡要、业务不熟、态度不好”等问题，问题线索已移交县纪委监委，请依规依纪处理。承办部门：{department}。说明：{note}',
  ),
  'extension_requested.coordinator': t(
    '延期申请：{caseNo}',
    '{department}申请将反映件 {caseNo}（{matter}）的办理时限延至 {dueAt}，理由：{reason}。请审批。',
  ),
  'extension_approved.department': t('延期已批准：{caseNo}', '反映件 {caseNo}（{matter}）的延期申请已批准，办理时限为 {dueAt}。审批意见：{note}'),
  'extension_denied.department': t('延期未批准：{caseNo}', '反映件 {caseNo}（{matter}）的延期申请未获批准，请按原时限 {dueAt} 办结。理由：{reason}'),
  'supervised.department': t('督办：{caseNo}', '县行管办对反映件 {caseNo}（{matter}）下达督办，请于 {dueAt} 前办结并报告。督办要求：{note}'),
  'contested.coordinator': t('派单异议：{caseNo}', '{department}对反映件 {caseNo}（{matter}）的派单提出异议，理由：{reason}。请及时研判：维持原派单或改派。'),
  'contest_rejected.department': t('维持原派单：{caseNo}', '本部门对反映件 {caseNo}（{matter}）的派单异议未被采纳，请按时限 {dueAt} 办结。理由：{reason}'),
  'co_dispatched.department': t('协办：{caseNo}', '反映件 {caseNo}（{matter}）由{department}牵头办理，本部门为协办部门，请于 {dueAt} 前提交协办意见。'),
  'redispatched_away.department': t('已改派：{caseNo}', '反映件 {caseNo}（{matter}）已改派其他部门办理，本部门无需继续办理。改派理由：{reason}'),
  'reopened.department': t('重办：{caseNo}', '反映人就反映件 {caseNo}（{matter}）再次反映，已重新交本部门办理，办理时限 {dueAt}。理由：{reason}'),
  'reopened.coordinator': t('重新受理：{caseNo}', '反映件 {caseNo}（{matter}）的不予受理已撤回，请重新研判受理。理由：{reason}'),
  'escalation_requested.supervisor': t(
    '提级申请：{caseNo}',
    '县行管办申请对反映件 {caseNo}（{matter}）提级调度，承办部门：{department}，理由：{reason}。',
  ),
  'overdue.supervisor': t('已超期：{caseNo}', '反映件 {caseNo}（{matter}）已超过办理时限 {dueAt}，承办部门：{department}。'),
  'circulated.department': t('通报：{caseNo}', '本部门办理的反映件 {caseNo}（{matter}）已被全县通报，请认真整改。通报内容：{note}'),
  'supervision_reported.coordinator': t('督办情况报告：{caseNo}', '{department}已报告反映件 {caseNo}（{matter}）的督办落实情况：{note}'),
  'supervision_reported.supervisor': t('督办情况报告：{caseNo}', '{department}已报告反映件 {caseNo}（{matter}）的督办落实情况：{note}'),
  'supervision_overdue.coordinator': t('督办逾期未报告：{caseNo}', '反映件 {caseNo}（{matter}）的督办（{note}）已过督办时限 {dueAt}，{department}尚未报告落实情况，请跟进。'),
  'supervision_overdue.supervisor': t('督办逾期未报告：{caseNo}', '反映件 {caseNo}（{matter}）的督办（{note}）已过督办时限 {dueAt}，{department}尚未报告落实情况。'),
  // Staff SMS (recipient `user:<id>`): short, with what to do and by when; the details are in the app.
  'dispatched.staff': t('新交办短信', '【办成事】县行管办向{department}交办反映件{caseNo}（{matter}），办理时限{dueAt}，请登录平台签收办理。'),
  'co_dispatched.staff': t('协办短信', '【办成事】反映件{caseNo}（{matter}）请{department}协办，请于{dueAt}前在平台提交协办意见。'),
  'reopened.staff': t('重办短信', '【办成事】反映件{caseNo}（{matter}）已重新交{department}办理，办理时限{dueAt}，请登录平台办理。'),
  'contest_rejected.staff': t('异议处理结果短信', '【办成事】{department}对反映件{caseNo}（{matter}）的派单异议未被采纳，请按时限{dueAt}办结。'),
  'redispatched_away.staff': t('异议处理结果短信', '【办成事】{department}对反映件{caseNo}（{matter}）的派单异议已采纳，已改派其他部门，本部门无需继续办理。'),
  'supervised.staff': t('督办短信', '【办成事】县行管办对反映件{caseNo}（{matter}）下达督办，请{department}于{dueAt}前办结并报告。'),
  'overdue.staff': t('超期短信', '【办成事】反映件{caseNo}（{matter}）已超过办理时限{dueAt}，请{department}立即办理。'),
  'contested.staff': t('派单异议短信', '【办成事】{department}对反映件{caseNo}（{matter}）的派单提出异议，请登录平台研判。'),
  'stage_overdue.coordinator': t('环节超时：{caseNo}', '反映件 {caseNo}（{matter}）在“{note}”环节已超过时限 {dueAt}，请尽快处理。'),
};

export const templateKey = (topic: string, audience: Audience) => `${topic}.${audience}`;

/** Limits on an edited template: an SMS of a few segments; a short bell title. */
export const TEMPLATE_LIMITS = { title: 50, body: 500 } as const;

const TOKEN = /\{([^{}]*)\}/g;

/** Problems with a template text (unknown placeholders, stray braces); empty when fine. */
export function checkTemplateText(text: string): string[] {
  const problems: string[] = [];
  for (const m of text.matchAll(TOKEN)) {
    if (!Object.prototype.hasOwnProperty.call(PLACEHOLDERS, m[1]!)) problems.push(`未知的占位符 {${m[1]}}`);
  }
  if (/[{}]/.test(text.replace(TOKEN, ''))) problems.push('花括号只能用于占位符，如 {caseNo}');
  return problems;
}

/** Values longer than this are cut in an SMS (the full text is on the progress page). */
const SMS_VALUE_MAX = 120;

function shorten(v: string, channel: Channel): string {
  const flat = v.replace(/\s+/g, ' ').trim();
  if (channel !== 'sms') return flat;
  const chars = Array.from(flat);
  return chars.length > SMS_VALUE_MAX ? `${chars.slice(0, SMS_VALUE_MAX).join('')}…` : flat;
}

/** Fills the placeholders; a missing value reads “无”. Never throws. */
export function renderTemplate(text: string, vars: TemplateVars, channel: Channel): string {
  return text.replace(TOKEN, (whole, name: string) => {
    if (!Object.prototype.hasOwnProperty.call(PLACEHOLDERS, name)) return whole;
    const v = vars[name as Placeholder];
    return v === null || v === undefined || v === '' ? '无' : shorten(v, channel);
  });
}

/** A human deadline: 2026年12月1日 23:59 (Asia/Shanghai). */
export function humanShanghai(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return null;
  const d = new Date(ms + 8 * 3_600_000);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${hh}:${mm}`;
}
