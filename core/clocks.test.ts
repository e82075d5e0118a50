/** What a deadline means (core/clocks.ts): clock running, overdue, due soon with one cutoff. */
import { describe, expect, it } from 'vitest';
import { CASE_STATUSES } from './domain.js';
import {
  CLOCK_RUNNING_STATUSES,
  COMPLETED_STATUSES,
  dueSoonCutoff,
  isClockRunning,
  isClockRunningStatus,
  isCompletedStatus,
  isDueSoon,
  isOverdue,
  workingDaysLeft,
} from './clocks.js';
import { officialCalendar } from './holidays/index.js';
import { endOfShanghaiDay } from './working-days.js';

const cal = officialCalendar();
/** Tuesday 29 September 2026, 10:00 Shanghai: 国庆 (1–7 October 2026) is two days away. */
const NOW = new Date('2026-09-29T02:00:00Z');
const end = (d: string) => endOfShanghaiDay(d as never).toISOString();

describe('the clock', () => {
  it('runs only for dispatched, not yet completed cases with a deadline', () => {
    for (const status of CASE_STATUSES) {
      expect(isClockRunning({ status, dueAt: end('2026-10-12') })).toBe((CLOCK_RUNNING_STATUSES as readonly string[]).includes(status));
      expect(isClockRunning({ status, dueAt: null })).toBe(false);
      expect(isClockRunningStatus(status)).toBe((CLOCK_RUNNING_STATUSES as readonly string[]).includes(status));
    }
  });
  it('counts completed, being verified and closed as completed, and nothing else', () => {
    expect(CASE_STATUSES.filter(isCompletedStatus)).toEqual([...COMPLETED_STATUSES]);
  });
  it('makes a running case overdue the instant after its deadline, never a completed one', () => {
    const dueAt = end('2026-09-28');
    expect(isOverdue({ status: 'in_progress', dueAt }, NOW)).toBe(true);
    expect(isOverdue({ status: 'completed', dueAt }, NOW)).toBe(false);
    expect(isOverdue({ status: 'assigned', dueAt }, new Date(Date.parse(dueAt)))).toBe(false);
    expect(isOverdue({ status: 'assigned', dueAt }, new Date(Date.parse(dueAt) + 1))).toBe(true);
  });
  it('has no working days left when no clock runs', () => {
    expect(workingDaysLeft({ status: 'closed', dueAt: end('2026-10-12') }, NOW, cal)).toBeNull();
    expect(workingDaysLeft({ status: 'assigned', dueAt: end('2026-09-30') }, NOW, cal)).toBe(1);
  });
});

describe('due soon across 国庆', () => {
  it('ends the window at the end of the N-th working day after today, holidays skipped', () => {
    expect(dueSoonCutoff(NOW, cal, 0).toISOString()).toBe(end('2026-09-29'));
    expect(dueSoonCutoff(NOW, cal, 1).toISOString()).toBe(end('2026-09-30'));
    // 1–7 October are off; 8 October (Thursday) is the next working day.
    expect(dueSoonCutoff(NOW, cal, 2).toISOString()).toBe(end('2026-10-08'));
  });
  it('agrees with the cutoff for every deadline of the next two months and every setting (what the SQL filter uses)', () => {
    for (let days = 0; days <= 10; days++) {
      const cutoff = dueSoonCutoff(NOW, cal, days).getTime();
      for (let i = 0; i < 60; i++) {
        const dueAt = new Date(Date.parse(end('2026-09-29')) + i * 86400_000).toISOString();
        const c = { status: 'in_progress' as const, dueAt };
        const inWindow = Date.parse(dueAt) >= NOW.getTime() && Date.parse(dueAt) <= cutoff;
        expect(isDueSoon(c, NOW, cal, days)).toBe(inWindow);
      }
    }
  });
  it('reaches past 14 calendar days when the setting is large and a holiday intervenes', () => {
    // 10 working days from 29 September: 30 Sep, 8, 9, 10 (a make-up Saturday), 12–16, 19 October.
    const c = { status: 'assigned' as const, dueAt: end('2026-10-16') };
    expect(Date.parse(c.dueAt) - NOW.getTime()).toBeGreaterThan(14 * 86400_000);
    expect(isDueSoon(c, NOW, cal, 10)).toBe(true);
  });
  it('is never due soon once overdue or completed', () => {
    expect(isDueSoon({ status: 'in_progress', dueAt: end('2026-09-28') }, NOW, cal, 5)).toBe(false);
    expect(isDueSoon({ status: 'completed', dueAt: end('2026-09-30') }, NOW, cal, 5)).toBe(false);
  });
});
