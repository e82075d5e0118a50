/**
 * Webhooks: events of cases POSTed to receivers (12345 platforms, 群工系统, the provincial platform).
 *
 * Queue: `queueWebhookEvents()` writes one `webhook_deliveries` row per (receiver, event) in the
 * SAME transaction as the case change (case.service.ts), with the body fixed at that moment — the
 * case as it stood right after the event, without personal data. A rolled-back change sends nothing.
 *
 * Delivery (`deliverWebhooks()`, the job every 250 ms on every instance): one statement claims a
 * bounded batch of due rows — `available_at = now + lease`, `attempts + 1` — chosen `FOR UPDATE
 * SKIP LOCKED` on PostgreSQL, so across instances exactly one sender holds a delivery. A row is
 * only due when no earlier row of the same receiver and case is still pending: events of a case
 * arrive in order. The batch is sent in parallel, each POST bounded by a timeout (5 s), so a slow
 * receiver delays only its own events. Every later write about a claimed row requires `attempts`
 * to still be the claim's (fencing): a sender whose lease ran out writes nothing.
 *
 * Retries: any non-2xx, timeout or network error retries after 30 s, doubling up to an hour, with
 * the same body and the same `id` (at least once: a receiver drops repeats by `id`); after
 * `maxAttempts` the delivery is given up ('dead') and can be sent again (重新投递).
 *
 * Signature: `X-Bcs-Signature: sha256=<hex HMAC-SHA256(raw body, secret)>`.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { sql } from 'kysely';
import type { z } from 'zod';
import { STATUS_LABELS, type CaseStatus, type Channel, type RejectCategory, type ReplyChannel } from '../../core/domain.js';
import { formatShanghai } from '../../core/working-days.js';
import { WEBHOOK_EVENTS, type WebhookEvent } from '../../core/api/schemas.js';
import type { ZWebhookCase, ZWebhookEventBody } from '../../core/api/responses.js';
import type { AppContext } from '../context.js';
import type { Executor } from '../db/database.js';
import { isPostgres } from '../db/dialect.js';
import { findCaseById, type CaseRecord } from '../cases/case.repository.js';
import { backoffMs } from '../notifications/outbox-worker.js';
import type { Job } from '../jobs/runner.js';
import { getSettings } from '../settings/settings.repository.js';
import { cachedRef, type RefVersions } from '../db/ref-cache.js';

export const WEBHOOK_DEFAULTS = {
  /** Longest one POST may take before it counts as failed. */
  timeoutMs: 5_000,
  batchSize: 50,
  maxBatches: 10,
  /** How long a claim holds a row (far longer than one send). */
  leaseMs: 60_000,
  /** First retry after 30 s, doubling up to an hour. */
  baseBackoffMs: 30_000,
  maxBackoffMs: 3_600_000,
  /** About a day of retries before a delivery is given up. */
  maxAttempts: 30,
} as const;

export type WebhookCase = z.input<typeof ZWebhookCase>;
export type WebhookBody = z.input<typeof ZWebhookEventBody>;

const iso = (v: string | null): string | null => (v ? formatShanghai(new Date(v)) : null);
const RATING = new Set(['satisfied', 'basically_satisfied', 'dissatisfied']);

/** The case as a webhook carries it: the fields of GET /cases/{id} that carry no personal data. */
export function webhookCase(c: CaseRecord, departmentNames: Map<string, string>): WebhookCase {
  const cb = c.callback as Record<string, unknown> | null;
  const rating = (k: string) => (typeof cb?.[k] === 'string' && RATING.has(cb[k] as string) ? (cb[k] as 'satisfied') : 'satisfied');
  return {
    id: c.id,
    caseNo: c.caseNo,
    status: c.status,
    statusLabel: STATUS_LABELS[c.status],
    channel: c.channel as Channel,
    externalRef: c.externalRef,
    level: c.level,
    problemType: c.problemType,
    leadDepartment: c.leadDepartment,
    leadDepartmentName: c.leadDepartment ? (departmentNames.get(c.leadDepartment) ?? c.leadDepartment) : null,
    coDepartments: c.coDepartments,
    matter: c.matter,
    receivedAt: iso(c.receivedAt)!,
    dueAt: iso(c.dueAt),
    firstCompletedAt: iso(c.firstCompletedAt),
    completedAt: iso(c.completedAt),
    closedAt: iso(c.closedAt),
    resolvedOnSpot: c.resolvedOnSpot,
    result: c.result,
    repliedVia: c.repliedVia as ReplyChannel | null,
    rejection: c.rejectCategory ? { reasonCategory: c.rejectCategory as RejectCategory, explanation: c.rejectExplanation } : null,
    callback: cb
      ? {
          attitude: rating('attitude'),
          result: rating('result'),
          efficiency: rating('efficiency'),
          integrity: rating('integrity'),
          bad: cb.bad === true,
          at: iso(typeof cb.at === 'string' ? cb.at : c.updatedAt)!,
        }
      : null,
    version: c.version,
    updatedAt: iso(c.updatedAt)!,
  };
}

/** Which events a change of a case makes. */
export function eventsOf(from: CaseStatus | null, to: CaseStatus, action: string): WebhookEvent[] {
  if (from === null) return ['case.created'];
  const out: WebhookEvent[] = [];
  if (from !== to) out.push('case.status_changed');
  if (from !== to && to === 'completed') out.push('case.completed');
  if (action === 'callback') out.push('case.callback');
  return out;
}

export function parseEvents(text: string): string[] {
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v.filter((e): e is string => typeof e === 'string') : [];
  } catch {
    return [];
  }
}

/** Whether any receiver is registered (lets a bulk writer skip the per-case work). */
export async function hasWebhooks(db: Executor): Promise<boolean> {
  return !!(await db.selectFrom('webhooks').select('id').where('deleted_at', 'is', null).limit(1).executeTakeFirst());
}

/** A live subscription as the queueing needs it. */
export interface ActiveWebhook {
  id: number;
  events: string;
}

/**
 * The live subscriptions, from the instance's memory while no webhook was registered, changed or
 * removed (ref cache, migration 027; read from the database inside a transaction).
 */
export function activeWebhooks(db: Executor, read?: RefVersions | null): Promise<ActiveWebhook[]> {
  return cachedRef(db, 'webhooks', 'active', (d) => d.selectFrom('webhooks').select(['id', 'events']).where('deleted_at', 'is', null).orderBy('id').execute(), read);
}

/**
 * Queues the webhook events of one case change, inside the transaction that makes the change.
 * `from` is the status before (null for intake); the case is read back as it now stands.
 */
export async function queueWebhookEvents(trx: Executor, e: { caseId: number; at: string; from: CaseStatus | null; action: string }): Promise<void> {
  const hooks = await activeWebhooks(trx);
  if (hooks.length === 0) return;
  const c = await findCaseById(trx, e.caseId);
  if (!c) return;
  const write = await webhookDeliveriesWrite(trx, hooks, c, e);
  if (write) await trx.executeQuery(write.compile());
}

/**
 * The insert of the deliveries of one case change (`c` as it stands after it) to `hooks`, or null
 * when no subscription wants it — not executed, so that it can go with the change's other writes
 * (`writeTogether`).
 */
export async function webhookDeliveriesWrite(
  trx: Executor,
  hooks: readonly ActiveWebhook[],
  c: CaseRecord,
  e: { at: string; from: CaseStatus | null; action: string },
) {
  if (hooks.length === 0) return null;
  const types = eventsOf(e.from, c.status, e.action);
  if (types.length === 0) return null;
  const codes = [c.leadDepartment, ...c.coDepartments].filter((x): x is string => !!x);
  const names = new Map<string, string>();
  if (codes.length) {
    for (const d of await trx.selectFrom('departments').select(['code', 'name']).where('code', 'in', codes).execute()) names.set(d.code, d.name);
  }
  const body = webhookCase(c, names);
  const rows = [];
  for (const type of types) {
    const eventId = randomUUID();
    for (const h of hooks) {
      const events = parseEvents(h.events);
      if (!events.includes('*') && !events.includes(type)) continue;
      const payload: WebhookBody = { id: eventId, type, at: e.at, webhookId: h.id, from: e.from, action: e.action, case: body };
      rows.push({ webhook_id: h.id, event_id: eventId, type, case_id: c.id, body: JSON.stringify(payload), created_at: e.at, available_at: e.at, attempts: 0, delivered_at: null, outcome: null, last_status: null, last_error: null });
    }
  }
  return rows.length ? trx.insertInto('webhook_deliveries').values(rows) : null;
}

/** A sample event (`bcs webhook test`, docs/INTEGRATIONS.md): a made-up case, type `webhook.test`. */
export function sampleWebhookBody(webhookId: number, at: string): WebhookBody {
  const when = formatShanghai(new Date(at));
  return {
    id: randomUUID(),
    type: 'webhook.test',
    at,
    webhookId,
    from: 'in_progress',
    action: 'complete',
    case: {
      id: 0,
      caseNo: '2026-000000',
      status: 'completed',
      statusLabel: STATUS_LABELS.completed,
      channel: 'hotline',
      externalRef: { system: '12345', id: 'TEST-0001' },
      level: 1,
      problemType: 'materials',
      leadDepartment: 'scjgj',
      leadDepartmentName: '县市场监管局',
      coDepartments: [],
      matter: '个体工商户设立登记（示例）',
      receivedAt: when,
      dueAt: when,
      firstCompletedAt: when,
      completedAt: when,
      closedAt: null,
      resolvedOnSpot: false,
      result: '这是一个测试事件，不对应真实的反映件',
      repliedVia: 'phone',
      rejection: null,
      callback: null,
      version: 5,
      updatedAt: when,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Receivers' addresses

/** Whether an IP address is loopback, link-local, private (RFC 1918 / ULA), CGNAT or unspecified. */
export function isPrivateAddress(ip: string): boolean {
  let a = ip.toLowerCase();
  if (a.startsWith('::ffff:') && isIP(a.slice(7)) === 4) a = a.slice(7);
  if (isIP(a) === 4) {
    const [p, q] = a.split('.').map(Number) as [number, number];
    return (
      p === 0 || p === 10 || p === 127 || (p === 169 && q === 254) || (p === 172 && q >= 16 && q <= 31) || (p === 192 && q === 168) || (p === 100 && q >= 64 && q <= 127) || p >= 224
    );
  }
  if (isIP(a) === 6) {
    return a === '::' || a === '::1' || /^fe[89ab]/.test(a) || /^f[cd]/.test(a) || a.startsWith('ff');
  }
  return true;
}

/**
 * Resolves the host of a receiver's URL and answers why it is refused (a Chinese sentence), or
 * null when it may be called. Private addresses are refused unless the setting allows them.
 */
export async function refusalOf(url: string, allowPrivate: boolean): Promise<string | null> {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return '接收地址不是有效的网址';
  }
  if (allowPrivate) return null;
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    return `无法解析接收地址的主机名“${host}”`;
  }
  const bad = addresses.find(isPrivateAddress);
  if (bad) return `接收地址“${host}”解析为内网、回环或链路本地地址（${bad}），不允许投递；政务外网内部署时可在系统设置中开启“允许内网地址”`;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Delivery

export function signatureOf(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export interface PostResult {
  status: number | null;
  error: string | null;
  durationMs: number;
}

/** POSTs a signed body once, bounded by the timeout; never throws. Redirects are not followed. */
export async function postSigned(url: string, body: string, secret: string, meta: { type: string; eventId: string }, timeoutMs: number): Promise<PostResult> {
  const started = Date.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'bcs-webhook/1',
        'x-bcs-signature': signatureOf(body, secret),
        'x-bcs-event': meta.type,
        'x-bcs-delivery': meta.eventId,
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel().catch(() => undefined);
    const ok = res.status >= 200 && res.status < 300;
    return { status: res.status, error: ok ? null : `接收方答复 HTTP ${res.status}`, durationMs: Date.now() - started };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    const timedOut = err.name === 'TimeoutError' || err.name === 'AbortError';
    const msg = timedOut ? `接收方 ${Math.round(timeoutMs / 1000)} 秒内未答复（超时）` : `无法连接接收方：${err.cause?.code ?? err.message}`;
    return { status: null, error: msg, durationMs: Date.now() - started };
  }
}

interface Claimed {
  id: number;
  webhookId: number;
  eventId: string;
  type: string;
  body: string;
  attempts: number;
}

/** Claims a bounded batch of due deliveries, at most one pending per receiver and case (see the module comment). */
export async function claimDeliveries(db: Executor, now: Date, limit: number, leaseMs: number): Promise<Claimed[]> {
  const nowIso = now.toISOString();
  let due = db
    .selectFrom('webhook_deliveries as d')
    .select('d.id')
    .where('d.outcome', 'is', null)
    .where('d.available_at', '<=', nowIso)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('webhook_deliveries as e')
            .select('e.id')
            .whereRef('e.webhook_id', '=', 'd.webhook_id')
            .whereRef('e.case_id', '=', 'd.case_id')
            .whereRef('e.id', '<', 'd.id')
            .where('e.outcome', 'is', null),
        ),
      ),
    )
    .orderBy('d.available_at')
    .orderBy('d.id')
    .limit(limit);
  if (isPostgres(db)) due = due.forUpdate().skipLocked();
  const rows = await db
    .updateTable('webhook_deliveries')
    .set({ available_at: new Date(now.getTime() + leaseMs).toISOString(), attempts: sql<number>`attempts + 1` })
    .where('id', 'in', due)
    .returning(['id', 'webhook_id', 'event_id', 'type', 'body', 'attempts'])
    .execute();
  return rows.map((r) => ({ id: r.id, webhookId: r.webhook_id, eventId: r.event_id, type: r.type, body: r.body, attempts: r.attempts })).sort((a, b) => a.id - b.id);
}

export interface WebhookWorkerOptions {
  timeoutMs?: number;
  batchSize?: number;
  maxBatches?: number;
  leaseMs?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  maxAttempts?: number;
}

async function sendOne(ctx: AppContext, m: Claimed, hook: { url: string; secret: string } | undefined, allowPrivate: boolean, o: Required<WebhookWorkerOptions>): Promise<void> {
  let r: PostResult;
  if (!hook) r = { status: null, error: '接收方已删除', durationMs: 0 };
  else {
    // Checked again at each send: a name that now resolves inside the network is not called.
    const refused = await refusalOf(hook.url, allowPrivate);
    r = refused ? { status: null, error: refused, durationMs: 0 } : await postSigned(hook.url, m.body, hook.secret, { type: m.type, eventId: m.eventId }, o.timeoutMs);
  }
  const now = ctx.clock.now();
  const at = now.toISOString();
  const ok = r.error === null;
  const dead = !ok && m.attempts >= o.maxAttempts;
  await ctx.db.transaction().execute(async (trx) => {
    const u = await trx
      .updateTable('webhook_deliveries')
      .set(
        ok
          ? { outcome: 'sent', delivered_at: at, last_status: r.status, last_error: null }
          : dead || !hook
            ? { outcome: hook ? 'dead' : 'cancelled', last_status: r.status, last_error: r.error }
            : { available_at: new Date(now.getTime() + backoffMs(m.attempts, o.baseBackoffMs, o.maxBackoffMs)).toISOString(), last_status: r.status, last_error: r.error },
      )
      .where('id', '=', m.id)
      .where('attempts', '=', m.attempts)
      .where('outcome', 'is', null)
      .executeTakeFirst();
    if (Number(u.numUpdatedRows) !== 1) return; // another instance took it since: its record counts
    await trx.insertInto('webhook_attempts').values({ delivery_id: m.id, at, status: r.status, error: r.error, duration_ms: r.durationMs }).execute();
  });
}

/** One run: claims and sends batches while they come back full. Returns the number of deliveries tried. */
export async function deliverWebhooks(ctx: AppContext, opts: WebhookWorkerOptions = {}): Promise<number> {
  const o: Required<WebhookWorkerOptions> = { ...WEBHOOK_DEFAULTS, ...opts };
  let handled = 0;
  let hooks: Map<number, { url: string; secret: string }> | null = null;
  let allowPrivate = false;
  for (let b = 0; b < o.maxBatches; b++) {
    const batch = await claimDeliveries(ctx.db, ctx.clock.now(), o.batchSize, o.leaseMs);
    if (batch.length === 0) break;
    if (!hooks) {
      const rows = await ctx.db.selectFrom('webhooks').select(['id', 'url', 'secret']).where('deleted_at', 'is', null).execute();
      hooks = new Map(rows.map((h) => [h.id, { url: h.url, secret: h.secret }]));
      allowPrivate = (await getSettings(ctx.db)).webhookAllowPrivateNetworks;
    }
    const h = hooks;
    await Promise.all(batch.map((m) => sendOne(ctx, m, h.get(m.webhookId), allowPrivate, o).catch(() => undefined)));
    handled += batch.length;
    if (batch.length < o.batchSize) break;
  }
  return handled;
}

/** Polls four times a second: one indexed query when idle, and a commit reaches its receiver in about a quarter second. */
export const webhookDeliveryJob: Job = { name: 'webhook-delivery', everyMs: 250, run: (ctx) => deliverWebhooks(ctx) };

export { WEBHOOK_EVENTS };
