/**
 * Page times in the browser (issue 11, item 4): the built web app (web/dist) served by the real
 * server on a prepared SQLite database, driven by Debian's Chromium at 1366×768, signed in as the
 * demo coordinator. For 工作台 / 台账 / a case page / 统计分析 it measures
 *
 *   full load  navigation start → the page's main data painted (a data-testid that only appears with
 *              data, seen by a MutationObserver, timed at the next animation frame), with the HTTP
 *              cache warm (the hashed assets cached, as on a clerk's PC every morning) and cold (a
 *              fresh browser profile carrying only the session cookie);
 *   in-app     a click on a menu entry or link → the next page's main data painted; the pointer
 *              rests on the link for 100 ms first, as a person's does before clicking.
 *
 * and prints the median of BENCH_RUNS (default 7) runs for each, on the demo data (`npm run demo`'s
 * ~320 cases, generated through the services) and on 1,000,000 cases (the demo data plus the bulk
 * rows of bench/bulk-cases.ts, which loop-lists.bench.ts uses too). The databases are cached under
 * bench/out/pages/ (gitignored): the 1M one takes a few minutes the first time only.
 *
 *   npm run build:web && npx tsx bench/pages.bench.ts
 *   BENCH_CASES=0 npx tsx bench/pages.bench.ts              # demo data only
 *   BENCH_WEB_ROOT=/path/to/other/dist npx tsx bench/pages.bench.ts
 *   BENCH_RUNS=9 npx tsx bench/pages.bench.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildApp } from '../server/app.js';
import { openPreparedDatabase } from '../server/boot.js';
import { systemClock } from '../server/context.js';
import { DEMO_PASSWORD, seedDemo } from '../server/demo/demo.js';
import { generateSqlite, type BulkOptions } from './bulk-cases.js';
import { median, OBSERVER, PAGES, seenAt } from './page-timing.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'bench', 'out', 'pages');
const N = Number(process.env.BENCH_CASES ?? 1_000_000);
const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 7));
const WEB_ROOT = process.env.BENCH_WEB_ROOT ?? path.join(ROOT, 'web', 'dist');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const USER = 'coordinator';

type PageKey = (typeof PAGES)[number]['key'];

// ---------------------------------------------------------------------------------------------
// Databases
// ---------------------------------------------------------------------------------------------

function movableClock() {
  return {
    t: new Date(),
    now() {
      return new Date(this.t.getTime());
    },
  };
}

/** The demo data (accounts, departments, ~320 cases through the services) in a fresh SQLite file. */
async function seedDemoFile(file: string): Promise<void> {
  const h = await openPreparedDatabase(`sqlite:${file}`);
  try {
    await seedDemo({ db: h.db, kind: h.kind, clock: movableClock() });
  } finally {
    await h.close();
  }
}

/** The prepared database file for a data set, generated on first use (the demo one again each day, its dates follow today). */
async function prepare(cases: number): Promise<string> {
  const day = new Date().toISOString().slice(0, 10);
  const dir = path.join(OUT, cases === 0 ? `demo-${day}` : `bulk-${cases}`);
  const file = path.join(dir, 'bench.db');
  if (fs.existsSync(path.join(dir, 'ready'))) return file;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const t = performance.now();
  await seedDemoFile(file);
  if (cases > 0) {
    // The bulk rows end yesterday, filed under a case number year no intake uses.
    const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
    const bulk: BulkOptions = { n: cases, start: today - 1096 * 86400_000, days: 1096, year: 1999 };
    // The key file beside the database is set by the open above: keep it set while generating.
    const h = await openPreparedDatabase(`sqlite:${file}`);
    try {
      generateSqlite(file, bulk);
    } finally {
      await h.close();
    }
  }
  fs.writeFileSync(path.join(dir, 'ready'), '');
  console.log(`  prepared ${path.relative(ROOT, file)} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return file;
}

// ---------------------------------------------------------------------------------------------
// One data set
// ---------------------------------------------------------------------------------------------

interface Result {
  full: Record<PageKey, number>;
  cold: Record<PageKey, number>;
  moves: Array<{ label: string; ms: number }>;
  cases: number;
}

async function newContext(browser: Browser, storageState?: Awaited<ReturnType<BrowserContext['storageState']>>): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', storageState });
  await context.addInitScript(OBSERVER);
  return context;
}

async function measure(browser: Browser, file: string): Promise<Result> {
  const h = await openPreparedDatabase(`sqlite:${file}`);
  const app = await buildApp({ db: h.db, kind: h.kind, clock: systemClock }, { webRoot: WEB_ROOT, loginPerMinute: 10_000 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const cases = Number((await h.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  // A demo case with a full timeline (dispatched, signed, measures): the newest one in handling.
  const pick = await h.db.selectFrom('cases').select('id').where('status', '=', 'in_progress').where('created_by', '!=', 'bench').orderBy('id', 'desc').executeTakeFirstOrThrow();
  const url = (p: (typeof PAGES)[number]) => base + p.path.replace(':id', String(pick.id));
  try {
    // Sign in through the login page once; the session (cookie + the app's storage) is reused.
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    await page.getByLabel('用户名').fill(USER);
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('current-user').waitFor({ timeout: 30_000 });
    await page.waitForSelector(PAGES[0].ready, { timeout: 30_000 });
    const session = await context.storageState();

    const full = {} as Record<PageKey, number>;
    const cold = {} as Record<PageKey, number>;
    for (const p of PAGES) {
      // Warm: the same profile, the assets in its HTTP cache (one load first to fill it).
      await page.goto(url(p));
      await seenAt(page, p.ready);
      const xs: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        await page.goto(url(p));
        xs.push(await seenAt(page, p.ready));
      }
      full[p.key] = median(xs);
      // Cold: a new profile holding only the session.
      const ys: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const c = await newContext(browser, session);
        const pg = await c.newPage();
        await pg.goto(url(p));
        ys.push(await seenAt(pg, p.ready));
        await c.close();
      }
      cold[p.key] = median(ys);
    }

    // In the app: 工作台 → 台账 (menu) → a case (its link in the ledger) → 统计分析 (menu) → 工作台 (menu).
    const menuLink = (label: string) => page.locator('.ant-layout-sider .ant-menu-root a', { hasText: label }).first();
    const steps: Array<{ label: string; link: () => ReturnType<typeof menuLink>; ready: string }> = [
      { label: '工作台 → 台账', link: () => menuLink('台账'), ready: PAGES[1].ready },
      { label: '台账 → 反映件', link: () => page.locator('[data-testid="ledger-table"] .ant-table-row a[href^="/cases/"]').first(), ready: PAGES[2].ready },
      { label: '反映件 → 统计分析', link: () => menuLink('统计分析'), ready: PAGES[3].ready },
      { label: '统计分析 → 工作台', link: () => menuLink('工作台'), ready: PAGES[0].ready },
    ];
    const moveTimes = steps.map(() => [] as number[]);
    for (let i = 0; i < RUNS; i++) {
      await page.goto(url(PAGES[0]));
      await seenAt(page, PAGES[0].ready);
      for (const [k, s] of steps.entries()) {
        const link = s.link();
        await link.hover();
        await page.waitForTimeout(100);
        // Forget the target's mark, then click and note the click's moment in the page.
        const t0 = await link.evaluate((el: { click(): void }, sel: string) => {
          const w = globalThis as unknown as { __bcsSeen: Record<string, number> };
          delete w.__bcsSeen[sel];
          const t = performance.now();
          el.click();
          return t;
        }, s.ready);
        try {
          moveTimes[k]!.push((await seenAt(page, s.ready)) - t0);
        } catch (e) {
          throw new Error(`${s.label}: ${s.ready} not seen (at ${page.url()})`, { cause: e });
        }
      }
    }
    await context.close();
    return { full, cold, moves: steps.map((s, k) => ({ label: s.label, ms: median(moveTimes[k]!) })), cases };
  } finally {
    await app.close();
    await h.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

/**
 * The "before" column: this bench run on 52acec6 (the code before issue 11's page work, its own
 * web build) on 2026-12-06 06:18–06:24 UTC on this 2-core machine (load average 1–4), run right
 * before the "now" numbers in the README, median of 5. Override with BENCH_BASELINE_<SET>='full w/w/w/w;cold c/c/c/c;moves m/m/m/m'
 * (each run prints its own line in that form).
 */
const BASELINE: Record<string, string> = {
  demo: '1074/1170/857/843;1783/2486/1781/1866;727/268/318/459',
  bulk: '1380/1161/858/785;1869/1972/1664/2193;441/201/290/307',
};
function baseline(set: string): { full?: number[]; cold?: number[]; moves?: number[] } {
  const raw = process.env[`BENCH_BASELINE_${set.toUpperCase()}`] ?? BASELINE[set];
  if (!raw) return {};
  const [full, cold, moves] = raw.split(';').map((x) => x.split('/').map(Number));
  return { full, cold, moves };
}

/** Pads to a display width (a Chinese character takes two columns). */
const pad = (s: string, w: number) => s + ' '.repeat(Math.max(1, w - [...s].reduce((n, ch) => n + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0)));
const fmt = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '—' : `${Math.round(x)} ms`);

if (!fs.existsSync(path.join(WEB_ROOT, 'index.html'))) {
  console.error(`no web build in ${WEB_ROOT}: run npm run build:web first`);
  process.exit(1);
}
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const sets: Array<{ name: string; cases: number }> = [{ name: 'demo', cases: 0 }];
  if (N > 0) sets.push({ name: 'bulk', cases: N });
  for (const set of sets) {
    const file = await prepare(set.cases);
    const r = await measure(browser, file);
    const b = baseline(set.name);
    console.log(`\n== ${set.name === 'demo' ? 'demo data' : `${set.cases.toLocaleString()} bulk cases + demo data`} (SQLite, ${r.cases.toLocaleString()} cases), ${USER}, Chromium 1366×768, median of ${RUNS}`);
    console.log(`  ${pad('page', 12)} ${'full load, warm cache'.padEnd(30)} ${'full load, cold cache'.padEnd(30)}`);
    console.log(`  ${''.padEnd(12)} ${'before'.padStart(8)} ${'now'.padStart(8)} ${'aim'.padStart(8)}     ${'before'.padStart(8)} ${'now'.padStart(8)} ${'aim'.padStart(8)}`);
    PAGES.forEach((p, k) =>
      console.log(`  ${pad(p.label, 12)} ${fmt(b.full?.[k]).padStart(8)} ${fmt(r.full[p.key]).padStart(8)} ${'300 ms'.padStart(8)}     ${fmt(b.cold?.[k]).padStart(8)} ${fmt(r.cold[p.key]).padStart(8)} ${'300 ms'.padStart(8)}`),
    );
    console.log(`  ${pad('in the app', 20)} ${'before'.padStart(8)} ${'now'.padStart(8)} ${'aim'.padStart(8)}`);
    r.moves.forEach((m, k) => console.log(`  ${pad(m.label, 20)} ${fmt(b.moves?.[k]).padStart(8)} ${fmt(m.ms).padStart(8)} ${'150 ms'.padStart(8)}`));
    console.log(
      `  raw: BENCH_BASELINE_${set.name.toUpperCase()}='${PAGES.map((p) => Math.round(r.full[p.key])).join('/')};${PAGES.map((p) => Math.round(r.cold[p.key])).join('/')};${r.moves.map((m) => Math.round(m.ms)).join('/')}'`,
    );
  }
} finally {
  await browser.close();
}
