/**
 * Statistics of docs/CONTRACT.md §Statistics, computed in SQL: one grouped scan of the cases received in
 * the period (Asia/Shanghai dates, both ends included), combined in memory per group.
 */
import { sql } from 'kysely';
import { CASE_STATUSES, CHANNELS, PROBLEM_TYPES } from '../../core/domain.js';
import { CLOCK_RUNNING_STATUSES } from '../../core/clocks.js';
import type { Executor } from '../db/database.js';
import { bucketsFor, MEASURES, scanEventTallies, UNREACHABLE_SQL, type DeptTally } from './rollup.js';
import type { MonthFigures, StatsFigures } from '../../core/api/stats.js';

export type { MonthFigures };

/** The figures of docs/CONTRACT.md §Statistics (shape shared with the web app). */
export type Figures = StatsFigures;

export function emptyFigures(): Figures {
  return {
    received: 0,
    byChannel: Object.fromEntries(CHANNELS.map((c) => [c, 0])),
    byProblemType: Object.fromEntries(PROBLEM_TYPES.map((p) => [p, 0])),
    byLevel: { 1: 0, 2: 0, 3: 0 },
    byStatus: Object.fromEntries(CASE_STATUSES.map((s) => [s, 0])),
    resolvedOnSpot: 0,
    rejected: 0,
    completed: 0,
    completedOnTime: 0,
    onTimeRate: null,
    callbacks: 0,
    satisfied: 0,
    satisfactionRate: null,
    badReviews: 0,
    badReviewsSubstantiated: 0,
    overdueOpen: 0,
    merged: 0,
    closedUnreachable: 0,
    contestsUpheld: 0,
    contestsRejected: 0,
    redispatched: 0,
    reopened: 0,
    coPartsMissing: 0,
  };
}

/** Where each department tally of the rollup goes in the figures. */
const TALLY_FIELD: Record<DeptTally, 'contestsUpheld' | 'contestsRejected' | 'redispatched' | 'reopened' | 'coPartsMissing'> = {
  contest_upheld: 'contestsUpheld',
  contest_rejected: 'contestsRejected',
  redispatched: 'redispatched',
  reopened: 'reopened',
  co_missing: 'coPartsMissing',
};
const TALLY_FIELDS = Object.values(TALLY_FIELD);
/** Whether a department's row has anything to show (cases led, or a tally). */
const hasAny = (f: Figures) => f.received > 0 || TALLY_FIELDS.some((k) => f[k] > 0);

function finish(f: Figures): Figures {
  f.onTimeRate = f.completed ? f.completedOnTime / f.completed : null;
  f.satisfactionRate = f.callbacks ? f.satisfied / f.callbacks : null;
  return f;
}

export interface StatsFilter {
  from: string;
  to: string;
  department?: string;
}

/** Rollup rows of the buckets that cover a period (see `bucketsFor`). */
function rollupOver(db: Executor, months: string[], dayRanges: Array<[string, string]>) {
  return db.selectFrom('case_stats').where((eb) =>
    eb.or([
      ...(months.length ? [eb('bucket', 'in', months)] : []),
      ...dayRanges.map(([lo, hi]) => eb.and([eb('bucket', '>=', lo), eb('bucket', '<=', hi)])),
    ]),
  );
}

/** sum() of every rollup measure, named after the measure. */
function measureSums() {
  return MEASURES.map((m) => sql<number>`sum(${sql.ref(m)})`.as(m));
}

/**
 * Figures from the rollup (fast path): every figure but overdueOpen, which depends on "now" and is
 * counted from the open cases themselves (index on status, due_at). Keyed by lead department
 * ('' = all when not grouping).
 */
async function rollupFigures(db: Executor, filter: StatsFilter, byDepartment: boolean): Promise<Map<string, Figures>> {
  const { months, dayRanges } = bucketsFor(filter.from, filter.to);
  const out = new Map<string, Figures>();
  if (!months.length && !dayRanges.length) return out;
  let q = rollupOver(db, months, dayRanges)
    .select(['dim', 'value', ...measureSums()])
    .groupBy(['dim', 'value']);
  if (filter.department) q = q.where('lead_department', '=', filter.department);
  if (byDepartment) q = q.where('lead_department', '<>', '').select('lead_department').groupBy('lead_department');
  for (const r of (await q.execute()) as any[]) {
    const code = byDepartment ? (r.lead_department as string) : '';
    if (!out.has(code)) out.set(code, emptyFigures());
    const f = out.get(code)!;
    const n = Number(r.n);
    if (n === 0 && r.dim !== 'total') continue;
    switch (r.dim) {
      case 'total':
        f.received += n;
        f.resolvedOnSpot += Number(r.on_spot);
        f.completed += Number(r.completed);
        f.completedOnTime += Number(r.on_time);
        f.callbacks += Number(r.callbacks);
        f.satisfied += Number(r.satisfied);
        f.badReviews += Number(r.bad);
        f.badReviewsSubstantiated += Number(r.substantiated);
        break;
      case 'channel':
        f.byChannel[r.value] = (f.byChannel[r.value] ?? 0) + n;
        break;
      case 'problem_type':
        if (r.value) f.byProblemType[r.value] = (f.byProblemType[r.value] ?? 0) + n;
        break;
      case 'level':
        if (r.value !== '0') f.byLevel[r.value] = (f.byLevel[r.value] ?? 0) + n;
        break;
      case 'status':
        f.byStatus[r.value] = (f.byStatus[r.value] ?? 0) + n;
        if (r.value === 'rejected') f.rejected += n;
        if (r.value === 'merged') f.merged += n;
        break;
      case 'unreachable':
        f.closedUnreachable += n;
        break;
      case 'dept':
        if (r.value in TALLY_FIELD) f[TALLY_FIELD[r.value as DeptTally]] += n;
        break;
    }
  }
  for (const [code, f] of out) if (!hasAny(f)) out.delete(code);
  return out;
}

/** Open cases past their deadline now, received in the period, per lead department. */
async function overdueRows(db: Executor, filter: StatsFilter, now: Date) {
  let q = db
    .selectFrom('cases')
    .where('status', 'in', [...CLOCK_RUNNING_STATUSES])
    .where('due_at', '<', now.toISOString())
    .where('received_date', '>=', filter.from)
    .where('received_date', '<=', filter.to)
    .select(['lead_department', sql<number>`count(*)`.as('n')])
    .groupBy('lead_department');
  if (filter.department) q = q.where('lead_department', '=', filter.department);
  return q.execute();
}

/** The reference computation: one grouped scan of `cases` (tests compare the rollup with it). */
export async function scanRows(db: Executor, filter: StatsFilter, now: Date, byDepartment: boolean) {
  const nowIso = now.toISOString();
  const deadlineStatuses = sql.join(CLOCK_RUNNING_STATUSES.map((s) => sql.lit(s)));
  let q = db
    .selectFrom('cases')
    .where('received_date', '>=', filter.from)
    .where('received_date', '<=', filter.to)
    .select([
      'channel',
      'problem_type',
      'level',
      'status',
      sql<number>`count(*)`.as('n'),
      sql<number>`sum(resolved_on_spot)`.as('on_spot'),
      sql<number>`sum(case when first_completed_at is not null then 1 else 0 end)`.as('completed'),
      sql<number>`sum(case when first_completed_on_time = 1 then 1 else 0 end)`.as('on_time'),
      sql<number>`sum(case when callback_count > 0 and not ${UNREACHABLE_SQL} then 1 else 0 end)`.as('callbacks'),
      sql<number>`sum(case when callback_count > 0 and latest_callback_bad = 0 and not ${UNREACHABLE_SQL} then 1 else 0 end)`.as('satisfied'),
      sql<number>`sum(case when ${UNREACHABLE_SQL} then 1 else 0 end)`.as('unreachable'),
      sql<number>`sum(ever_bad_review)`.as('bad'),
      sql<number>`sum(ever_substantiated)`.as('substantiated'),
      sql<number>`sum(case when status in (${deadlineStatuses}) and due_at < ${nowIso} then 1 else 0 end)`.as('overdue'),
    ])
    .groupBy(['channel', 'problem_type', 'level', 'status']);
  if (filter.department) q = q.where('lead_department', '=', filter.department);
  if (byDepartment) q = q.where('lead_department', 'is not', null).select('lead_department').groupBy('lead_department');
  return q.execute();
}

function accumulate(f: Figures, r: any): void {
  const n = Number(r.n);
  f.received += n;
  f.byChannel[r.channel] = (f.byChannel[r.channel] ?? 0) + n;
  if (r.problem_type) f.byProblemType[r.problem_type] = (f.byProblemType[r.problem_type] ?? 0) + n;
  if (r.level) f.byLevel[String(r.level)] = (f.byLevel[String(r.level)] ?? 0) + n;
  f.byStatus[r.status] = (f.byStatus[r.status] ?? 0) + n;
  if (r.status === 'rejected') f.rejected += n;
  if (r.status === 'merged') f.merged += n;
  f.closedUnreachable += Number(r.unreachable ?? 0);
  f.resolvedOnSpot += Number(r.on_spot ?? 0);
  f.completed += Number(r.completed ?? 0);
  f.completedOnTime += Number(r.on_time ?? 0);
  f.callbacks += Number(r.callbacks ?? 0);
  f.satisfied += Number(r.satisfied ?? 0);
  f.badReviews += Number(r.bad ?? 0);
  f.badReviewsSubstantiated += Number(r.substantiated ?? 0);
  f.overdueOpen += Number(r.overdue ?? 0);
}

export async function overviewFigures(db: Executor, filter: StatsFilter, now: Date, source: 'rollup' | 'scan' = 'rollup'): Promise<Figures> {
  const f = emptyFigures();
  if (source === 'scan') {
    for (const r of await scanRows(db, filter, now, false)) accumulate(f, r);
    for (const t of await scanEventTallies(db, filter)) if (!filter.department || t.department === filter.department) f[TALLY_FIELD[t.tally]] += 1;
    return finish(f);
  }
  const [figures, overdue] = await Promise.all([rollupFigures(db, filter, false), overdueRows(db, filter, now)]);
  const g = figures.get('') ?? f;
  g.overdueOpen = overdue.reduce((s, r) => s + Number(r.n), 0);
  return finish(g);
}

export async function departmentFigures(db: Executor, filter: StatsFilter, now: Date, source: 'rollup' | 'scan' = 'rollup'): Promise<Map<string, Figures>> {
  const out = new Map<string, Figures>();
  const get = (code: string) => {
    if (!out.has(code)) out.set(code, emptyFigures());
    return out.get(code)!;
  };
  if (source === 'scan') {
    for (const r of await scanRows(db, filter, now, true)) accumulate(get((r as any).lead_department), r);
    for (const t of await scanEventTallies(db, filter)) if (!filter.department || t.department === filter.department) get(t.department)[TALLY_FIELD[t.tally]] += 1;
  } else {
    const [figures, overdue] = await Promise.all([rollupFigures(db, filter, true), overdueRows(db, filter, now)]);
    for (const [code, f] of figures) out.set(code, f);
    for (const o of overdue) if (o.lead_department) get(o.lead_department).overdueOpen += Number(o.n);
  }
  for (const f of out.values()) finish(f);
  return out;
}

/** The figures per month of intake within [from, to] (every month listed, zeros included). */
export async function monthlyFigures(db: Executor, filter: StatsFilter): Promise<MonthFigures[]> {
  const { months, dayRanges } = bucketsFor(filter.from, filter.to);
  const out = new Map<string, MonthFigures>();
  for (const m of months) out.set(m.slice(2), emptyMonth(m.slice(2)));
  for (const [lo] of dayRanges) out.set(lo.slice(2, 9), emptyMonth(lo.slice(2, 9)));
  if (out.size) {
    let q = rollupOver(db, months, dayRanges)
      .where('dim', '=', 'total')
      .select(['bucket', ...measureSums()])
      .groupBy('bucket');
    if (filter.department) q = q.where('lead_department', '=', filter.department);
    for (const r of (await q.execute()) as any[]) {
      const month = (r.bucket as string).slice(2, 9);
      const m = out.get(month) ?? emptyMonth(month);
      m.received += Number(r.n);
      m.completed += Number(r.completed);
      m.completedOnTime += Number(r.on_time);
      m.callbacks += Number(r.callbacks);
      m.satisfied += Number(r.satisfied);
      m.badReviews += Number(r.bad);
      m.badReviewsSubstantiated += Number(r.substantiated);
      out.set(month, m);
    }
  }
  return [...out.values()]
    .sort((a, b) => a.month.localeCompare(b.month))
    .map((m) => ({ ...m, onTimeRate: m.completed ? m.completedOnTime / m.completed : null, satisfactionRate: m.callbacks ? m.satisfied / m.callbacks : null }));
}

function emptyMonth(month: string): MonthFigures {
  return { month, received: 0, completed: 0, completedOnTime: 0, onTimeRate: null, callbacks: 0, satisfied: 0, satisfactionRate: null, badReviews: 0, badReviewsSubstantiated: 0 };
}
