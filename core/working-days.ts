/**
 * Working-day (工作日) arithmetic for the Asia/Shanghai calendar.
 *
 * Pure module: no I/O, no clock, no dependence on the process time zone. Every
 * Asia/Shanghai calendar date is computed by shifting epoch milliseconds by +8 h
 * and reading the `getUTC*` fields (China has had no daylight-saving time since 1991).
 *
 * Vocabulary:
 * - a *holiday* (放假日) is a date the State Council schedule gives off — statutory
 *   holiday days and 调休 days off alike, whatever weekday they fall on;
 * - a *make-up workday* (调休上班日) is a Saturday or Sunday the schedule makes a
 *   working day;
 * - every other date is a working day iff it is Monday–Friday.
 *
 * A year for which the calendar holds no schedule is treated as weekdays-only and
 * every answer depending on such a year is flagged `provisional: true` — the answer
 * may change once the State Council publishes that year's arrangement.
 */

/** 'YYYY-MM-DD': an Asia/Shanghai calendar date (years 0000–9999). */
export type IsoDate = string;

/** One dated entry of a year's schedule. */
export interface CalendarDay {
  date: IsoDate;
  /** The holiday this day belongs to, e.g. '国庆节'. Non-empty, at most 50 characters. */
  name: string;
}

/**
 * The official arrangement of one year.
 * - `holidays`: every date off (statutory days and 调休 days off, including the
 *   weekend days inside a holiday span), all within `year`;
 * - `workdays`: the make-up working days (调休上班), all Saturdays or Sundays within `year`.
 */
export interface YearSchedule {
  year: number;
  holidays: CalendarDay[];
  workdays: CalendarDay[];
}

/** What a calendar knows. Build one with {@link buildCalendar}. */
export interface WorkCalendar {
  /** True iff the calendar holds the schedule of `year` (answers for that year are authoritative). */
  hasYear(year: number): boolean;
  /**
   * 'holiday' for a scheduled day off, 'workday' for a scheduled make-up working day,
   * null for any other date (an ordinary weekday/weekend day, or a date in a year
   * without data).
   */
  kindOf(date: IsoDate): 'holiday' | 'workday' | null;
}

const MS_PER_DAY = 86_400_000;
/** Asia/Shanghai is UTC+08:00 all year round. */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
/** Upper bound on `n` in {@link addWorkingDays} (about 400 years of working days). */
export const MAX_WORKING_DAYS = 100_000;

const ISO_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const WEEKDAY_NAMES = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'] as const;

// ---------------------------------------------------------------------------
// Date helpers (all on "day numbers" = days since 1970-01-01, UTC-based, TZ-free)
// ---------------------------------------------------------------------------

interface Ymd {
  year: number;
  month: number; // 1–12
  day: number; // 1–31
}

function parseYmd(date: unknown): Ymd | null {
  if (typeof date !== 'string') return null;
  const m = ISO_DATE_RE.exec(date);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function ymdToDayNumber({ year, month, day }: Ymd): number {
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return Math.round(d.getTime() / MS_PER_DAY);
}

function dayNumberToIso(dayNumber: number): IsoDate {
  const d = new Date(dayNumber * MS_PER_DAY);
  const year = d.getUTCFullYear();
  if (year < 0 || year > 9999) throw new RangeError(`日期超出支持范围（0000–9999 年）：第 ${dayNumber} 天`);
  return `${pad(year, 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

function yearOfDayNumber(dayNumber: number): number {
  return new Date(dayNumber * MS_PER_DAY).getUTCFullYear();
}

/** 0 = Sunday … 6 = Saturday. */
function weekdayOfDayNumber(dayNumber: number): number {
  // 1970-01-01 was a Thursday (4).
  return (((dayNumber + 4) % 7) + 7) % 7;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Parses `date` or throws a RangeError naming the argument. */
function requireDayNumber(date: IsoDate, what: string): number {
  const ymd = parseYmd(date);
  if (!ymd) throw new RangeError(`${what}不是有效日期（应为 YYYY-MM-DD）：${String(date)}`);
  return ymdToDayNumber(ymd);
}

function requireValidInstant(instant: Date, what: string): number {
  const ms = instant instanceof Date ? instant.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`${what}不是有效时间`);
  return ms;
}

/** True iff `value` is a real calendar date written 'YYYY-MM-DD'. */
export function isIsoDate(value: unknown): value is IsoDate {
  return parseYmd(value) !== null;
}

/** The date `days` calendar days after `date` (negative `days` go back). Throws RangeError on a bad date. */
export function addCalendarDays(date: IsoDate, days: number): IsoDate {
  if (!Number.isSafeInteger(days)) throw new RangeError(`天数必须是整数：${days}`);
  return dayNumberToIso(requireDayNumber(date, '日期') + days);
}

/** Day of week of `date`: 0 = Sunday, 1 = Monday … 6 = Saturday. Throws RangeError on a bad date. */
export function dayOfWeek(date: IsoDate): number {
  return weekdayOfDayNumber(requireDayNumber(date, '日期'));
}

/** Every date of `year` in order ('YYYY-01-01' … 'YYYY-12-31'). */
export function daysOfYear(year: number): IsoDate[] {
  if (!Number.isInteger(year) || year < 0 || year > 9999) throw new RangeError(`年份无效：${year}`);
  const first = ymdToDayNumber({ year, month: 1, day: 1 });
  const count = isLeapYear(year) ? 366 : 365;
  return Array.from({ length: count }, (_, i) => dayNumberToIso(first + i));
}

// ---------------------------------------------------------------------------
// Instants <-> Shanghai dates
// ---------------------------------------------------------------------------

/** The Asia/Shanghai calendar date of `instant`. Throws RangeError on an invalid Date. */
export function shanghaiDate(instant: Date): IsoDate {
  const ms = requireValidInstant(instant, '时间');
  return dayNumberToIso(Math.floor((ms + SHANGHAI_OFFSET_MS) / MS_PER_DAY));
}

/**
 * `instant` as ISO 8601 Asia/Shanghai local time with the offset, truncated to
 * whole seconds, e.g. '2026-11-26T13:40:23+08:00'. Throws RangeError on an invalid Date.
 */
export function formatShanghai(instant: Date): string {
  const ms = requireValidInstant(instant, '时间');
  const shifted = new Date(ms + SHANGHAI_OFFSET_MS);
  const date = dayNumberToIso(Math.floor(shifted.getTime() / MS_PER_DAY));
  const time = `${pad(shifted.getUTCHours(), 2)}:${pad(shifted.getUTCMinutes(), 2)}:${pad(shifted.getUTCSeconds(), 2)}`;
  return `${date}T${time}+08:00`;
}

/** The instant 00:00:00.000 Asia/Shanghai on `date` (= 16:00:00.000Z the day before). */
export function startOfShanghaiDay(date: IsoDate): Date {
  return new Date(requireDayNumber(date, '日期') * MS_PER_DAY - SHANGHAI_OFFSET_MS);
}

/** The instant 23:59:59.000 Asia/Shanghai on `date` (= 15:59:59.000Z that day). */
export function endOfShanghaiDay(date: IsoDate): Date {
  const dayNumber = requireDayNumber(date, '日期');
  return new Date(dayNumber * MS_PER_DAY + MS_PER_DAY - SHANGHAI_OFFSET_MS - 1000);
}

// ---------------------------------------------------------------------------
// Schedules and calendars
// ---------------------------------------------------------------------------

const MIN_YEAR = 1900;
const MAX_YEAR = 2999;
const MAX_NAME_LENGTH = 50;

/**
 * Checks untrusted input (e.g. an administrator's upload of next year's arrangement).
 *
 * Rules: `year` is an integer in 1900–2999; `holidays` and `workdays` are arrays of
 * `{ date, name }`; each date is a real 'YYYY-MM-DD' date inside `year`; no date is
 * listed twice, nor as both holiday and make-up workday; each name is non-empty
 * after trimming and at most 50 characters; every make-up workday is a Saturday or
 * Sunday. A holiday may fall on any weekday. Extra properties are ignored.
 *
 * On success returns a fresh copy (names trimmed, lists sorted by date). On failure
 * returns every problem found, in Chinese.
 */
export function validateYearSchedule(
  s: unknown,
): { ok: true; value: YearSchedule } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  if (typeof s !== 'object' || s === null || Array.isArray(s)) {
    return { ok: false, errors: ['年度安排必须是一个对象（包含 year、holidays、workdays）'] };
  }
  const input = s as Record<string, unknown>;

  const year = input.year;
  const yearOk = typeof year === 'number' && Number.isInteger(year) && year >= MIN_YEAR && year <= MAX_YEAR;
  if (!yearOk) errors.push(`年份 year 必须是 ${MIN_YEAR}–${MAX_YEAR} 之间的整数，实际为：${describe(year)}`);

  const seen = new Map<IsoDate, string>(); // date -> label of the list it was first seen in
  const lists = { holidays: [] as CalendarDay[], workdays: [] as CalendarDay[] };
  for (const key of ['holidays', 'workdays'] as const) {
    const label = key === 'holidays' ? '放假日' : '调休上班日';
    const list = input[key];
    if (!Array.isArray(list)) {
      errors.push(`${key}（${label}）必须是数组，实际为：${describe(list)}`);
      continue;
    }
    list.forEach((entry: unknown, i) => {
      const where = `${key}[${i}]（${label}）`;
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
        errors.push(`${where}必须是包含 date 和 name 的对象`);
        return;
      }
      const { date, name } = entry as Record<string, unknown>;
      let entryOk = true;

      const ymd = parseYmd(date);
      if (!ymd) {
        errors.push(`${where}的日期无效（应为 YYYY-MM-DD 格式的真实日期）：${describe(date)}`);
        entryOk = false;
      } else {
        const iso = date as IsoDate;
        if (yearOk && ymd.year !== year) {
          errors.push(`${where}的日期 ${iso} 不在 ${year} 年内`);
          entryOk = false;
        }
        const firstSeenIn = seen.get(iso);
        if (firstSeenIn === label) {
          errors.push(`日期 ${iso} 在${label}中重复出现`);
          entryOk = false;
        } else if (firstSeenIn !== undefined) {
          errors.push(`日期 ${iso} 不能既是放假日又是调休上班日`);
          entryOk = false;
        } else {
          seen.set(iso, label);
        }
        if (key === 'workdays') {
          const weekday = weekdayOfDayNumber(ymdToDayNumber(ymd));
          if (weekday !== 0 && weekday !== 6) {
            errors.push(`调休上班日 ${iso} 是${WEEKDAY_NAMES[weekday]}，调休上班日应为星期六或星期日`);
            entryOk = false;
          }
        }
      }

      if (typeof name !== 'string') {
        errors.push(`${where}的名称 name 必须是字符串，实际为：${describe(name)}`);
        entryOk = false;
      } else if (name.trim() === '') {
        errors.push(`${where}的名称不能为空`);
        entryOk = false;
      } else if ([...name.trim()].length > MAX_NAME_LENGTH) {
        errors.push(`${where}的名称不能超过 ${MAX_NAME_LENGTH} 个字符（实际 ${[...name.trim()].length} 个）`);
        entryOk = false;
      }

      if (entryOk) lists[key].push({ date: date as IsoDate, name: (name as string).trim() });
    });
  }

  if (errors.length > 0) return { ok: false, errors };
  const byDate = (a: CalendarDay, b: CalendarDay) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0);
  return {
    ok: true,
    value: { year: year as number, holidays: lists.holidays.sort(byDate), workdays: lists.workdays.sort(byDate) },
  };
}

function describe(value: unknown): string {
  if (value === undefined) return '（缺失）';
  if (typeof value === 'string') return `“${value.length > 60 ? `${value.slice(0, 60)}…` : value}”`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return Array.isArray(value) ? '数组' : typeof value;
}

/**
 * Builds an immutable calendar from year schedules. Each schedule is checked with
 * {@link validateYearSchedule}; an invalid schedule or two schedules for the same
 * year make it throw an Error listing the problems (in Chinese).
 */
export function buildCalendar(schedules: readonly YearSchedule[]): WorkCalendar {
  const years = new Set<number>();
  const kinds = new Map<IsoDate, 'holiday' | 'workday'>();
  for (const schedule of schedules) {
    const checked = validateYearSchedule(schedule);
    if (!checked.ok) {
      const label = typeof schedule?.year === 'number' ? `${schedule.year} 年` : '';
      throw new Error(`${label}节假日安排无效：${checked.errors.join('；')}`);
    }
    const { year, holidays, workdays } = checked.value;
    if (years.has(year)) throw new Error(`${year} 年的节假日安排重复提供`);
    years.add(year);
    for (const h of holidays) kinds.set(h.date, 'holiday');
    for (const w of workdays) kinds.set(w.date, 'workday');
  }
  return Object.freeze({
    hasYear: (year: number) => years.has(year),
    kindOf: (date: IsoDate) => kinds.get(date) ?? null,
  });
}

// ---------------------------------------------------------------------------
// Working-day arithmetic
// ---------------------------------------------------------------------------

function isWorkingDayNumber(dayNumber: number, cal: WorkCalendar): boolean {
  const kind = cal.kindOf(dayNumberToIso(dayNumber));
  if (kind === 'workday') return true;
  if (kind === 'holiday') return false;
  const weekday = weekdayOfDayNumber(dayNumber);
  return weekday !== 0 && weekday !== 6;
}

/**
 * Whether `date` is a working day: a scheduled make-up workday is working, a
 * scheduled holiday is not, otherwise Monday–Friday is working and Saturday/Sunday
 * is not. `provisional` is true when the calendar has no data for the date's year
 * (the weekday rule was applied blind). Throws RangeError on a malformed date.
 */
export function isWorkingDay(date: IsoDate, cal: WorkCalendar): { working: boolean; provisional: boolean } {
  const dayNumber = requireDayNumber(date, '日期');
  return {
    working: isWorkingDayNumber(dayNumber, cal),
    provisional: !cal.hasYear(yearOfDayNumber(dayNumber)),
  };
}

/**
 * The n-th working day after `start`. The start day itself is never counted, whether
 * or not it is a working day: n = 1 is the first working day strictly after `start`.
 * n = 0 returns `start` unchanged (even if it is a holiday) with `provisional: false`.
 *
 * `provisional` is true iff some day in (start, date] lies in a year the calendar has
 * no data for — exactly the days the answer depends on, so it is false iff publishing
 * a missing year's schedule cannot move the result.
 *
 * Throws RangeError unless `start` is a valid IsoDate and n is an integer with
 * 0 ≤ n ≤ {@link MAX_WORKING_DAYS}.
 */
export function addWorkingDays(start: IsoDate, n: number, cal: WorkCalendar): { date: IsoDate; provisional: boolean } {
  let dayNumber = requireDayNumber(start, '起始日期');
  if (!Number.isInteger(n) || n < 0 || n > MAX_WORKING_DAYS) {
    throw new RangeError(`工作日数必须是 0 到 ${MAX_WORKING_DAYS} 之间的整数：${n}`);
  }
  let provisional = false;
  let found = 0;
  let idleDays = 0;
  while (found < n) {
    dayNumber += 1;
    if (!provisional && !cal.hasYear(yearOfDayNumber(dayNumber))) provisional = true;
    if (isWorkingDayNumber(dayNumber, cal)) {
      found += 1;
      idleDays = 0;
    } else if (++idleDays > 366) {
      // Only a pathological custom WorkCalendar can get here.
      throw new Error(`日历在 ${dayNumberToIso(dayNumber)} 之前连续一年以上没有工作日`);
    }
  }
  return { date: dayNumberToIso(dayNumber), provisional };
}

/**
 * The deadline for a task of `workingDays` working days received at instant `start`:
 * the end (23:59:59 Asia/Shanghai = 15:59:59.000Z) of the n-th working day after the
 * Shanghai date of `start` (the receiving day is not counted; n = 0 means the end of
 * the receiving day itself). `dueAtIso` is the same instant written with +08:00, e.g.
 * '2026-12-01T23:59:59+08:00'; `dueDate` its Shanghai date; `provisional` as in
 * {@link addWorkingDays}. Throws RangeError on an invalid Date or bad n.
 */
export function deadlineFor(
  start: Date,
  workingDays: number,
  cal: WorkCalendar,
): { dueAt: Date; dueAtIso: string; provisional: boolean; dueDate: IsoDate } {
  const { date, provisional } = addWorkingDays(shanghaiDate(start), workingDays, cal);
  const dueAt = endOfShanghaiDay(date);
  return { dueAt, dueAtIso: formatShanghai(dueAt), provisional, dueDate: date };
}

/**
 * Signed count of working days between two dates.
 * - from ≤ to: the number of working days d with from < d ≤ to (from itself excluded,
 *   to included; 0 when from = to);
 * - from > to: minus the number of working days d with to < d ≤ from.
 * So countWorkingDays(a, b).count = −countWorkingDays(b, a).count, and
 * addWorkingDays(a, k).date = b implies countWorkingDays(a, b).count = k (k ≥ 1).
 * `provisional` is true iff some counted-over day lies in a year without data.
 * Walks day by day over a month or less, a year at a time (cached running totals) over more.
 */
export function countWorkingDays(from: IsoDate, to: IsoDate, cal: WorkCalendar): { count: number; provisional: boolean } {
  const a = requireDayNumber(from, '开始日期');
  const b = requireDayNumber(to, '结束日期');
  const [lo, hi, sign] = a <= b ? [a, b, 1] : [b, a, -1];
  let count = 0;
  let provisional = false;
  if (hi - lo > 31) {
    // A long span (a case overdue for years: the list's deadline column, 50 rows a page) is
    // counted a year at a time from the calendar's per-year running totals.
    for (let d = lo + 1; d <= hi; ) {
      const year = yearOfDayNumber(d);
      const { first, totals } = yearTotals(cal, year);
      const end = Math.min(hi, first + totals.length - 2);
      if (!provisional && !cal.hasYear(year)) provisional = true;
      count += totals[end - first + 1]! - totals[d - first]!;
      d = end + 1;
    }
  } else {
    for (let d = lo + 1; d <= hi; d++) {
      if (!provisional && !cal.hasYear(yearOfDayNumber(d))) provisional = true;
      if (isWorkingDayNumber(d, cal)) count++;
    }
  }
  return { count: sign > 0 ? count : -count || 0, provisional }; // `|| 0`: never -0
}

/** Per calendar and year: totals[k] = working days among the year's first k days (a calendar is immutable). */
const yearTotalsOf = new WeakMap<WorkCalendar, Map<number, { first: number; totals: Int16Array }>>();

function yearTotals(cal: WorkCalendar, year: number): { first: number; totals: Int16Array } {
  let years = yearTotalsOf.get(cal);
  if (!years) yearTotalsOf.set(cal, (years = new Map()));
  let t = years.get(year);
  if (!t) {
    const first = ymdToDayNumber({ year, month: 1, day: 1 });
    const days = isLeapYear(year) ? 366 : 365;
    const totals = new Int16Array(days + 1);
    for (let k = 0; k < days; k++) totals[k + 1] = totals[k]! + (isWorkingDayNumber(first + k, cal) ? 1 : 0);
    years.set(year, (t = { first, totals }));
  }
  return t;
}

/**
 * Working days remaining from instant `from` (typically now) until instant `to`
 * (typically a deadline), on Shanghai dates: with F = shanghaiDate(from) and
 * T = shanghaiDate(to),
 * - F ≤ T: the number of working days d with F < d ≤ T (today is not counted;
 *   0 when both fall on the same Shanghai date, e.g. on the due day itself);
 * - F > T (overdue): minus the number of working days d with T < d ≤ F, i.e. how many
 *   working days have passed since the due date (−1 on the first working day after it;
 *   0 if only non-working days have passed).
 * Whether any counted year lacks data is not reported; use {@link countWorkingDays}.
 */
export function workingDaysBetween(from: Date, to: Date, cal: WorkCalendar): number {
  return countWorkingDays(shanghaiDate(from), shanghaiDate(to), cal).count;
}
