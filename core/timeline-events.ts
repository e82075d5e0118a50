/**
 * The events on a case's timeline (时间线): every type the server writes, the shape of each
 * event's `data`, and what each is called in Chinese. Pure: no I/O.
 *
 * A timeline event is either a case action (its type is the action name, its data what
 * `apply()` in case-lifecycle.ts decided, plus the numbers the server issued) or a system event
 * (登记, 台账导入, and what the background jobs mark). The server's `appendEvent` takes its type
 * and data from the map below, so an event type or data shape not listed here does not compile.
 *
 * Instants in `data` are strings as written: the actions' own fields as the client sent them (or
 * UTC ISO where `apply()` normalises them), the jobs' ones with +08:00.
 */
import { ACTION_RULES, CASE_ACTIONS, type CaseAction, type Meeting, type Ratings } from './case-lifecycle.js';
import type { Stage } from './clocks.js';
import type { AttachmentKind } from './attachments.js';
import type {
  CaseStatus,
  Channel,
  MeasureType,
  ProblemType,
  RejectCategory,
  ReplyChannel,
  ReporterKind,
  CallbackAttemptOutcome,
  VerifyOutcome,
} from './domain.js';

/**
 * The data of each case action's event as `apply()` in case-lifecycle.ts puts it: the command's
 * fields (those given), then what the decision adds. Optional fields are absent when not given.
 */
export interface CaseActionEventData {
  /** 当场办结 (received → completed): the result given on the spot. */
  'resolve-on-spot': { result: string };
  /** 不予受理 (received → rejected): the reason category and the explanation for the reporter. */
  reject: { reasonCategory: RejectCategory; explanation: string };
  /** 予以受理 (received → accepted): the problem type. */
  accept: { problemType: ProblemType; note?: string };
  /** 调整问题类型: the new problem type and the one it replaced. */
  'change-problem-type': { problemType: ProblemType; note?: string; from: ProblemType | null };
  /**
   * 交办 (accepted → assigned) at level 1 or 2: the departments (no co-departments at level 1),
   * the working days allowed and the deadline they give (+08:00; `provisional` when it reaches
   * into a year whose holidays are not published yet).
   */
  dispatch: {
    level: 1 | 2;
    leadDepartment: string;
    coDepartments: string[];
    note?: string;
    workingDays: number;
    dueAt: string;
    provisional: boolean;
  };
  /** 申请提级 (→ escalating): the reason and the state the case was in. */
  'request-escalation': { reason: string; from: CaseStatus };
  /** 批准提级 (escalating → assigned at level 3, 一事一议): the departments and the deadline set. */
  'approve-escalation': { leadDepartment: string; coDepartments: string[]; dueAt: string; note?: string; meeting?: Meeting };
  /** 不予提级 (escalating → the state it came from): the reason and that state. */
  'deny-escalation': { reason: string; backTo: CaseStatus };
  /** 签收 (assigned → in_progress). */
  sign: { note?: string };
  /** 撤销签收 (in_progress → assigned): the handler who signed took it back within minutes. */
  'undo-sign': { from: 'in_progress' };
  /** 办结 (in_progress → completed): the result, how the reporter was answered, and whether in time. */
  complete: { result: string; repliedVia: ReplyChannel; onTime: boolean; /** Co-departments that had not given their part (the server adds it). */ coPartsMissing?: string[] };
  /** 电话回访 (completed → closed, or verifying on a 差评): the four ratings; `badReview` = any 不满意. */
  callback: Ratings & { comment?: string; badReview: boolean; /** `reporter` when rated by link (absent on older events: by phone). */ source?: 'phone' | 'reporter' };
  /** 差评核查 (verifying → in_progress to rectify, or closed). */
  verify: { substantiated: boolean; outcome: VerifyOutcome; note?: string; rectifyDueAt?: string };
  /** 催办. */
  urge: { note?: string };
  /** 添加措施: the measure as recorded (note its type is under `type`, not `measureType`). */
  'add-measure': { type: MeasureType; note?: string; dueAt?: string; staff?: string };
  /** 备注: a remark. */
  comment: { note: string };
  /** 申请延期: the deadline asked for, the reason, and the deadline then in force (UTC ISO). */
  'request-extension': { dueAt: string; reason: string; currentDueAt: string | null };
  /**
   * 批准延期: the deadline moved `from` → `to` (UTC ISO); `requested` is what was asked for
   * (`dueAt` when the coordinator set another date); `approvedInTime` = before the old deadline.
   */
  'approve-extension': {
    dueAt?: string;
    note?: string;
    from: string | null;
    to: string;
    requested: string;
    approvedInTime: boolean;
  };
  /** 不予延期: the reason and the deadline that was asked for. */
  'deny-extension': { reason: string; requested: string | null };
  /** 督办: the requirement and the supervision deadline (UTC ISO). */
  supervise: { note: string; dueAt: string };
  /** 通报: the department circulated against (the lead department unless named) and the text. */
  circulate: { department: string | null; summary: string };
  /** 线索移送 to 县纪委监委: what was handed over. */
  'refer-discipline': { handedOver: string; note?: string };
  /** 督办情况报告: the lead department's report, answering every unanswered 督办 (the server adds their numbers). */
  'report-supervision': { report: string };
  /** 线索处理结果: 纪委's handling result of the 线索移送 numbered `referralNo`. */
  'record-discipline-result': { referralNo: string; result: string };
  /** 派单异议: the contesting (lead) department, its reason and the department it suggests. */
  contest: { reason: string; suggestedDepartment?: string; department: string };
  /** 维持原派单: the coordinator's reason; the contest (of `department`, for `contestReason`) counts as rejected. */
  'uphold-dispatch': { reason: string; department: string; contestReason: string; contest: 'rejected' };
  /**
   * 改派 (→ assigned): the new level and departments, the old ones (`from`), the working days and the
   * new deadline (+08:00); with `contest: 'upheld'` when it settled a pending contest of `contestDepartment`.
   */
  redispatch: {
    level: 1 | 2;
    leadDepartment: string;
    coDepartments: string[];
    reason: string;
    from: { leadDepartment: string | null; coDepartments: string[]; level: 1 | 2 | 3 | null };
    workingDays: number;
    dueAt: string;
    provisional: boolean;
    contest?: 'upheld';
    contestDepartment?: string;
  };
  /** 协办意见: a co-department's part (a later one replaces it on the case; the timeline keeps both). */
  'co-reply': { opinion: string; department: string };
  /**
   * 更正: the note, and for each changed field its value before and after (phone numbers masked; the
   * reporter as `reporter.name`, `reporter.phone`, … — the server adds these, the core gives `changes`).
   */
  correct: { note: string; changes?: unknown; fields?: Array<{ field: string; before: string | null; after: string | null }> };
  /** 重新受理 (rejected → received) or 重办 (closed → in_progress, with the new deadline UTC ISO and the lead department). */
  reopen: { reason: string; dueAt?: string; from: 'rejected' | 'closed'; leadDepartment?: string | null };
  /** 并件 (→ merged): the main case's id (the server adds its number). */
  merge: { into: number; note?: string; intoCaseNo?: string };
  /** 回访未接通: how the call failed, and the how-manieth attempt this was. */
  'callback-attempt': { outcome: CallbackAttemptOutcome; note?: string; attempt: number };
  /** 无法回访办结 (completed → closed, no rating counted): after `attempts` unanswered callbacks. */
  'close-unreachable': { note: string; attempts: number };
  /** 措施完成 / 已补交: the measure and what was done. */
  'fulfil-measure': { measureId: number; note: string };
  /** 撤回措施: the measure recorded by mistake and why. */
  'withdraw-measure': { measureId: number; reason: string };
}

/** What the server adds to an action's event when it issued a number in the same transaction. */
interface IssuedNumbers {
  dispatch: { /** The 交办单 number, e.g. 〔2026〕第12号. */ assignmentNo?: string };
  'approve-escalation': { /** The 交办单 number. */ assignmentNo?: string };
  supervise: { /** The 督办单 number. */ recordNo?: string };
  circulate: { /** The 通报 number. */ recordNo?: string };
  'refer-discipline': { /** The 线索移送 number. */ recordNo?: string };
  'report-supervision': { /** The 督办单 numbers the report answered. */ recordNos?: string[] };
  redispatch: { /** The new 交办单 number. */ assignmentNo?: string };
}

/** The events that are not case actions, with their doc; the order is the one shown in lists. */
export const SYSTEM_EVENT_TYPES = [
  /** 登记: the case was registered, by a clerk or the coordinator, or by the reporter online (`public`). */
  'intake',
  /** 台账导入: the case came in from a historical ledger (Excel), with the dates the ledger gave. */
  'import',
  /** 即将到期: the deadline sweep found the deadline near (once per case and deadline; by `system`). */
  'due_soon',
  /** 已超期: the deadline sweep found the deadline passed (once per case and deadline; by `system`). */
  'overdue',
  /** 措施即将到期 (a 容缺 promise: 容缺承诺即将到期): a measure falls due within a working day; reminded (`system`). */
  'measure_due_soon',
  /** 措施逾期 (a 容缺 promise: 容缺承诺逾期): a measure's due date passed unfulfilled; flagged missed (`system`). */
  'measure_overdue',
  /** 时限重新计算: a year's holidays were saved and the provisional deadline recomputed (by the admin). */
  'deadline_recomputed',
  /** 环节超时: the deadline sweep found the stage clock (研判, 回访, 核查) passed (once per stage; by `system`). */
  'stage_overdue',
  /** 督办逾期未报告: the deadline sweep found a 督办's deadline passed without a report (once per 督办; by `system`). */
  'supervision_overdue',
  /** 已电话告知: a message the reporter could not get by SMS was read out by phone (by the coordinator). */
  'reporter_phoned',
  /** 上传附件: a file was attached (by staff, or by the reporter with the online report). */
  'attachment_added',
  /** 撤回附件: a file uploaded by mistake was withdrawn, with a reason (it stays in the archive). */
  'attachment_withdrawn',
  /** 引用知识: a 知识库 entry was linked to the case (by staff who see it). */
  'knowledge_linked',
  /** 取消引用知识: the link was removed. */
  'knowledge_unlinked',
] as const;
export type SystemEventType = (typeof SYSTEM_EVENT_TYPES)[number];

/** The data of each system event, as its writer puts it. */
export interface SystemEventData {
  /** Written by intakeCase (server/cases/case.service.ts). */
  intake: { caseNo: string; channel: Channel; matter: string; /** The 事项目录 code, when one was chosen (issue 15). */ matterCode?: string; departmentCodes: string[]; reporterKind: ReporterKind };
  /** Written by the ledger import (server/documents/ledger-import.ts); history instants +08:00. */
  import: {
    fileName: string;
    sheet: string;
    /** The row of the sheet the case came from (1-based, as Excel shows it). */
    row: number;
    /** The state the case was imported in. */
    status: CaseStatus;
    history: { receivedAt: string; assignedAt: string | null; dueAt: string | null; completedAt: string | null };
  };
  /** Written by the deadline sweep (server/jobs/deadline-sweep.ts); the deadline, +08:00. */
  due_soon: { dueAt: string };
  /** Written by the deadline sweep; the deadline that passed, +08:00. */
  overdue: { dueAt: string };
  /** Written by the measure reminders (server/notifications/measure-reminders.ts); due date +08:00. */
  measure_due_soon: { measureId: number; measureType: MeasureType; dueAt: string; note: string | null };
  /** Written by the measure reminders; the due date that passed, +08:00. */
  measure_overdue: { measureId: number; measureType: MeasureType; dueAt: string; note: string | null };
  /** Written by saving a year's holidays (server/calendar/calendar.service.ts); deadlines +08:00. */
  deadline_recomputed: { year: number; from: string | null; to: string; provisional: boolean };
  /** Written by the deadline sweep; the stage (core/clocks.ts) and its deadline that passed, +08:00. */
  stage_overdue: { stage: Exclude<Stage, 'handling'>; dueAt: string };
  /** Written by 已电话告知 (server/notifications/reporter-messages.ts): the message (outbox id) and its topic. */
  reporter_phoned: { messageId: number; topic: string; topicLabel: string; note?: string };
  /** Written by the deadline sweep; the 督办单 number and its deadline that passed, +08:00. */
  supervision_overdue: { recordNo: string; dueAt: string };
  /** Written by the attachment service (server/attachments/attachment.service.ts). */
  attachment_added: { attachmentId: number; name: string; kind: AttachmentKind; size: number; sm3: string };
  /** Written by the attachment service; the reason as given. */
  attachment_withdrawn: { attachmentId: number; name: string; kind: AttachmentKind; reason: string };
  /** Written by the knowledge service (server/knowledge/knowledge.service.ts): the entry and its title then. */
  knowledge_linked: { knowledgeId: number; title: string };
  /** Written by the knowledge service; the entry and its title then. */
  knowledge_unlinked: { knowledgeId: number; title: string };
}

/** Every timeline event type: a case action, or a system event. */
export type TimelineEventType = CaseAction | SystemEventType;

/** Type → the shape of its event's `data` as stored and answered by the API. */
export type TimelineEventData = {
  [A in CaseAction]: CaseActionEventData[A] & (A extends keyof IssuedNumbers ? IssuedNumbers[A] : unknown);
} & SystemEventData;

/** The event a decision asks to append: a case action with its data, correlated. */
export type CaseActionEvent = { [A in CaseAction]: { type: A; data: CaseActionEventData[A] } }[CaseAction];

/** Every timeline event type: the case actions in table order, then the system events. */
export const TIMELINE_EVENT_TYPES: readonly TimelineEventType[] = [...CASE_ACTIONS, ...SYSTEM_EVENT_TYPES];

/**
 * What each event is called on the timeline, the activity feed and wherever an event is named.
 * The one table: a case action's label is its label in the transition table (ACTION_RULES, also
 * the button's), a system event's is here.
 */
export const TIMELINE_EVENT_LABELS: Readonly<Record<TimelineEventType, string>> = Object.freeze({
  ...(Object.fromEntries(CASE_ACTIONS.map((a) => [a, ACTION_RULES[a].label])) as Record<CaseAction, string>),
  intake: '登记',
  import: '台账导入',
  due_soon: '即将到期',
  overdue: '已超期',
  measure_due_soon: '措施即将到期',
  measure_overdue: '措施逾期',
  deadline_recomputed: '时限重新计算',
  stage_overdue: '环节超时',
  supervision_overdue: '督办逾期未报告',
  reporter_phoned: '已电话告知',
  attachment_added: '上传附件',
  attachment_withdrawn: '撤回附件',
  knowledge_linked: '引用知识',
  knowledge_unlinked: '取消引用知识',
} satisfies Record<TimelineEventType, string>);

/**
 * The reporter's view of the timeline (public progress lookup): the events shown there, in plain
 * words; the others (internal steps, system marks) are not shown to the public.
 */
export const PUBLIC_PROGRESS_TEXT: Readonly<Partial<Record<TimelineEventType, string>>> = Object.freeze({
  intake: '收到反映',
  'resolve-on-spot': '当场办结',
  reject: '不予受理',
  accept: '予以受理',
  dispatch: '交承办部门办理',
  'request-escalation': '提请县工作组协调',
  'approve-escalation': '县工作组交办',
  sign: '承办部门签收',
  complete: '办结并答复',
  callback: '回访',
  verify: '核查',
  urge: '督促办理',
  'approve-extension': '延长办理时限',
  supervise: '督办',
});

const TYPES: ReadonlySet<string> = new Set(TIMELINE_EVENT_TYPES);

export function isTimelineEventType(type: string): type is TimelineEventType {
  return TYPES.has(type);
}

/** The event's label; an unknown type (not written by this version) as it is. */
export function timelineEventLabel(type: string): string {
  return isTimelineEventType(type) ? TIMELINE_EVENT_LABELS[type] : type;
}

// Compile-time: the data map names exactly the case actions (a new action needs its data here).
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _everyActionHasData: Exact<keyof CaseActionEventData, CaseAction> = true;
void _everyActionHasData;
