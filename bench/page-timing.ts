/**
 * What the page benches share: the four pages, the in-page observer that times when each page's main
 * data first shows and the wait for it (pages.bench.ts, pages-ab.ts), a signed-in browser on the
 * built app (trace-page.ts, profile-page.ts), the data sets, the server on one of them and the
 * measurement of the four pages (pages.bench.ts, work-speed.bench.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { buildApp } from '../server/app.js';
import { openPreparedDatabase } from '../server/boot.js';
import { systemClock } from '../server/context.js';
import { DEMO_PASSWORD, seedDemo } from '../server/demo/demo.js';
import { generateSqlite, type BulkOptions } from './bulk-cases.js';

/** The four pages and what shows that their main data is on screen. */
export const PAGES = [
  { key: 'dashboard', label: '工作台', path: '/', ready: '[data-testid="todo-list"] .ant-list-item' },
  { key: 'ledger', label: '台账', path: '/cases', ready: '[data-testid="ledger-table"] .ant-table-row' },
  { key: 'case', label: '反映件', path: '/cases/:id', ready: '[data-testid="timeline"]' },
  { key: 'stats', label: '统计分析', path: '/stats', ready: '[data-testid="stats-figures"]' },
] as const;

/**
 * Runs in the page before its scripts: records when each selector first shows (at the animation
 * frame after the DOM mutation that added it) in window.__bcsSeen, relative to navigation start.
 */
export const OBSERVER = `(() => {
  const selectors = ${JSON.stringify(PAGES.map((p) => p.ready))};
  window.__bcsSeen = {};
  const check = () => {
    for (const s of selectors) {
      if (window.__bcsSeen[s] === undefined && document.querySelector(s)) {
        window.__bcsSeen[s] = -1;
        requestAnimationFrame(() => { window.__bcsSeen[s] = performance.now(); });
      }
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
})();`;

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Signs a demo account in through the login page and waits for the app's shell. */
export async function signIn(page: Page, base: string, username: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByTestId('current-user').waitFor({ timeout: 30_000 });
}

/** The four moves inside the app: 工作台 → 台账 (menu) → a case (its link in the ledger) → 统计分析 (menu) → 工作台 (menu). */
export function inAppSteps(page: Page) {
  const menuLink = (label: string) => page.locator('.ant-layout-sider .ant-menu-root a', { hasText: label }).first();
  return [
    { label: '工作台 → 台账', link: () => menuLink('台账'), ready: PAGES[1].ready },
    { label: '台账 → 反映件', link: () => page.locator('[data-testid="ledger-table"] .ant-table-row a[href^="/cases/"]').first(), ready: PAGES[2].ready },
    { label: '反映件 → 统计分析', link: () => menuLink('统计分析'), ready: PAGES[3].ready },
    { label: '统计分析 → 工作台', link: () => menuLink('工作台'), ready: PAGES[0].ready },
  ];
}

/**
 * One move: the pointer rests 100 ms on the link (as a person's does before clicking), then the
 * click; answers the ms from the click until `ready` is painted.
 */
export async function timeMove(page: Page, link: Locator, ready: string): Promise<number> {
  await link.hover();
  await page.waitForTimeout(100);
  // Forget the target's mark, then click and note the click's moment in the page.
  const t0 = await link.evaluate((el: { click(): void }, sel: string) => {
    const w = globalThis as unknown as { __bcsSeen: Record<string, number> };
    delete w.__bcsSeen[sel];
    const t = performance.now();
    el.click();
    return t;
  }, ready);
  return (await seenAt(page, ready)) - t0;
}

export async function seenAt(page: Page, selector: string): Promise<number> {
  // A function, not a string: the app's Content-Security-Policy forbids eval, which a string
  // predicate is run through.
  const handle = await page.waitForFunction(
    (s) => {
      const seen = (globalThis as unknown as { __bcsSeen?: Record<string, number> }).__bcsSeen;
      const t = seen?.[s];
      return t !== undefined && t >= 0 ? t : null;
    },
    selector,
    { timeout: 30_000, polling: 50 },
  );
  return (await handle.jsonValue()) as number;
}


/**
 * The built web app served by the real server on a prepared SQLite file, and Chromium at 1366×768
 * signed in as the demo coordinator (trace-page.ts, profile-page.ts). `close` stops all three.
 */
export async function signedInPage(dbFile: string, webRoot: string) {
  const server = await startBenchServer(dbFile, webRoot);
  const { h, base } = server;
  const browser = await launchBenchBrowser();
  const context = await benchContext(browser, { timed: false });
  const page = await context.newPage();
  const close = async () => {
    await browser.close();
    await server.close();
  };
  try {
    await signIn(page, base, 'coordinator');
  } catch (e) {
    await close();
    throw e;
  }
  return { h, base, browser, context, page, close };
}

// ---------------------------------------------------------------------------------------------
// The data sets (pages.bench.ts, work-speed.bench.ts)
// ---------------------------------------------------------------------------------------------

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'bench', 'out', 'pages');

function movableClock() {
  return {
    t: new Date(),
    now() {
      return new Date(this.t.getTime());
    },
  };
}

/**
 * The prepared SQLite file of a data set — the demo data (`npm run demo`'s ~320 cases, generated
 * through the services) alone, or with `cases` bulk rows of bench/bulk-cases.ts — made on first use
 * under bench/out/pages/ (gitignored; the demo one again each day, its dates follow today).
 */
export async function preparePagesDb(cases: number): Promise<string> {
  const day = new Date().toISOString().slice(0, 10);
  const dir = path.join(OUT, cases === 0 ? `demo-${day}` : `bulk-${cases}`);
  const file = path.join(dir, 'bench.db');
  if (fs.existsSync(path.join(dir, 'ready'))) return file;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const t = performance.now();
  const h = await openPreparedDatabase(`sqlite:${file}`);
  try {
    await seedDemo({ db: h.db, kind: h.kind, clock: movableClock() });
    if (cases > 0) {
      // The bulk rows end yesterday, filed under a case number year no intake uses. The key file
      // beside the database is set by the open above: it stays open while generating.
      const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
      const bulk: BulkOptions = { n: cases, start: today - 1096 * 86400_000, days: 1096, year: 1999 };
      generateSqlite(file, bulk);
    }
  } finally {
    await h.close();
  }
  fs.writeFileSync(path.join(dir, 'ready'), '');
  console.log(`  prepared ${path.relative(ROOT, file)} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return file;
}

/** The real server on a prepared SQLite file, serving `webRoot`. */
export async function startBenchServer(dbFile: string, webRoot: string) {
  const h = await openPreparedDatabase(`sqlite:${dbFile}`);
  const app = await buildApp({ db: h.db, kind: h.kind, clock: systemClock }, { webRoot, loginPerMinute: 10_000 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const cases = Number((await h.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  // A demo case with a full timeline (dispatched, signed, measures): the newest one in handling.
  const pick = await h.db.selectFrom('cases').select('id').where('status', '=', 'in_progress').where('created_by', '!=', 'bench').orderBy('id', 'desc').executeTakeFirstOrThrow();
  /** Signs a demo account in through the API; answers its bearer token. */
  const token = async (username: string) => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: DEMO_PASSWORD } });
    if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
    return res.json().token as string;
  };
  const close = async () => {
    await app.close();
    await h.close();
  };
  return { h, app, base, cases, caseId: pick.id, token, close };
}

export function launchBenchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// ---------------------------------------------------------------------------------------------
// The four pages' times (pages.bench.ts, work-speed.bench.ts)
// ---------------------------------------------------------------------------------------------

export type PageKey = (typeof PAGES)[number]['key'];

export interface PageTimes {
  full: Record<PageKey, number>;
  cold: Record<PageKey, number>;
  moves: Array<{ label: string; ms: number }>;
}

/** A browser profile at 1366×768 in Shanghai, optionally holding a session, with the page-timing observer unless `timed` is false. */
export async function benchContext(browser: Browser, opts: { storageState?: Awaited<ReturnType<BrowserContext['storageState']>>; timed?: boolean } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', storageState: opts.storageState });
  if (opts.timed !== false) await context.addInitScript(OBSERVER);
  return context;
}

/**
 * Signs `user` in through the login page and times, median of `runs`: each page's full load warm
 * (the same profile, the assets in its HTTP cache) and cold (a new profile holding only the session),
 * from navigation start until its main data is painted; and the four moves inside the app, from the
 * click (after the pointer rested 100 ms on the link) until the next page's main data is painted.
 */
export async function measurePages(browser: Browser, base: string, caseId: number, runs: number, user = 'coordinator'): Promise<PageTimes> {
  const url = (p: (typeof PAGES)[number]) => base + p.path.replace(':id', String(caseId));
  // Sign in through the login page once; the session (cookie + the app's storage) is reused.
  const context = await benchContext(browser);
  const page = await context.newPage();
  await signIn(page, base, user);
  await page.waitForSelector(PAGES[0].ready, { timeout: 30_000 });
  const session = await context.storageState();

  const full = {} as Record<PageKey, number>;
  const cold = {} as Record<PageKey, number>;
  for (const p of PAGES) {
    // Warm: one load first to fill the cache.
    await page.goto(url(p));
    await seenAt(page, p.ready);
    const xs: number[] = [];
    for (let i = 0; i < runs; i++) {
      await page.goto(url(p));
      xs.push(await seenAt(page, p.ready));
    }
    full[p.key] = median(xs);
    const ys: number[] = [];
    for (let i = 0; i < runs; i++) {
      const c = await benchContext(browser, { storageState: session });
      const pg = await c.newPage();
      await pg.goto(url(p));
      ys.push(await seenAt(pg, p.ready));
      await c.close();
    }
    cold[p.key] = median(ys);
  }

  const steps = inAppSteps(page);
  const moveTimes = steps.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    await page.goto(url(PAGES[0]));
    await seenAt(page, PAGES[0].ready);
    for (const [k, s] of steps.entries()) {
      try {
        moveTimes[k]!.push(await timeMove(page, s.link(), s.ready));
      } catch (e) {
        throw new Error(`${s.label}: ${s.ready} not seen (at ${page.url()})`, { cause: e });
      }
    }
  }
  await context.close();
  return { full, cold, moves: steps.map((s, k) => ({ label: s.label, ms: median(moveTimes[k]!) })) };
}
