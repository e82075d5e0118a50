/**
 * Working-day arithmetic. The module must not depend on the process time zone, so
 * every suite below runs three times in-process (process.env.TZ switched per block;
 * Node re-reads TZ on assignment), and the file should also pass when started as
 *   TZ=UTC npx vitest run core/
 *   TZ=Asia/Shanghai npx vitest run core/
 *   TZ=America/New_York npx vitest run core/
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OFFICIAL_SCHEDULES, officialCalendar } from './holidays/index.js';
import {
  addCalendarDays,
  addWorkingDays,
  buildCalendar,
  countWorkingDays,
  dayOfWeek,
  daysOfYear,
  deadlineFor,
  endOfShanghaiDay,
  startOfShanghaiDay,
  formatShanghai,
  isIsoDate,
  isWorkingDay,
  shanghaiDate,
  validateYearSchedule,
  workingDaysBetween,
  type YearSchedule,
} from './working-days.js';

const TIME_ZONES = [
  ['UTC', 0],
  ['Asia/Shanghai', -480],
  ['America/New_York', 300], // EST in January
] as const;

const originalTz = process.env.TZ;
function restoreTz(): void {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
}

/** A FICTIONAL 2027 schedule, for tests only — the real one is not published yet. */
const FICTIONAL_2027: YearSchedule = {
  year: 2027,
  holidays: [
    { date: '2027-01-01', name: '元旦' }, // Fri
    { date: '2027-01-02', name: '元旦' }, // Sat
    { date: '2027-01-03', name: '元旦' }, // Sun
  ],
  workdays: [{ date: '2027-01-09', name: '元旦' }], // Sat
};

const cal = officialCalendar();

describe.each(TIME_ZONES)('with process TZ=%s', (tz, januaryOffset) => {
  beforeAll(() => {
    process.env.TZ = tz;
  });
  afterAll(restoreTz);

  it('really runs in that time zone', () => {
    expect(new Date(2026, 0, 15).getTimezoneOffset()).toBe(januaryOffset);
  });

  describe('date helpers', () => {
    it.each([
      ['2026-11-26', true],
      ['2024-02-29', true],
      ['2025-02-29', false],
      ['2026-13-01', false],
      ['2026-1-5', false],
      ['2026-01-05T00:00:00Z', false],
      ['', false],
    ])('isIsoDate(%j) is %s', (value, expected) => {
      expect(isIsoDate(value)).toBe(expected);
    });

    it('knows weekdays and calendar-day offsets without a time zone', () => {
      expect(dayOfWeek('2026-11-26')).toBe(4); // Thursday
      expect(dayOfWeek('2027-01-01')).toBe(5); // Friday
      expect(addCalendarDays('2024-02-28', 1)).toBe('2024-02-29');
      expect(addCalendarDays('2026-12-31', 1)).toBe('2027-01-01');
      expect(addCalendarDays('2026-03-01', -1)).toBe('2026-02-28');
    });

    it('lists every day of a year', () => {
      expect(daysOfYear(2024)).toHaveLength(366);
      expect(daysOfYear(2026)[0]).toBe('2026-01-01');
      expect(daysOfYear(2026).at(-1)).toBe('2026-12-31');
    });
  });

  describe('shanghaiDate / formatShanghai', () => {
    it.each([
      // instant (UTC), Shanghai date, formatted
      ['2026-11-26T05:40:23.999Z', '2026-11-26', '2026-11-26T13:40:23+08:00'],
      ['2026-11-26T15:59:59.999Z', '2026-11-26', '2026-11-26T23:59:59+08:00'],
      ['2026-11-26T16:00:00.000Z', '2026-11-27', '2026-11-27T00:00:00+08:00'],
      ['2026-12-31T16:00:00.000Z', '2027-01-01', '2027-01-01T00:00:00+08:00'],
      ['1969-12-31T15:59:59.500Z', '1969-12-31', '1969-12-31T23:59:59+08:00'],
      ['1969-12-31T16:00:00.000Z', '1970-01-01', '1970-01-01T00:00:00+08:00'],
    ])('%s is %s in Shanghai, written %s', (instant, date, formatted) => {
      expect(shanghaiDate(new Date(instant))).toBe(date);
      expect(formatShanghai(new Date(instant))).toBe(formatted);
    });

    it('gives the start of a Shanghai day as 16:00Z the day before and its end as 15:59:59.000Z', () => {
      expect(endOfShanghaiDay('2026-12-01').toISOString()).toBe('2026-12-01T15:59:59.000Z');
      expect(startOfShanghaiDay('2026-12-01').toISOString()).toBe('2026-11-30T16:00:00.000Z');
      expect(startOfShanghaiDay('2027-01-01').toISOString()).toBe('2026-12-31T16:00:00.000Z');
    });

    it('rejects an invalid Date', () => {
      expect(() => shanghaiDate(new Date(Number.NaN))).toThrow(RangeError);
      expect(() => formatShanghai(new Date('nonsense'))).toThrow(RangeError);
    });
  });

  describe('isWorkingDay', () => {
    it.each([
      // date, working, why
      ['2026-11-26', true, 'an ordinary Thursday'],
      ['2026-11-28', false, 'an ordinary Saturday'],
      ['2026-11-29', false, 'an ordinary Sunday'],
      ['2024-02-09', true, '2024 除夕, officially a working Friday'],
      ['2024-02-18', true, 'the 2024 春节 make-up Sunday'],
      ['2025-10-06', false, '2025 中秋 inside the National Day span'],
      ['2025-10-11', true, 'the 2025 National Day make-up Saturday'],
      ['2026-01-02', false, 'a Friday off for 2026 元旦'],
      ['2026-01-04', true, 'the 2026 元旦 make-up Sunday'],
      ['2026-09-20', true, 'the 2026 National Day make-up Sunday before 中秋'],
    ])('%s is working=%s (%s)', (date, working) => {
      expect(isWorkingDay(date, cal)).toEqual({ working, provisional: false });
    });

    it.each([
      ['2027-01-01', true, 'Friday — probably 元旦, but 2027 has no data'],
      ['2027-01-02', false, 'Saturday'],
      ['2023-12-29', true, 'Friday in 2023, which has no data either'],
    ])('in a year without data, %s is working=%s and provisional (%s)', (date, working) => {
      expect(isWorkingDay(date, cal)).toEqual({ working, provisional: true });
    });

    it('rejects a malformed date', () => {
      expect(() => isWorkingDay('2026-02-30', cal)).toThrow(RangeError);
    });
  });

  describe('addWorkingDays', () => {
    it.each([
      // start, n, result, why
      ['2026-11-26', 0, '2026-11-26', 'n = 0 returns the start day'],
      ['2026-11-28', 0, '2026-11-28', 'n = 0 returns the start day even on a Saturday'],
      ['2026-11-26', 1, '2026-11-27', 'the start day (a Thursday) is not counted'],
      ['2026-11-26', 3, '2026-12-01', 'skips the weekend'],
      ['2026-11-27', 1, '2026-11-30', 'Friday + 1 is Monday'],
      ['2026-11-28', 1, '2026-11-30', 'starting on a Saturday'],
      ['2026-11-29', 1, '2026-11-30', 'starting on a Sunday'],
      ['2026-11-26', 10, '2026-12-10', 'two full weeks'],
    ])('%s + %i working days = %s (%s)', (start, n, expected) => {
      expect(addWorkingDays(start, n, cal)).toEqual({ date: expected, provisional: false });
    });

    it.each([
      // start, n, result, why
      // 2024
      ['2024-01-01', 1, '2024-01-02', '2024 元旦: starting on the holiday itself'],
      ['2024-02-03', 1, '2024-02-04', '2024 春节: the Sunday before is a make-up day'],
      ['2024-02-09', 1, '2024-02-18', '2024 春节: from 除夕 (a working day) over 10–17 Feb to the make-up Sunday'],
      ['2024-02-09', 2, '2024-02-19', '2024 春节: then Monday'],
      ['2024-04-03', 1, '2024-04-07', '2024 清明节: 4–6 Apr off, Sunday 7 Apr worked'],
      ['2024-04-26', 1, '2024-04-28', '2024 劳动节: Sunday 28 Apr worked'],
      ['2024-04-30', 1, '2024-05-06', '2024 劳动节: 1–5 May off'],
      ['2024-04-30', 6, '2024-05-11', '2024 劳动节: Saturday 11 May worked'],
      ['2024-06-07', 1, '2024-06-11', '2024 端午节: weekend plus Monday 10 Jun'],
      ['2024-09-13', 1, '2024-09-14', '2024 中秋节: Saturday 14 Sep worked'],
      ['2024-09-13', 2, '2024-09-18', '2024 中秋节: 15–17 Sep off'],
      ['2024-09-27', 1, '2024-09-29', '2024 国庆节: Sunday 29 Sep worked'],
      ['2024-09-30', 1, '2024-10-08', '2024 国庆节: 1–7 Oct off'],
      ['2024-10-11', 1, '2024-10-12', '2024 国庆节: Saturday 12 Oct worked'],
      // 2025
      ['2024-12-31', 1, '2025-01-02', '2025 元旦: one day, no make-up'],
      ['2025-01-24', 1, '2025-01-26', '2025 春节: Sunday 26 Jan worked'],
      ['2025-01-27', 1, '2025-02-05', '2025 春节: 除夕 28 Jan to 4 Feb off'],
      ['2025-02-07', 1, '2025-02-08', '2025 春节: Saturday 8 Feb worked'],
      ['2025-04-03', 1, '2025-04-07', '2025 清明节: Friday to Sunday, no make-up'],
      ['2025-04-25', 1, '2025-04-27', '2025 劳动节: Sunday 27 Apr worked'],
      ['2025-04-30', 1, '2025-05-06', '2025 劳动节: 1–5 May off'],
      ['2025-05-30', 1, '2025-06-03', '2025 端午节: Saturday to Monday'],
      ['2025-09-26', 1, '2025-09-28', '2025 国庆节: Sunday 28 Sep worked'],
      ['2025-09-30', 1, '2025-10-09', '2025 国庆节·中秋节: 1–8 Oct off'],
      ['2025-09-30', 2, '2025-10-10', '2025 国庆节: dispatched on the last working day before, N = 2'],
      ['2025-10-03', 1, '2025-10-09', '2025 国庆节: starting on a holiday'],
      // 2026
      ['2025-12-31', 1, '2026-01-04', '2026 元旦: 1–3 Jan off, Sunday 4 Jan worked'],
      ['2025-12-31', 2, '2026-01-05', '2026 元旦: then Monday'],
      ['2026-02-13', 1, '2026-02-14', '2026 春节: Saturday 14 Feb worked'],
      ['2026-02-13', 2, '2026-02-24', '2026 春节: 15–23 Feb off'],
      ['2026-02-24', 4, '2026-02-28', '2026 春节: Saturday 28 Feb worked'],
      ['2026-02-24', 5, '2026-03-02', '2026 春节: then Monday'],
      ['2026-04-03', 1, '2026-04-07', '2026 清明节: Saturday to Monday'],
      ['2026-04-30', 1, '2026-05-06', '2026 劳动节: 1–5 May off'],
      ['2026-04-30', 4, '2026-05-09', '2026 劳动节: Saturday 9 May worked'],
      ['2026-06-18', 1, '2026-06-22', '2026 端午节: Friday to Sunday'],
      ['2026-09-18', 1, '2026-09-20', '2026 国庆节: its Sunday make-up day comes before 中秋'],
      ['2026-09-24', 1, '2026-09-28', '2026 中秋节: Friday to Sunday'],
      ['2026-09-30', 1, '2026-10-08', '2026 国庆节: 1–7 Oct off'],
      ['2026-09-30', 3, '2026-10-10', '2026 国庆节: Saturday 10 Oct worked'],
    ])('%s + %i = %s (%s)', (start, n, expected) => {
      expect(addWorkingDays(start, n, cal)).toEqual({ date: expected, provisional: false });
    });

    it('skips the 2025 National Day holiday and counts the Saturday make-up day', () => {
      // Tue 30 Sep is the last working day before; 1–8 Oct are off; Thu 9, Fri 10, Sat 11 (调休上班).
      expect(addWorkingDays('2025-09-30', 3, cal)).toEqual({ date: '2025-10-11', provisional: false });
      expect(addWorkingDays('2025-09-30', 4, cal)).toEqual({ date: '2025-10-13', provisional: false });
    });

    it.each([
      // start, n, result, provisional, why
      ['2026-12-29', 2, '2026-12-31', false, 'stays inside 2026'],
      ['2026-12-29', 3, '2027-01-01', true, 'crosses into 2027, which has no data'],
      ['2026-12-31', 1, '2027-01-01', true, 'weekdays-only in 2027'],
      ['2027-03-05', 1, '2027-03-08', true, 'entirely in 2027'],
      ['2023-12-29', 1, '2024-01-02', true, 'examines the 2023 weekend before reaching 2024'],
      ['2023-12-31', 1, '2024-01-02', false, 'only 2024 days are examined'],
      ['2027-01-01', 0, '2027-01-01', false, 'n = 0 examines no day'],
    ])('%s + %i = %s with provisional=%s (%s)', (start, n, date, provisional) => {
      expect(addWorkingDays(start, n, cal)).toEqual({ date, provisional });
    });

    it('adding a 2027 schedule makes the result authoritative and may move it', () => {
      const withNextYear = buildCalendar([...OFFICIAL_SCHEDULES, FICTIONAL_2027]);
      expect(addWorkingDays('2026-12-31', 1, cal)).toEqual({ date: '2027-01-01', provisional: true });
      expect(addWorkingDays('2026-12-31', 1, withNextYear)).toEqual({ date: '2027-01-04', provisional: false });
      // Without data: Fri 1 Jan, Mon 4 … Fri 8 Jan. With it: 1–3 Jan off, Mon 4 … Fri 8, then the make-up Saturday 9 Jan.
      expect(addWorkingDays('2026-12-31', 6, cal)).toEqual({ date: '2027-01-08', provisional: true });
      expect(addWorkingDays('2026-12-31', 6, withNextYear)).toEqual({ date: '2027-01-09', provisional: false });
      // A 2028 day is still provisional.
      expect(addWorkingDays('2027-12-31', 1, withNextYear).provisional).toBe(true);
    });

    it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 100_001])('rejects n = %s', (n) => {
      expect(() => addWorkingDays('2026-11-26', n, cal)).toThrow(RangeError);
    });

    it('rejects a malformed start date', () => {
      expect(() => addWorkingDays('26-11-2026', 1, cal)).toThrow(RangeError);
    });
  });

  describe('deadlineFor', () => {
    it.each([
      // received at (UTC instant), n, due date, why
      ['2026-11-26T05:40:23Z', 3, '2026-12-01', 'Thursday afternoon, 3 working days'],
      ['2026-11-26T15:59:59Z', 1, '2026-11-27', 'one second before Shanghai midnight is still Thursday'],
      ['2026-11-26T16:00:00Z', 1, '2026-11-30', 'Shanghai midnight is already Friday'],
      ['2026-11-28T02:00:00Z', 1, '2026-11-30', 'received on a Saturday'],
      ['2025-10-03T02:00:00Z', 1, '2025-10-09', 'received during the National Day holiday'],
      ['2025-09-30T09:00:00Z', 2, '2025-10-10', 'received on the last working day before 国庆 2025'],
      ['2026-02-17T04:00:00Z', 1, '2026-02-24', 'received on 2026 春节 正月初一'],
      ['2026-11-26T05:40:23Z', 0, '2026-11-26', 'n = 0: end of the receiving day'],
    ])('received %s, %i working days → due end of %s (%s)', (receivedAt, n, dueDate) => {
      const result = deadlineFor(new Date(receivedAt), n, cal);
      expect(result).toEqual({
        dueAt: new Date(`${dueDate}T15:59:59.000Z`),
        dueAtIso: `${dueDate}T23:59:59+08:00`,
        provisional: false,
        dueDate,
      });
    });

    it('is due 23:59:59 Shanghai time, written with +08:00', () => {
      const { dueAt, dueAtIso } = deadlineFor(new Date('2026-11-26T05:40:23Z'), 3, cal);
      expect(dueAt.toISOString()).toBe('2026-12-01T15:59:59.000Z');
      expect(dueAtIso).toBe('2026-12-01T23:59:59+08:00');
      expect(formatShanghai(dueAt)).toBe(dueAtIso);
    });

    it('is provisional when it runs from 2026 into 2027', () => {
      expect(deadlineFor(new Date('2026-12-28T02:00:00Z'), 5, cal)).toEqual({
        dueAt: new Date('2027-01-04T15:59:59.000Z'),
        dueAtIso: '2027-01-04T23:59:59+08:00',
        provisional: true,
        dueDate: '2027-01-04',
      });
      const withNextYear = buildCalendar([...OFFICIAL_SCHEDULES, FICTIONAL_2027]);
      expect(deadlineFor(new Date('2026-12-28T02:00:00Z'), 5, withNextYear)).toMatchObject({
        dueDate: '2027-01-05', // 1 Jan is off in the fictional 2027 schedule
        provisional: false,
      });
    });

    it('uses the Shanghai date of a New Year instant, not the UTC one', () => {
      // 2026-12-31T16:30Z is 00:30 on Fri 1 Jan 2027 in Shanghai (still 31 Dec in UTC and New York).
      expect(deadlineFor(new Date('2026-12-31T16:30:00Z'), 1, cal)).toMatchObject({
        dueDate: '2027-01-04',
        provisional: true,
      });
    });
  });

  describe('countWorkingDays / workingDaysBetween', () => {
    it.each([
      [2024, 251],
      [2025, 248],
      [2026, 248],
    ])('%i has %i working days', (year, expected) => {
      expect(countWorkingDays(`${year - 1}-12-31`, `${year}-12-31`, cal)).toEqual({
        count: expected,
        provisional: false,
      });
    });

    it.each([
      // from (UTC instant), to (UTC instant), remaining, why
      ['2026-11-26T05:00:00Z', '2026-12-01T15:59:59Z', 3, 'today is not counted, the due day is'],
      ['2026-12-01T01:00:00Z', '2026-12-01T15:59:59Z', 0, 'on the due day itself'],
      ['2026-11-26T15:59:59Z', '2026-11-26T16:00:00Z', 1, 'one second apart but across Shanghai midnight'],
      ['2026-12-02T02:00:00Z', '2026-12-01T15:59:59Z', -1, 'one working day overdue'],
      ['2026-12-05T02:00:00Z', '2026-12-04T15:59:59Z', 0, 'overdue by a weekend only'],
      ['2026-12-07T02:00:00Z', '2026-12-04T15:59:59Z', -1, 'overdue by a weekend and Monday'],
      ['2025-09-30T02:00:00Z', '2025-10-13T15:59:59Z', 4, 'across 国庆 2025 with its make-up Saturday'],
    ])('from %s to %s: %i (%s)', (from, to, expected) => {
      expect(workingDaysBetween(new Date(from), new Date(to), cal)).toBe(expected);
    });

    it('is antisymmetric and inverts addWorkingDays', () => {
      for (const [start, n] of [
        ['2025-09-30', 3],
        ['2026-02-13', 2],
        ['2024-04-30', 6],
      ] as const) {
        const { date } = addWorkingDays(start, n, cal);
        expect(countWorkingDays(start, date, cal).count).toBe(n);
        expect(countWorkingDays(date, start, cal).count).toBe(-n);
      }
    });

    it('flags a count reaching into a year without data as provisional', () => {
      expect(countWorkingDays('2026-12-30', '2027-01-05', cal)).toEqual({ count: 4, provisional: true });
    });

    it('counts a span of more than a month (a year at a time) as the sum of its months (day by day)', () => {
      const byMonths = (from: string, to: string) => {
        let count = 0;
        let provisional = false;
        for (let d = from; d < to; ) {
          const next = addCalendarDays(d, 30) < to ? addCalendarDays(d, 30) : to;
          const part = countWorkingDays(d, next, cal);
          count += part.count;
          provisional ||= part.provisional;
          d = next;
        }
        return { count, provisional };
      };
      for (const [from, to] of [
        ['2023-03-17', '2026-12-07'],
        ['2024-02-28', '2024-04-02'],
        ['2025-12-31', '2026-12-31'],
        ['2024-12-31', '2025-02-01'],
        ['2026-01-01', '2027-03-01'],
        ['2019-06-30', '2024-01-01'],
      ] as const) {
        const want = byMonths(from, to);
        expect(countWorkingDays(from, to, cal)).toEqual(want);
        expect(countWorkingDays(to, from, cal)).toEqual({ count: -want.count, provisional: want.provisional });
      }
    });
  });

  describe('validateYearSchedule', () => {
    const valid = (): Record<string, unknown> => ({
      year: 2027,
      holidays: [{ date: '2027-01-01', name: '元旦' }],
      workdays: [{ date: '2027-01-09', name: '元旦' }],
    });

    it('accepts a good schedule and returns a trimmed, date-sorted copy without extra fields', () => {
      const input = {
        year: 2027,
        holidays: [
          { date: '2027-01-03', name: ' 元旦 ' },
          { date: '2027-01-01', name: '元旦', note: 'ignored' },
        ],
        workdays: [],
        source: 'ignored',
      };
      expect(validateYearSchedule(input)).toEqual({
        ok: true,
        value: {
          year: 2027,
          holidays: [
            { date: '2027-01-01', name: '元旦' },
            { date: '2027-01-03', name: '元旦' },
          ],
          workdays: [],
        },
      });
    });

    it('accepts a holiday on any weekday and a name of exactly 50 characters', () => {
      const s = valid();
      s.holidays = [{ date: '2027-01-06', name: '节'.repeat(50) }]; // a Wednesday
      expect(validateYearSchedule(s).ok).toBe(true);
    });

    it.each<[string, (s: Record<string, unknown>) => unknown, string]>([
      ['not an object', () => null, '年度安排必须是一个对象'],
      ['an array', () => [], '年度安排必须是一个对象'],
      ['a fractional year', (s) => ({ ...s, year: 2027.5 }), '年份 year 必须是 1900–2999 之间的整数'],
      ['a year as a string', (s) => ({ ...s, year: '2027' }), '年份 year 必须是'],
      ['holidays missing', (s) => ({ ...s, holidays: undefined }), 'holidays（放假日）必须是数组'],
      ['an entry that is a string', (s) => ({ ...s, holidays: ['2027-01-01'] }), 'holidays[0]（放假日）必须是包含 date 和 name 的对象'],
      ['an impossible date', (s) => ({ ...s, holidays: [{ date: '2027-02-29', name: '春节' }] }), '日期无效'],
      ['a slash-separated date', (s) => ({ ...s, holidays: [{ date: '2027/01/01', name: '元旦' }] }), '日期无效'],
      ['a date in another year', (s) => ({ ...s, holidays: [{ date: '2026-12-31', name: '元旦' }] }), '日期 2026-12-31 不在 2027 年内'],
      [
        'a duplicate holiday',
        (s) => ({ ...s, holidays: [{ date: '2027-01-01', name: '元旦' }, { date: '2027-01-01', name: '元旦' }] }),
        '日期 2027-01-01 在放假日中重复出现',
      ],
      [
        'a date both off and worked',
        (s) => ({ ...s, workdays: [{ date: '2027-01-02', name: '元旦' }], holidays: [{ date: '2027-01-02', name: '元旦' }] }),
        '日期 2027-01-02 不能既是放假日又是调休上班日',
      ],
      ['an empty name', (s) => ({ ...s, holidays: [{ date: '2027-01-01', name: '' }] }), '名称不能为空'],
      ['a blank name', (s) => ({ ...s, holidays: [{ date: '2027-01-01', name: '  ' }] }), '名称不能为空'],
      ['a missing name', (s) => ({ ...s, holidays: [{ date: '2027-01-01' }] }), '名称 name 必须是字符串'],
      ['a 51-character name', (s) => ({ ...s, holidays: [{ date: '2027-01-01', name: '节'.repeat(51) }] }), '名称不能超过 50 个字符'],
      [
        'a make-up workday on a Friday',
        (s) => ({ ...s, workdays: [{ date: '2027-01-08', name: '元旦' }] }),
        '调休上班日 2027-01-08 是星期五，调休上班日应为星期六或星期日',
      ],
    ])('rejects %s', (_label, mutate, message) => {
      const result = validateYearSchedule(mutate(valid()));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.errors.join('\n')).toContain(message);
    });

    it('reports every problem at once', () => {
      const result = validateYearSchedule({
        year: 2027,
        holidays: [{ date: '2027-02-30', name: '' }],
        workdays: [{ date: '2027-01-05', name: '元旦' }],
      });
      expect(result).toEqual({
        ok: false,
        errors: [
          'holidays[0]（放假日）的日期无效（应为 YYYY-MM-DD 格式的真实日期）：“2027-02-30”',
          'holidays[0]（放假日）的名称不能为空',
          '调休上班日 2027-01-05 是星期二，调休上班日应为星期六或星期日',
        ],
      });
    });
  });

  describe('buildCalendar', () => {
    it('knows which years it has and the kind of each scheduled day', () => {
      expect([2023, 2024, 2025, 2026, 2027].map((y) => cal.hasYear(y))).toEqual([false, true, true, true, false]);
      expect(cal.kindOf('2025-10-01')).toBe('holiday');
      expect(cal.kindOf('2025-10-11')).toBe('workday');
      expect(cal.kindOf('2025-10-10')).toBeNull();
      expect(cal.kindOf('2027-01-01')).toBeNull();
    });

    it('refuses an invalid schedule, in Chinese', () => {
      const bad = { year: 2027, holidays: [], workdays: [{ date: '2027-01-08', name: '元旦' }] };
      expect(() => buildCalendar([bad])).toThrow('2027 年节假日安排无效：调休上班日 2027-01-08 是星期五');
    });

    it('refuses two schedules for the same year', () => {
      expect(() => buildCalendar([...OFFICIAL_SCHEDULES, OFFICIAL_SCHEDULES[2]!])).toThrow('2026 年的节假日安排重复提供');
    });
  });
});
