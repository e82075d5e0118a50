/**
 * The statistics rollup (`case_stats`), kept in step with `cases` inside the same transaction as
 * every write: a case's contribution is taken out of its old buckets and added to its new ones.
 *
 * A case contributes to two buckets of its intake date (the day 'd:YYYY-MM-DD' and the month
 * 'm:YYYY-MM'), under its lead department, one row per dimension: 'total' (carrying every figure
 * of docs/CONTRACT.md §Statistics) and one each for its channel, problem type, level and status (counts).
 * A period is answered from whole months plus the days of partial months at its edges.
 *
 * Two more kinds of row (issue 10): dim 'unreachable' (value '1', counts only) for a case closed as
 * unreachable, and dim 'dept' for what happened on the case that counts for a department other than
 * (or besides) its lead: `lead_department` is then the department counted, `value` the tally
 * (DEPT_TALLIES) and `n` how often. These come from the case's timeline events (`eventTallies`),
 * added when the event is written and never taken out (events are not undone).
 */
import { sql } from 'kysely';
import type { CaseStatsTable, Executor } from '../db/database.js';
import { insertRows } from '../db/plain-insert.js';

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
  closed_unreachable: number;
}

/** A case counted as closed unreachable: closed after unanswered callbacks, and still closed. */
export const isClosedUnreachable = (c: Pick<RollupSource, 'status' | 'closed_unreachable'>) => c.status === 'closed' && c.closed_unreachable === 1;

export const MEASURES = ['n', 'on_spot', 'completed', 'on_time', 'callbacks', 'satisfied', 'bad', 'substantiated'] as const;
export type Measures = Record<(typeof MEASURES)[number], number>;
type Key = Pick<CaseStatsTable, 'bucket' | 'lead_department' | 'dim' | 'value'>;

const ZERO: Measures = { n: 0, on_spot: 0, completed: 0, on_time: 0, callbacks: 0, satisfied: 0, bad: 0, substantiated: 0 };

/** The rows a case adds to, and what it adds. Definitions: core/stats-definitions.ts. */
export function contribution(c: RollupSource): Array<{ key: Key; m: Measures }> {
  // A case closed unreachable has no callback of this closure: it is in no satisfaction figure.
  const callbacks = c.callback_count > 0 && !isClosedUnreachable(c) ? 1 : 0;
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
    ...(isClosedUnreachable(c) ? [['unreachable', '1', count] as [string, string, Measures]] : []),
  ];
  const buckets = [`d:${c.received_date}`, `m:${c.received_date.slice(0, 7)}`];
  return buckets.flatMap((bucket) => dims.map(([dim, value, m]) => ({ key: { bucket, lead_department: dept, dim, value }, m })));
}

const keyOf = (k: Key) => `${k.bucket}\u0000${k.lead_department}\u0000${k.dim}\u0000${k.value}`;

/**
 * What a department is counted for on a case, from its timeline events (definitions:
 * core/stats-definitions.ts): a contest upheld or rejected (for the contesting department), a
 * re-dispatch (for the department the case was taken from), 重办 (for the lead department when the
 * closed case was reopened), a co-part missing at completion (for each co-department that had not replied).
 */
export const DEPT_TALLIES = ['contest_upheld', 'contest_rejected', 'redispatched', 'reopened', 'co_missing'] as const;
export type DeptTally = (typeof DEPT_TALLIES)[number];

/** The event types that may carry a tally. */
export const TALLY_EVENT_TYPES = ['redispatch', 'uphold-dispatch', 'reopen', 'complete'] as const;

/** The tallies one timeline event adds (pure). */
export function eventTallies(type: string, data: Record<string, unknown>): Array<{ department: string; tally: DeptTally }> {
  const out: Array<{ department: string; tally: DeptTally }> = [];
  const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
  if (type === 'redispatch') {
    const from = str((data.from as { leadDepartment?: unknown } | undefined)?.leadDepartment);
    if (from && from !== data.leadDepartment) out.push({ department: from, tally: 'redispatched' });
    const contester = str(data.contestDepartment);
    if (data.contest === 'upheld' && contester) out.push({ department: contester, tally: 'contest_upheld' });
  } else if (type === 'uphold-dispatch') {
    const contester = str(data.department);
    if (data.contest === 'rejected' && contester) out.push({ department: contester, tally: 'contest_rejected' });
  } else if (type === 'reopen') {
    const lead = str(data.leadDepartment);
    if (data.from === 'closed' && lead) out.push({ department: lead, tally: 'reopened' });
  } else if (type === 'complete' && Array.isArray(data.coPartsMissing)) {
    for (const d of data.coPartsMissing) if (str(d)) out.push({ department: d as string, tally: 'co_missing' });
  }
  return out;
}

/** Adds what a new timeline event counts for departments (same transaction as the event). */
export async function applyEventTallies(trx: Executor, receivedDate: string, type: string, data: Record<string, unknown>): Promise<void> {
  const write = eventTalliesWrite(trx, receivedDate, type, data);
  if (write) await write.execute();
}

/**
 * The upsert {@link applyEventTallies} runs, not executed (null when the event counts nothing), for
 * `writeTogether` — never together with another write of `case_stats` (PostgreSQL changes a row once
 * per statement).
 */
export function eventTalliesWrite(trx: Executor, receivedDate: string, type: string, data: Record<string, unknown>) {
  // One statement; the same department and tally twice in one event add 2 to one row (a row may be
  // affected only once by a statement on PostgreSQL), rows in key order (the lock order of applyRollup).
  const counts = new Map<string, { bucket: string; department: string; tally: string; n: number }>();
  for (const t of eventTallies(type, data)) {
    for (const bucket of [`d:${receivedDate}`, `m:${receivedDate.slice(0, 7)}`]) {
      const k = keyOf({ bucket, lead_department: t.department, dim: 'dept', value: t.tally });
      const cur = counts.get(k) ?? { bucket, department: t.department, tally: t.tally, n: 0 };
      cur.n++;
      counts.set(k, cur);
    }
  }
  if (counts.size === 0) return null;
  const rows = [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, r]) => ({ bucket: r.bucket, lead_department: r.department, dim: 'dept', value: r.tally, ...ZERO, n: r.n }));
  return trx
    .insertInto('case_stats')
    .values(rows)
    .onConflict((oc) => oc.columns(['bucket', 'lead_department', 'dim', 'value']).doUpdateSet({ n: sql`case_stats.n + excluded.n` }));
}

/**
 * Every tally of the timeline events, with the intake date of its case (the reference computation
 * and the rebuild); optionally only cases received within [from, to].
 */
export async function scanEventTallies(db: Executor, period?: { from: string; to: string }): Promise<Array<{ receivedDate: string; department: string; tally: DeptTally }>> {
  let q = db
    .selectFrom('case_events')
    .innerJoin('cases', 'cases.id', 'case_events.case_id')
    .where('case_events.type', 'in', [...TALLY_EVENT_TYPES])
    .select(['case_events.type', 'case_events.data', 'cases.received_date']);
  if (period) q = q.where('cases.received_date', '>=', period.from).where('cases.received_date', '<=', period.to);
  const out: Array<{ receivedDate: string; department: string; tally: DeptTally }> = [];
  for (const r of await q.execute()) {
    let data: Record<string, unknown> = {};
    try {
      data = JSON.parse(r.data) as Record<string, unknown>;
    } catch {
      continue;
    }
    for (const t of eventTallies(r.type, data)) out.push({ receivedDate: r.received_date, ...t });
  }
  return out;
}

/** The SQL condition of `isClosedUnreachable`. */
export const UNREACHABLE_SQL = sql`(status = 'closed' and closed_unreachable = 1)`;

/** Moves a case's contribution from `before` (null for a new case) to `after` (null when removed). */
export async function applyRollup(trx: Executor, before: RollupSource | null, after: RollupSource | null): Promise<void> {
  const write = rollupWrite(trx, before, after);
  if (write) await trx.executeQuery(write);
}

/**
 * The upsert {@link applyRollup} runs, not executed (null when the move changes no count) — so that
 * it can go with the change's other writes (`writeTogether`).
 */
export function rollupWrite(trx: Executor, before: RollupSource | null, after: RollupSource | null) {
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
  // One statement for every row the move touches (an intake touches 10), in key order so that two
  // transactions upserting the same rows lock them in the same order. Each key appears once, so a
  // row is never affected twice by the statement (PostgreSQL refuses that).
  const rows = [...delta.entries()]
    .filter(([, { m }]) => MEASURES.some((f) => m[f] !== 0))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    // Written out (not spread): this runs for every intake and decision.
    .map(([, { key, m }]): Key & Measures => ({
      bucket: key.bucket,
      lead_department: key.lead_department,
      dim: key.dim,
      value: key.value,
      n: m.n,
      on_spot: m.on_spot,
      completed: m.completed,
      on_time: m.on_time,
      callbacks: m.callbacks,
      satisfied: m.satisfied,
      bad: m.bad,
      substantiated: m.substantiated,
    }));
  if (rows.length === 0) return null;
  return insertRows(trx, 'case_stats', rows, UPSERT_TAIL);
}

/** Adds the excluded row's measures to the stored row's. */
const UPSERT_TAIL = `on conflict ("bucket", "lead_department", "dim", "value") do update set ${MEASURES.map((f) => `"${f}" = "case_stats"."${f}" + "excluded"."${f}"`).join(', ')}`;

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
      sum(case when callback_count > 0 and not ${UNREACHABLE_SQL} then 1 else 0 end),
      sum(case when callback_count > 0 and latest_callback_bad = 0 and not ${UNREACHABLE_SQL} then 1 else 0 end),
      sum(ever_bad_review), sum(ever_substantiated)`;
  const counts = sql`count(*), 0, 0, 0, 0, 0, 0, 0`;
  const dims: Array<[string, ReturnType<typeof sql>, ReturnType<typeof sql>, ReturnType<typeof sql>]> = [
    ['total', sql`''`, figures, sql`1 = 1`],
    ['channel', sql`channel`, counts, sql`1 = 1`],
    ['problem_type', sql`coalesce(problem_type, '')`, counts, sql`1 = 1`],
    ['level', sql`cast(coalesce(level, 0) as text)`, counts, sql`1 = 1`],
    ['status', sql`status`, counts, sql`1 = 1`],
    ['unreachable', sql`'1'`, counts, UNREACHABLE_SQL],
  ];
  for (const [prefix, bucket] of [
    ['d', sql`'d:' || received_date`],
    ['m', sql`'m:' || substr(received_date, 1, 7)`],
  ] as const) {
    void prefix;
    for (const [dim, value, measures, where] of dims) {
      await sql`
        insert into case_stats (bucket, lead_department, dim, value, n, on_spot, completed, on_time, callbacks, satisfied, bad, substantiated)
        select ${bucket}, coalesce(lead_department, ''), ${dim}, ${value}, ${measures}
        from cases
        where ${where}
        group by 1, 2, 4
      `.execute(trx);
    }
  }
  const tallies = new Map<string, { key: Key; m: Measures }>();
  for (const t of await scanEventTallies(trx)) {
    for (const bucket of [`d:${t.receivedDate}`, `m:${t.receivedDate.slice(0, 7)}`]) {
      const key: Key = { bucket, lead_department: t.department, dim: 'dept', value: t.tally };
      const cur = tallies.get(keyOf(key)) ?? { key, m: { ...ZERO } };
      cur.m.n += 1;
      tallies.set(keyOf(key), cur);
    }
  }
  const rows = [...tallies.values()].map(({ key, m }) => ({ ...key, ...m }));
  for (let i = 0; i < rows.length; i += 500) await trx.insertInto('case_stats').values(rows.slice(i, i + 500)).execute();
  const r = await trx.selectFrom('case_stats').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}
