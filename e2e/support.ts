/**
 * What the browser tests share: building web/dist when it is stale, an in-process server on a fresh
 * SQLite database, a Chromium at 1366×768 in Asia/Shanghai, the console watch (any error fails the
 * test), and small helpers for antd widgets.
 *
 * Needs Debian's `chromium` (and `fonts-wqy-zenhei` for the Chinese glyphs): with CI set, a missing
 * browser fails the tests; without CI, they are skipped.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/app.js';
import { systemClock } from '../server/context.js';
import { createTestEnv, PASSWORD, seedBasics, type TestEnv } from '../server/test/harness.js';
import { describeFindings, runAxe } from './axe.js';
import { caseStatus, dialogOpened, openDialog } from './flows.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAS_CHROMIUM = fs.existsSync(CHROMIUM);
export const SHOTS = path.join(ROOT, 'docs', 'screenshots');
export const VIEWPORT = { width: 1366, height: 768 };

// ---------------------------------------------------------------------------------------------
// Build the web app when web/dist is missing or older than its sources.
// ---------------------------------------------------------------------------------------------

function newestMtime(dir: string, filter: (f: string) => boolean = () => true): number {
  if (!fs.existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      newest = Math.max(newest, newestMtime(p, filter));
    } else if (filter(p)) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds web/dist unless it is newer than every source of web/ and core/. Two test files may ask at once: a lock file serialises them. */
export function ensureWebBuilt(): void {
  const index = path.join(ROOT, 'web', 'dist', 'index.html');
  const fresh = () => {
    const built = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
    const sources = Math.max(
      newestMtime(path.join(ROOT, 'web'), (f) => !/\.test\.tsx?$/.test(f)),
      newestMtime(path.join(ROOT, 'core'), (f) => f.endsWith('.ts') && !f.endsWith('.test.ts')),
    );
    return built > 0 && built >= sources;
  };
  if (fresh()) return;
  const lock = path.join(os.tmpdir(), `bcs-web-build-${Buffer.from(ROOT).toString('hex').slice(-24)}.lock`);
  const deadline = Date.now() + 170_000;
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch {
      // Another test file is building: wait for it (a lock older than 3 minutes is stale).
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if (age > 180_000) fs.rmSync(lock, { force: true });
      if (Date.now() > deadline) throw new Error('等待网页构建超时');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
      if (fresh()) return;
    }
  }
  try {
    if (fresh()) return;
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'build-web.js')], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    });
    if (r.status !== 0 || !fs.existsSync(index)) throw new Error('网页构建失败：node bin/build-web.js');
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------

export interface Server {
  env: TestEnv;
  app: FastifyInstance;
  base: string;
  token(user: string): Promise<string>;
  call(user: string, method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, body?: unknown): Promise<any>;
}

/** buildApp() on a fresh SQLite database with the test departments and users, listening on a free port, in real time. */
export async function startServer(): Promise<Server> {
  const env = await createTestEnv('sqlite');
  await seedBasics(env);
  // The browser lives in real time: so does the server (sessions, deadlines, "now").
  const app = await buildApp({ ...env.ctx, clock: systemClock }, { webRoot: path.join(ROOT, 'web', 'dist') });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const tokens = new Map<string, string>();
  const token = async (user: string) => {
    if (!tokens.has(user)) {
      const r = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: user, password: PASSWORD } });
      if (r.statusCode !== 200) throw new Error(`login ${user}: ${r.body}`);
      tokens.set(user, r.json().token);
    }
    return tokens.get(user)!;
  };
  const call = async (user: string, method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, body?: unknown) => {
    const r = await app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${await token(user)}` },
      ...(body !== undefined ? { payload: body as object } : {}),
    });
    if (r.statusCode >= 300) throw new Error(`${method} ${url} as ${user}: ${r.statusCode} ${r.body}`);
    return r.json();
  };
  return { env, app, base: `http://127.0.0.1:${port}`, token, call };
}

// ---------------------------------------------------------------------------------------------
// Browser
// ---------------------------------------------------------------------------------------------

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions seen so far (the test expects none). */
  consoleErrors: string[];
  /** The last API calls, printed when a test fails. */
  recentCalls: string[];
  /** Console messages expected during one step (e.g. the 404 a hidden case answers). */
  tolerate(pattern: RegExp | null): void;
  close(): Promise<void>;
}

/**
 * Watches a browser context for Content-Security-Policy violations: each page reports its
 * `securitypolicyviolation` events (and Chromium's "Refused to …" console errors) into `into`.
 * Never silenced by `tolerate`: every browser test fails on any violation (issue 16).
 */
export async function watchCsp(context: BrowserContext, ...into: string[][]): Promise<void> {
  const push = (line: string) => into.forEach((a) => a.push(line));
  await context.exposeBinding('__bcsCspViolation', (source, text: string) => push(`${source.page?.url() ?? '?'}: CSP ${text}`));
  await context.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', function (e) {
      if (window.__bcsCspViolation) window.__bcsCspViolation(e.effectiveDirective + ' blocked ' + (e.blockedURI || '(inline)') + ' at ' + e.sourceFile + ':' + e.lineNumber);
    });`,
  });
  const onPage = (page: Page) =>
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) push(`${page.url()}: ${m.text()}`);
    });
  context.pages().forEach(onPage);
  context.on('page', onPage);
}

/** Fails when a CSP violation was seen (called by every session's close, and by the tests that check consoleErrors). */
export function expectNoCspViolations(violations: string[]): void {
  if (violations.length) throw new Error(`页面违反了内容安全策略（CSP）：\n${violations.join('\n')}`);
}

export async function launchBrowser(): Promise<BrowserSession> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'bcs-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: VIEWPORT,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const cspViolations: string[] = [];
  const consoleErrors: string[] = [];
  // A violation goes into consoleErrors too (which the tests expect empty); `tolerate` never hides it.
  await watchCsp(context, cspViolations, consoleErrors);
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  const recentCalls: string[] = [];
  let tolerated: RegExp | null = null;
  page.on('response', (r) => {
    const u = new URL(r.url());
    if (!u.pathname.startsWith('/api/')) return;
    recentCalls.push(`${new Date().toISOString().slice(11, 23)} ${r.request().method()} ${u.pathname}${u.search} → ${r.status()}`);
    if (recentCalls.length > 25) recentCalls.shift();
  });
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const text = m.text();
    if (/Content Security Policy/i.test(text)) return; // counted by watchCsp, never tolerated
    if (tolerated?.test(text)) return;
    consoleErrors.push(`${page.url()}: ${text}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: 未捕获异常 ${e.message}`));
  return {
    context,
    page,
    consoleErrors,
    recentCalls,
    tolerate: (p) => {
      tolerated = p;
    },
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
      expectNoCspViolations(cspViolations);
    },
  };
}

/** Runs a test body; on failure leaves a full-page screenshot and the last API calls in the log. */
export async function withFailureShot(s: BrowserSession, name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    const file = path.join(os.tmpdir(), `bcs-e2e-${name}-failure-${Date.now()}.png`);
    await s.page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    console.error(`浏览器测试失败，截图：${file}；页面：${s.page.url()}\n最近的接口调用：\n${s.recentCalls.join('\n')}`);
    throw e;
  }
}

export async function login(page: Page, username: string): Promise<void> {
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByTestId('current-user').waitFor();
}

export async function logout(page: Page): Promise<void> {
  await page.getByRole('button', { name: '退出' }).click();
  await page.getByLabel('用户名').waitFor();
}

export function menu(page: Page): Locator {
  return page.locator('.ant-layout-sider .ant-menu-root');
}

export async function openFromMenu(page: Page, label: string): Promise<void> {
  await menu(page).getByRole('link', { name: label, exact: true }).click();
}

/** The open dialog, and the wait for its opening animation (e2e/flows.ts: the counted flows use them too). */
export const dialog = openDialog;
export const dialogSettled = dialogOpened;

/** Chooses a radio option by its visible text (antd hides the native input). */
export async function choose(scope: Locator | Page, text: string | RegExp): Promise<void> {
  const label = scope.locator('label.ant-radio-wrapper, label.ant-radio-button-wrapper');
  const pattern = typeof text === 'string' ? new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) : text;
  await label.filter({ hasText: pattern }).click();
}

/** The open (visible) select dropdown's options. */
export function openOptions(page: Page): Locator {
  return page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option');
}

/** Closes open select dropdowns by clicking a neutral title (Escape would also close a dialog). */
export async function closeDropdowns(page: Page): Promise<void> {
  const open = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
  if ((await open.count()) === 0) return;
  const modalTitle = page.locator('.ant-modal-title');
  await ((await modalTitle.count()) ? modalTitle.last() : page.locator('.ant-card-head-title').first()).click();
  await expect.poll(() => open.count()).toBe(0);
}

/** Types a date into an antd DatePicker found by its form label. */
export async function typeDate(scope: Locator, label: string, ymd: string): Promise<void> {
  const input = scope.getByLabel(label, { exact: true });
  await input.click();
  await input.fill(ymd);
  await input.press('Enter');
}

/** YYYY-MM-DD in Asia/Shanghai, `days` calendar days from now. */
export function shanghaiDay(days: number): string {
  return new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

/** A still picture of the page at 1366×768 in docs/screenshots/: no skeleton, spinner or toast. */
export async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.waitForLoadState('networkidle');
  for (const busy of ['.ant-skeleton', '.ant-spin-blur', '.ant-spin-spinning', '.ant-message-notice'])
    await page.locator(busy).first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
  // Animations (charts, tooltips) settle.
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(SHOTS, name) });
}

/**
 * Picks an option of an antd Select found by its form label, by typing part of its text. The option
 * is taken from this select's own dropdown (through the input's `aria-controls`), never from the
 * dropdown of another select that is still closing, and the pick is tried again until the select
 * shows it (under a full parallel run a click can land while the filtered list re-renders).
 */
export async function pickOption(scope: Locator, page: Page, label: string, typed: string, option: string): Promise<void> {
  const input = scope.getByLabel(label, { exact: true });
  const item = scope.locator('.ant-form-item').filter({ has: page.getByLabel(label, { exact: true }) });
  const shown = async () => (await item.locator('.ant-select-selector').innerText()).includes(option);
  await expect
    .poll(
      async () => {
        if (await shown()) return true;
        await input.click();
        await input.fill(typed);
        const listId = await input.getAttribute('aria-controls');
        const dropdown = listId
          ? page.locator('.ant-select-dropdown').filter({ has: page.locator(`[id="${listId}"]`) })
          : page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
        await dropdown.locator('.ant-select-item-option').filter({ hasText: option }).first().click({ timeout: 3_000 }).catch(() => undefined);
        return shown();
      },
      { timeout: 20_000, interval: 200 },
    )
    .toBe(true);
  await closeDropdowns(page);
}

/** Clicks an action button of the case page, fills its dialog with `fill`, and confirms. */
export async function runAction(page: Page, label: string, fill: (d: Locator) => Promise<void> = async () => {}): Promise<void> {
  await page.getByTestId('case-actions').getByRole('button', { name: label, exact: true }).click();
  const d = dialog(page);
  await d.waitFor();
  // Let the dialog finish opening before typing and clicking in it.
  await dialogSettled(page);
  await fill(d);
  await d.getByRole('button', { name: `确认${label}` }).click();
  await d.waitFor({ state: 'detached' });
}

/** Waits until the case page's header shows the state `label`. */
export async function expectStatus(page: Page, label: string): Promise<void> {
  await expect.poll(() => caseStatus(page)).toBe(label);
}


/**
 * Runs axe-core (WCAG 2.1 A/AA and best practices) on the settled page and fails on any serious or
 * critical violation — colour contrast below 4.5:1 among them — naming the elements.
 */
export async function expectAccessible(page: Page, viewName: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  for (const busy of ['.ant-skeleton', '.ant-spin-spinning'])
    await page.locator(busy).first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
  // Fades and zooms end (a half-faded text would count as low contrast).
  await expect.poll(() => page.locator('.ant-zoom-appear, .ant-zoom-enter, .ant-fade-appear, .ant-fade-enter, .ant-motion-collapse').count()).toBe(0);
  await page.waitForTimeout(300);
  const report = await runAxe(page);
  expect(report.serious, `${viewName}（${page.url()}）的无障碍问题（axe-core 严重/关键）：\n${describeFindings(report.serious)}`).toEqual([]);
}
