import { describe, expect, it } from 'vitest';
import { dayjs, deadlineTone, endOfDayIso, formatDate, formatDateTime, formatShortDateTime, remainingText, shanghaiToday, TZ } from './time';

const base = { dueProvisional: false, overdue: false, dueSoon: false };

describe('dates as the county reads them', () => {
  it('shows instants in Asia/Shanghai whatever the browser’s zone', () => {
    expect(formatDateTime('2026-11-30T15:59:59.000Z')).toBe('2026-11-30 23:59');
    expect(formatDateTime('2026-11-30T23:59:59+08:00')).toBe('2026-11-30 23:59');
    expect(formatDateTime(null)).toBe('—');
    expect(shanghaiToday(new Date('2026-11-26T17:00:00Z'))).toBe('2026-11-27');
  });

  it('writes a picked day as its end in Shanghai', () => {
    expect(endOfDayIso('2026-12-08')).toBe('2026-12-08T23:59:59+08:00');
  });

  it('words the working days left, the due day and an overdue deadline', () => {
    expect(remainingText({ ...base, dueAt: 'x', workingDaysLeft: 2 })).toBe('（剩 2 个工作日）');
    expect(remainingText({ ...base, dueAt: 'x', workingDaysLeft: 0 })).toBe('（今日到期）');
    expect(remainingText({ ...base, dueAt: 'x', overdue: true, workingDaysLeft: -3 })).toBe('（已超期 3 个工作日）');
    expect(remainingText({ ...base, dueAt: 'x', overdue: true, workingDaysLeft: 0 })).toBe('（已超期）');
    expect(remainingText({ ...base, dueAt: 'x', workingDaysLeft: null })).toBe('');
  });

  it('colours overdue red and due soon (as the server says) orange', () => {
    expect(deadlineTone({ ...base, dueAt: 'x', overdue: true, workingDaysLeft: -1 })).toBe('overdue');
    expect(deadlineTone({ ...base, dueAt: 'x', dueSoon: true, workingDaysLeft: 1 })).toBe('soon');
    expect(deadlineTone({ ...base, dueAt: 'x', dueSoon: false, workingDaysLeft: 0 })).toBe('normal');
    expect(deadlineTone({ ...base, dueAt: null, workingDaysLeft: null })).toBe('none');
  });
});

describe('short dates for dense lists', () => {
  const now = new Date('2026-12-06T02:00:00Z');
  it('drops the year inside the current Shanghai year', () => {
    expect(formatShortDateTime('2026-11-30T15:59:59.000Z', now)).toBe('11-30 23:59');
    // 2025-12-31 20:00 UTC is already 2026-01-01 04:00 in Shanghai.
    expect(formatShortDateTime('2025-12-31T20:00:00Z', now)).toBe('01-01 04:00');
  });
  it('keeps it for other years, and answers — for none', () => {
    expect(formatShortDateTime('2025-12-31T15:00:00Z', now)).toBe('2025-12-31 23:00');
    expect(formatShortDateTime('2027-01-01T00:00:00Z', now)).toBe('2027-01-01 08:00');
    expect(formatShortDateTime(null, now)).toBe('—');
    expect(formatShortDateTime('not a date', now)).toBe('—');
  });
});

describe('Asia/Shanghai by arithmetic', () => {
  it('gives what dayjs with its time zone gives, across offsets, midnight and the year end', () => {
    for (const iso of ['2026-11-26T10:00:00+08:00', '2026-11-26T16:30:00Z', '2026-12-31T16:00:00.000Z', '2026-12-31T15:59:59.999Z', '2026-03-01T00:00:00-05:00', '1999-01-01T00:00:00Z']) {
      expect(formatDateTime(iso)).toBe(dayjs(iso).tz(TZ).format('YYYY-MM-DD HH:mm'));
      expect(formatDate(iso)).toBe(dayjs(iso).tz(TZ).format('YYYY-MM-DD'));
    }
    expect(shanghaiToday(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01');
    expect(shanghaiToday(new Date('2026-12-31T15:59:59Z'))).toBe('2026-12-31');
    // Before 1992 Shanghai had summer time: left to dayjs.
    expect(formatDateTime('1988-06-01T00:00:00Z')).toBe(dayjs('1988-06-01T00:00:00Z').tz(TZ).format('YYYY-MM-DD HH:mm'));
    expect(formatDateTime('not a date')).toBe('—');
    expect(formatDate(null)).toBe('—');
  });
});
