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
import { chromium } from 'playwright-core';
import { openPreparedDatabase } from '../server/boot.js';
import { buildApp } from '../server/app.js';
import { systemClock } from '../server/context.js';
import { DEMO_PASSWORD, seedDemo } from '../server/demo/demo.js';
import { describeFindings } from '../e2e/axe.js';
import { a11yViews, axeTotals, axeViews, ISSUE_VIEWS, withoutSecondFactor } from './a11y-views.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const VERBOSE = !!process.env.A11Y_VERBOSE;

async function main() {
  const index = path.join(ROOT, 'web', 'dist', 'index.html');
  if (!fs.existsSync(index)) throw new Error('先构建网页：npm run build:web');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcs-a11y-'));
  const handle = await openPreparedDatabase(`sqlite:${path.join(dir, 'demo.db')}`, { configuredKey: '0'.repeat(64) });
  const clock = { t: new Date(), now() { return new Date(this.t.getTime()); } };
  const t0 = Date.now();
  const { cases } = await seedDemo({ db: handle.db, kind: handle.kind, clock });
  await withoutSecondFactor(handle.db);
  console.log(`演示数据：${cases} 件（${((Date.now() - t0) / 1000).toFixed(1)} s）`);
  const app = await buildApp({ db: handle.db, kind: handle.kind, clock: systemClock }, { webRoot: path.join(ROOT, 'web', 'dist') });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;

  // A case the coordinator has in front of them: the newest one in progress.
  const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'coordinator', password: DEMO_PASSWORD } });
  const list = await app.inject({ method: 'GET', url: '/api/v1/cases?status=in_progress&limit=1', headers: { authorization: `Bearer ${login.json().token}` } });
  const caseId = (list.json().items ?? list.json().cases ?? list.json())[0]?.id;

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  let results: Awaited<ReturnType<typeof axeViews>>;
  try {
    results = await axeViews(browser, base, a11yViews(caseId), (name, report) => {
      console.log(`${name.padEnd(14, '　')} 对比度不足 ${String(report.contrast).padStart(4)} 个元素；严重/关键问题 ${report.serious.length} 类${report.serious.length ? `（${report.serious.map((f) => `${f.id}×${f.nodes}`).join('，')}）` : ''}`);
      if (VERBOSE && report.serious.length) console.log(describeFindings(report.serious));
    });
  } finally {
    await browser.close();
    await app.close();
    await handle.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const core = axeTotals(results.slice(0, ISSUE_VIEWS));
  const all = axeTotals(results);
  console.log(`合计（前 ${ISSUE_VIEWS} 个页面）：对比度不足 ${core.contrast} 个元素，严重/关键问题 ${core.serious} 个元素`);
  console.log(`合计（全部 ${results.length} 个页面）：对比度不足 ${all.contrast} 个元素，严重/关键问题 ${all.serious} 个元素`);
  const serious = all.serious;
  if (serious > 0) process.exitCode = 1;
}

await main();
