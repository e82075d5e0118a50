/**
 * Cross-checks the hand-written official schedules against the `chinese-days` package.
 *
 * Must pass under any process time zone:
 *   TZ=UTC npx vitest run core/
 *   TZ=Asia/Shanghai npx vitest run core/
 *   TZ=America/New_York npx vitest run core/
 *
 * chinese-days itself is NOT time-zone safe: it parses 'YYYY-MM-DD' as UTC midnight but
 * formats and takes weekdays with local-time getters, so west of UTC (e.g. New York)
 * its isWorkday answers are shifted by a day. We therefore load and query it with
 * process.env.TZ temporarily pinned to Asia/Shanghai (Node re-reads TZ on assignment),
 * and additionally compare with its static per-year JSON files, which are TZ-free.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OFFICIAL_SCHEDULES, officialCalendar } from './index.js';
import { daysOfYear, isWorkingDay, validateYearSchedule, type IsoDate } from '../working-days.js';

const YEARS = [2024, 2025, 2026] as const;
const HOLIDAY_NAMES = ['元旦', '春节', '清明节', '劳动节', '端午节', '中秋节', '国庆节'];

/** chinese-days' short Chinese names -> ours. */
const CHINESE_DAYS_NAME: Record<string, string> = {
  元旦: '元旦',
  春节: '春节',
  清明: '清明节',
  劳动节: '劳动节',
  端午: '端午节',
  中秋: '中秋节',
  国庆节: '国庆节',
};

interface ChineseDaysYearJson {
  holidays: Record<IsoDate, string>; // "Spring Festival,春节,3"
  workdays: Record<IsoDate, string>;
}

const require = createRequire(import.meta.url);
const chineseDaysDist = dirname(require.resolve('chinese-days'));

function chineseDaysJson(year: number): ChineseDaysYearJson {
  return JSON.parse(readFileSync(join(chineseDaysDist, 'years', `${year}.json`), 'utf8')) as ChineseDaysYearJson;
}

function chineseName(description: string): string {
  const short = description.split(',')[1] ?? '';
  return CHINESE_DAYS_NAME[short] ?? `unknown:${short}`;
}

/** chinese-days' isWorkday verdict for every date of 2024–2026, computed with TZ pinned. */
const chineseDaysVerdict = new Map<IsoDate, boolean>();
const originalTz = process.env.TZ;

beforeAll(async () => {
  process.env.TZ = 'Asia/Shanghai';
  try {
    const mod = (await import('chinese-days')) as unknown as {
      isWorkday?: (d: string) => boolean;
      default?: { isWorkday: (d: string) => boolean };
    };
    const isWorkday = mod.isWorkday ?? mod.default?.isWorkday;
    if (!isWorkday) throw new Error('chinese-days exports no isWorkday');
    for (const year of YEARS) for (const date of daysOfYear(year)) chineseDaysVerdict.set(date, isWorkday(date));
  } finally {
    restoreTz();
  }
});

afterAll(restoreTz);

function restoreTz(): void {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
}

describe('OFFICIAL_SCHEDULES', () => {
  it('covers exactly 2024, 2025 and 2026, oldest first', () => {
    expect(OFFICIAL_SCHEDULES.map((s) => s.year)).toEqual([2024, 2025, 2026]);
  });

  it.each(OFFICIAL_SCHEDULES.map((s) => [s.year, s] as const))('%i passes validateYearSchedule', (_year, schedule) => {
    expect(validateYearSchedule(schedule)).toEqual({ ok: true, value: schedule });
  });

  it.each(OFFICIAL_SCHEDULES.map((s) => [s.year, s] as const))('%i uses only the seven holiday names', (_year, schedule) => {
    for (const day of [...schedule.holidays, ...schedule.workdays]) expect(HOLIDAY_NAMES).toContain(day.name);
  });

  it.each([
    // year, days off listed, make-up workdays
    [2024, 28, 8],
    [2025, 28, 5],
    [2026, 33, 6],
  ])('%i lists %i days off and %i make-up workdays', (year, holidays, workdays) => {
    const schedule = OFFICIAL_SCHEDULES.find((s) => s.year === year)!;
    expect(schedule.holidays).toHaveLength(holidays);
    expect(schedule.workdays).toHaveLength(workdays);
  });

  it('has 2024 除夕 (Fri 9 Feb) as an ordinary working day — rest was only encouraged', () => {
    expect(isWorkingDay('2024-02-09', officialCalendar())).toEqual({ working: true, provisional: false });
    expect(isWorkingDay('2024-02-10', officialCalendar())).toEqual({ working: false, provisional: false });
  });
});

describe('cross-check against chinese-days', () => {
  it.each(YEARS)('agrees with chinese-days isWorkday on every date of %i', (year) => {
    const cal = officialCalendar();
    const days = daysOfYear(year);
    expect(days).toHaveLength(year === 2024 ? 366 : 365);
    const disagreements = days
      .map((date) => ({ date, ours: isWorkingDay(date, cal).working, theirs: chineseDaysVerdict.get(date) }))
      .filter((d) => d.ours !== d.theirs);
    expect(disagreements).toEqual([]);
  });

  it.each(YEARS)('lists the same dates and holiday names as chinese-days years/%i.json', (year) => {
    const json = chineseDaysJson(year);
    const schedule = OFFICIAL_SCHEDULES.find((s) => s.year === year)!;
    const theirs = (m: Record<IsoDate, string>) =>
      Object.entries(m)
        .map(([date, description]) => ({ date, name: chineseName(description) }))
        .sort((a, b) => a.date.localeCompare(b.date));
    expect(schedule.holidays).toEqual(theirs(json.holidays));
    expect(schedule.workdays).toEqual(theirs(json.workdays));
  });
});
