/**
 * Staff SMS (issue 13): a staff member who gave a mobile number and chose an event (个人设置; the
 * role's defaults until they choose, core/staff-sms.ts) is told of it by SMS as well as on the bell.
 *
 * Enqueued, not sent: {@link withStaffSms} adds one outbox row per such user (recipient
 * `user:<id>`, same topic and payload as the in-app message) to the rows a command or a sweep is
 * about to insert — so they are written in the same transaction as the event, and the one outbox
 * job delivers them exactly like the reporter's SMS (claim with SKIP LOCKED, fencing, retries).
 * The text comes from the templates editor (`<topic>.staff`). A row due at night waits until 08:00.
 *
 * At delivery {@link staffSmsTarget} re-reads the user: disabled since, or the number removed →
 * the message is skipped with the reason (never sent to a stale number).
 */
import { effectiveSmsEvents, staffSmsEventOf, staffSmsSendableAt, STAFF_MOBILE } from '../../core/staff-sms.js';
import type { Role } from '../../core/domain.js';
import type { Executor } from '../db/database.js';
import { unseal } from '../security/pii.js';
import { parseEvents } from '../users/user.repository.js';

/** An outbox row as the commands insert it. */
export interface OutboxInsert {
  topic: string;
  case_id: number | null;
  recipient: string;
  payload: string;
  created_at: string;
  available_at: string;
  attempts: number;
}

/**
 * The rows given, plus one staff SMS row per active user with a mobile number who chose the event
 * of a row to a department's handlers or to the coordinators. `contestUpheld`: the command is a
 * 改派 that upholds a pending 派单异议 (its `redispatched_away` message is then the contest's result).
 */
export async function withStaffSms(trx: Executor, rows: OutboxInsert[], opts: { contestUpheld?: boolean } = {}): Promise<OutboxInsert[]> {
  const extra: OutboxInsert[] = [];
  for (const row of rows) {
    const dept = row.recipient.startsWith('department:') ? row.recipient.slice('department:'.length) : null;
    const audience = dept ? 'department' : row.recipient === 'coordinator' ? 'coordinator' : null;
    if (!audience || (audience === 'department' && !dept)) continue;
    const event = staffSmsEventOf(row.topic, audience, opts.contestUpheld);
    if (!event) continue;
    let q = trx.selectFrom('users').select(['id', 'role', 'sms_events']).where('disabled', '=', 0).where('mobile', 'is not', null);
    q = audience === 'department' ? q.where('role', '=', 'handler').where('department_code', '=', dept!) : q.where('role', '=', 'coordinator');
    const available = staffSmsSendableAt(new Date(row.created_at)).toISOString();
    for (const u of await q.orderBy('id').execute()) {
      if (!effectiveSmsEvents(u.role as Role, parseEvents(u.sms_events)).includes(event)) continue;
      extra.push({ ...row, recipient: `user:${u.id}`, available_at: available > row.available_at ? available : row.available_at });
    }
  }
  return extra.length ? [...rows, ...extra] : rows;
}

/** The user id of a staff SMS recipient (`user:<id>`), or null. */
export function staffRecipientId(recipient: string): number | null {
  const m = /^user:([1-9]\d{0,9})$/.exec(recipient);
  return m ? Number(m[1]) : null;
}

/** Whom a staff SMS goes to now: the user's number, or why it is not sent. */
export async function staffSmsTarget(db: Executor, userId: number): Promise<{ to: string } | { skip: string }> {
  const u = await db.selectFrom('users').select(['mobile', 'disabled']).where('id', '=', userId).executeTakeFirst();
  if (!u) return { skip: '用户不存在' };
  if (u.disabled) return { skip: '用户已停用' };
  const mobile = u.mobile ? unseal(u.mobile) : null;
  if (!mobile || !STAFF_MOBILE.test(mobile)) return { skip: '用户未登记手机号码' };
  return { to: mobile };
}
