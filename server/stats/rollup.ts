/**
 * The statistics rollup (`case_stats`), kept in step with `cases` inside the same transaction as
 * every write: a case's contribution is taken out of its old buckets and added to its new ones.
 *
 * A case contributes to two buckets of its intake date (the day 'd:YYYY-MM-DD' and the month
 * 'm:YYYY-MM'), under its lead department, one row per dimension: 'total' (carrying every figure
 * of docs/CONTRACT.md §Statistics) and one each for its channel, problem type, level and status (counts).
 * A period is answered from whole months plus the days of partial months at its edges.
 */
import { sql } from 'kysely';
import type { CaseStatsTable, Executor } from '../db/database.js';

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

export const MEASURES = ['n', 'on_spot', 'completed', 'on_time', 'callbacks', 'satisfied', 'bad', 'substantiated'] as const;
export type Measures = Record<(typeof MEASURES)[number], number>;
type Key = Pick<CaseStatsTable, 'bucket' | 'lead_department' | 'dim' | 'value'>;

const ZERO: Measures = { n: 0, on_spot: 0, completed: 0, on_time: 0, callbacks: 0, satisfied: 0, bad: 0, substantiated: 0 };

/** The rows a case adds to, and what it adds. Definitions: core/stats-definitions.ts. */
export function contribution(c: RollupSource): Array<{ key: Key; m: Measures }> {
  const callbacks = c.callback_count > 0 ? 1 : 0;
  const figures: Measures = {
    n: 1,
    on_spot: c.resolved_on_spot ? 1 : 0,
    completed: c.first_completed_at ? 1 : 0,
    on_time: c.first_completed_on_time === 1 ? 1 : 0,
    callbacks,
    satisfied: callbacks && !c.latest_callback_bad ? 1 : 0,
    bad: c.ever_bad_review ? 1 : 0,
    substantiated: c.ever_substantiated ? 1 : 0,
  };
  const count: Measures = { ...ZERO, n: 1 };
  const dept = c.lead_department ?? '';
  const dims: Array<[string, string, Measures]> = [
    ['total', '', figures],
    ['channel', c.channel, count],
    ['problem_type', c.problem_type ?? '', count],
    ['level', String(c.level ?? 0), count],
    ['status', c.status, count],
  ];
  const buckets = [`d:${c.received_date}`, `m:${c.received_date.slice(0, 7)}`];
  return buckets.flatMap((bucket) => dims.map(([dim, value, m]) => ({ key: { bucket, lead_department: dept, dim, value }, m })));
}

const keyOf = (k: Key) => `${k.bucket}\u0000${k.lead_department}\u0000${k.dim}\u0000${k.value}`;

/** Moves a case's contribution from `before` (null for a new case) to `after` (null when removed). */
export async function applyRollup(trx: Executor, before: RollupSource | null, after: RollupSource | null): Promise<void> {
  const delta = new Map<string, { key: Key; m: Measures }>();
  const add = (c: RollupSource | null, sign: 1 | -1) => {
    for (const { key, m } of c ? contribution(c) : []) {
      const k = keyOf(key);
      const cur = delta.get(k) ?? { key, m: { ...ZERO } };
      for (const f of MEASURES) cur.m[f] += sign * m[f];
      delta.set(k, cur);
    }
  };
  add(before, -1);
  add(after, 1);
  for (const { key, m } of delta.values()) {
    if (MEASURES.every((f) => m[f] === 0)) continue;
    await trx
      .insertInto('case_stats')
      .values({ ...key, ...m })
      .onConflict((oc) =>
        oc
          .columns(['bucket', 'lead_department', 'dim', 'value'])
          .doUpdateSet(Object.fromEntries(MEASURES.map((f) => [f, sql`case_stats.${sql.ref(f)} + ${m[f]}`])) as any),
      )
      .execute();
  }
}

/**
 * The buckets that cover [from, to] (Asia/Shanghai dates, both included): whole months as
 * 'm:' buckets, the days of partial months as ranges of 'd:' buckets.
 */
export function bucketsFor(from: string, to: string): { months: string[]; dayRanges: Array<[string, string]> } {
  const months: string[] = [];
  const dayRanges: Array<[string, string]> = [];
  let y = Number(from.slice(0, 4));
  let mo = Number(from.slice(5, 7));
  for (;;) {
    const ym = `${y}-${String(mo).padStart(2, '0')}`;
    if (ym > to.slice(0, 7)) break;
    const first = `${ym}-01`;
    const last = `${ym}-${String(new Date(Date.UTC(y, mo, 0)).getUTCDate()).padStart(2, '0')}`;
    const lo = from > first ? from : first;
    const hi = to < last ? to : last;
    if (lo === first && hi === last) months.push(`m:${ym}`);
    else if (lo <= hi) dayRanges.push([`d:${lo}`, `d:${hi}`]);
    mo++;
    if (mo === 13) {
      mo = 1;
      y++;
    }
  }
  return { months, dayRanges };
}

/** Rebuilds the whole rollup from `cases` (after a bulk import, or to repair). */
export async function rebuildRollup(trx: Executor): Promise<number> {
  await trx.deleteFrom('case_stats').execute();
  const figures = sql`count(*), sum(resolved_on_spot),
      sum(case when first_completed_at is not null then 1 else 0 end),
      sum(case when first_completed_on_time = 1 then 1 else 0 end),
      sum(case when callback_count > 0 then 1 else 0 end),
      sum(case when callback_count > 0 and latest_callback_bad = 0 then 1 else 0 end),
      sum(ever_bad_review), sum(ever_substantiated)`;
  const counts = sql`count(*), 0, 0, 0, 0, 0, 0, 0`;
  const dims: Array<[string, ReturnType<typeof sql>, ReturnType<typeof sql>]> = [
    ['total', sql`''`, figures],
    ['channel', sql`channel`, counts],
    ['problem_type', sql`coalesce(problem_type, '')`, counts],
    ['level', sql`cast(coalesce(level, 0) as text)`, counts],
    ['status', sql`status`, counts],
  ];
  for (const [prefix, bucket] of [
    ['d', sql`'d:' || received_date`],
    ['m', sql`'m:' || substr(received_date, 1, 7)`],
  ] as const) {
    void prefix;
    for (const [dim, value, measures] of dims) {
      await sql`
        insert into case_stats (bucket, lead_department, dim, value, n, on_spot, completed, on_time, callbacks, satisfied, bad, substantiated)
        select ${bucket}, coalesce(lead_department, ''), ${dim}, ${value}, ${measures}
        from cases
        group by 1, 2, 4
      `.execute(trx);
    }
  }
  const r = await trx.selectFrom('case_stats').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}
