/**
 * In-app notifications of the signed-in user (the bell), notification templates (admin), and the
 * state of the outbox (admin).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { formatShanghai } from '../../core/working-days.js';
import type { AppContext } from '../context.js';
import { parseWith, route } from '../http.js';
import { ZMarkRead, ZNotificationPage, ZNotificationTemplate, ZNotificationTemplateList, ZOutboxRetry, ZOutboxState, ZReadAll, ZUnreadCount, errorResponse } from '../../core/api/responses.js';
import { notFound } from '../errors.js';
import { countUnread, listNotifications, markAllRead, markRead } from './notification.repository.js';
import { isKnownTemplate, listTemplates, type StoredTemplate } from './template.repository.js';
import { countUndelivered, listRecentFailures } from './outbox.repository.js';
import { resetNotificationTemplate, retryOutboxMessage, saveNotificationTemplate } from './notification.service.js';
import { AUDIENCE_LABELS, DEFAULT_TEMPLATES, PLACEHOLDERS, TEMPLATE_LIMITS, TOPICS, channelOf, templateKey, type Audience } from './templates.js';

function iso(v: string): string;
function iso(v: string | null): string | null;
function iso(v: string | null): string | null {
  return v ? formatShanghai(new Date(v)) : null;
}
const topicLabel = (t: string) => (TOPICS as Record<string, string>)[t] ?? t;

const positiveInt = (field: string, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      if (!/^\d{1,10}$/.test(v) || Number(v) < 1 || Number(v) > max) {
        ctx.addIssue({ code: 'custom', message: `${field} 应为 1–${max} 的整数` });
        return z.NEVER;
      }
      return Number(v);
    });

export const ZNotificationQuery = z.object({
  unread: z.enum(['true', 'false'], { error: 'unread 应为 true 或 false' }).optional(),
  limit: positiveInt('limit', 200),
  /** Keyset cursor: the `nextCursor` of the previous page. */
  cursor: positiveInt('cursor', 2_147_483_647),
});

export const ZTemplateUpdate = z.object({
  title: z
    .string({ error: '标题必须是文字' })
    .trim()
    .max(TEMPLATE_LIMITS.title, { error: `标题不能超过 ${TEMPLATE_LIMITS.title} 个字` })
    .optional(),
  body: z
    .string({ error: '模板内容必须是文字' })
    .trim()
    .min(1, { error: '请填写模板内容' })
    .max(TEMPLATE_LIMITS.body, { error: `模板内容不能超过 ${TEMPLATE_LIMITS.body} 个字` }),
});

function presentTemplate(t: StoredTemplate) {
  const def = DEFAULT_TEMPLATES[templateKey(t.topic, t.audience)]!;
  return {
    topic: t.topic,
    topicLabel: topicLabel(t.topic),
    audience: t.audience,
    audienceLabel: AUDIENCE_LABELS[t.audience],
    channel: channelOf(t.audience),
    title: t.title,
    body: t.body,
    defaultTitle: def.title,
    defaultBody: def.body,
    customized: t.customized,
    updatedAt: iso(t.updatedAt),
    updatedBy: t.updatedBy,
  };
}

const PARAMS_RE = /^[a-z_]{1,40}$/;

export function registerNotificationRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(
    app,
    {
      method: 'GET',
      url: '/notifications',
      summary: '我的站内通知（最新在前；unread=true 只看未读；cursor 分页）',
      tag: '通知', auth: 'signedIn',
      query: ZNotificationQuery,
      response: ZNotificationPage,
    },
    async (_req, _reply, { query, actor }) => {
      const [page, unreadCount] = await Promise.all([
        listNotifications(ctx.db, actor.userId, { unreadOnly: query.unread === 'true', limit: query.limit ?? 20, beforeId: query.cursor }),
        countUnread(ctx.db, actor.userId),
      ]);
      return {
        items: page.rows.map((n) => ({
          id: n.id,
          topic: n.topic,
          topicLabel: topicLabel(n.topic),
          caseId: n.caseId,
          caseNo: n.caseNo,
          title: n.title,
          body: n.body,
          createdAt: iso(n.createdAt),
          read: n.readAt !== null,
          readAt: iso(n.readAt),
        })),
        unreadCount,
        nextCursor: page.nextCursor === null ? null : String(page.nextCursor),
      };
    },
  );

  route(app, { method: 'GET', url: '/notifications/unread-count', summary: '我的未读通知数（铃铛角标）', tag: '通知', auth: 'signedIn', response: ZUnreadCount }, async (_req, _reply, { actor }) => ({
    count: await countUnread(ctx.db, actor.userId),
  }));

  route(app, { method: 'POST', url: '/notifications/read-all', summary: '全部标为已读', tag: '通知', auth: 'signedIn', response: ZReadAll }, async (_req, _reply, { actor }) => {
    const updated = await markAllRead(ctx.db, actor.userId, ctx.clock.now().toISOString());
    return { updated, unreadCount: 0 as const };
  });

  route(app, { method: 'POST', url: '/notifications/:id/read', summary: '标为已读（只能是自己的通知；他人的 → 404）', tag: '通知', auth: 'signedIn', response: ZMarkRead }, async (req, _reply, { actor }) => {
    const raw = (req.params as { id: string }).id;
    if (!/^[1-9]\d{0,9}$/.test(raw) || Number(raw) > 2_147_483_647) throw notFound();
    const r = await markRead(ctx.db, actor.userId, Number(raw), ctx.clock.now().toISOString());
    if (!r) throw notFound();
    return { id: r.id, read: true as const, readAt: iso(r.readAt), unreadCount: await countUnread(ctx.db, actor.userId) };
  });

  route(
    app,
    { method: 'GET', url: '/notification-templates', summary: '消息模板（系统管理员）：短信发给反映人，站内通知发给工作人员', tag: '通知', auth: 'manageNotifications', response: ZNotificationTemplateList },
    async () => ({
      items: (await listTemplates(ctx.db)).map(presentTemplate),
      placeholders: Object.entries(PLACEHOLDERS).map(([name, label]) => ({ name, token: `{${name}}`, label })),
      limits: TEMPLATE_LIMITS,
    }),
  );

  const templateParams = (req: { params: unknown }): { topic: string; audience: Audience } => {
    const { topic, audience } = req.params as { topic: string; audience: string };
    if (!PARAMS_RE.test(topic) || !isKnownTemplate(topic, audience)) throw notFound();
    return { topic, audience };
  };

  route(
    app,
    {
      method: 'PUT',
      url: '/notification-templates/:topic/:audience',
      summary: '修改消息模板（系统管理员）；只能使用列出的占位符，如 {caseNo}',
      tag: '通知',
      bodyDoc: ZTemplateUpdate,
      response: ZNotificationTemplate,
    },
    async (req, _reply, { actor }) => {
      const { topic, audience } = templateParams(req);
      const body = parseWith(ZTemplateUpdate, req.body);
      return presentTemplate(await saveNotificationTemplate(ctx, topic, audience, body, actor));
    },
  );

  route(
    app,
    { method: 'DELETE', url: '/notification-templates/:topic/:audience', summary: '恢复默认消息模板（系统管理员）', tag: '通知', response: ZNotificationTemplate },
    async (req, _reply, { actor }) => {
      const { topic, audience } = templateParams(req);
      return presentTemplate(await resetNotificationTemplate(ctx, topic, audience, actor));
    },
  );

  route(
    app,
    { method: 'GET', url: '/notification-outbox', summary: '消息投递状况（系统管理员）：待发、重试中、已放弃及最近失败', tag: '通知', auth: 'manageNotifications', response: ZOutboxState },
    async () => {
      const now = ctx.clock.now().toISOString();
      const [counts, failures] = await Promise.all([countUndelivered(ctx.db), listRecentFailures(ctx.db, 50)]);
      return {
        ...counts,
        now: iso(now),
        failures: failures.map((f) => ({
          id: f.id,
          topic: f.topic,
          topicLabel: topicLabel(f.topic),
          caseId: f.case_id,
          recipient: f.recipient,
          attempts: f.attempts,
          lastError: f.last_error,
          dead: f.outcome === 'dead',
          createdAt: iso(f.created_at),
          nextAttemptAt: f.outcome === 'dead' ? null : iso(f.available_at),
        })),
      };
    },
  );

  route(
    app,
    { method: 'POST', url: '/notification-outbox/:id/retry', summary: '重新投递一条已放弃的消息（系统管理员）', tag: '通知', auth: 'manageNotifications', response: { 200: ZOutboxRetry, 409: errorResponse('INVALID_TRANSITION') } },
    async (req, _reply, { actor }) => {
      const raw = (req.params as { id: string }).id;
      if (!/^[1-9]\d{0,9}$/.test(raw) || Number(raw) > 2_147_483_647) throw notFound();
      const id = Number(raw);
      await retryOutboxMessage(ctx, id, actor);
      return { id, requeued: true as const };
    },
  );
}
