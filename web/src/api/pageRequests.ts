/**
 * The reads a page starts with, in one place: the page asks them through its queries, and the
 * route preloader (web/src/routes/preload.ts) starts the same ones early (on a full load, or when
 * the pointer rests on a link). The same path string is what lets the page take the early answer.
 */
import { toQuery } from './client';

/** The filters of GET /cases, as kept in the 台账's URL. */
export const LEDGER_FILTER_KEYS = [
  'status',
  'level',
  'department',
  'lead',
  'problemType',
  'channel',
  'overdue',
  'pendingExtension',
  'receivedFrom',
  'receivedTo',
  'completedFrom',
  'completedTo',
  'matter',
  'dueSoon',
  'pendingContest',
  'pendingSupervision',
  'phoneDue',
  'stageOverdue',
  'phone',
  'q',
  'externalRef',
] as const;
export type LedgerFilterKey = (typeof LEDGER_FILTER_KEYS)[number];
export const LEDGER_PAGE_SIZE = 50;

export function readLedgerFilters(sp: URLSearchParams): Partial<Record<LedgerFilterKey, string>> {
  const out: Partial<Record<LedgerFilterKey, string>> = {};
  for (const k of LEDGER_FILTER_KEYS) {
    const v = sp.get(k);
    if (v) out[k] = v;
  }
  return out;
}

/** `sort=due`: earliest deadline first; otherwise newest intake first. */
export function readLedgerSort(sp: URLSearchParams): 'due' | undefined {
  return sp.get('sort') === 'due' ? 'due' : undefined;
}

/** One page of the 台账. */
export function ledgerPath(filters: Partial<Record<LedgerFilterKey, string>>, sort: 'due' | undefined, cursor: string | null): string {
  return `/cases${toQuery({ ...filters, sort, limit: LEDGER_PAGE_SIZE, cursor })}`;
}

/** A short list of the 工作台 (`query` without the leading `?`). */
export function dashboardListPath(query: string, limit: number): string {
  return `/cases?${query}${query ? '&' : ''}limit=${limit}`;
}
/** Rows a 工作台 card shows. */
export const DASHBOARD_SHOWN = 8;
/** The to-do kind of co-departments' parts (no list of its own on the 工作台). */
export const DASHBOARD_CO_KIND = 'co_handling';
export const DASHBOARD_TODO_PATH = '/cases/todo';
export const DASHBOARD_ACTIVITY_PATH = '/activity?limit=10';
export const DASHBOARD_STAGE_OVERDUE_QUERY = 'stageOverdue=true';

export function casePath(id: string): string {
  return `/cases/${encodeURIComponent(id)}`;
}

export interface StatsPeriod {
  from: string;
  to: string;
  department?: string;
}
export function statsPaths(period: StatsPeriod): { overview: string; monthly: string; departments: string } {
  const q = toQuery({ from: period.from, to: period.to, department: period.department });
  return { overview: `/stats/overview${q}`, monthly: `/stats/monthly${q}`, departments: `/stats/departments${q}` };
}
