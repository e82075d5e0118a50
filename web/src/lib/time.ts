/**
 * Dates as the county reads them: every instant shown in Asia/Shanghai, whatever the browser's
 * own time zone; deadlines as "2026-11-30 23:59（剩 2 个工作日）".
 */
import dayjs, { type Dayjs } from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';
import 'dayjs/locale/zh-cn';
import type { DeadlineFields } from '../api/types';

dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.locale('zh-cn');

export const TZ = 'Asia/Shanghai';

/** Asia/Shanghai has kept UTC+8 all year since 1992 (no summer time). */
const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const FIXED_OFFSET_FROM = Date.UTC(1992, 0, 1);
/** An instant with its offset (or Z) spelled out, as the API writes them. */
const WITH_OFFSET = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})$/;

/**
 * "YYYY-MM-DDTHH:mm" of an instant in Asia/Shanghai, by arithmetic when the offset is fixed (dayjs's
 * time zone plugin asks Intl for every call: a list of 50 rows spent tens of milliseconds there);
 * null when the fast way does not apply.
 */
function shanghaiFast(ms: number): string | null {
  return ms >= FIXED_OFFSET_FROM && ms < Date.UTC(9999, 0, 1) ? new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16) : null;
}

function shanghaiOf(iso: string): string | null {
  if (WITH_OFFSET.test(iso)) {
    const ms = Date.parse(iso);
    if (Number.isNaN(ms)) return null;
    const fast = shanghaiFast(ms);
    if (fast) return fast;
  }
  const d = dayjs(iso);
  return d.isValid() ? d.tz(TZ).format('YYYY-MM-DDTHH:mm') : null;
}

/** An instant as "YYYY-MM-DD HH:mm" in Asia/Shanghai; '—' for none. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const s = shanghaiOf(iso);
  return s ? s.replace('T', ' ') : '—';
}

/**
 * An instant as "MM-DD HH:mm" in Asia/Shanghai when it falls in the current Shanghai year,
 * otherwise "YYYY-MM-DD HH:mm" (for the dense lists: 台账 rows, the 工作台's cards); '—' for none.
 */
export function formatShortDateTime(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return '—';
  const s = shanghaiOf(iso);
  if (!s) return '—';
  const local = s.replace('T', ' ');
  return local.slice(0, 4) === shanghaiToday(now).slice(0, 4) ? local.slice(5) : local;
}

/** An instant as "YYYY-MM-DD" in Asia/Shanghai. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const s = shanghaiOf(iso);
  return s ? s.slice(0, 10) : '—';
}

/** Today's Asia/Shanghai date as YYYY-MM-DD. */
export function shanghaiToday(now: Date = new Date()): string {
  return shanghaiFast(now.getTime())?.slice(0, 10) ?? dayjs(now).tz(TZ).format('YYYY-MM-DD');
}

/** The end (23:59:59 Asia/Shanghai) of a picked calendar day, as ISO 8601 with +08:00. */
export function endOfDayIso(day: Dayjs | string): string {
  const ymd = typeof day === 'string' ? day : day.format('YYYY-MM-DD');
  return `${ymd}T23:59:59+08:00`;
}

export type DeadlineTone = 'overdue' | 'soon' | 'normal' | 'none';

/** How urgent a deadline is: overdue (red), due soon by the server's rule (orange), or normal. */
export function deadlineTone(c: DeadlineFields): DeadlineTone {
  if (!c.dueAt) return 'none';
  if (c.overdue) return 'overdue';
  if (c.dueSoon) return 'soon';
  return 'normal';
}

/** "（剩 2 个工作日）", "（今日到期）", "（已超期 3 个工作日）"; '' when no clock runs. */
export function remainingText(c: DeadlineFields): string {
  if (c.workingDaysLeft === null) return '';
  if (c.overdue) return c.workingDaysLeft < 0 ? `（已超期 ${-c.workingDaysLeft} 个工作日）` : '（已超期）';
  if (c.workingDaysLeft <= 0) return '（今日到期）';
  return `（剩 ${c.workingDaysLeft} 个工作日）`;
}

export { dayjs };
