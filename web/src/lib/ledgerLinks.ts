/**
 * Links from a figure to the 台账 rows behind it. Statistics count cases *received* in a period
 * (Asia/Shanghai dates) and filter by *lead* department, so every link carries
 * `receivedFrom`/`receivedTo` and `lead` — the ledger then lists exactly the cases counted.
 */
import { toQuery } from '../api/client';

export interface StatsScope {
  from: string;
  to: string;
  /** Lead department code (the statistics' `department=`). */
  department?: string;
}

/** `/cases?receivedFrom=…&receivedTo=…[&lead=…]&…extra`. */
export function ledgerUrl(scope: StatsScope, extra: Record<string, string | undefined> = {}): string {
  return `/cases${toQuery({ receivedFrom: scope.from, receivedTo: scope.to, lead: scope.department, ...extra })}`;
}

/** The days of month `YYYY-MM` that lie inside the period, or null when none do. */
export function monthWithin(month: string, scope: StatsScope): { from: string; to: string } | null {
  if (!/^\d{4}-\d{2}$/.test(month)) return null;
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const start = `${month}-01`;
  const end = `${month}-${String(last).padStart(2, '0')}`;
  const from = start < scope.from ? scope.from : start;
  const to = end > scope.to ? scope.to : end;
  return from <= to ? { from, to } : null;
}

/** The ledger of the cases received in one month of the period. */
export function monthLedgerUrl(month: string, scope: StatsScope): string | null {
  const r = monthWithin(month, scope);
  return r ? ledgerUrl({ ...scope, from: r.from, to: r.to }) : null;
}

/** Every month `YYYY-MM` from the period's first to its last, so months without cases show as 0. */
export function monthsOf(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.slice(0, 7).split('-').map(Number) as [number, number];
  const end = to.slice(0, 7);
  for (let i = 0; i < 240; i++) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    if (key > end) break;
    out.push(key);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

const YMD = /^\d{4}-\d{2}-\d{2}$/;

/** The period (`from`, `to`) and department of a page's URL; this year up to `today` by default. */
export function readScope(sp: URLSearchParams, today: string): StatsScope {
  const from = sp.get('from') ?? '';
  const to = sp.get('to') ?? '';
  const ok = YMD.test(from) && YMD.test(to) && from <= to;
  return {
    from: ok ? from : `${today.slice(0, 4)}-01-01`,
    to: ok ? to : today,
    department: sp.get('department') || undefined,
  };
}

/** The five problem types as the plan says them in short (不敢办 …). */
export const SHORT_TYPE: Record<string, string> = {
  materials: '不敢办',
  rigid_policy: '不愿办',
  unable: '不会办',
  complex: '不好办',
  misconduct: '不给办',
};
