/** The holiday calendar as data: the official years are seeded, admins enter later years. */
import type { Db, Executor } from '../db/database.js';
import { buildCalendar, type WorkCalendar, type YearSchedule } from '../../core/working-days.js';
import { OFFICIAL_SCHEDULES } from '../../core/holidays/index.js';
import { cachedRef, type RefVersions } from '../db/ref-cache.js';

export async function loadSchedules(db: Executor): Promise<YearSchedule[]> {
  const years = await db.selectFrom('calendar_years').select('year').orderBy('year').execute();
  const days = await db.selectFrom('calendar_days').selectAll().orderBy('date').execute();
  return years.map(({ year }) => ({
    year,
    holidays: days.filter((d) => d.year === year && d.kind === 'holiday').map((d) => ({ date: d.date, name: d.name })),
    workdays: days.filter((d) => d.year === year && d.kind === 'workday').map((d) => ({ date: d.date, name: d.name })),
  }));
}

/** The working calendar, from memory while the calendar tables are unchanged (server/db/ref-cache.ts). */
export async function loadCalendar(db: Executor, read?: RefVersions | null): Promise<WorkCalendar> {
  return cachedRef(db, 'calendar', 'calendar', async (d) => buildCalendar(await loadSchedules(d)), read);
}

/** Replaces one year's schedule. */
export async function saveYear(trx: Executor, s: YearSchedule, source: string, by: string, now: string): Promise<void> {
  await trx.deleteFrom('calendar_days').where('year', '=', s.year).execute();
  const rows = [
    ...s.holidays.map((d) => ({ date: d.date, year: s.year, kind: 'holiday', name: d.name })),
    ...s.workdays.map((d) => ({ date: d.date, year: s.year, kind: 'workday', name: d.name })),
  ];
  if (rows.length) await trx.insertInto('calendar_days').values(rows).execute();
  await trx
    .insertInto('calendar_years')
    .values({ year: s.year, source, updated_at: now, updated_by: by })
    .onConflict((oc) => oc.column('year').doUpdateSet({ source, updated_at: now, updated_by: by }))
    .execute();
}

/** Seeds the official schedules for years not yet in the database (never overwrites an admin's edit). */
export async function seedOfficialCalendar(db: Db, now: string): Promise<number[]> {
  const have = new Set((await db.selectFrom('calendar_years').select('year').execute()).map((r) => r.year));
  const added: number[] = [];
  for (const s of OFFICIAL_SCHEDULES) {
    if (have.has(s.year)) continue;
    try {
      await db.transaction().execute(async (trx) => saveYear(trx, s, 'official', 'system', now));
      added.push(s.year);
    } catch {
      // Another instance seeded the same year at the same moment: theirs stands.
    }
  }
  return added;
}
