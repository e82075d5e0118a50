/**
 * The official holiday data and a ready-made calendar over it.
 */
import { buildCalendar, type WorkCalendar } from '../working-days.js';
import { OFFICIAL_SCHEDULES } from './official.js';

export { OFFICIAL_SCHEDULES } from './official.js';

let cached: WorkCalendar | undefined;

/**
 * A calendar over {@link OFFICIAL_SCHEDULES} (2024–2026). Years outside it are
 * answered weekdays-only with `provisional: true`. To add a year published later
 * (e.g. from an administrator's upload), call
 * `buildCalendar([...OFFICIAL_SCHEDULES, next])` instead.
 */
export function officialCalendar(): WorkCalendar {
  cached ??= buildCalendar(OFFICIAL_SCHEDULES);
  return cached;
}
