/**
 * Staff SMS (issue 13): which case events a staff member may be told of by SMS besides the bell
 * (in-app notifications always go out), the defaults per role, and which notification topic
 * belongs to which event. Pure: no I/O.
 */
import type { Role } from './domain.js';

export const STAFF_SMS_EVENTS = ['dispatch', 'contestDecision', 'supervision', 'overdue', 'contest'] as const;
export type StaffSmsEvent = (typeof STAFF_SMS_EVENTS)[number];

export const STAFF_SMS_EVENT_LABELS: Record<StaffSmsEvent, string> = {
  dispatch: '新交办',
  contestDecision: '异议处理结果',
  supervision: '督办',
  overdue: '案件超期',
  contest: '新的派单异议',
};

/** The events each role may choose (a role not named here gets no staff SMS). */
export const STAFF_SMS_EVENTS_BY_ROLE: Partial<Record<Role, readonly StaffSmsEvent[]>> = {
  handler: ['dispatch', 'contestDecision', 'supervision', 'overdue'],
  coordinator: ['contest'],
};

/** What a user who never chose receives. */
export const STAFF_SMS_DEFAULTS: Partial<Record<Role, readonly StaffSmsEvent[]>> = {
  handler: ['dispatch', 'supervision', 'overdue'],
  coordinator: ['contest'],
};

export const smsEventsOfRole = (role: Role): readonly StaffSmsEvent[] => STAFF_SMS_EVENTS_BY_ROLE[role] ?? [];

/** The events in force for a user: their stored choice (limited to their role's), or the role's defaults. */
export function effectiveSmsEvents(role: Role, stored: readonly string[] | null): StaffSmsEvent[] {
  const allowed = smsEventsOfRole(role);
  const chosen = stored ?? STAFF_SMS_DEFAULTS[role] ?? [];
  return allowed.filter((e) => chosen.includes(e));
}

/**
 * The staff SMS event of an outbox message to a department's handlers or to the coordinators:
 * 新交办 (lead, co-department, 重办), 异议处理结果 (维持原派单, or 改派 upholding the contest), 督办,
 * 案件超期; 新的派单异议 to the coordinators. Null: no SMS for that message.
 */
export function staffSmsEventOf(topic: string, audience: 'department' | 'coordinator', contestUpheld = false): StaffSmsEvent | null {
  if (audience === 'coordinator') return topic === 'contested' ? 'contest' : null;
  switch (topic) {
    case 'dispatched':
    case 'co_dispatched':
    case 'reopened':
      return 'dispatch';
    case 'contest_rejected':
      return 'contestDecision';
    case 'redispatched_away':
      return contestUpheld ? 'contestDecision' : null;
    case 'supervised':
      return 'supervision';
    case 'overdue':
      return 'overdue';
    default:
      return null;
  }
}

/** A mainland mobile number (11 digits, 13–19). */
export const STAFF_MOBILE = /^1[3-9]\d{9}$/;
export const STAFF_MOBILE_MESSAGE = '手机号码应为 11 位中国大陆手机号码（1 开头，第二位为 3–9）';

/** Staff SMS go out only between these local hours (Asia/Shanghai); one due at night waits for the morning. */
export const STAFF_SMS_DAYTIME = { from: 8, to: 21 } as const;

/** The earliest instant at or after `at` within the daytime hours (Asia/Shanghai, UTC+8 all year). */
export function staffSmsSendableAt(at: Date): Date {
  const local = new Date(at.getTime() + 8 * 3_600_000);
  const hour = local.getUTCHours();
  if (hour >= STAFF_SMS_DAYTIME.from && hour < STAFF_SMS_DAYTIME.to) return at;
  const morning = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + (hour >= STAFF_SMS_DAYTIME.to ? 1 : 0), STAFF_SMS_DAYTIME.from) - 8 * 3_600_000;
  return new Date(morning);
}
