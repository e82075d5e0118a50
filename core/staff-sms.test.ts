import { describe, expect, it } from 'vitest';
import { effectiveSmsEvents, staffSmsEventOf, STAFF_MOBILE } from './staff-sms.js';

describe('staff SMS events', () => {
  it('maps the topics to the events a user chooses', () => {
    expect(
      [
        ['dispatched', 'department'],
        ['co_dispatched', 'department'],
        ['reopened', 'department'],
        ['contest_rejected', 'department'],
        ['redispatched_away', 'department'],
        ['supervised', 'department'],
        ['overdue', 'department'],
        ['urged', 'department'],
        ['contested', 'coordinator'],
        ['overdue', 'coordinator'],
        ['reopened', 'coordinator'],
      ].map(([t, a]) => staffSmsEventOf(t!, a as 'department' | 'coordinator')),
    ).toEqual(['dispatch', 'dispatch', 'dispatch', 'contestDecision', null, 'supervision', 'overdue', null, 'contest', null, null]);
    expect(staffSmsEventOf('redispatched_away', 'department', true)).toBe('contestDecision');
  });

  it('uses the role defaults until the user chooses, and only the events of the role', () => {
    expect(effectiveSmsEvents('handler', null)).toEqual(['dispatch', 'supervision', 'overdue']);
    expect(effectiveSmsEvents('coordinator', null)).toEqual(['contest']);
    expect(effectiveSmsEvents('leader', null)).toEqual([]);
    expect(effectiveSmsEvents('handler', [])).toEqual([]);
    expect(effectiveSmsEvents('handler', ['overdue', 'contest', 'contestDecision'])).toEqual(['contestDecision', 'overdue']);
    // A handler who became a coordinator keeps no handler event.
    expect(effectiveSmsEvents('coordinator', ['dispatch', 'overdue'])).toEqual([]);
  });

  it('takes mainland mobile numbers only', () => {
    expect(['13900000001', '19912345678'].every((m) => STAFF_MOBILE.test(m))).toBe(true);
    expect(['12900000001', '1390000000', '139000000011', '023-12345678', '+8613900000001'].some((m) => STAFF_MOBILE.test(m))).toBe(false);
  });
});
