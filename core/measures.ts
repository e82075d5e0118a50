/**
 * The rules of a case's measures (措施) once recorded: their state, which ones may still be
 * fulfilled or withdrawn, and which ones the reminders look after. Pure: no I/O.
 *
 * A measure is
 * - `withdrawn` (已撤回) once withdrawn (撤回措施, recorded by mistake; with a reason): never
 *   reminded, never missed, shown struck through;
 * - else `fulfilled` (容缺受理: 已补交; others: 已完成) once fulfilled (`fulfil-measure`): its
 *   reminders and its missed flag stop;
 * - else `missed` (已逾期; a 容缺 promise: 容缺承诺逾期) once its due date has passed (or the
 *   reminders flagged it so);
 * - else `open` (进行中).
 * Every measure with a due date, not only a 容缺 promise, is reminded one working day before it
 * and flagged missed after it, while neither fulfilled nor withdrawn.
 */
import { MEASURE_LABELS, type MeasureType } from './domain.js';
import { addCalendarDays, isWorkingDay, shanghaiDate, type WorkCalendar } from './working-days.js';

/** What the rules read of a measure (instants as ISO strings). */
export interface MeasureFacts {
  type?: string;
  dueAt?: string | null;
  fulfilledAt: string | null;
  withdrawnAt?: string | null;
  /** When the reminders flagged it missed (measure_tracking), if they did. */
  missedAt?: string | null;
}

export const MEASURE_STATES = ['open', 'missed', 'fulfilled', 'withdrawn'] as const;
export type MeasureState = (typeof MEASURE_STATES)[number];

/** Measures whose due date is the reporter's own written promise (容缺受理): the reporter is reminded too. */
export const REPORTER_PROMISES: readonly MeasureType[] = ['tolerance_acceptance'];

export function isReporterPromise(type: string | undefined): boolean {
  return (REPORTER_PROMISES as readonly string[]).includes(type ?? '');
}

/** The measure's state at `now`. */
export function measureState(m: MeasureFacts, now: Date): MeasureState {
  if (m.withdrawnAt) return 'withdrawn';
  if (m.fulfilledAt) return 'fulfilled';
  if ((m.dueAt && Date.parse(m.dueAt) <= now.getTime()) || m.missedAt) return 'missed';
  return 'open';
}

/** `missed` as the case answers it: the due date passed while the measure is neither fulfilled nor withdrawn. */
export function isMissed(m: MeasureFacts, now: Date): boolean {
  return measureState(m, now) === 'missed';
}

/** Neither fulfilled nor withdrawn: it may still be fulfilled or withdrawn. */
export function isPending(m: MeasureFacts): boolean {
  return !m.fulfilledAt && !m.withdrawnAt;
}

/** Fulfilled after its due date had passed (逾期后补交 / 逾期后完成). */
export function fulfilledLate(m: MeasureFacts): boolean {
  return !!m.fulfilledAt && !!m.dueAt && Date.parse(m.fulfilledAt) > Date.parse(m.dueAt);
}

/** The state's word for a measure of this type (a 容缺 promise: 已补交 / 容缺承诺逾期). */
export function measureStateWord(type: string | undefined, state: MeasureState): string {
  const promise = isReporterPromise(type);
  switch (state) {
    case 'withdrawn':
      return '已撤回';
    case 'fulfilled':
      return promise ? '已补交' : '已完成';
    case 'missed':
      return promise ? '容缺承诺逾期' : '已逾期';
    case 'open':
      return '进行中';
  }
}

/** The measure's state at `now` in words. */
export function measureStateLabel(m: MeasureFacts, now: Date): string {
  return measureStateWord(m.type, measureState(m, now));
}

/** A reminder event's title for this measure: 容缺承诺即将到期 / 容缺承诺逾期 for a 容缺 promise, else 措施即将到期 / 措施逾期. */
export function measureEventLabel(event: 'measure_due_soon' | 'measure_overdue', type: string | undefined): string {
  const promise = isReporterPromise(type);
  return event === 'measure_due_soon' ? (promise ? '容缺承诺即将到期' : '措施即将到期') : promise ? '容缺承诺逾期' : '措施逾期';
}

/** What fulfilling this measure is called (the button and the dialog): 已补交 for a 容缺 promise, else 标记完成. */
export function fulfilActionLabel(type: string): string {
  return isReporterPromise(type) ? '已补交' : '标记完成';
}

/** Why this measure cannot be fulfilled (409), or null. */
export function fulfilRefusal(m: MeasureFacts): string | null {
  if (m.withdrawnAt) return '该措施已撤回，不能标记完成';
  if (m.fulfilledAt) return isReporterPromise(m.type) ? '该措施已补交' : '该措施已完成';
  return null;
}

/** Why this measure cannot be withdrawn (409), or null. */
export function withdrawRefusal(m: MeasureFacts): string | null {
  if (m.withdrawnAt) return '该措施已撤回';
  if (m.fulfilledAt) return `该措施${isReporterPromise(m.type) ? '已补交' : '已完成'}，不能撤回`;
  return null;
}

/** Local hour (Asia/Shanghai) of the reminder on the working day before the due date. */
export const REMINDER_HOUR = 9;

/** 09:00 Asia/Shanghai of the last working day before the due date's day. */
export function reminderInstant(dueAt: Date, cal: WorkCalendar): Date {
  let d = addCalendarDays(shanghaiDate(dueAt), -1);
  for (let i = 0; i < 60 && !isWorkingDay(d, cal).working; i++) d = addCalendarDays(d, -1);
  return new Date(Date.parse(`${d}T${String(REMINDER_HOUR).padStart(2, '0')}:00:00+08:00`));
}

/** The reminder flags already set on a measure (measure_tracking). */
export interface MeasureFlags {
  remindedAt: string | null;
  missedAt: string | null;
}

/**
 * What the reminders owe this measure at `now`: `overdue` (flag it missed, once), `dueSoon` (remind
 * of it, once, from 09:00 of the working day before its due date until it) or nothing. Only a
 * measure with a due date, neither fulfilled nor withdrawn, is looked after.
 */
export function reminderDue(m: MeasureFacts, flags: MeasureFlags, now: Date, cal: WorkCalendar): 'dueSoon' | 'overdue' | null {
  if (!m.dueAt || !isPending(m)) return null;
  const due = new Date(m.dueAt);
  if (due.getTime() <= now.getTime()) return flags.missedAt ? null : 'overdue';
  if (flags.remindedAt) return null;
  return reminderInstant(due, cal).getTime() <= now.getTime() ? 'dueSoon' : null;
}

/**
 * How the measure ended, in words for documents (结案归档表): `11月30日已补交`, `已完成（逾期后）`,
 * `逾期未补交` / `逾期未完成`, `已撤回：<reason>`, `期限 <date>`, or '' (open, no due date).
 * `state` is the measure's state as answered (measureState); `dateOf` writes an instant as a date
 * the way the document does.
 */
export function measureOutcomeText(m: MeasureFacts & { withdrawnReason?: string | null }, state: MeasureState, dateOf: (iso: string) => string): string {
  const promise = isReporterPromise(m.type);
  switch (state) {
    case 'withdrawn':
      return `${dateOf(m.withdrawnAt!)}已撤回${m.withdrawnReason ? `：${m.withdrawnReason}` : ''}`;
    case 'fulfilled':
      return `${dateOf(m.fulfilledAt!)}${promise ? '已补交' : '已完成'}${fulfilledLate(m) ? '（逾期后）' : ''}`;
    case 'missed':
      return promise ? '逾期未补交' : '逾期未完成';
    case 'open':
      return m.dueAt ? `期限 ${dateOf(m.dueAt)}` : '';
  }
}

/** A measure in words for documents and messages: its type's label. */
export function measureLabel(type: string): string {
  return MEASURE_LABELS[type as MeasureType] ?? type;
}
