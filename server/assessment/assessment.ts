/**
 * Department assessment (部门考核) for a period: the statistics per lead department, plus 通报
 * and substantiated 差评 counts, and a score from a transparent formula whose weights are settings.
 *
 *   score = 100 × Σ wᵢ·rᵢ / Σ wᵢ  (over the rates that exist: onTimeRate, satisfactionRate,
 *           1 − badReviews / callbacks) − penaltyPerCirculation × 通报 − penaltyPerSubstantiated ×
 *           差评属实, clipped to [0, 100], one decimal.
 * Departments with fewer cases than `minSample` are listed but not ranked (样本不足).
 *
 * The loop's department figures (issue 10: contests upheld and rejected, re-dispatches, 重办,
 * co-parts missing at completion) are listed beside the score but do not change it: an upheld
 * contest is a justified return and must never cost points; the others are shown for the
 * assessors to weigh, so the formula stays the settings' one (a deliberate, setting-free choice).
 */
import type { Executor } from '../db/database.js';
import { departmentFigures, emptyFigures, type Figures } from '../stats/stats.repository.js';
import type { Settings } from '../settings/settings.repository.js';
import { listDepartments } from '../users/user.repository.js';
import { sql } from 'kysely';

export interface AssessmentRow extends Figures {
  department: string;
  name: string;
  circulations: number;
  referrals: number;
  supervisions: number;
  badReviewRate: number | null;
  score: number | null;
  rank: number | null;
  ranked: boolean;
  note: string | null;
}

export type AssessmentSettings = Settings['assessment'];

/** The score of one department (pure). */
export function scoreOf(f: Pick<Figures, 'onTimeRate' | 'satisfactionRate' | 'callbacks' | 'badReviews' | 'badReviewsSubstantiated'>, circulations: number, s: AssessmentSettings): number | null {
  const badReviewRate = f.callbacks ? f.badReviews / f.callbacks : null;
  const parts: Array<[number, number | null]> = [
    [s.weights.onTime, f.onTimeRate],
    [s.weights.satisfaction, f.satisfactionRate],
    [s.weights.noBadReview, badReviewRate === null ? null : 1 - badReviewRate],
  ];
  const present = parts.filter(([, r]) => r !== null) as Array<[number, number]>;
  const weight = present.reduce((a, [w]) => a + w, 0);
  if (weight === 0) return null;
  const base = (100 * present.reduce((a, [w, r]) => a + w * r, 0)) / weight;
  const score = base - s.penaltyPerCirculation * circulations - s.penaltyPerSubstantiated * f.badReviewsSubstantiated;
  return Math.round(Math.min(100, Math.max(0, score)) * 10) / 10;
}

export async function assessDepartments(db: Executor, period: { from: string; to: string }, now: Date, s: AssessmentSettings): Promise<AssessmentRow[]> {
  const [figures, depts, records] = await Promise.all([
    departmentFigures(db, period, now),
    listDepartments(db),
    db
      .selectFrom('supervision_records')
      .select(['department_code', 'kind', sql<number>`count(*)`.as('n')])
      .where('at_date', '>=', period.from)
      .where('at_date', '<=', period.to)
      .groupBy(['department_code', 'kind'])
      .execute(),
  ]);
  const count = (code: string, kind: string) => Number(records.find((r) => r.department_code === code && r.kind === kind)?.n ?? 0);
  const codes = new Set([...figures.keys(), ...records.map((r) => r.department_code).filter((c): c is string => !!c)]);
  const names = new Map(depts.map((d) => [d.code, d.name]));
  const rows: AssessmentRow[] = [...codes].map((code) => {
    const f = figures.get(code) ?? emptyFigures();
    const circulations = count(code, 'circulate');
    const ranked = f.received >= s.minSample;
    return {
      department: code,
      name: names.get(code) ?? code,
      ...f,
      circulations,
      referrals: count(code, 'referral'),
      supervisions: count(code, 'supervise'),
      badReviewRate: f.callbacks ? f.badReviews / f.callbacks : null,
      score: scoreOf(f, circulations, s),
      rank: null,
      ranked,
      note: ranked ? null : `样本不足（少于 ${s.minSample} 件），不参与排名`,
    };
  });
  const rankable = rows.filter((r) => r.ranked && r.score !== null).sort((a, b) => b.score! - a.score! || a.department.localeCompare(b.department));
  let rank = 0;
  let prev: number | null = null;
  rankable.forEach((r, i) => {
    if (r.score !== prev) rank = i + 1;
    r.rank = rank;
    prev = r.score;
  });
  return rows.sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9) || a.department.localeCompare(b.department));
}
