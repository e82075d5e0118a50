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
  /** 已并件: repeats merged into a main case (status merged). */
  merged: number;
  /** 无法回访办结: closed after unanswered callbacks (no callback, in no satisfaction figure). */
  closedUnreachable: number;
  /** 派单异议成立 (the contesting department's justified returns; do not count against it). */
  contestsUpheld: number;
  /** 派单异议不成立 (the contesting department's unfounded contests; count against it). */
  contestsRejected: number;
  /** 被改派: cases taken from this department by a re-dispatch. */
  redispatched: number;
  /** 重办: closed cases reopened while this department led them. */
  reopened: number;
  /** 协办未回复: completions at which this co-department had not given its part. */
  coPartsMissing: number;
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
