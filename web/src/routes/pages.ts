/**
 * The pages a full load or a hover preloads (web/src/routes/preload.ts), as `preloadable`s shared
 * with the routes that show them (App.tsx, pages/AppShell.tsx): the code preloaded is the code the
 * route renders, without suspending.
 */
import { preloadable } from './preloadable';

export const shellPage = preloadable(() => import('../pages/AppShell'));
export const dashboardPage = preloadable(() => import('../pages/DashboardPage'));
export const ledgerPage = preloadable(() => import('../pages/LedgerPage'));
export const casePage = preloadable(() => import('../pages/CaseDetailPage'));
export const statsPage = preloadable(() => import('../pages/StatsPage'));
export const intakePage = preloadable(() => import('../pages/IntakePage'));
export const assessmentPage = preloadable(() => import('../pages/AssessmentPage'));
export const auditPage = preloadable(() => import('../pages/AuditPage'));
