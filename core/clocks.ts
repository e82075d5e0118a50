/**
 * What a deadline means, written once. The presenter, the lists and their SQL filters, the
 * 工作台's counts, the deadline sweep, the calendar's recomputation, the public progress page, the
 * importer and the web app all ask these; none restates a status list or a formula.
 *
 * Pure: no I/O, no clock reads (the caller passes `now`). Instants are UTC ISO strings or Dates;
 * days are Asia/Shanghai working days of the calendar passed in.
 */
import type { CaseStatus } from './domain.js';
import { deadlineFor, workingDaysBetween, type WorkCalendar } from './working-days.js';

/**
 * States in which a deadline's clock runs: dispatched and not yet completed (已交办, 办理中, and a
 * 提级申请 from either). A passed deadline in one of them makes the case overdue (超期).
 */
export const CLOCK_RUNNING_STATUSES = ['assigned', 'in_progress', 'escalating'] as const satisfies readonly CaseStatus[];

/** States of a case whose result has been given (已办结 awaiting callback, 差评 being verified, 已归档). */
export const COMPLETED_STATUSES = ['completed', 'verifying', 'closed'] as const satisfies readonly CaseStatus[];

/** States of a case that has never been dispatched (no deadline has ever run). */
export const UNDISPATCHED_STATUSES = ['received', 'accepted', 'rejected'] as const satisfies readonly CaseStatus[];

/** States in which nothing more can happen to a case (不予受理, 已归档, 已并件). */
export const TERMINAL_STATUSES = ['rejected', 'closed', 'merged'] as const satisfies readonly CaseStatus[];

type Clocked = { status: CaseStatus; dueAt: string | null };

const inList = (list: readonly CaseStatus[], s: CaseStatus) => list.includes(s);

/** Whether `status` is one whose deadline clock runs (see {@link CLOCK_RUNNING_STATUSES}). */
export function isClockRunningStatus(status: CaseStatus): boolean {
  return inList(CLOCK_RUNNING_STATUSES, status);
}

/** Whether the case's deadline clock runs now: it has a deadline and is in a clock-running state. */
export function isClockRunning(c: Clocked): boolean {
  return c.dueAt !== null && inList(CLOCK_RUNNING_STATUSES, c.status);
}

/** Whether the case is in a state whose result has been given (see {@link COMPLETED_STATUSES}). */
export function isCompletedStatus(status: CaseStatus): boolean {
  return inList(COMPLETED_STATUSES, status);
}

/** Whether nothing more can happen to the case. */
export function isTerminalStatus(status: CaseStatus): boolean {
  return inList(TERMINAL_STATUSES, status);
}

/** Whether the case is past its deadline and not yet completed (超期). A derived flag, not a state. */
export function isOverdue(c: Clocked, now: Date): boolean {
  return isClockRunning(c) && Date.parse(c.dueAt!) < now.getTime();
}

/**
 * The latest deadline that counts as *due soon* at `now`: the end (23:59:59 Asia/Shanghai) of the
 * `days`-th working day after today (0 = the end of today). A running clock whose deadline lies in
 * [now, cutoff] is due soon. The SQL filters of the list and the counts use this same instant.
 */
export function dueSoonCutoff(now: Date, cal: WorkCalendar, days: number): Date {
  return deadlineFor(now, days, cal).dueAt;
}

/** Whether the case is due soon (即将到期): clock running, not yet overdue, deadline no later than the cutoff. */
export function isDueSoon(c: Clocked, now: Date, cal: WorkCalendar, days: number): boolean {
  if (!isClockRunning(c)) return false;
  const due = Date.parse(c.dueAt!);
  return due >= now.getTime() && due <= dueSoonCutoff(now, cal, days).getTime();
}

/**
 * Working days from today to the deadline's day (0 on the day itself, negative once passed), or
 * null when no clock runs. See {@link workingDaysBetween}.
 */
export function workingDaysLeft(c: Clocked, now: Date, cal: WorkCalendar): number | null {
  return isClockRunning(c) ? workingDaysBetween(now, new Date(c.dueAt!), cal) : null;
}

// ---------------------------------------------------------------------------
// Stage clocks: every waiting stage has a time limit
// ---------------------------------------------------------------------------

/**
 * The stage a case waits in: triage (已登记, 予以受理 — until dispatched, rejected, resolved or
 * merged), handling (the dispatch deadline `dueAt`), callback (已办结 until called back or closed),
 * verification (差评 being verified). Terminal states wait for nothing (null).
 */
export type Stage = 'triage' | 'handling' | 'callback' | 'verification';

/** Working days each stage clock allows (settings). Handling has the dispatch deadline instead. */
export interface StageSettings {
  triageWorkingDays: number;
  callbackWorkingDays: number;
  verificationWorkingDays: number;
}
export const DEFAULT_STAGE_SETTINGS: StageSettings = { triageWorkingDays: 1, callbackWorkingDays: 3, verificationWorkingDays: 5 };

const STAGE_OF: Record<CaseStatus, Stage | null> = {
  received: 'triage',
  accepted: 'triage',
  assigned: 'handling',
  in_progress: 'handling',
  escalating: 'handling',
  completed: 'callback',
  verifying: 'verification',
  rejected: null,
  closed: null,
  merged: null,
};

/** What each stage is called: the timeline, the notifications and the web's “受理超时” / “回访时限”. */
export const STAGE_LABELS: Readonly<Record<Stage, string>> = Object.freeze({ triage: '受理', handling: '办理', callback: '回访', verification: '核查' });

/** The stage a case in this state waits in. */
export function stageOf(status: CaseStatus): Stage | null {
  return STAGE_OF[status];
}

/** The states whose stage has its own clock (triage, callback, verification): `stageDueAt` is stored for them. */
export const STAGE_CLOCK_STATUSES = (Object.keys(STAGE_OF) as CaseStatus[]).filter((s) => STAGE_OF[s] !== null && STAGE_OF[s] !== 'handling');

/**
 * Entering a state: when its stage differs from the one before, the stage clock starts at `at` and,
 * for triage, callback and verification, runs to the end of the N-th working day after it (the
 * handling stage's deadline is the dispatch deadline, `dueAt`, so its stored stage deadline is
 * null). Returns null when the stage does not change (the clock keeps running).
 */
export function enterStage(
  from: CaseStatus | null,
  to: CaseStatus,
  at: Date,
  cal: WorkCalendar,
  s: StageSettings,
): { stageStartedAt: string; stageDueAt: string | null } | null {
  const stage = stageOf(to);
  if (from !== null && stageOf(from) === stage) return null;
  const days =
    stage === 'triage' ? s.triageWorkingDays : stage === 'callback' ? s.callbackWorkingDays : stage === 'verification' ? s.verificationWorkingDays : null;
  return { stageStartedAt: at.toISOString(), stageDueAt: days === null ? null : deadlineFor(at, days, cal).dueAt.toISOString() };
}

type Staged = Clocked & { stageDueAt?: string | null };

/** The deadline of what the case waits for now: its stage clock, or `dueAt` while handled; null when terminal. */
export function stageDueAt(c: Staged): string | null {
  const stage = stageOf(c.status);
  if (stage === null) return null;
  if (stage === 'handling') return c.dueAt;
  return c.stageDueAt ?? null;
}

/** Whether the case is past the deadline of the stage it waits in (超时 — red everywhere). */
export function isStageOverdue(c: Staged, now: Date): boolean {
  const due = stageDueAt(c);
  return due !== null && Date.parse(due) < now.getTime();
}
