/**
 * 个人设置: a signed-in user's own mobile number and which events they are told of by SMS
 * (core/staff-sms.ts; the bell always). GET/PUT /api/v1/me/settings — only one's own: there is no
 * id to name another user (an administrator changes others' numbers with PATCH /users/{id}).
 */
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { effectiveSmsEvents, smsEventsOfRole, STAFF_SMS_DEFAULTS, STAFF_SMS_EVENT_LABELS } from '../../core/staff-sms.js';
import { ROLE_LABELS } from '../../core/domain.js';
import { maskPhone } from '../../core/validation.js';
import { ZMySettingsUpdate } from '../../core/api/schemas.js';
import { ZMySettings } from '../../core/api/responses.js';
import type { AppContext } from '../context.js';
import { route } from '../http.js';
import { notFound, validation } from '../errors.js';
import { appendAudit } from '../audit/audit.repository.js';
import { findUserById, updateUser, type UserRecord } from './user.repository.js';

export function presentMySettings(u: UserRecord): z.output<typeof ZMySettings> {
  const defaults = STAFF_SMS_DEFAULTS[u.role] ?? [];
  return {
    mobile: u.mobile,
    mobileMasked: u.mobile ? maskPhone(u.mobile) : null,
    smsEvents: effectiveSmsEvents(u.role, u.smsEvents),
    availableSmsEvents: smsEventsOfRole(u.role).map((event) => ({ event, label: STAFF_SMS_EVENT_LABELS[event], byDefault: defaults.includes(event) })),
  };
}

/** Saves the user's own settings: one transaction with its audit record (the number masked). */
export async function changeMySettings(ctx: AppContext, user: UserRecord, body: z.output<typeof ZMySettingsUpdate>): Promise<void> {
  if (body.smsEvents) {
    const allowed = smsEventsOfRole(user.role);
    const foreign = body.smsEvents.filter((e) => !allowed.includes(e));
    if (foreign.length) {
      const msg = allowed.length
        ? `${ROLE_LABELS[user.role]}可选的短信提醒事项为：${allowed.map((e) => STAFF_SMS_EVENT_LABELS[e]).join('、')}`
        : `${ROLE_LABELS[user.role]}没有可选的短信提醒事项`;
      throw validation([{ field: 'smsEvents', message: msg }]);
    }
  }
  const at = ctx.clock.now().toISOString();
  const smsEvents = body.smsEvents ? [...new Set(body.smsEvents)] : undefined;
  await ctx.db.transaction().execute(async (trx) => {
    await updateUser(trx, user.id, { mobile: body.mobile, smsEvents });
    await appendAudit(trx, {
      at,
      actor: user.username,
      action: 'user.settings',
      entityType: 'user',
      entityId: String(user.id),
      data: { ...(body.mobile !== undefined ? { mobile: body.mobile && maskPhone(body.mobile) } : {}), ...(smsEvents ? { smsEvents } : {}) },
    });
  });
}

export function registerMySettingsRoutes(app: FastifyInstance, ctx: AppContext): void {
  const me = async (userId: number) => {
    const u = await findUserById(ctx.db, userId);
    if (!u) throw notFound();
    return u;
  };
  route(app, { method: 'GET', url: '/me/settings', summary: '个人设置：本人手机号码与短信提醒事项', tag: '认证', auth: 'signedIn', response: ZMySettings }, async (_req, _reply, { actor }) =>
    presentMySettings(await me(actor.userId)),
  );
  route(
    app,
    { method: 'PUT', url: '/me/settings', summary: '修改个人设置（只能改本人的）：手机号码（null 删除）、短信提醒事项', tag: '认证', auth: 'signedIn', body: ZMySettingsUpdate, response: ZMySettings },
    async (_req, _reply, { body, actor }) => {
      const u = await me(actor.userId);
      await changeMySettings(ctx, u, body);
      return presentMySettings((await findUserById(ctx.db, u.id))!);
    },
  );
}
