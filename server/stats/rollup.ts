/**
 * The per-day statistics rollup (`case_stats_daily`), kept in step with `cases` inside the same
 * transaction as every write: a case's contribution is removed from its old bucket and added to
 * its new one. Statistics over a long period then sum a few rows per day instead of scanning cases.
 */
import { sql } from 'kysely';
import type { CaseStatsDailyTable, Executor } from '../db/database.js';

/** The columns of a case that its contribution depends on. */
export interface RollupSource {
  received_date: string;
  lead_department: string | null;
  channel: string;
  problem_type: string | null;
  level: number | null;
  status: string;
  resolved_on_spot: number;
  first_completed_at: string | null;
  first_completed_on_time: number | null;
  callback_count: number;
  latest_callback_bad: number;
  ever_bad_review: number;
  ever_substantiated: number;
}

export const ROLLUP_SOURCE_COLUMNS = [
  'received_date',
  'lead_department',
  'channel',
  'problem_type',
  'level',
  'status',
  'resolved_on_spot',
  'first_completed_at',
  'first_completed_on_time',
  'callback_count',
  'latest_callback_bad',
  'ever_bad_review',
  'ever_substantiated',
] as const;

const MEASURES = ['n', 'on_spot', 'completed', 'on_time', 'callbacks', 'satisfied', 'bad', 'substantiated'] as const;
type Measures = Record<(typeof MEASURES)[number], number>;
type Key = Omit<CaseStatsDailyTable, (typeof MEASURES)[number]>;

/** The bucket a case falls in and what it adds to it. Definitions: API.md §Statistics. */
export function contribution(c: RollupSource): { key: Key; m: Measures } {
  const callbacks = c.callback_count > 0 ? 1 : 0;
  return {
    key: {
      received_date: c.received_date,
      lead_department: c.lead_department ?? '',
      channel: c.channel,
      problem_type: c.problem_type ?? '',
      level: c.level ?? 0,
      status: c.status,
    },
    m: {
      n: 1,
      on_spot: c.resolved_on_spot ? 1 : 0,
      completed: c.first_completed_at ? 1 : 0,
      on_time: c.first_completed_on_time === 1 ? 1 : 0,
      callbacks,
      satisfied: callbacks && !c.latest_callback_bad ? 1 : 0,
      bad: c.ever_bad_review ? 1 : 0,
      substantiated: c.ever_substantiated ? 1 : 0,
    },
  };
}

const sameKey = (a: Key, b: Key) =>
  a.received_date === b.received_date &&
  a.lead_department === b.lead_department &&
  a.channel === b.channel &&
  a.problem_type === b.problem_type &&
  a.level === b.level &&
  a.status === b.status;

async function addToBucket(trx: Executor, key: Key, m: Measures, sign: 1 | -1): Promise<void> {
  const values = { ...key, ...Object.fromEntries(MEASURES.map((k) => [k, sign * m[k]])) } as CaseStatsDailyTable;
  await trx
    .insertInto('case_stats_daily')
    .values(values)
    .onConflict((oc) =>
      oc
        .columns(['received_date', 'lead_department', 'channel', 'problem_type', 'level', 'status'])
        .doUpdateSet(Object.fromEntries(MEASURES.map((k) => [k, sql`case_stats_daily.${sql.ref(k)} + ${values[k]}`])) as any),
    )
    .execute();
}

/** Moves a case's contribution from `before` (null for a new case) to `after` (null when removed). */
export async function applyRollup(trx: Executor, before: RollupSource | null, after: RollupSource | null): Promise<void> {
  const b = before ? contribution(before) : null;
  const a = after ? contribution(after) : null;
  if (b && a && sameKey(b.key, a.key)) {
    const diff = Object.fromEntries(MEASURES.map((k) => [k, a.m[k] - b.m[k]])) as Measures;
    if (MEASURES.some((k) => diff[k] !== 0)) await addToBucket(trx, a.key, diff, 1);
    return;
  }
  if (b) await addToBucket(trx, b.key, b.m, -1);
  if (a) await addToBucket(trx, a.key, a.m, 1);
}

/** Rebuilds the whole rollup from `cases` (after an import or to repair). One statement each way. */
export async function rebuildRollup(trx: Executor): Promise<number> {
  await trx.deleteFrom('case_stats_daily').execute();
  await sql`
    insert into case_stats_daily (received_date, lead_department, channel, problem_type, level, status,
      n, on_spot, completed, on_time, callbacks, satisfied, bad, substantiated)
    select received_date, coalesce(lead_department, ''), channel, coalesce(problem_type, ''), coalesce(level, 0), status,
      count(*),
      sum(resolved_on_spot),
      sum(case when first_completed_at is not null then 1 else 0 end),
      sum(case when first_completed_on_time = 1 then 1 else 0 end),
      sum(case when callback_count > 0 then 1 else 0 end),
      sum(case when callback_count > 0 and latest_callback_bad = 0 then 1 else 0 end),
      sum(ever_bad_review),
      sum(ever_substantiated)
    from cases
    group by received_date, coalesce(lead_department, ''), channel, coalesce(problem_type, ''), coalesce(level, 0), status
  `.execute(trx);
  const r = await trx.selectFrom('case_stats_daily').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}
