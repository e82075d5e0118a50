/**
 * Loading a page before it is shown: its code (the lazy chunks of the shell and the page) and its
 * first reads (web/src/api/early.ts), started together — on a full load as soon as the app's first
 * script runs, and when the pointer rests on (or the keyboard focuses) a link to it. The page's
 * queries then take the answers already on their way.
 */
import { useEffect } from 'react';
import { earlyGet } from '../api/early';
import { toQuery } from '../api/client';
import {
  casePath,
  DASHBOARD_ACTIVITY_PATH,
  DASHBOARD_CO_KIND,
  DASHBOARD_SHOWN,
  DASHBOARD_STAGE_OVERDUE_QUERY,
  DASHBOARD_TODO_PATH,
  dashboardListPath,
  ledgerPath,
  readLedgerFilters,
  readLedgerSort,
  statsPaths,
} from '../api/pageRequests';
import type { SessionUser } from '../api/types';
import { can } from '../../../core/permissions';
import { filterQueryString, todoKindsFor } from '../../../core/todo';
import { readScope } from '../lib/ledgerLinks';
import { shanghaiToday } from '../lib/time';
import { assessmentPage, auditPage, casePage, dashboardPage, intakePage, ledgerPage, shellPage, statsPage } from './pages';

interface RoutePlan {
  /** Matches a path name; answers the route's parameter (or '' for none), null for no match. */
  match(pathname: string): string | null;
  code(): Promise<void>;
  data?(param: string, sp: URLSearchParams, user: SessionUser): void;
}

const exact = (p: string) => (pathname: string) => (pathname === p ? '' : null);

/**
 * The 工作台's reads, all at once: the to-do counts, the list behind each to-do kind of the role
 * (core/todo.ts names them as the server does — a kind with nothing to do answers an empty list),
 * the overdue and due-soon lists, the stage-clock list and the activity.
 */
function dashboardData(user: SessionUser): void {
  void earlyGet(DASHBOARD_TODO_PATH);
  for (const k of todoKindsFor(user.role, user.department)) {
    if (k.kind !== DASHBOARD_CO_KIND) void earlyGet(dashboardListPath(filterQueryString(k.filters), DASHBOARD_SHOWN));
  }
  if (can(user.role, 'watchDeadlines')) {
    const mine = user.role === 'handler' ? { lead: user.department ?? '' } : {};
    const mineQuery = user.role === 'handler' && user.department ? toQuery({ lead: user.department }).slice(1) : '';
    void earlyGet(dashboardListPath(`${filterQueryString({ ...mine, overdue: true })}&sort=due`, DASHBOARD_SHOWN));
    void earlyGet(dashboardListPath(`dueSoon=true${mineQuery ? `&${mineQuery}` : ''}&sort=due`, 50));
  }
  if (can(user.role, 'watchStageClocks')) void earlyGet(dashboardListPath(DASHBOARD_STAGE_OVERDUE_QUERY, 50));
  void earlyGet(DASHBOARD_ACTIVITY_PATH);
}

const ROUTES: RoutePlan[] = [
  { match: exact('/'), code: dashboardPage.load, data: (_p, _sp, user) => dashboardData(user) },
  { match: exact('/cases'), code: ledgerPage.load, data: (_p, sp) => void earlyGet(ledgerPath(readLedgerFilters(sp), readLedgerSort(sp), null)) },
  {
    match: (p) => /^\/cases\/(\d{1,12})$/.exec(p)?.[1] ?? null,
    code: casePage.load,
    data: (id) => void earlyGet(casePath(id)),
  },
  {
    match: exact('/stats'),
    code: statsPage.load,
    data: (_p, sp, user) => {
      if (!can(user.role, 'readStats')) return;
      const scope = readScope(sp, shanghaiToday());
      const period = user.role === 'handler' ? { ...scope, department: user.department ?? undefined } : scope;
      for (const path of Object.values(statsPaths(period))) void earlyGet(path);
    },
  },
  { match: exact('/intake'), code: intakePage.load },
  { match: exact('/assessment'), code: assessmentPage.load },
  { match: exact('/audit'), code: auditPage.load },
];

const recent = new Map<string, number>();

/**
 * Starts loading the page at `pathname?search` for `user`: the shell's and the page's code, and the
 * page's first reads. Asking again for the same address within a second does nothing. Resolves when
 * the code is here (also when it failed: the route then shows its own error).
 */
export function preloadRoute(pathname: string, search: string, user: SessionUser, now = Date.now()): Promise<void> {
  const key = `${pathname}?${search}`;
  if (now - (recent.get(key) ?? -Infinity) < 1000) return Promise.resolve();
  recent.set(key, now);
  const code: Promise<unknown>[] = [shellPage.load()];
  for (const r of ROUTES) {
    const param = r.match(pathname);
    if (param === null) continue;
    code.push(r.code());
    r.data?.(param, new URLSearchParams(search), user);
    break;
  }
  return Promise.all(code.map((c) => c.catch(() => undefined))).then(() => undefined);
}

/** The app's own link under an event's target, if any (not the API, not a download, not another window). */
export function linkTarget(target: EventTarget | null): URL | null {
  const a = target instanceof Element ? target.closest('a[href]') : null;
  if (!(a instanceof HTMLAnchorElement) || a.target === '_blank' || a.hasAttribute('download')) return null;
  const url = new URL(a.href, window.location.href);
  if (url.origin !== window.location.origin || url.pathname.startsWith('/api/')) return null;
  return url;
}

/** While mounted: a link the pointer rests on or the keyboard focuses preloads its page. */
export function usePreloadOnHover(user: SessionUser): void {
  useEffect(() => {
    const onHover = (e: Event) => {
      const url = linkTarget(e.target);
      if (url) preloadRoute(url.pathname, url.search, user);
    };
    document.addEventListener('pointerover', onHover, { capture: true, passive: true });
    document.addEventListener('focusin', onHover, { capture: true, passive: true });
    return () => {
      document.removeEventListener('pointerover', onHover, { capture: true });
      document.removeEventListener('focusin', onHover, { capture: true });
    };
  }, [user]);
}
