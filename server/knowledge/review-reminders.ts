/**
 * 知识复核提醒: a published 知识库 entry whose review date (reviewDueAt) is within 5 working days
 * (from 09:00 Asia/Shanghai of the 5th working day before it, by the official calendar; the rule is
 * core/knowledge.ts reviewReminderDue) reminds the handlers of its owning departments once, in-app
 * (the bell; topic `knowledge_review_due`, template `knowledge_review_due.department`); an entry
 * of no department reminds the coordinators. Past its review date the entry is flagged 待复核 in
 * the lists (computed when presented, core/knowledge.ts isReviewOverdue).
 *
 * Exactly once across instances: the reminder is claimed with a conditional update
 * (`review_reminded_at IS NULL` and the review date it was computed for), in the same transaction
 * as its notifications and audit record. A new review date (PUT) clears the claim.
 */
import { reviewReminderDue } from '../../core/knowledge.js';
import type { AppContext } from '../context.js';
import { appendAudit } from '../audit/audit.repository.js';
import { loadCalendar } from '../calendar/calendar.repository.js';
import type { Job } from '../jobs/runner.js';
import { humanShanghai, renderTemplate } from '../notifications/templates.js';
import { loadTemplateMap } from '../notifications/template.repository.js';
import { toKnowledge, type KnowledgeRecord } from './knowledge.repository.js';

export const REVIEW_TOPIC = 'knowledge_review_due';
const BATCH = 100;

async function remind(ctx: AppContext, e: KnowledgeRecord, template: { title: string; body: string }): Promise<boolean> {
  const at = ctx.clock.now().toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable('knowledge')
      .set({ review_reminded_at: at })
      .where('id', '=', e.id)
      .where('status', '=', 'published')
      .where('review_reminded_at', 'is', null)
      .where('review_due_at', '=', e.reviewDueAt)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return false;
    let users = trx.selectFrom('users').select('id').where('disabled', '=', 0);
    users = e.departments.length ? users.where('role', '=', 'handler').where('department_code', 'in', e.departments) : users.where('role', '=', 'coordinator');
    const ids = (await users.execute()).map((u) => u.id);
    const vars = { note: e.title, dueAt: humanShanghai(e.reviewDueAt) };
    const title = renderTemplate(template.title, vars, 'inapp');
    const body = renderTemplate(template.body, vars, 'inapp');
    if (ids.length) {
      await trx
        .insertInto('notifications')
        .values(ids.map((user_id) => ({ user_id, outbox_id: null, topic: REVIEW_TOPIC, case_id: null, title, body, created_at: at, read_at: null })))
        .execute();
    }
    await appendAudit(trx, {
      at,
      actor: 'system',
      action: 'knowledge.review_reminded',
      entityType: 'knowledge',
      entityId: String(e.id),
      data: { title: e.title, reviewDueAt: e.reviewDueAt, departments: e.departments, users: ids.length },
    });
    return true;
  });
}

/** One run: reminds of the entries whose review is owed now (at most 100). Returns how many. */
export async function runKnowledgeReviewReminders(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  const rows = await ctx.db
    .selectFrom('knowledge')
    .selectAll()
    .where('status', '=', 'published')
    .where('review_reminded_at', 'is', null)
    .where('review_due_at', 'is not', null)
    .orderBy('review_due_at')
    .orderBy('id')
    .limit(BATCH)
    .execute();
  if (rows.length === 0) return 0;
  const [cal, templates] = await Promise.all([loadCalendar(ctx.db), loadTemplateMap(ctx.db)]);
  const template = templates.get(`${REVIEW_TOPIC}.department`)!;
  let sent = 0;
  for (const e of rows.map(toKnowledge)) {
    // Ordered by review date, so the reminder instants are ordered too: stop at the first not yet due.
    if (!reviewReminderDue(e, now, cal)) break;
    if (await remind(ctx, e, template)) sent++;
  }
  return sent;
}

export const knowledgeReviewJob: Job = { name: 'knowledge-review-reminders', everyMs: 5 * 60_000, run: runKnowledgeReviewReminders };
