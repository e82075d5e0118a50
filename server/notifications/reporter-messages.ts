/**
 * Nobody silently skipped: every message to the reporter with its delivery state, and the
 * coordinator's 已电话告知 for one that could not go by SMS (a landline, or the gateway gave up:
 * the outbox worker keeps its text in `outbox.phone_text`). The 工作台's to-do 电话告知 lists the
 * cases with such a message not phoned yet (`phoneDue=true`, server/cases/case.repository.ts).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ZReporterMessages, errorResponse, type REPORTER_MESSAGE_STATES } from '../../core/api/responses.js';
import { formatShanghai } from '../../core/working-days.js';
import type { AppContext } from '../context.js';
import type { Executor } from '../db/database.js';
import { route } from '../http.js';
import { AppError, notFound } from '../errors.js';
import { appendAudit } from '../audit/audit.repository.js';
import { appendEvent, findVisibleCase, parseCaseId } from '../cases/case.repository.js';
import { TOPICS } from './templates.js';

type State = (typeof REPORTER_MESSAGE_STATES)[number];
const STATE_LABELS: Record<State, string> = {
  waiting: '待发送',
  sent: '已发送',
  failed: '发送失败',
  to_phone: '待电话告知',
  phoned: '已电话告知',
  skipped: '无需发送',
};
const topicLabel = (t: string) => (TOPICS as Record<string, string>)[t] ?? t;
const shanghai = (iso: string | null) => (iso ? formatShanghai(new Date(iso)) : null);

function stateOf(r: { outcome: string | null; phone_text: string | null; phoned_at: string | null; last_error: string | null }): State {
  if (r.phoned_at) return 'phoned';
  if (r.phone_text && (r.outcome === 'phone' || r.outcome === 'dead')) return 'to_phone';
  if (r.outcome === 'sent') return 'sent';
  if (r.outcome === 'dead') return 'failed';
  if (r.outcome === 'skipped') return 'skipped';
  return r.last_error ? 'failed' : 'waiting';
}

export async function listReporterMessages(db: Executor, caseId: number) {
  const rows = await db
    .selectFrom('outbox')
    .select(['id', 'topic', 'outcome', 'phone_text', 'phoned_at', 'phoned_by', 'last_error', 'created_at', 'delivered_at'])
    .where('case_id', '=', caseId)
    .where('recipient', '=', 'reporter')
    .orderBy('id')
    .execute();
  return rows.map((r) => {
    const state = stateOf(r);
    return {
      id: r.id,
      topic: r.topic,
      topicLabel: topicLabel(r.topic),
      state,
      stateLabel: r.outcome === null && r.last_error ? '发送失败（将重试）' : STATE_LABELS[state],
      createdAt: shanghai(r.created_at)!,
      deliveredAt: shanghai(r.delivered_at),
      note: r.last_error,
      text: r.phone_text,
      phonedAt: shanghai(r.phoned_at),
      phonedBy: r.phoned_by,
    };
  });
}

const ZPhonedBody = z.object({ note: z.string().trim().max(500, { error: '说明不能超过 500 个字' }).optional() }).strict();

export function registerReporterMessageRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(
    app,
    { method: 'GET', url: '/cases/:id/messages', operationId: 'listReporterMessages', summary: '发给反映人的消息及投递状态（待发送、已发送、发送失败、待电话告知、已电话告知）', tag: '反映件', response: ZReporterMessages },
    async (req, _reply, { actor }) => {
      const c = await findVisibleCase(ctx.db, parseCaseId((req.params as { id: string }).id), actor);
      return { items: await listReporterMessages(ctx.db, c.id) };
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/cases/:id/messages/:messageId/phoned',
      operationId: 'markReporterPhoned',
      summary: '已电话告知（县行管办）：无法短信发送的消息已电话读给反映人，记入时间线与审计',
      tag: '反映件',
      auth: 'phoneReporters',
      body: ZPhonedBody,
      response: { 200: ZReporterMessages, 409: errorResponse('INVALID_TRANSITION') },
    },
    async (req, _reply, { actor, body }) => {
      const params = req.params as { id: string; messageId: string };
      const c = await findVisibleCase(ctx.db, parseCaseId(params.id), actor);
      if (!/^[1-9]\d{0,9}$/.test(params.messageId) || Number(params.messageId) > 2_147_483_647) throw notFound();
      const messageId = Number(params.messageId);
      const at = ctx.clock.now().toISOString();
      await ctx.db.transaction().execute(async (trx) => {
        const m = await trx.selectFrom('outbox').select(['id', 'topic', 'outcome', 'phone_text', 'phoned_at']).where('id', '=', messageId).where('case_id', '=', c.id).where('recipient', '=', 'reporter').executeTakeFirst();
        if (!m) throw notFound();
        if (m.phoned_at) throw new AppError('INVALID_TRANSITION', '这条消息已电话告知');
        if (!m.phone_text || (m.outcome !== 'phone' && m.outcome !== 'dead')) throw new AppError('INVALID_TRANSITION', '这条消息不需要电话告知');
        const r = await trx.updateTable('outbox').set({ phoned_at: at, phoned_by: actor.username }).where('id', '=', m.id).where('phoned_at', 'is', null).executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) throw new AppError('INVALID_TRANSITION', '这条消息已电话告知');
        const data = { messageId: m.id, topic: m.topic, topicLabel: topicLabel(m.topic), ...(body.note ? { note: body.note } : {}) };
        await appendEvent(trx, c.id, { type: 'reporter_phoned', at, by: { username: actor.username, name: actor.name, role: actor.role }, data });
        await appendAudit(trx, { at, actor: actor.username, action: 'case.reporter_phoned', entityType: 'case', entityId: String(c.id), data: { caseNo: c.caseNo, ...data } });
      });
      return { items: await listReporterMessages(ctx.db, c.id) };
    },
  );
}
