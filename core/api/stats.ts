/**
 * Response shapes of the statistics API (docs/CONTRACT.md §Statistics): the server computes them, the web
 * app reads them. Definitions of every field: `core/stats-definitions.ts`.
 */

/** GET /stats/overview (and each row of /stats/departments). */
export interface StatsFigures {
  received: number;
  byChannel: Record<string, number>;
  byProblemType: Record<string, number>;
  byLevel: Record<string, number>;
  byStatus: Record<string, number>;
  resolvedOnSpot: number;
  rejected: number;
  completed: number;
  completedOnTime: number;
  /** completedOnTime / completed; null when completed = 0. */
  onTimeRate: number | null;
  callbacks: number;
  satisfied: number;
  /** satisfied / callbacks; null when callbacks = 0. */
  satisfactionRate: number | null;
  badReviews: number;
  badReviewsSubstantiated: number;
  overdueOpen: number;
}

/** One row of GET /stats/monthly: a month of intake (overdueOpen is not per month). */
export interface MonthFigures {
  /** YYYY-MM (Asia/Shanghai month of intake). */
  month: string;
  received: number;
  completed: number;
  completedOnTime: number;
  onTimeRate: number | null;
  callbacks: number;
  satisfied: number;
  satisfactionRate: number | null;
  badReviews: number;
  badReviewsSubstantiated: number;
}
