/**
 * The case lifecycle (docs/DOMAIN.md) as one transition table, and the pure functions that ask it.
 *
 * Everything here is pure: no I/O, no clock reads (the caller passes `now`), never throws.
 * The server asks `decide()` before every write and `allowedActions()` to tell clients which
 * buttons to show; the web app imports the same table.
 */
import type {
  CallbackAttemptOutcome,
  CaseStatus,
  Channel,
  Level,
  MeasureType,
  ProblemType,
  Rating,
  RatingAspect,
  RejectCategory,
  ReplyChannel,
  ReporterKind,
  Role,
  VerifyOutcome,
} from './domain.js';
import { CASE_ROLES, RATING_ASPECTS } from './domain.js';
import { DEFAULT_STAGE_SETTINGS, enterStage, isTerminalStatus, type StageSettings } from './clocks.js';
import { deadlineFor, type WorkCalendar } from './working-days.js';
import { fulfilRefusal, isPending as isPendingMeasure, withdrawRefusal, type MeasureFacts } from './measures.js';
import type { CaseActionEvent, CaseActionEventData } from './timeline-events.js';

/** A signed-in member of staff acting. Handlers are always bound to one department. */
export interface Actor {
  /** Staff (the default); see {@link PublicReporter} for the reporter acting without a login. */
  kind?: 'staff';
  userId: number;
  username: string;
  name: string;
  role: Role;
  /** Department code; required for handlers, null for county-level roles. */
  department: string | null;
}

/**
 * The reporter (反映人) acting without a login: files an online report (网上平台). Holds no staff
 * permission and takes no case action; recorded on the timeline and in the audit chain as `public`.
 */
export interface PublicReporter {
  kind: 'public';
  username: 'public';
  name: string;
}
export const PUBLIC_REPORTER: PublicReporter = Object.freeze({ kind: 'public', username: 'public', name: '网上平台' });

/**
 * The reporter rating the result by link (好差评, the SMS link or the 回执's QR code), without a
 * login. Takes only the actions whose rule says `reporter: true` (the callback); recorded on the
 * timeline and in the audit chain as `reporter`.
 */
export interface RatingReporter {
  kind: 'reporter';
  username: 'reporter';
  name: string;
}
export const RATING_REPORTER: RatingReporter = Object.freeze({ kind: 'reporter', username: 'reporter', name: '反映人（评价链接）' });

/** Whoever takes a case action: a member of staff, or the reporter rating by link. */
export type CaseActor = Actor | RatingReporter;

/** Where a callback's ratings came from: the coordinator's phone call, or the reporter's own rating by link. */
export type CallbackSource = 'phone' | 'reporter';

/** What the rules need to know of a case. Instants are UTC ISO strings. */
export interface CaseState {
  status: CaseStatus;
  version: number;
  level: Level | null;
  problemType: ProblemType | null;
  leadDepartment: string | null;
  coDepartments: string[];
  /** Deadline (办理时限), UTC ISO; null before dispatch. */
  dueAt: string | null;
  /** The state a pending escalation came from, so a denial can go back to it. */
  escalatedFrom: CaseStatus | null;
  /** Instant of the first completion, null until then. */
  firstCompletedAt: string | null;
  /** A 延期 request awaiting the coordinator, or null. */
  pendingExtension?: PendingExtension | null;
  /**
   * The deadline the first completion is judged against when it differs from `dueAt`: an extension
   * approved after the deadline had passed moves `dueAt` but not this. Null = `dueAt`.
   */
  onTimeDueAt?: string | null;
  /** A 派单异议 awaiting the coordinator's decision, or null. */
  pendingContest?: PendingContest | null;
  /** Departments that have contested this case (once each). */
  contestedBy?: readonly string[];
  /** When the current lead department was made lead (dispatch, re-dispatch, approved escalation), UTC ISO. */
  leadSince?: string | null;
  /** Unanswered callbacks recorded so far (回访未接通). */
  callbackAttempts?: number;
  /** The case's measures, for 措施完成 and 撤回措施 (core/measures.ts). */
  measures?: ReadonlyArray<MeasureFacts & { id: number }>;
  /** Whether a 督办 of the case still awaits the lead department's report (督办情况报告). */
  unansweredSupervision?: boolean;
  /** The numbers of the case's 线索移送 (移送〔2026〕第1号), for 线索处理结果. */
  referralNos?: readonly string[];
  /** The case's latest timeline event (who, when), for 撤销签收; absent = unknown (refused). */
  lastEvent?: { type: string; by: string; at: string } | null;
}

/** Minutes after a 签收 within which the handler who signed may take it back (撤销签收). */
export const UNDO_SIGN_MINUTES = 5;

/**
 * Whether the 签收 can still be taken back: the case's latest event is the 签收 itself (nothing
 * happened since), taken by this actor (when one is given), no more than UNDO_SIGN_MINUTES ago
 * (when a time is given).
 */
export function signUndoable(c: Pick<CaseState, 'lastEvent'>, ctx: { now: Date } | undefined, actor?: { username: string }): boolean {
  const e = c.lastEvent;
  if (!e || e.type !== 'sign') return false;
  if (actor && e.by !== actor.username) return false;
  if (!ctx) return true;
  const age = ctx.now.getTime() - Date.parse(e.at);
  return age >= 0 && age <= UNDO_SIGN_MINUTES * 60_000;
}

/** The 会商 of the 工作组 on an escalation (组长, or 副组长 by delegation). */
export interface Meeting {
  /** When it was held, UTC ISO. */
  heldAt: string;
  convenor: string;
  attendees: Array<{ department: string; people: string }>;
  decision: string;
}

export interface PendingContest {
  department: string;
  reason: string;
  suggestedDepartment: string | null;
  by: string;
  at: string;
}

/** What a 更正 may change: the intake's fields, each validated as at intake. */
export interface Corrections {
  reporter?: { name: string; phone: string; kind: ReporterKind; orgName?: string; orgCode?: string };
  matter?: string;
  description?: string;
  reason?: string;
  channel?: Channel;
}

export interface PendingExtension {
  /** Requested new deadline, UTC ISO. */
  dueAt: string;
  reason: string;
  by: string;
  at: string;
}

export interface Ratings {
  attitude: Rating;
  result: Rating;
  efficiency: Rating;
  integrity: Rating;
}

/** A command against a case: the action name and its (already validated) fields. */
export type CaseCommand =
  | { type: 'resolve-on-spot'; result: string }
  | { type: 'reject'; reasonCategory: RejectCategory; explanation: string }
  | { type: 'accept'; problemType: ProblemType; note?: string }
  | { type: 'change-problem-type'; problemType: ProblemType; note?: string }
  | { type: 'dispatch'; level: 1 | 2; leadDepartment: string; coDepartments: string[]; note?: string }
  | { type: 'request-escalation'; reason: string }
  | { type: 'approve-escalation'; leadDepartment: string; coDepartments: string[]; dueAt: string; note?: string; meeting?: Meeting }
  | { type: 'deny-escalation'; reason: string }
  | { type: 'sign'; note?: string }
  | { type: 'undo-sign' }
  | { type: 'complete'; result: string; repliedVia: ReplyChannel }
  | ({ type: 'callback'; comment?: string } & Ratings)
  | { type: 'verify'; substantiated: boolean; outcome: VerifyOutcome; note?: string; rectifyDueAt?: string }
  | { type: 'urge'; note?: string }
  | { type: 'add-measure'; measureType: MeasureType; note?: string; dueAt?: string; staff?: string }
  | { type: 'comment'; note: string }
  | { type: 'request-extension'; dueAt: string; reason: string }
  | { type: 'approve-extension'; dueAt?: string; note?: string }
  | { type: 'deny-extension'; reason: string }
  | { type: 'supervise'; note: string; dueAt: string }
  | { type: 'circulate'; department?: string; summary: string }
  | { type: 'refer-discipline'; handedOver: string; note?: string }
  | { type: 'report-supervision'; report: string }
  | { type: 'record-discipline-result'; referralNo: string; result: string }
  | { type: 'contest'; reason: string; suggestedDepartment?: string }
  | { type: 'uphold-dispatch'; reason: string }
  | { type: 'redispatch'; level: 1 | 2; leadDepartment: string; coDepartments: string[]; reason: string }
  | { type: 'co-reply'; opinion: string }
  | { type: 'correct'; changes: Corrections; note: string }
  | { type: 'reopen'; reason: string; dueAt?: string }
  | { type: 'merge'; into: number; note?: string }
  | { type: 'callback-attempt'; outcome: CallbackAttemptOutcome; note?: string }
  | { type: 'close-unreachable'; note: string }
  | { type: 'fulfil-measure'; measureId: number; note: string }
  | { type: 'withdraw-measure'; measureId: number; reason: string };

export type CaseAction = CaseCommand['type'];

/** Settings the rules depend on (admin-editable data, not constants). */
export interface LifecycleSettings extends StageSettings {
  /** Working days allowed for level 1 and level 2 dispatch (default 2 and 5). */
  levelDays: { 1: number; 2: number };
  /** Working days after being made lead within which a department may contest (default 1). */
  contestWorkingDays: number;
  /** Unanswered callbacks after which a case may close as unreachable (default 3). */
  callbackAttemptsBeforeUnreachable: number;
}
export const DEFAULT_LIFECYCLE_SETTINGS: LifecycleSettings = {
  levelDays: { 1: 2, 2: 5 },
  contestWorkingDays: 1,
  callbackAttemptsBeforeUnreachable: 3,
  ...DEFAULT_STAGE_SETTINGS,
};

export interface DecideContext {
  now: Date;
  calendar: WorkCalendar;
  settings: LifecycleSettings;
}

/** The end of the contest window: the end of the N-th working day after the department was made lead. */
export function contestWindowEnd(c: Pick<CaseState, 'leadSince'>, ctx: DecideContext): Date | null {
  return c.leadSince ? deadlineFor(new Date(c.leadSince), ctx.settings.contestWorkingDays, ctx.calendar).dueAt : null;
}

/**
 * What an action does to the loop, for everything derived from the table (the 工作台's to-do, the
 * case page's buttons): `advance` moves the case on or grants what was asked (the main button);
 * `refuse` turns down what was asked (不予受理, 不予提级, 不予延期); `side` is everything else
 * (remarks, supervision, asking for more time or a higher level).
 */
export type ActionKind = 'advance' | 'refuse' | 'side';

export interface ActionRule {
  /** Roles that may ever take this action. */
  roles: readonly Role[];
  /** Handlers may take it only for cases their department leads (`lead`) or helps with (`co`). */
  handler?: 'lead' | 'co';
  /**
   * Which of `roles` decide on this particular case, when that depends on the case (its level);
   * anyone else is refused (403). Without a level every role of `roles` qualifies.
   */
  deciders?: (c: { level?: Level | null }) => readonly Role[];
  /** States the action applies in; 'open' = every state but rejected and closed. */
  from: readonly CaseStatus[] | 'open' | 'any';
  /**
   * A further condition on the case (and the time, the calendar and the settings) beyond its state.
   * Without a context (a caller that only asks what the role may ever do) time-bound guards pass.
   */
  guard?: (c: CaseState, ctx: DecideContext | undefined, actor?: Actor) => boolean;
  /** Why the guard refuses, for the 409 message. */
  guardMessage?: string;
  /** The reporter may take it by link (the callback's ratings): see {@link RatingReporter}. */
  reporter?: true;
  /** The states the case can be in afterwards; 'same' = the state does not change. */
  to: readonly CaseStatus[] | 'same';
  kind: ActionKind;
  label: string;
}

const OPEN: 'open' = 'open';

/** 延期 of a level-3 case (一事一议) is the leader's to decide; of levels 1–2 the coordinator's. */
function extensionDeciders(c: { level?: Level | null }): readonly Role[] {
  if (c.level === undefined || c.level === null) return ['coordinator', 'leader'];
  return c.level === 3 ? ['leader'] : ['coordinator'];
}

/**
 * The transition table: who may take which action in which state, the states it leads to and its
 * kind. What each action changes is in `apply()` below, one case per action (a test checks that
 * `apply()` only ever leads where `to` says).
 */
export const ACTION_RULES: Record<CaseAction, ActionRule> = {
  /** received → completed (当场协调解决) */
  'resolve-on-spot': { roles: ['clerk', 'coordinator'], from: ['received'], to: ['completed'], kind: 'advance', label: '当场办结' },
  /** received → rejected (不予受理, with the reason for the reporter) */
  reject: { roles: ['coordinator'], from: ['received'], to: ['rejected'], kind: 'refuse', label: '不予受理' },
  /** received → accepted (予以受理, with the problem type) */
  accept: { roles: ['coordinator'], from: ['received'], to: ['accepted'], kind: 'advance', label: '予以受理' },
  /** problem type corrected later; state unchanged */
  'change-problem-type': {
    roles: ['coordinator'],
    from: ['accepted', 'assigned', 'in_progress', 'escalating', 'completed', 'verifying'],
    to: 'same', kind: 'side', label: '调整问题类型',
  },
  /** accepted → assigned at level 1 or 2; sets the deadline and issues a 交办单 */
  dispatch: { roles: ['coordinator'], from: ['accepted'], to: ['assigned'], kind: 'advance', label: '交办' },
  /** accepted / assigned / in_progress → escalating (申请提级) */
  'request-escalation': {
    roles: ['coordinator'],
    from: ['accepted', 'assigned', 'in_progress'],
    to: ['escalating'], kind: 'side', label: '申请提级',
  },
  /** escalating → assigned at level 3, deadline set case by case (一事一议); issues a 交办单 */
  'approve-escalation': { roles: ['leader'], from: ['escalating'], to: ['assigned'], kind: 'advance', label: '批准提级' },
  /** escalating → the state it came from */
  'deny-escalation': { roles: ['leader'], from: ['escalating'], to: ['accepted', 'assigned', 'in_progress'], kind: 'refuse', label: '不予提级' },
  /** assigned → in_progress (签收) */
  sign: { roles: ['handler'], handler: 'lead', from: ['assigned'], to: ['in_progress'], kind: 'advance', label: '签收' },
  /** in_progress → assigned: the handler who signed takes the 签收 back, within minutes, nothing else done since */
  'undo-sign': {
    roles: ['handler'],
    handler: 'lead',
    from: ['in_progress'],
    guard: (c, ctx, actor) => signUndoable(c, ctx, actor),
    guardMessage: `只有签收人本人可以在签收后 ${UNDO_SIGN_MINUTES} 分钟内、且签收后没有其他操作时撤销签收`,
    to: ['assigned'], kind: 'side', label: '撤销签收',
  },
  /** in_progress → completed (办结, copied to the supervisor and the coordinator) */
  complete: { roles: ['handler'], handler: 'lead', from: ['in_progress'], to: ['completed'], kind: 'advance', label: '办结' },
  /** completed → closed, or verifying when any rating is 不满意 */
  callback: { roles: ['coordinator'], reporter: true, from: ['completed'], to: ['closed', 'verifying'], kind: 'advance', label: '电话回访' },
  /** verifying → in_progress (rectify) or closed */
  verify: { roles: ['coordinator', 'supervisor'], from: ['verifying'], to: ['in_progress', 'closed'], kind: 'advance', label: '差评核查' },
  /** 催办: state unchanged */
  urge: { roles: ['coordinator', 'leader', 'supervisor'], from: OPEN, to: 'same', kind: 'side', label: '催办' },
  /** a remedy recorded on the case: state unchanged */
  'add-measure': { roles: ['coordinator', 'handler'], handler: 'lead', from: OPEN, to: 'same', kind: 'side', label: '添加措施' },
  /** a remark on the timeline: state unchanged */
  comment: {
    roles: ['clerk', 'coordinator', 'handler', 'leader', 'supervisor'],
    from: OPEN,
    to: 'same', kind: 'side', label: '备注',
  },
  /** 延期申请 by the lead department, before the deadline passes; state unchanged */
  'request-extension': {
    roles: ['handler'],
    handler: 'lead',
    from: ['assigned', 'in_progress'],
    guard: (c, ctx) => !c.pendingExtension && !!c.dueAt && (ctx === undefined || Date.parse(c.dueAt) >= ctx.now.getTime()),
    guardMessage: '已有待审批的延期申请，或已超过办理时限，不能申请延期',
    to: 'same', kind: 'side', label: '申请延期',
  },
  /** 延期 approved (the coordinator at levels 1–2, the leader at level 3): the deadline moves; state unchanged */
  'approve-extension': {
    roles: ['coordinator', 'leader'],
    deciders: extensionDeciders,
    from: ['assigned', 'in_progress', 'escalating'],
    guard: (c) => !!c.pendingExtension,
    guardMessage: '没有待审批的延期申请',
    to: 'same', kind: 'advance', label: '批准延期',
  },
  /** 延期 denied (same deciders as approval): the deadline stays; state unchanged */
  'deny-extension': {
    roles: ['coordinator', 'leader'],
    deciders: extensionDeciders,
    from: ['assigned', 'in_progress', 'escalating'],
    guard: (c) => !!c.pendingExtension,
    guardMessage: '没有待审批的延期申请',
    to: 'same', kind: 'refuse', label: '不予延期',
  },
  /** 督办: a numbered formal supervision order with its own deadline on an open case */
  supervise: {
    roles: ['coordinator', 'leader', 'supervisor'],
    from: ['accepted', 'assigned', 'in_progress', 'escalating'],
    to: 'same', kind: 'side', label: '督办',
  },
  /** 通报: the case circulated county-wide as a negative typical case, against a department */
  circulate: {
    roles: ['coordinator', 'supervisor'],
    // Closed cases included: a substantiated 差评 closed with 问责 is exactly when it follows.
    from: ['accepted', 'assigned', 'in_progress', 'escalating', 'completed', 'verifying', 'closed'],
    to: 'same', kind: 'side', label: '通报',
  },
  /** 问题线索移送: misconduct clues handed over to 县纪委监委 */
  'refer-discipline': {
    roles: ['coordinator', 'supervisor'],
    from: ['accepted', 'assigned', 'in_progress', 'escalating', 'completed', 'verifying', 'closed'],
    to: 'same', kind: 'side', label: '线索移送',
  },
  /** 督办情况报告: the lead department answers its unanswered 督办; state unchanged */
  'report-supervision': {
    roles: ['handler'],
    handler: 'lead',
    from: OPEN,
    guard: (c) => !!c.unansweredSupervision,
    guardMessage: '没有待报告的督办',
    to: 'same', kind: 'side', label: '督办情况报告',
  },
  /** 线索处理结果: 纪委's handling of a 线索移送 recorded back on the case; state unchanged */
  'record-discipline-result': {
    roles: ['supervisor'],
    from: 'any',
    guard: (c) => (c.referralNos ?? []).length > 0,
    guardMessage: '该反映件没有问题线索移送记录',
    to: 'same', kind: 'side', label: '线索处理结果',
  },
  /** 派单异议: the lead department says the case is not its duty, within its window, once; state unchanged */
  contest: {
    roles: ['handler'],
    handler: 'lead',
    from: ['assigned', 'in_progress'],
    guard: (c, ctx) => {
      if (c.pendingContest) return false;
      if (c.leadDepartment && (c.contestedBy ?? []).includes(c.leadDepartment)) return false;
      const end = ctx ? contestWindowEnd(c, ctx) : null;
      return !ctx || (end !== null && ctx.now.getTime() <= end.getTime());
    },
    guardMessage: '已超过派单异议期限、本部门已对本件提出过异议，或已有待处理的异议',
    to: 'same', kind: 'side', label: '派单异议',
  },
  /** 维持原派单: the coordinator rejects the pending contest; state unchanged */
  'uphold-dispatch': {
    roles: ['coordinator'],
    from: ['assigned', 'in_progress'],
    guard: (c) => !!c.pendingContest,
    guardMessage: '没有待处理的派单异议',
    to: 'same', kind: 'refuse', label: '维持原派单',
  },
  /** 改派: assigned / in_progress → assigned to another lead; new 交办单 and deadline (upholds a pending contest) */
  redispatch: { roles: ['coordinator'], from: ['assigned', 'in_progress'], to: ['assigned'], kind: 'side', label: '改派' },
  /** 协办意见: a co-department writes its part; state unchanged */
  'co-reply': { roles: ['handler'], handler: 'co', from: ['assigned', 'in_progress'], to: 'same', kind: 'side', label: '协办意见' },
  /** 更正: a mistake in the intake fixed (before/after on the timeline); state unchanged */
  correct: {
    roles: ['clerk', 'coordinator'],
    from: ['received', 'accepted', 'rejected', 'assigned', 'in_progress', 'escalating', 'completed', 'verifying'],
    to: 'same', kind: 'side', label: '更正',
  },
  /** 重新受理 (rejected → received) / 重办 (closed → in_progress with the same departments and a new deadline) */
  reopen: {
    roles: ['coordinator'],
    from: ['rejected', 'closed'],
    guard: (c) => c.status === 'rejected' || !!c.leadDepartment,
    guardMessage: '该件未交办过承办部门（当场办结），不能重办，请作为新件登记',
    to: ['received', 'in_progress'], kind: 'side', label: '重新受理',
  },
  /** 并件: a repeat merged into a main case; terminal */
  merge: { roles: ['coordinator'], from: ['received', 'accepted'], to: ['merged'], kind: 'side', label: '并件' },
  /** 回访未接通: an unanswered callback recorded; state unchanged */
  'callback-attempt': { roles: ['coordinator'], from: ['completed'], to: 'same', kind: 'side', label: '回访未接通' },
  /** 无法回访办结: completed → closed after enough unanswered callbacks (no rating counted) */
  'close-unreachable': {
    roles: ['coordinator'],
    from: ['completed'],
    guard: (c, ctx) => (c.callbackAttempts ?? 0) >= (ctx ?? { settings: DEFAULT_LIFECYCLE_SETTINGS }).settings.callbackAttemptsBeforeUnreachable,
    guardMessage: '回访未接通次数不足，不能按无法回访办结',
    to: ['closed'], kind: 'side', label: '无法回访办结',
  },
  /** 措施完成 / 已补交: a measure fulfilled, its reminders and missed flag stop; state unchanged */
  'fulfil-measure': {
    roles: ['coordinator', 'handler'],
    handler: 'lead',
    from: OPEN,
    guard: (c) => (c.measures ?? []).some((m) => isPendingMeasure(m)),
    guardMessage: '没有未完成的措施',
    to: 'same', kind: 'side', label: '措施完成',
  },
  /** 撤回措施: a measure recorded by mistake withdrawn with a reason (never reminded nor missed); state unchanged */
  'withdraw-measure': {
    roles: ['coordinator', 'handler'],
    handler: 'lead',
    from: OPEN,
    guard: (c) => (c.measures ?? []).some((m) => isPendingMeasure(m)),
    guardMessage: '没有可撤回的措施',
    to: 'same', kind: 'side', label: '撤回措施',
  },
};

export const CASE_ACTIONS = Object.keys(ACTION_RULES) as CaseAction[];

export function isCaseAction(name: string): name is CaseAction {
  return Object.prototype.hasOwnProperty.call(ACTION_RULES, name);
}

/** Fields of a case that an action may change. Absent = unchanged. */
export interface CaseChanges {
  status?: CaseStatus;
  level?: Level | null;
  problemType?: ProblemType | null;
  leadDepartment?: string | null;
  coDepartments?: string[];
  dueAt?: string | null;
  dueProvisional?: boolean;
  /** The instant and working-day count a computed deadline was derived from (for recomputation). */
  deadlineStartAt?: string | null;
  deadlineDays?: number | null;
  escalatedFrom?: CaseStatus | null;
  firstCompletedAt?: string;
  /** Whether the first completion came no later than the deadline then in force. */
  firstCompletedOnTime?: boolean;
  completedAt?: string | null;
  closedAt?: string | null;
  resolvedOnSpot?: boolean;
  result?: string;
  repliedVia?: ReplyChannel;
  rejectCategory?: RejectCategory;
  rejectExplanation?: string;
  /** A callback was made; `bad` when any rating is 不满意 (差评). */
  callback?: Ratings & { comment: string | null; bad: boolean; at: string; by: string; source: CallbackSource };
  /** A 差评 verification. */
  verification?: { substantiated: boolean; outcome: VerifyOutcome; note: string | null; at: string; by: string };
  pendingExtension?: PendingExtension | null;
  onTimeDueAt?: string | null;
  /** One more approved extension. */
  extended?: boolean;
  pendingContest?: PendingContest | null;
  /** The department that contested, added to `contestedBy`. */
  contestedBy?: string;
  leadSince?: string | null;
  /** One more unanswered callback. */
  callbackAttempt?: { outcome: CallbackAttemptOutcome; note: string | null; at: string; by: string };
  /** Closed because the reporter could not be reached (no rating). */
  closedUnreachable?: boolean;
  /** The intake's fields corrected (更正). */
  corrections?: Corrections;
  /** Merged into this case (并件). */
  mergedInto?: number;
  /** One more 重办 of a closed case. */
  reopened?: boolean;
  /** The rejection taken back (重新受理). */
  rejectionWithdrawn?: boolean;
  /** A measure fulfilled (措施完成 / 已补交). */
  fulfilledMeasure?: { id: number; note: string; at: string; by: string };
  /** A measure withdrawn (撤回措施). */
  withdrawnMeasure?: { id: number; reason: string; at: string; by: string };
  /** A co-department's part (协办意见). */
  coPart?: { department: string; opinion: string; at: string; by: string };
}

export type DecisionError =
  | { code: 'FORBIDDEN'; message: string }
  | { code: 'VERSION_CONFLICT'; message: string }
  | { code: 'INVALID_TRANSITION'; message: string };

/** Side effects to carry out after commit (notifications through the outbox). */
export type Effect =
  | { kind: 'issue-assignment-sheet' }
  | { kind: 'record-supervision'; recordKind: 'supervise' | 'circulate' | 'referral'; department: string | null; dueAt: string | null; text: string }
  /** The lead department's report answers every unanswered 督办 of the case. */
  | { kind: 'answer-supervision'; report: string }
  /** 纪委's handling result of a 线索移送, by its number. */
  | { kind: 'record-discipline-result'; referralNo: string; result: string }
  /** The 会商 of an approved escalation. */
  | { kind: 'record-meeting'; meeting: Meeting }
  | { kind: 'add-measure'; measureType: MeasureType; note: string | null; dueAt: string | null; staff: string | null }
  | { kind: 'notify'; to: 'reporter' | 'lead_department' | 'co_departments' | 'supervisor' | 'coordinator' | 'leader'; topic: string }
  /** Tell a department that a case has left it (re-dispatched elsewhere). */
  | { kind: 'notify-department'; department: string; topic: string }
  /** Tell the reporters of the cases merged into this one (on completion). */
  | { kind: 'notify-merged-reporters'; topic: string };

export type Decision =
  | {
      ok: true;
      action: CaseAction;
      changes: CaseChanges;
      /** The timeline event to append (type = the action name; data per core/timeline-events.ts). */
      event: CaseActionEvent;
      effects: Effect[];
      /** Set when the case enters another waiting stage: its stage clock restarts (core/clocks.ts). */
      stage?: { stageStartedAt: string; stageDueAt: string | null };
    }
  | { ok: false; error: DecisionError };

/**
 * Field checks that need the case (part of 400 validation, before the role and state checks):
 * a 延期 must ask for a later date than the deadline in force. Pure; never throws.
 */
export function checkAgainstCase(c: CaseState, cmd: CaseCommand): Array<{ field: string; message: string }> {
  const later = (field: string, iso: string | undefined, than: string | null | undefined) =>
    iso && than && Date.parse(iso) <= Date.parse(than) ? [{ field, message: '延期后的时限必须晚于当前办理时限' }] : [];
  if (cmd.type === 'request-extension') return later('dueAt', cmd.dueAt, c.dueAt);
  if (cmd.type === 'approve-extension') return later('dueAt', cmd.dueAt, c.dueAt);
  if (cmd.type === 'record-discipline-result' && c.referralNos && !c.referralNos.includes(cmd.referralNo)) {
    return [{ field: 'referralNo', message: '该反映件没有这一编号的问题线索移送' }];
  }
  if ((cmd.type === 'fulfil-measure' || cmd.type === 'withdraw-measure') && c.measures && !c.measures.some((m) => m.id === cmd.measureId)) {
    return [{ field: 'measureId', message: '该反映件没有这项措施' }];
  }
  if (cmd.type === 'reopen' && c.status === 'closed' && !cmd.dueAt) return [{ field: 'dueAt', message: '重办须设定新的办理时限' }];
  if (cmd.type === 'reopen' && c.status === 'rejected' && cmd.dueAt) return [{ field: 'dueAt', message: '重新受理不予受理的反映件不设办理时限，交办时再定' }];
  if (cmd.type === 'redispatch' && cmd.leadDepartment === c.leadDepartment && cmd.level === c.level && sameSet(cmd.coDepartments, c.coDepartments)) {
    return [{ field: 'leadDepartment', message: '改派后的承办部门与原派单相同' }];
  }
  if (cmd.type === 'contest' && cmd.suggestedDepartment && cmd.suggestedDepartment === c.leadDepartment) {
    return [{ field: 'suggestedDepartment', message: '建议的承办部门不能是本部门' }];
  }
  return [];
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** Whether a case can take in a repeat (并件 into it): any state but 不予受理, 已归档 and 已并件. */
export function canMergeInto(target: Pick<CaseState, 'status'>): boolean {
  return !isTerminalStatus(target.status);
}

/** Whether the actor may see the case at all (handlers: only their department's, as lead or co). */
export function canSeeCase(c: Pick<CaseState, 'leadDepartment' | 'coDepartments'>, actor: Actor): boolean {
  // The 安全管理员 and 审计管理员 (三员分立) see no case.
  if (!(CASE_ROLES as readonly Role[]).includes(actor.role)) return false;
  if (actor.role !== 'handler') return true;
  if (!actor.department) return false;
  return c.leadDepartment === actor.department || c.coDepartments.includes(actor.department);
}

/** 通报 is required for 不给办 (misconduct) and for a substantiated 差评 (work plan 二(五), 四项机制). */
export function isCirculationRequired(c: Pick<CaseState, 'problemType'> & { everSubstantiated: boolean }): boolean {
  return c.problemType === 'misconduct' || c.everSubstantiated;
}

/**
 * Whether a required 通报 is still to be made: required, not made yet, and the case's state still
 * allows the `circulate` action (the case page's 须通报 tag and warning show exactly then).
 */
export function isCirculationPending(
  c: Pick<CaseState, 'status' | 'problemType'> & { everSubstantiated: boolean },
  circulated: boolean,
): boolean {
  return isCirculationRequired(c) && !circulated && statusAllows('circulate', c.status);
}

/** Whether the action applies in this state at all (its `from`; time and data guards aside). */
export function statusAllows(action: CaseAction, status: CaseStatus): boolean {
  const from = ACTION_RULES[action].from;
  return from === 'any' ? true : from === 'open' ? !isTerminalStatus(status) : from.includes(status);
}

function stateAllows(action: CaseAction, c: CaseState, ctx: DecideContext | undefined, actor?: CaseActor): boolean {
  const rule = ACTION_RULES[action];
  return statusAllows(action, c.status) && (!rule.guard || rule.guard(c, ctx, actor?.kind === 'reporter' ? undefined : actor));
}

/** Whether the role (and, for handlers, the department) may ever take this action on this case. */
export function mayTake(action: CaseAction, c: Pick<CaseState, 'leadDepartment' | 'coDepartments'> & { level?: Level | null }, actor: CaseActor): boolean {
  const rule = ACTION_RULES[action];
  // The reporter by link: only the actions open to the reporter (the callback's ratings).
  if (actor.kind === 'reporter') return rule.reporter === true;
  if (!rule.roles.includes(actor.role)) return false;
  if (rule.deciders && !rule.deciders(c).includes(actor.role)) return false;
  if (actor.role === 'handler') {
    if (!canSeeCase(c, actor)) return false;
    if (rule.handler === 'lead' && c.leadDepartment !== actor.department) return false;
    if (rule.handler === 'co' && !c.coDepartments.includes(actor.department ?? '')) return false;
  }
  return true;
}

/**
 * The actions the actor may take on the case now, in table order. Used by the API and the UI.
 * The context matters for time guards (a 延期 request only before the deadline, a 派单异议 only
 * within its window) and settings; without it they pass.
 */
export function allowedActions(c: CaseState, actor: Actor, ctx?: DecideContext): CaseAction[] {
  return CASE_ACTIONS.filter((a) => mayTake(a, c, actor) && stateAllows(a, c, ctx, actor));
}

/**
 * Decides what the command does to the case. Checks, in the contract's order: the role (403),
 * the version (409 VERSION_CONFLICT), the state (409 INVALID_TRANSITION). Field validation (400)
 * is the caller's, before this. Pure: never throws.
 */
export function decide(
  c: CaseState,
  cmd: CaseCommand,
  actor: CaseActor,
  expectedVersion: number,
  ctx: DecideContext,
): Decision {
  const rule = ACTION_RULES[cmd.type];
  if (!mayTake(cmd.type, c, actor)) {
    const message =
      actor.kind === 'reporter'
        ? `反映人不能执行“${rule.label}”`
        : actor.role === 'handler' && rule.roles.includes('handler')
        ? rule.handler === 'co'
          ? `只有协办部门可以执行“${rule.label}”`
          : `只有牵头承办部门可以执行“${rule.label}”`
        : rule.deciders && rule.roles.includes(actor.role)
          ? `该反映件的“${rule.label}”由${c.level === 3 ? '县领导（三级）' : '县行管办（一、二级）'}决定`
          : `您的角色无权执行“${rule.label}”`;
    return { ok: false, error: { code: 'FORBIDDEN', message } };
  }
  if (expectedVersion !== c.version) {
    return {
      ok: false,
      error: { code: 'VERSION_CONFLICT', message: '该反映件已被他人更新，请刷新后重试' },
    };
  }
  if (!stateAllows(cmd.type, c, ctx, actor)) {
    const inState = statusAllows(cmd.type, c.status);
    return {
      ok: false,
      error: {
        code: 'INVALID_TRANSITION',
        message: inState && rule.guardMessage ? rule.guardMessage : `当前状态下不能执行“${rule.label}”`,
      },
    };
  }
  const d = apply(c, cmd, actor, ctx);
  if (!d.ok || !d.changes.status || d.changes.status === c.status) return d;
  const stage = enterStage(c.status, d.changes.status, ctx.now, ctx.calendar, ctx.settings);
  return stage ? { ...d, stage } : d;
}

function ok<A extends CaseAction>(
  cmd: { type: A },
  changes: CaseChanges,
  data: CaseActionEventData[A],
  effects: Effect[] = [],
): Decision {
  return { ok: true, action: cmd.type, changes, event: { type: cmd.type, data } as CaseActionEvent, effects };
}

function omitUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The command's fields without its type, those not given left out: the base of its event's data. */
function fieldsOf<C extends CaseCommand>(cmd: C): Omit<C, 'type'> {
  const { type: _type, ...fields } = cmd;
  return omitUndefined(fields);
}

/**
 * A level-1/2 dispatch (or re-dispatch) from now: the departments (no co-departments at level 1),
 * the deadline of the level's working days, and the start of the lead department's contest window.
 */
function dispatchTo(cmd: { level: 1 | 2; leadDepartment: string; coDepartments: string[] }, ctx: DecideContext) {
  const now = ctx.now.toISOString();
  const days = ctx.settings.levelDays[cmd.level];
  const d = deadlineFor(ctx.now, days, ctx.calendar);
  const co = cmd.level === 2 ? cmd.coDepartments : [];
  const changes: CaseChanges = {
    status: 'assigned',
    level: cmd.level,
    leadDepartment: cmd.leadDepartment,
    coDepartments: co,
    dueAt: d.dueAt.toISOString(),
    dueProvisional: d.provisional,
    deadlineStartAt: now,
    deadlineDays: days,
    onTimeDueAt: null,
    leadSince: now,
  };
  return { changes, data: { coDepartments: co, workingDays: days, dueAt: d.dueAtIso, provisional: d.provisional } };
}

/** Co-departments are told when they are named (dispatch, re-dispatch, approved escalation). */
function coNotice(co: readonly string[]): Effect[] {
  return co.length ? [{ kind: 'notify', to: 'co_departments', topic: 'co_dispatched' }] : [];
}

function apply(c: CaseState, cmd: CaseCommand, actor: CaseActor, ctx: DecideContext): Decision {
  const now = ctx.now.toISOString();
  switch (cmd.type) {
    case 'resolve-on-spot':
      return ok(
        cmd,
        {
          status: 'completed',
          resolvedOnSpot: true,
          result: cmd.result,
          firstCompletedAt: now,
          firstCompletedOnTime: true, // resolved on the spot counts as on time
          completedAt: now,
        },
        fieldsOf(cmd),
        [{ kind: 'notify', to: 'reporter', topic: 'completed' }, { kind: 'notify-merged-reporters', topic: 'completed' }],
      );
    case 'reject':
      return ok(
        cmd,
        {
          status: 'rejected',
          rejectCategory: cmd.reasonCategory,
          rejectExplanation: cmd.explanation,
          closedAt: now,
        },
        fieldsOf(cmd),
        [{ kind: 'notify', to: 'reporter', topic: 'rejected' }],
      );
    case 'accept':
      return ok(cmd, { status: 'accepted', problemType: cmd.problemType }, fieldsOf(cmd), [
        { kind: 'notify', to: 'reporter', topic: 'accepted' },
      ]);
    case 'change-problem-type':
      return ok(cmd, { problemType: cmd.problemType }, { ...fieldsOf(cmd), from: c.problemType });
    case 'dispatch': {
      const t = dispatchTo(cmd, ctx);
      return ok(cmd, t.changes, { ...fieldsOf(cmd), ...t.data }, [
        { kind: 'issue-assignment-sheet' },
        { kind: 'notify', to: 'lead_department', topic: 'dispatched' },
        ...coNotice(t.changes.coDepartments!),
      ]);
    }
    case 'request-escalation':
      return ok(cmd, { status: 'escalating', escalatedFrom: c.status }, { ...fieldsOf(cmd), from: c.status }, [
        { kind: 'notify', to: 'leader', topic: 'escalation_requested' },
        { kind: 'notify', to: 'supervisor', topic: 'escalation_requested' },
      ]);
    case 'approve-escalation': {
      const meeting = cmd.meeting ? { ...cmd.meeting, heldAt: new Date(cmd.meeting.heldAt).toISOString() } : undefined;
      return ok(
        cmd,
        {
          status: 'assigned',
          level: 3,
          leadDepartment: cmd.leadDepartment,
          coDepartments: cmd.coDepartments,
          dueAt: new Date(cmd.dueAt).toISOString(),
          dueProvisional: false,
          deadlineStartAt: null,
          deadlineDays: null,
          escalatedFrom: null,
          onTimeDueAt: null,
          pendingExtension: null,
          pendingContest: null,
          leadSince: now,
        },
        omitUndefined({ ...fieldsOf(cmd), meeting }),
        [
          { kind: 'issue-assignment-sheet' },
          ...(meeting ? [{ kind: 'record-meeting' as const, meeting }] : []),
          { kind: 'notify', to: 'lead_department', topic: 'dispatched' },
          ...coNotice(cmd.coDepartments),
        ],
      );
    }
    case 'deny-escalation':
      return ok(
        cmd,
        { status: c.escalatedFrom ?? 'accepted', escalatedFrom: null },
        { ...fieldsOf(cmd), backTo: c.escalatedFrom ?? 'accepted' },
      );
    case 'sign':
      return ok(cmd, { status: 'in_progress' }, fieldsOf(cmd));
    case 'undo-sign':
      // 签收 changed only the state, so taking it back restores only the state.
      return ok(cmd, { status: 'assigned' }, { from: 'in_progress' });
    case 'complete': {
      const changes: CaseChanges = {
        status: 'completed',
        result: cmd.result,
        repliedVia: cmd.repliedVia,
        completedAt: now,
      };
      const judged = c.onTimeDueAt ?? c.dueAt;
      const onTime = judged ? Date.parse(judged) >= ctx.now.getTime() : true;
      if (!c.firstCompletedAt) {
        changes.firstCompletedAt = now;
        changes.firstCompletedOnTime = onTime;
      }
      if (c.pendingExtension) changes.pendingExtension = null;
      return ok(cmd, changes, { ...fieldsOf(cmd), onTime }, [
        { kind: 'notify', to: 'reporter', topic: 'completed' },
        { kind: 'notify', to: 'supervisor', topic: 'completed' },
        { kind: 'notify', to: 'coordinator', topic: 'completed' },
        // The reporters of the repeats merged into this case hear the result as well.
        { kind: 'notify-merged-reporters', topic: 'completed' },
      ]);
    }
    case 'callback': {
      // The same rule for the coordinator's phone call and the reporter's rating by link.
      const source: CallbackSource = actor.kind === 'reporter' ? 'reporter' : 'phone';
      const bad = RATING_ASPECTS.some((a: RatingAspect) => cmd[a] === 'dissatisfied');
      return ok(
        cmd,
        {
          status: bad ? 'verifying' : 'closed',
          closedAt: bad ? null : now,
          callback: {
            attitude: cmd.attitude,
            result: cmd.result,
            efficiency: cmd.efficiency,
            integrity: cmd.integrity,
            comment: cmd.comment ?? null,
            bad,
            at: now,
            by: actor.username,
            source,
          },
        },
        { ...fieldsOf(cmd), badReview: bad, source },
        bad
          ? [
              { kind: 'notify', to: 'supervisor', topic: 'bad_review' },
              { kind: 'notify', to: 'coordinator', topic: 'bad_review' },
            ]
          : [],
      );
    }
    case 'verify': {
      const verification = {
        substantiated: cmd.substantiated,
        outcome: cmd.outcome,
        note: cmd.note ?? null,
        at: now,
        by: actor.username,
      };
      if (cmd.outcome === 'rectify') {
        return ok(
          cmd,
          {
            status: 'in_progress',
            verification,
            dueAt: new Date(cmd.rectifyDueAt!).toISOString(),
            dueProvisional: false,
            deadlineStartAt: null,
            deadlineDays: null,
            onTimeDueAt: null,
          },
          fieldsOf(cmd),
          [{ kind: 'notify', to: 'lead_department', topic: 'rectify' }],
        );
      }
      return ok(cmd, { status: 'closed', verification, closedAt: now }, fieldsOf(cmd));
    }
    case 'urge':
      return ok(cmd, {}, fieldsOf(cmd), [{ kind: 'notify', to: 'lead_department', topic: 'urged' }]);
    case 'add-measure':
      return ok(cmd, {}, omitUndefined({ type: cmd.measureType, note: cmd.note, dueAt: cmd.dueAt, staff: cmd.staff }), [
        {
          kind: 'add-measure',
          measureType: cmd.measureType,
          note: cmd.note ?? null,
          dueAt: cmd.dueAt ? new Date(cmd.dueAt).toISOString() : null,
          staff: cmd.staff ?? null,
        },
        ...(cmd.measureType === 'discipline_referral' ? [{ kind: 'notify' as const, to: 'supervisor' as const, topic: 'discipline_referral' }] : []),
      ]);
    case 'comment':
      return ok(cmd, {}, fieldsOf(cmd));
    case 'request-extension':
      return ok(
        cmd,
        { pendingExtension: { dueAt: new Date(cmd.dueAt).toISOString(), reason: cmd.reason, by: actor.username, at: now } },
        { ...fieldsOf(cmd), currentDueAt: c.dueAt },
        [{ kind: 'notify', to: 'coordinator', topic: 'extension_requested' }],
      );
    case 'approve-extension': {
      const p = c.pendingExtension!;
      const newDue = cmd.dueAt ? new Date(cmd.dueAt).toISOString() : p.dueAt;
      // Approved before the deadline passed → the first completion is judged by the new deadline;
      // approved late → by the deadline that was in force (docs/CONTRACT.md, statistics).
      const inTime = !c.dueAt || Date.parse(c.dueAt) >= ctx.now.getTime();
      return ok(
        cmd,
        {
          dueAt: newDue,
          dueProvisional: false,
          deadlineStartAt: null,
          deadlineDays: null,
          pendingExtension: null,
          extended: true,
          onTimeDueAt: inTime ? null : (c.onTimeDueAt ?? c.dueAt),
        },
        { ...fieldsOf(cmd), from: c.dueAt, to: newDue, requested: p.dueAt, approvedInTime: inTime },
        [{ kind: 'notify', to: 'lead_department', topic: 'extension_approved' }],
      );
    }
    case 'deny-extension':
      return ok(cmd, { pendingExtension: null }, { ...fieldsOf(cmd), requested: c.pendingExtension?.dueAt ?? null }, [
        { kind: 'notify', to: 'lead_department', topic: 'extension_denied' },
      ]);
    case 'supervise':
      return ok(cmd, {}, { ...fieldsOf(cmd), dueAt: new Date(cmd.dueAt).toISOString() }, [
        { kind: 'record-supervision', recordKind: 'supervise', department: c.leadDepartment, dueAt: new Date(cmd.dueAt).toISOString(), text: cmd.note },
        { kind: 'notify', to: 'lead_department', topic: 'supervised' },
      ]);
    case 'circulate': {
      const department = cmd.department ?? c.leadDepartment;
      return ok(cmd, {}, { ...fieldsOf(cmd), department }, [
        { kind: 'record-supervision', recordKind: 'circulate', department: department ?? null, dueAt: null, text: cmd.summary },
        // The circulated department hears of its 通报.
        ...(department ? [{ kind: 'notify-department' as const, department, topic: 'circulated' }] : []),
      ]);
    }
    case 'refer-discipline':
      return ok(cmd, {}, fieldsOf(cmd), [
        { kind: 'record-supervision', recordKind: 'referral', department: c.leadDepartment, dueAt: null, text: cmd.handedOver },
        { kind: 'notify', to: 'supervisor', topic: 'discipline_referral' },
      ]);
    case 'report-supervision':
      return ok(cmd, {}, fieldsOf(cmd), [
        { kind: 'answer-supervision', report: cmd.report },
        { kind: 'notify', to: 'coordinator', topic: 'supervision_reported' },
        { kind: 'notify', to: 'supervisor', topic: 'supervision_reported' },
      ]);
    case 'record-discipline-result':
      return ok(cmd, {}, fieldsOf(cmd), [{ kind: 'record-discipline-result', referralNo: cmd.referralNo, result: cmd.result }]);
    case 'contest': {
      const department = c.leadDepartment!;
      const pendingContest: PendingContest = { department, reason: cmd.reason, suggestedDepartment: cmd.suggestedDepartment ?? null, by: actor.username, at: now };
      return ok(cmd, { pendingContest, contestedBy: department }, { ...fieldsOf(cmd), department }, [{ kind: 'notify', to: 'coordinator', topic: 'contested' }]);
    }
    case 'uphold-dispatch': {
      const p = c.pendingContest!;
      // The contest is rejected: counted against the contesting department.
      return ok(cmd, { pendingContest: null }, { ...fieldsOf(cmd), department: p.department, contestReason: p.reason, contest: 'rejected' }, [
        { kind: 'notify', to: 'lead_department', topic: 'contest_rejected' },
      ]);
    }
    case 'redispatch': {
      const t = dispatchTo(cmd, ctx);
      const co = t.changes.coDepartments!;
      const former = c.leadDepartment;
      const leaves = former && former !== cmd.leadDepartment && !co.includes(former);
      // A pending contest is thereby upheld: counted for the contesting department.
      const contest = c.pendingContest ? { contest: 'upheld' as const, contestDepartment: c.pendingContest.department } : {};
      return ok(
        cmd,
        { ...t.changes, pendingContest: null, pendingExtension: null, escalatedFrom: null },
        { ...fieldsOf(cmd), ...t.data, from: { leadDepartment: former, coDepartments: c.coDepartments, level: c.level }, ...contest },
        [
          { kind: 'issue-assignment-sheet' },
          { kind: 'notify', to: 'lead_department', topic: 'dispatched' },
          ...coNotice(co),
          ...(leaves ? [{ kind: 'notify-department' as const, department: former!, topic: 'redispatched_away' }] : []),
        ],
      );
    }
    case 'co-reply': {
      const department = actor.kind === 'reporter' ? '' : actor.department!;
      return ok(cmd, { coPart: { department, opinion: cmd.opinion, at: now, by: actor.username } }, { ...fieldsOf(cmd), department });
    }
    case 'correct':
      // The before/after of each field is written by the caller, who can open the sealed values.
      return ok(cmd, { corrections: cmd.changes }, { note: cmd.note });
    case 'reopen':
      if (c.status === 'rejected') {
        return ok(cmd, { status: 'received', rejectionWithdrawn: true, closedAt: null }, { ...fieldsOf(cmd), from: 'rejected' as const }, [
          { kind: 'notify', to: 'coordinator', topic: 'reopened' },
        ]);
      }
      return ok(
        cmd,
        {
          status: 'in_progress',
          reopened: true,
          closedAt: null,
          dueAt: new Date(cmd.dueAt!).toISOString(),
          dueProvisional: false,
          deadlineStartAt: null,
          deadlineDays: null,
          onTimeDueAt: null,
        },
        { ...fieldsOf(cmd), from: 'closed' as const, dueAt: new Date(cmd.dueAt!).toISOString(), leadDepartment: c.leadDepartment },
        [{ kind: 'notify', to: 'lead_department', topic: 'reopened' }],
      );
    case 'merge':
      return ok(cmd, { status: 'merged', mergedInto: cmd.into }, fieldsOf(cmd));
    case 'callback-attempt':
      return ok(
        cmd,
        { callbackAttempt: { outcome: cmd.outcome, note: cmd.note ?? null, at: now, by: actor.username } },
        { ...fieldsOf(cmd), attempt: (c.callbackAttempts ?? 0) + 1 },
      );
    case 'close-unreachable':
      return ok(cmd, { status: 'closed', closedAt: now, closedUnreachable: true }, { ...fieldsOf(cmd), attempts: c.callbackAttempts ?? 0 });
    case 'fulfil-measure': {
      const m = c.measures?.find((x) => x.id === cmd.measureId);
      const refused = m && fulfilRefusal(m);
      if (refused) return { ok: false, error: { code: 'INVALID_TRANSITION', message: refused } };
      return ok(cmd, { fulfilledMeasure: { id: cmd.measureId, note: cmd.note, at: now, by: actor.username } }, fieldsOf(cmd));
    }
    case 'withdraw-measure': {
      const m = c.measures?.find((x) => x.id === cmd.measureId);
      const refused = m && withdrawRefusal(m);
      if (refused) return { ok: false, error: { code: 'INVALID_TRANSITION', message: refused } };
      return ok(cmd, { withdrawnMeasure: { id: cmd.measureId, reason: cmd.reason, at: now, by: actor.username } }, fieldsOf(cmd));
    }
  }
}
