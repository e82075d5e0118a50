/** In-app notifications (the bell): plain functions over a database or a transaction. */
import type { Executor } from '../db/database.js';

export interface NotificationRecord {
  id: number;
  topic: string;
  caseId: number | null;
  caseNo: string | null;
  title: string;
  body: string;
  createdAt: string;
  readAt: string | null;
}

/** A user's notifications, newest first, keyset-paged on id (`beforeId` exclusive). */
export async function listNotifications(
  db: Executor,
  userId: number,
  opts: { unreadOnly: boolean; limit: number; beforeId?: number },
): Promise<{ rows: NotificationRecord[]; nextCursor: number | null }> {
  let q = db
    .selectFrom('notifications as n')
    .leftJoin('cases as c', 'c.id', 'n.case_id')
    .select(['n.id', 'n.topic', 'n.case_id', 'c.case_no', 'n.title', 'n.body', 'n.created_at', 'n.read_at'])
    .where('n.user_id', '=', userId);
  if (opts.unreadOnly) q = q.where('n.read_at', 'is', null);
  if (opts.beforeId !== undefined) q = q.where('n.id', '<', opts.beforeId);
  const rows = await q.orderBy('n.id', 'desc').limit(opts.limit + 1).execute();
  const more = rows.length > opts.limit;
  const page = (more ? rows.slice(0, opts.limit) : rows).map((r) => ({
    id: r.id,
    topic: r.topic,
    caseId: r.case_id,
    caseNo: r.case_no ?? null,
    title: r.title,
    body: r.body,
    createdAt: r.created_at,
    readAt: r.read_at,
  }));
  return { rows: page, nextCursor: more ? page[page.length - 1]!.id : null };
}

export async function countUnread(db: Executor, userId: number): Promise<number> {
  const r = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Marks one of the user's notifications read (keeps the first read time). Undefined when it is not theirs. */
export async function markRead(db: Executor, userId: number, id: number, at: string): Promise<{ id: number; readAt: string } | undefined> {
  await db.updateTable('notifications').set({ read_at: at }).where('id', '=', id).where('user_id', '=', userId).where('read_at', 'is', null).execute();
  const r = await db.selectFrom('notifications').select(['id', 'read_at']).where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
  return r ? { id: r.id, readAt: r.read_at ?? at } : undefined;
}

export async function markAllRead(db: Executor, userId: number, at: string): Promise<number> {
  const r = await db.updateTable('notifications').set({ read_at: at }).where('user_id', '=', userId).where('read_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows);
}
