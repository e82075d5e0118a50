/**
 * The views axe-core checks (issue 11, item 5), each as the role that works there, and the run over
 * them: bench/a11y.bench.ts (all sixteen, on a fresh demo database) and bench/work-speed.bench.ts
 * (the ten of the issue, on the demo data and at 1,000,000 cases).
 */
import type { Browser, Page } from 'playwright-core';
import type { Executor } from '../server/db/database.js';
import { putSettings } from '../server/settings/settings.repository.js';
import { runAxe, type AxeReport } from '../e2e/axe.js';
import { benchContext, signIn } from './page-timing.js';

export interface View {
  name: string;
  user: string | null;
  url: string;
}

/** The first ten are the views issue 11 counted (313 elements failing contrast then); then every other role's desk. */
export function a11yViews(caseId: number): View[] {
  return [
    { name: '登录', user: null, url: '/login' },
    { name: '工作台（协调）', user: 'coordinator', url: '/' },
    { name: '台账', user: 'coordinator', url: '/cases' },
    { name: '反映件', user: 'coordinator', url: `/cases/${caseId}` },
    { name: '统计分析', user: 'coordinator', url: '/stats' },
    { name: '部门考核', user: 'leader', url: '/assessment' },
    { name: '登记', user: 'clerk', url: '/intake' },
    { name: '审计日志', user: 'admin', url: '/audit' },
    { name: '系统设置', user: 'admin', url: '/admin/settings' },
    { name: '群众反映（公开页）', user: null, url: '/public/report' },
    { name: '工作台（受理）', user: 'clerk', url: '/' },
    { name: '工作台（承办）', user: 'scjgj', url: '/' },
    { name: '台账（承办）', user: 'scjgj', url: '/cases' },
    { name: '工作台（组长）', user: 'leader', url: '/' },
    { name: '工作台（督查）', user: 'supervisor', url: '/' },
    { name: '工作台（管理）', user: 'admin', url: '/' },
  ];
}
export const ISSUE_VIEWS = 10;

/**
 * The demo's administrators must enrol a second factor (动态口令) before their first page; the
 * contrast run visits their views without one. Only ever on a database of its own (a copy).
 */
export async function withoutSecondFactor(db: Executor): Promise<void> {
  await putSettings(db, { totpRequiredRoles: [] }, new Date().toISOString());
}

async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  for (const busy of ['.ant-skeleton', '.ant-spin-spinning', '.ant-message-notice'])
    await page.locator(busy).first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
  // Fades and chart animations end (a half-faded text would count as low contrast).
  await page.waitForTimeout(800);
}

/** Visits each view at 1366×768 signed in as its demo account and runs axe-core's WCAG 2.1 A/AA rules on the settled page. */
export async function axeViews(browser: Browser, base: string, views: View[], onView?: (name: string, report: AxeReport) => void): Promise<Array<{ name: string; report: AxeReport }>> {
  const results: Array<{ name: string; report: AxeReport }> = [];
  const byUser = new Map<string | null, Page>();
  try {
    for (const v of views) {
      let page = byUser.get(v.user);
      if (!page) {
        const context = await benchContext(browser, { timed: false });
        page = await context.newPage();
        if (v.user) {
          await signIn(page, base, v.user).catch(async (e: unknown) => {
            throw new Error(`${v.user} 登录后没有进入应用（${page!.url()}）：${(await page!.locator('body').innerText()).slice(0, 300)}`, { cause: e });
          });
        }
        byUser.set(v.user, page);
      }
      await page.goto(base + v.url);
      await settle(page);
      const report = await runAxe(page);
      results.push({ name: v.name, report });
      onView?.(v.name, report);
    }
  } finally {
    for (const p of byUser.values()) await p.context().close();
  }
  return results;
}

/** Elements failing colour contrast, and elements of serious or critical violations, over `results`. */
export function axeTotals(results: Array<{ report: AxeReport }>): { contrast: number; serious: number } {
  return {
    contrast: results.reduce((s, r) => s + r.report.contrast, 0),
    serious: results.reduce((s, r) => s + r.report.serious.reduce((n, f) => n + f.nodes, 0), 0),
  };
}
