/**
 * Colour contrast and accessibility on the demo data (issue 11, item 5): the demo database (~300
 * cases, every role) served from web/dist, Chromium at 1366×768, each view visited as the role that
 * works there, and axe-core's WCAG 2.1 A/AA rules run on the settled page. Prints, per view, the
 * elements failing colour contrast and every serious or critical violation.
 *
 *   npm run build:web && npx tsx bench/a11y.bench.ts
 *   A11Y_VERBOSE=1 npx tsx bench/a11y.bench.ts      # the failing elements too
 *
 * Exits non-zero when any view has a serious or critical violation.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { openPreparedDatabase } from '../server/boot.js';
import { buildApp } from '../server/app.js';
import { systemClock } from '../server/context.js';
import { DEMO_PASSWORD, seedDemo } from '../server/demo/demo.js';
import { describeFindings, runAxe, type AxeReport } from '../e2e/axe.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const VERBOSE = !!process.env.A11Y_VERBOSE;

async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  for (const busy of ['.ant-skeleton', '.ant-spin-spinning', '.ant-message-notice'])
    await page.locator(busy).first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
  // Fades and chart animations end (a half-faded text would count as low contrast).
  await page.waitForTimeout(800);
}

async function main() {
  const index = path.join(ROOT, 'web', 'dist', 'index.html');
  if (!fs.existsSync(index)) throw new Error('先构建网页：npm run build:web');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcs-a11y-'));
  const handle = await openPreparedDatabase(`sqlite:${path.join(dir, 'demo.db')}`, { configuredKey: '0'.repeat(64) });
  const clock = { t: new Date(), now() { return new Date(this.t.getTime()); } };
  const t0 = Date.now();
  const { cases } = await seedDemo({ db: handle.db, kind: handle.kind, clock });
  console.log(`演示数据：${cases} 件（${((Date.now() - t0) / 1000).toFixed(1)} s）`);
  const app = await buildApp({ db: handle.db, kind: handle.kind, clock: systemClock }, { webRoot: path.join(ROOT, 'web', 'dist') });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;

  // A case the coordinator has in front of them: the newest one in progress.
  const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'coordinator', password: DEMO_PASSWORD } });
  const list = await app.inject({ method: 'GET', url: '/api/v1/cases?status=in_progress&limit=1', headers: { authorization: `Bearer ${login.json().token}` } });
  const caseId = (list.json().items ?? list.json().cases ?? list.json())[0]?.id;

  const views: Array<{ name: string; user: string | null; url: string }> = [
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
    // Every other role's own desk and view of a case.
    { name: '工作台（受理）', user: 'clerk', url: '/' },
    { name: '工作台（承办）', user: 'scjgj', url: '/' },
    { name: '台账（承办）', user: 'scjgj', url: '/cases' },
    { name: '工作台（组长）', user: 'leader', url: '/' },
    { name: '工作台（督查）', user: 'supervisor', url: '/' },
    { name: '工作台（管理）', user: 'admin', url: '/' },
  ];
  /** The first ten: the views issue 11 counted (313 elements failing contrast then). */
  const CORE = 10;

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  const results: Array<{ name: string; report: AxeReport }> = [];
  try {
    const byUser = new Map<string | null, Page>();
    for (const v of views) {
      let page = byUser.get(v.user);
      if (!page) {
        const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
        page = await context.newPage();
        if (v.user) {
          await page.goto(`${base}/login`);
          await page.getByLabel('用户名').fill(v.user);
          await page.getByLabel('密码').fill(DEMO_PASSWORD);
          await page.getByRole('button', { name: '登录' }).click();
          await page.getByTestId('current-user').waitFor();
        }
        byUser.set(v.user, page);
      }
      await page.goto(base + v.url);
      await settle(page);
      const report = await runAxe(page);
      results.push({ name: v.name, report });
      console.log(`${v.name.padEnd(14, '　')} 对比度不足 ${String(report.contrast).padStart(4)} 个元素；严重/关键问题 ${report.serious.length} 类${report.serious.length ? `（${report.serious.map((f) => `${f.id}×${f.nodes}`).join('，')}）` : ''}`);
      if (VERBOSE && report.serious.length) console.log(describeFindings(report.serious));
    }
  } finally {
    await browser.close();
    await app.close();
    await handle.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const total = (rs: typeof results) => ({
    contrast: rs.reduce((s, r) => s + r.report.contrast, 0),
    serious: rs.reduce((s, r) => s + r.report.serious.reduce((n, f) => n + f.nodes, 0), 0),
  });
  const core = total(results.slice(0, CORE));
  const all = total(results);
  console.log(`合计（前 ${CORE} 个页面）：对比度不足 ${core.contrast} 个元素，严重/关键问题 ${core.serious} 个元素`);
  console.log(`合计（全部 ${results.length} 个页面）：对比度不足 ${all.contrast} 个元素，严重/关键问题 ${all.serious} 个元素`);
  const serious = all.serious;
  if (serious > 0) process.exitCode = 1;
}

await main();
