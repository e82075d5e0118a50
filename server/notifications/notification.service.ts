/**
 * Notification commands of the administrators: editing or resetting a message template, and
 * putting a dead outbox message back. Each is one transaction ending with its audit record.
 */
import type { Actor } from '../../core/case-lifecycle.js';
import { can } from '../../core/permissions.js';
import type { AppContext } from '../context.js';
import { AppError, notFound, validation } from '../errors.js';
import { appendAudit } from '../audit/audit.repository.js';
import { deleteTemplate, listTemplates, saveTemplate, type StoredTemplate } from './template.repository.js';
import { outboxMessageExists, requeueDead } from './outbox.repository.js';
import { DEFAULT_TEMPLATES, checkTemplateText, templateKey, type Audience } from './templates.js';

type Who = Pick<Actor, 'username' | 'role'>;

function assertAdmin(actor: Who): void {
  if (!can(actor.role, 'manageNotifications')) throw new AppError('FORBIDDEN', '只有系统管理员可以修改消息模板');
}

async function templateInForce(ctx: AppContext, topic: string, audience: Audience): Promise<StoredTemplate> {
  return (await listTemplates(ctx.db)).find((t) => t.topic === topic && t.audience === audience)!;
}

/** Saves an admin's text of a template (an empty title keeps the default's); answers the template in force. */
export async function saveNotificationTemplate(
  ctx: AppContext,
  topic: string,
  audience: Audience,
  input: { title?: string; body: string },
  actor: Who,
): Promise<StoredTemplate> {
  const title = input.title || DEFAULT_TEMPLATES[templateKey(topic, audience)]!.title;
  const details = [
    ...checkTemplateText(title).map((message) => ({ field: 'title', message })),
    ...checkTemplateText(input.body).map((message) => ({ field: 'body', message })),
  ];
  if (details.length) throw validation(details);
  assertAdmin(actor);
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await saveTemplate(trx, topic, audience, { title, body: input.body }, actor.username, at);
    await appendAudit(trx, { at, actor: actor.username, action: 'notification_template.save', entityType: 'notification_template', entityId: templateKey(topic, audience), data: { title, body: input.body } });
  });
  return templateInForce(ctx, topic, audience);
}

/** Drops an admin's text of a template (the built-in default applies again); answers the template in force. */
export async function resetNotificationTemplate(ctx: AppContext, topic: string, audience: Audience, actor: Who): Promise<StoredTemplate> {
  assertAdmin(actor);
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await deleteTemplate(trx, topic, audience);
    await appendAudit(trx, { at, actor: actor.username, action: 'notification_template.reset', entityType: 'notification_template', entityId: templateKey(topic, audience), data: {} });
  });
  return templateInForce(ctx, topic, audience);
}

/** Requeues a dead message: unknown → 404, not dead (or delivered) → 409 INVALID_TRANSITION. */
export async function retryOutboxMessage(ctx: AppContext, id: number, actor: Who): Promise<void> {
  const at = ctx.clock.now().toISOString();
  const ok = await ctx.db.transaction().execute(async (trx) => {
    if (!(await requeueDead(trx, id, at))) return false;
    await appendAudit(trx, { at, actor: actor.username, action: 'outbox.retry', entityType: 'outbox', entityId: String(id), data: {} });
    return true;
  });
  if (!ok) {
    if (!(await outboxMessageExists(ctx.db, id))) throw notFound();
    throw new AppError('INVALID_TRANSITION', '只有已放弃投递的消息可以重新投递');
  }
}
