/**
 * Delivers the transactional outbox: messages written in the same transaction as the case change
 * that causes them (case.service.ts, the deadline sweep, the 容缺 reminders), delivered here after
 * commit, with retries and exponential backoff. SMS go to the reporter and, for a staff member who
 * chose it (recipient `user:<id>`, staff-sms.ts), to that member's own mobile number.
 *
 * Claiming: one statement marks a bounded batch of due rows (`delivered_at is null`, no outcome,
 * `available_at <= now`) as taken — `available_at = now + lease`, `attempts + 1` — and returns
 * them. On PostgreSQL the batch is chosen `FOR UPDATE SKIP LOCKED`, so several instances take
 * disjoint batches; on SQLite (one process) the same statement runs without the lock clause.
 *
 * Fencing: every later write about a claimed row requires `attempts` to still equal the value the
 * claim set. If a lease ran out and another worker took the row again, the first worker's writes
 * match nothing and its transaction rolls back.
 *
 * Exactly once:
 * - in-app: the notifications and the mark "delivered" are one transaction — exactly once.
 * - SMS: sent after the claim, marked delivered after the provider accepted it. A crash between
 *   the two (or a send outlasting the lease) makes the message due again after the lease: the
 *   retry carries the same idempotency key (`bcs-outbox-<id>`), so a gateway that honours it
 *   sends once; one that does not may send twice. That is the one at-least-once edge.
 */
import { sql } from 'kysely';
import type { AppContext } from '../context.js';
import type { Executor } from '../db/database.js';
import { isPostgres } from '../db/dialect.js';
import { findCaseById, type CaseRecord } from '../cases/case.repository.js';
import { getSettings, type Settings } from '../settings/settings.repository.js';
import type { Job } from '../jobs/runner.js';
import { loadTemplateMap } from './template.repository.js';
import {
  AUDIENCES,
  channelOf,
  humanShanghai,
  rejectReasonText,
  rejectRouteText,
  renderTemplate,
  templateKey,
  type Audience,
  type TemplateText,
  type TemplateVars,
} from './templates.js';
import type { SmsProvider, SmsSetup } from './sms.js';
import { staffRecipientId, staffSmsTarget } from './staff-sms.js';
import { publicTrackUrl } from '../public/track-url.js';
import { ensureRatingLink, ratingUrl } from '../ratings/rating-links.js';
import type { TimelineEventType } from '../../core/timeline-events.js';

export interface OutboxWorkerOptions {
  sms: SmsProvider;
  /** Rows claimed per batch (default 50). */
  batchSize?: number;
  /** Batches per run at most, while batches come back full (default 10). */
  maxBatches?: number;
  /** Attempts before a message is given up ('dead'; default 8). */
  maxAttempts?: number;
  /** Backoff after the n-th failed attempt: base · 2^(n−1), at most maxBackoffMs (defaults 30 s, 1 h). */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long a claim holds a row; default max(5 min, 2 × batch × SMS timeout). */
  leaseMs?: number;
  /** Longest one SMS send may take (sizes the default lease; default 10 s). */
  smsTimeoutMs?: number;
  /** Delay of the callback invitation after the completion SMS (default 5 min). */
  callbackInvitationDelayMs?: number;
}

export const OUTBOX_DEFAULTS = {
  batchSize: 50,
  maxBatches: 10,
  maxAttempts: 8,
  baseBackoffMs: 30_000,
  maxBackoffMs: 3_600_000,
  smsTimeoutMs: 10_000,
  callbackInvitationDelayMs: 5 * 60_000,
} as const;

export interface ClaimedMessage {
  id: number;
  topic: string;
  caseId: number | null;
  recipient: string;
  payload: Record<string, unknown>;
  /** The attempt this claim is (the fencing token). */
  attempts: number;
}

type Resolved = { kind: 'skip'; reason: string } | { kind: 'phone'; reason: string; text: string } | { kind: 'sms'; to: string; text: string; caseNo: string | null } | { kind: 'inapp'; userIds: number[]; title: string; body: string };

/** Delay before the next attempt after `attempts` failed ones. */
export function backoffMs(attempts: number, base: number = OUTBOX_DEFAULTS.baseBackoffMs, max: number = OUTBOX_DEFAULTS.maxBackoffMs): number {
  return Math.min(max, base * 2 ** Math.max(0, attempts - 1));
}

/** The audience of a recipient string, and the department code for 'department:<code>'. */
export function parseRecipient(recipient: string): { audience: Audience; department: string | null } | null {
  if (recipient.startsWith('department:')) return { audience: 'department', department: recipient.slice('department:'.length) };
  if ((AUDIENCES as readonly string[]).includes(recipient) && recipient !== 'department' && recipient !== 'staff') return { audience: recipient as Audience, department: null };
  return null;
}

/** Claims a bounded batch of due messages (see the module comment). */
export async function claimOutboxBatch(db: Executor, now: Date, limit: number, leaseMs: number): Promise<ClaimedMessage[]> {
  const nowIso = now.toISOString();
  const until = new Date(now.getTime() + leaseMs).toISOString();
  let due = db
    .selectFrom('outbox')
    .select('id')
    .where('delivered_at', 'is', null)
    .where('outcome', 'is', null)
    .where('available_at', '<=', nowIso)
    .orderBy('available_at')
    .orderBy('id')
    .limit(limit);
  if (isPostgres(db)) due = due.forUpdate().skipLocked();
  const rows = await db
    .updateTable('outbox')
    .set({ available_at: until, attempts: sql<number>`attempts + 1` })
    .where('id', 'in', due)
    .returning(['id', 'topic', 'case_id', 'recipient', 'payload', 'attempts'])
    .execute();
  return rows
    .map((r) => ({ id: r.id, topic: r.topic, caseId: r.case_id, recipient: r.recipient, payload: parsePayload(r.payload), attempts: r.attempts }))
    .sort((a, b) => a.id - b.id);
}

function parsePayload(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

class LostClaim extends Error {}

/** Marks a claimed row done; throws LostClaim when another worker took it since (rolls the transaction back). */
async function markDone(trx: Executor, m: ClaimedMessage, at: string, outcome: 'sent' | 'skipped' | 'phone', note: string | null, phoneText: string | null = null): Promise<void> {
  const r = await trx
    .updateTable('outbox')
    .set({ delivered_at: at, outcome, last_error: note, ...(phoneText !== null ? { phone_text: phoneText } : {}) })
    .where('id', '=', m.id)
    .where('attempts', '=', m.attempts)
    .where('delivered_at', 'is', null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new LostClaim(`消息 ${m.id} 已被其他实例重新领取`);
}

async function markFailed(
  db: Executor,
  m: ClaimedMessage,
  now: Date,
  error: string,
  o: Required<Pick<OutboxWorkerOptions, 'maxAttempts' | 'baseBackoffMs' | 'maxBackoffMs'>>,
  /** A message to the reporter: given up, it becomes a to-do 电话告知 with this text. */
  phoneText: string | null = null,
): Promise<void> {
  const msg = error.slice(0, 500);
  const dead = m.attempts >= o.maxAttempts;
  await db
    .updateTable('outbox')
    .set(
      dead
        ? { outcome: 'dead', last_error: `${msg}（已尝试 ${m.attempts} 次，停止重试）`, ...(phoneText !== null ? { phone_text: phoneText } : {}) }
        : { available_at: new Date(now.getTime() + backoffMs(m.attempts, o.baseBackoffMs, o.maxBackoffMs)).toISOString(), last_error: msg },
    )
    .where('id', '=', m.id)
    .where('attempts', '=', m.attempts)
    .where('delivered_at', 'is', null)
    .execute();
}

/** What a run needs once: templates, settings, department names. */
interface RunDeps {
  templates: Map<string, TemplateText>;
  settings: Settings;
  departmentNames: Map<string, string>;
  /** The clock (a rating link made while rendering is valid from now). */
  now: () => Date;
}

/** The timeline event a topic comes from, when the payload does not name it (`action`). */
const EVENT_OF_TOPIC: Record<string, TimelineEventType> = {
  urged: 'urge',
  escalation_requested: 'request-escalation',
  extension_requested: 'request-extension',
  extension_approved: 'approve-extension',
  extension_denied: 'deny-extension',
  supervised: 'supervise',
};
/** Topics whose {dueAt} is the one named in their event (a requested or ordered deadline), not the case's. */
const EVENT_DUE_TOPICS = new Set(['extension_requested', 'supervised']);

/** The data of the latest timeline event of the action that caused the message; {} when there is none. */
async function causingEventData(db: Executor, m: ClaimedMessage, c: CaseRecord): Promise<Record<string, unknown>> {
  const type = typeof m.payload.action === 'string' ? m.payload.action : EVENT_OF_TOPIC[m.topic];
  if (!type) return {};
  const row = await db
    .selectFrom('case_events')
    .select('data')
    .where('case_id', '=', c.id)
    .where('type', '=', type)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? parsePayload(row.data) : {};
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The values of the placeholders: payload fields win over what is read from the case. */
export async function templateVars(db: Executor, m: ClaimedMessage, c: CaseRecord, department: string | null, deps: RunDeps): Promise<TemplateVars> {
  const deptCode = str(m.payload.department) ?? (department || null) ?? c.leadDepartment;
  const deptName = deptCode ? (deps.departmentNames.get(deptCode) ?? deptCode) : c.resolvedOnSpot ? '受理窗口（当场办结）' : null;
  const ev = await causingEventData(db, m, c);
  let reason = str(m.payload.reason);
  if (!reason && m.topic === 'rejected') reason = rejectReasonText(c.rejectCategory, c.rejectExplanation);
  if (!reason && m.topic === 'bad_review') reason = str(c.callback?.comment);
  if (!reason && m.topic === 'rectify') reason = str(c.verification?.note);
  reason ??= str(ev.reason) ?? str(ev.note) ?? str(ev.handedOver);
  return {
    caseNo: c.caseNo,
    matter: c.matter,
    result: str(m.payload.result) ?? c.result,
    reason,
    route: rejectRouteText(c.rejectCategory),
    dueAt: humanShanghai(str(m.payload.dueAt) ?? (EVENT_DUE_TOPICS.has(m.topic) ? str(ev.dueAt) : null) ?? c.dueAt),
    department: deptName,
    trackUrl: publicTrackUrl(deps.settings.publicBaseUrl, c.caseNo),
    hotline: deps.settings.hotlines.join('、') || null,
    county: deps.settings.countyName,
    measure: str(m.payload.measure),
    note: str(m.payload.note) ?? str(ev.handedOver) ?? str(ev.note) ?? str(ev.summary) ?? str(ev.report),
  };
}

const MOBILE = /^1[3-9]\d{9}$/;

async function activeUsers(db: Executor, audience: Audience, department: string | null): Promise<number[]> {
  let q = db.selectFrom('users').select('id').where('disabled', '=', 0);
  q = audience === 'department' ? q.where('role', '=', 'handler').where('department_code', '=', department ?? '') : q.where('role', '=', audience);
  return (await q.orderBy('id').execute()).map((r) => r.id);
}

/** A staff SMS (recipient `user:<id>`, server/notifications/staff-sms.ts): to the user's number as it is now. */
async function resolveStaffSms(db: Executor, m: ClaimedMessage, userId: number, deps: RunDeps): Promise<Resolved> {
  const template = deps.templates.get(templateKey(m.topic, 'staff'));
  if (!template) return { kind: 'skip', reason: `没有“${m.topic}”发给工作人员的短信模板` };
  const c = m.caseId !== null ? await findCaseById(db, m.caseId) : undefined;
  if (!c) return { kind: 'skip', reason: '反映件不存在' };
  const target = await staffSmsTarget(db, userId);
  if ('skip' in target) return { kind: 'skip', reason: target.skip };
  const vars = await templateVars(db, m, c, null, deps);
  return { kind: 'sms', to: target.to, text: renderTemplate(template.body, vars, 'sms'), caseNo: c.caseNo };
}

/** Decides what a message becomes: an SMS, in-app notifications, or nothing (with the reason). */
async function resolveMessage(db: Executor, m: ClaimedMessage, deps: RunDeps): Promise<Resolved> {
  const staffId = staffRecipientId(m.recipient);
  if (staffId !== null) return resolveStaffSms(db, m, staffId, deps);
  const r = parseRecipient(m.recipient);
  if (!r) return { kind: 'skip', reason: `未知的接收人“${m.recipient.slice(0, 50)}”` };
  if (r.audience === 'department' && !r.department) return { kind: 'skip', reason: '反映件尚未交办承办部门，无接收部门' };
  const template = deps.templates.get(templateKey(m.topic, r.audience));
  if (!template) return { kind: 'skip', reason: `没有“${m.topic}”发给“${r.audience}”的消息模板` };
  const c = m.caseId !== null ? await findCaseById(db, m.caseId) : undefined;
  if (!c) return { kind: 'skip', reason: '反映件不存在' };
  if (m.topic === 'callback_invitation' && c.status !== 'completed') return { kind: 'skip', reason: '反映件已不在待回访状态，无需回访邀请' };
  const channel = channelOf(r.audience);
  const vars = await templateVars(db, m, c, r.department, deps);
  if (template.body.includes('{ratingUrl}') || template.title.includes('{ratingUrl}')) {
    // The reporter's rating link while the case awaits its callback (made at completion); else the progress page.
    const link = c.status === 'completed' ? await ensureRatingLink(db, c.id, deps.now(), deps.settings.selfRatingDays, 'system') : undefined;
    vars.ratingUrl = link ? ratingUrl(deps.settings.publicBaseUrl, link.token) : vars.trackUrl;
  }
  const title = renderTemplate(template.title, vars, channel);
  const body = renderTemplate(template.body, vars, channel);
  if (channel === 'sms') {
    if (!MOBILE.test(c.reporter.phone)) {
      // Nobody is silently skipped: the coordinator phones the reporter and reads the text out (电话告知).
      // The callback invitation is the exception: the callback is itself a phone call.
      if (m.topic === 'callback_invitation') return { kind: 'skip', reason: '反映人电话不是手机号码，回访时电话联系' };
      return { kind: 'phone', reason: '反映人电话不是手机号码，无法发送短信，须电话告知', text: body };
    }
    return { kind: 'sms', to: c.reporter.phone, text: body, caseNo: c.caseNo };
  }
  const userIds = await activeUsers(db, r.audience, r.department);
  if (userIds.length === 0) return { kind: 'skip', reason: r.audience === 'department' ? `部门“${r.department}”没有可接收的承办人员` : `没有可接收的“${r.audience}”用户` };
  return { kind: 'inapp', userIds, title, body };
}

/** Delivers one claimed message. Never throws: failures are recorded on the row. */
async function deliverOne(ctx: AppContext, m: ClaimedMessage, deps: RunDeps, o: Required<Omit<OutboxWorkerOptions, 'leaseMs'>>): Promise<void> {
  let resolved: Resolved;
  try {
    resolved = await resolveMessage(ctx.db, m, deps);
  } catch (e) {
    await markFailed(ctx.db, m, ctx.clock.now(), `准备消息失败：${(e as Error).message}`, o).catch(() => undefined);
    return;
  }
  try {
    if (resolved.kind === 'skip') {
      const reason = resolved.reason;
      await ctx.db.transaction().execute((trx) => markDone(trx, m, ctx.clock.now().toISOString(), 'skipped', `跳过：${reason}`));
      return;
    }
    if (resolved.kind === 'phone') {
      const { reason, text } = resolved;
      await ctx.db.transaction().execute((trx) => markDone(trx, m, ctx.clock.now().toISOString(), 'phone', reason, text));
      return;
    }
    if (resolved.kind === 'inapp') {
      const { userIds, title, body } = resolved;
      await ctx.db.transaction().execute(async (trx) => {
        const at = ctx.clock.now().toISOString();
        await trx
          .insertInto('notifications')
          .values(userIds.map((u) => ({ user_id: u, outbox_id: m.id, topic: m.topic, case_id: m.caseId, title, body, created_at: at, read_at: null })))
          .execute();
        await markDone(trx, m, at, 'sent', null);
      });
      return;
    }
    try {
      await o.sms.send({ id: `bcs-outbox-${m.id}`, to: resolved.to, text: resolved.text, topic: m.topic, caseNo: resolved.caseNo });
    } catch (e) {
      const phoneText = m.recipient === 'reporter' && m.topic !== 'callback_invitation' ? resolved.text : null;
      await markFailed(ctx.db, m, ctx.clock.now(), (e as Error).message || '短信发送失败', o, phoneText);
      return;
    }
    await ctx.db.transaction().execute(async (trx) => {
      const now = ctx.clock.now();
      await markDone(trx, m, now.toISOString(), 'sent', null);
      if (m.topic === 'completed' && m.recipient === 'reporter') {
        // The callback invitation follows the result by a few minutes, so the two never arrive as one.
        const at = new Date(now.getTime() + o.callbackInvitationDelayMs).toISOString();
        await trx
          .insertInto('outbox')
          .values({ topic: 'callback_invitation', case_id: m.caseId, recipient: 'reporter', payload: JSON.stringify({ after: m.id }), created_at: now.toISOString(), available_at: at, attempts: 0 })
          .execute();
      }
    });
  } catch (e) {
    if (e instanceof LostClaim) return; // another instance owns the row now
    await markFailed(ctx.db, m, ctx.clock.now(), (e as Error).message || '投递失败', o).catch(() => undefined);
  }
}

/**
 * One run of the worker: claims and delivers batches while they come back full (at most
 * `maxBatches`). Returns the number of messages handled (delivered, skipped or failed).
 */
export async function deliverOutbox(ctx: AppContext, opts: OutboxWorkerOptions): Promise<number> {
  const o = { ...OUTBOX_DEFAULTS, ...opts };
  const leaseMs = opts.leaseMs ?? Math.max(5 * 60_000, 2 * o.batchSize * o.smsTimeoutMs);
  let handled = 0;
  let deps: RunDeps | null = null;
  for (let b = 0; b < o.maxBatches; b++) {
    const batch = await claimOutboxBatch(ctx.db, ctx.clock.now(), o.batchSize, leaseMs);
    if (batch.length === 0) break;
    if (!deps) {
      const [templates, settings, depts] = await Promise.all([
        loadTemplateMap(ctx.db),
        getSettings(ctx.db),
        ctx.db.selectFrom('departments').select(['code', 'name']).execute(),
      ]);
      deps = { templates, settings, departmentNames: new Map(depts.map((d) => [d.code, d.name])), now: () => ctx.clock.now() };
    }
    for (const m of batch) await deliverOne(ctx, m, deps, o);
    handled += batch.length;
    if (batch.length < o.batchSize) break;
  }
  return handled;
}

/** The background job: delivers the outbox every 2 seconds with the configured SMS provider (smsProviderFrom(config.sms)). */
export function outboxDeliveryJob(setup: SmsSetup): Job {
  return {
    name: 'outbox-delivery',
    everyMs: 2_000,
    run: (ctx) => deliverOutbox(ctx, { sms: setup.provider, smsTimeoutMs: setup.timeoutMs }),
  };
}
