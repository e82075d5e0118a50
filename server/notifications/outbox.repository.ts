/** The outbox as the administrators see it: what is undelivered, and a dead message put back. */
import type { Executor } from '../db/database.js';

/** Undelivered messages by state: dead (given up), retrying (failed at least once), pending. */
export async function countUndelivered(db: Executor): Promise<{ pending: number; retrying: number; dead: number }> {
  const counts = await db
    .selectFrom('outbox')
    .select((eb) => [
      eb.fn.countAll<number>().as('n'),
      eb
        .case()
        .when('outcome', '=', 'dead')
        .then('dead')
        .when('last_error', 'is not', null)
        .then('retrying')
        .else('pending')
        .end()
        .as('state'),
    ])
    .where('delivered_at', 'is', null)
    .groupBy('state')
    .execute();
  const by: Record<string, number> = Object.fromEntries(counts.map((c) => [c.state, Number(c.n)]));
  return { pending: by.pending ?? 0, retrying: by.retrying ?? 0, dead: by.dead ?? 0 };
}

/** The latest undelivered messages that have failed, newest first. */
export async function listRecentFailures(db: Executor, limit: number) {
  return db
    .selectFrom('outbox')
    .select(['id', 'topic', 'case_id', 'recipient', 'attempts', 'last_error', 'outcome', 'created_at', 'available_at'])
    .where('delivered_at', 'is', null)
    .where('last_error', 'is not', null)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Puts a dead, undelivered message back in the queue (available at `at`). False when there is none such. */
export async function requeueDead(trx: Executor, id: number, at: string): Promise<boolean> {
  const r = await trx
    .updateTable('outbox')
    .set({ outcome: null, attempts: 0, available_at: at })
    .where('id', '=', id)
    .where('outcome', '=', 'dead')
    .where('delivered_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function outboxMessageExists(db: Executor, id: number): Promise<boolean> {
  return !!(await db.selectFrom('outbox').select('id').where('id', '=', id).executeTakeFirst());
}
