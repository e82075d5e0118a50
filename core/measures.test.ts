import { describe, expect, it } from 'vitest';
import { officialCalendar } from './holidays/index.js';
import {
  fulfilActionLabel,
  fulfilledLate,
  fulfilRefusal,
  isMissed,
  isPending,
  measureState,
  measureOutcomeText,
  measureStateLabel,
  reminderDue,
  reminderInstant,
  withdrawRefusal,
} from './measures.js';

const cal = officialCalendar();
// Due Tuesday 1 December 2026 17:00 Asia/Shanghai; reminded Monday 30 November 09:00.
const DUE = '2026-12-01T09:00:00.000Z';
const at = (iso: string) => new Date(iso);
const promise = { type: 'tolerance_acceptance', dueAt: DUE, fulfilledAt: null, withdrawnAt: null };
const proxy = { ...promise, type: 'proxy' };
const none = { remindedAt: null, missedAt: null };

describe('a measure’s state', () => {
  it('is open before its due date and missed from it on, for any measure with a due date', () => {
    expect(measureState(proxy, at('2026-12-01T08:59:59.999Z'))).toBe('open');
    expect(measureState(proxy, at(DUE))).toBe('missed');
    expect(isMissed(promise, at('2026-12-05T00:00:00Z'))).toBe(true);
    expect(measureState({ type: 'investigation', dueAt: null, fulfilledAt: null }, at('2030-01-01T00:00:00Z'))).toBe('open');
    // Flagged missed by the reminders: missed, until fulfilled or withdrawn.
    expect(measureState({ ...proxy, missedAt: DUE }, at('2026-11-01T00:00:00Z'))).toBe('missed');
    expect(measureState({ ...proxy, missedAt: DUE, fulfilledAt: DUE }, at('2026-12-05T00:00:00Z'))).toBe('fulfilled');
  });
  it('is fulfilled once fulfilled, even late: no longer missed', () => {
    const late = { ...promise, fulfilledAt: '2026-12-02T01:00:00.000Z' };
    expect(measureState(late, at('2026-12-05T00:00:00Z'))).toBe('fulfilled');
    expect(isMissed(late, at('2026-12-05T00:00:00Z'))).toBe(false);
    expect(fulfilledLate(late)).toBe(true);
    expect(fulfilledLate({ ...promise, fulfilledAt: '2026-11-30T01:00:00.000Z' })).toBe(false);
  });
  it('is withdrawn once withdrawn: never missed, whatever else', () => {
    const w = { ...proxy, withdrawnAt: '2026-11-27T01:00:00.000Z' };
    expect(measureState(w, at('2026-12-05T00:00:00Z'))).toBe('withdrawn');
    expect(isMissed(w, at('2026-12-05T00:00:00Z'))).toBe(false);
    expect(isPending(w)).toBe(false);
    expect(isPending(proxy)).toBe(true);
  });
  it('reads 已补交 for a 容缺 promise and 已完成 for the others', () => {
    const now = at('2026-12-05T00:00:00Z');
    expect(measureStateLabel({ ...promise, fulfilledAt: DUE }, now)).toBe('已补交');
    expect(measureStateLabel({ ...proxy, fulfilledAt: DUE }, now)).toBe('已完成');
    expect(measureStateLabel(promise, now)).toBe('容缺承诺逾期');
    expect(measureStateLabel(proxy, now)).toBe('已逾期');
    expect(measureStateLabel(proxy, at('2026-11-01T00:00:00Z'))).toBe('进行中');
    expect(measureStateLabel({ ...proxy, withdrawnAt: DUE }, now)).toBe('已撤回');
    expect([fulfilActionLabel('tolerance_acceptance'), fulfilActionLabel('proxy')]).toEqual(['已补交', '标记完成']);
  });
});

describe('fulfilling and withdrawing', () => {
  it('refuses a measure already fulfilled or withdrawn, with the reason', () => {
    expect(fulfilRefusal(proxy)).toBeNull();
    expect(withdrawRefusal(proxy)).toBeNull();
    expect(fulfilRefusal({ ...promise, fulfilledAt: DUE })).toBe('该措施已补交');
    expect(fulfilRefusal({ ...proxy, fulfilledAt: DUE })).toBe('该措施已完成');
    expect(fulfilRefusal({ ...proxy, withdrawnAt: DUE })).toBe('该措施已撤回，不能标记完成');
    expect(withdrawRefusal({ ...proxy, withdrawnAt: DUE })).toBe('该措施已撤回');
    expect(withdrawRefusal({ ...promise, fulfilledAt: DUE })).toBe('该措施已补交，不能撤回');
  });
});

describe('reminders', () => {
  it('reminds from 09:00 of the working day before the due date, once', () => {
    expect(reminderInstant(at(DUE), cal).toISOString()).toBe('2026-11-30T01:00:00.000Z');
    expect(reminderDue(proxy, none, at('2026-11-30T00:59:59Z'), cal)).toBeNull();
    expect(reminderDue(proxy, none, at('2026-11-30T01:00:00Z'), cal)).toBe('dueSoon');
    expect(reminderDue(proxy, { remindedAt: '2026-11-30T01:00:00Z', missedAt: null }, at('2026-11-30T02:00:00Z'), cal)).toBeNull();
  });
  it('flags it missed once its due date passed, once, reminded or not', () => {
    expect(reminderDue(proxy, none, at(DUE), cal)).toBe('overdue');
    expect(reminderDue(proxy, { remindedAt: '2026-11-30T01:00:00Z', missedAt: null }, at(DUE), cal)).toBe('overdue');
    expect(reminderDue(proxy, { remindedAt: null, missedAt: DUE }, at('2026-12-02T00:00:00Z'), cal)).toBeNull();
  });
  it('owes nothing to a measure without a due date, fulfilled or withdrawn', () => {
    const now = at('2026-11-30T02:00:00Z');
    expect(reminderDue({ ...proxy, dueAt: null }, none, now, cal)).toBeNull();
    expect(reminderDue({ ...proxy, fulfilledAt: '2026-11-29T00:00:00Z' }, none, now, cal)).toBeNull();
    expect(reminderDue({ ...proxy, withdrawnAt: '2026-11-29T00:00:00Z' }, none, now, cal)).toBeNull();
    expect(reminderDue({ ...proxy, withdrawnAt: '2026-11-29T00:00:00Z' }, none, at('2026-12-09T00:00:00Z'), cal)).toBeNull();
  });
});

describe('a measure’s outcome in documents', () => {
  const day = (iso: string) => iso.slice(0, 10);
  const now = at('2026-12-05T00:00:00Z');
  const text = (m: Parameters<typeof measureOutcomeText>[0], when = now) => measureOutcomeText(m, measureState(m, when), day);
  it('says how each measure ended', () => {
    expect(text({ ...promise, fulfilledAt: '2026-11-30T02:00:00.000Z' })).toBe('2026-11-30已补交');
    expect(text({ ...proxy, fulfilledAt: '2026-12-02T02:00:00.000Z' })).toBe('2026-12-02已完成（逾期后）');
    expect(text(promise)).toBe('逾期未补交');
    expect(text(proxy)).toBe('逾期未完成');
    expect(text({ ...proxy, withdrawnAt: '2026-11-27T02:00:00.000Z', withdrawnReason: '误录' })).toBe('2026-11-27已撤回：误录');
    expect(text(proxy, at('2026-11-27T00:00:00Z'))).toBe('期限 2026-12-01');
    expect(text({ ...proxy, dueAt: null })).toBe('');
  });
});
