/**
 * What the page benches share: the four pages, the in-page observer that times when each page's main
 * data first shows and the wait for it (pages.bench.ts, pages-ab.ts), a signed-in browser on the
 * built app (trace-page.ts, profile-page.ts).
 */
import { chromium, type Page } from 'playwright-core';
import { buildApp } from '../server/app.js';
import { openPreparedDatabase } from '../server/boot.js';
import { systemClock } from '../server/context.js';
import { DEMO_PASSWORD } from '../server/demo/demo.js';

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
  const h = await openPreparedDatabase(`sqlite:${dbFile}`);
  const app = await buildApp({ db: h.db, kind: h.kind, clock: systemClock }, { webRoot, loginPerMinute: 10_000 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const close = async () => {
    await browser.close();
    await app.close();
    await h.close();
  };
  try {
    await page.goto(`${base}/login`);
    await page.getByLabel('用户名').fill('coordinator');
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('current-user').waitFor({ timeout: 30_000 });
  } catch (e) {
    await close();
    throw e;
  }
  return { h, base, browser, context, page, close };
}
