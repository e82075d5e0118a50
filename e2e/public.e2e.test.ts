/**
 * The reporter's side in real Chromium at a 390×844 phone viewport: a person files an online report
 * (企业, with consent), keeps the case number, follows the link to the progress page (case number
 * prefilled), and — once the staff completed the case — reads the reply, with no personal data on
 * the page. No console error is allowed. Screenshots go to docs/screenshots/public-report.png
 * (the filled form), public-report-done.png and public-track.png.
 *
 * Needs Debian's `chromium` (and `fonts-wqy-zenhei`): with CI set, a missing browser fails the
 * test; without CI, it is skipped.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/app.js';
import { systemClock } from '../server/context.js';
import { createTestEnv, PASSWORD, seedBasics, type TestEnv } from '../server/test/harness.js';
import { expectAccessible, expectNoCspViolations, watchCsp } from './support.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAS_CHROMIUM = fs.existsSync(CHROMIUM);
const SHOTS = path.join(ROOT, 'docs', 'screenshots');

const REPORTER = { name: '欧阳晓峰', phone: '13983215678', orgName: '垫江县晓峰农产品有限公司', orgCode: '91440300708461136T' };

if (!HAS_CHROMIUM && process.env.CI) {
  describe('public pages in the browser', () => {
    it('needs Chromium', () => {
      throw new Error(`找不到 Chromium（${CHROMIUM}）：CI 须先安装 apt-get install -y chromium fonts-wqy-zenhei`);
    });
  });
}

describe.skipIf(!HAS_CHROMIUM)('public pages on a phone (390×844)', () => {
  let env: TestEnv;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const cspViolations: string[] = [];
  const tokens = new Map<string, string>();

  const call = async (user: string, method: 'GET' | 'POST', url: string, body?: unknown) => {
    if (!tokens.has(user)) {
      const r = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: user, password: PASSWORD } });
      tokens.set(user, r.json().token);
    }
    const r = await app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${tokens.get(user)}` }, ...(body ? { payload: body as object } : {}) });
    if (r.statusCode >= 300) throw new Error(`${method} ${url} as ${user}: ${r.statusCode} ${r.body}`);
    return r.json();
  };

  beforeAll(async () => {
    env = await createTestEnv('sqlite');
    await seedBasics(env);
    // The browser lives in real time: so does the server.
    app = await buildApp({ ...env.ctx, clock: systemClock });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    await watchCsp(context, cspViolations);
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: 未捕获异常 ${e.message}`));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await env?.close();
  });

  /** An input by the start of its label text (labels also carry * or （选填）). */
  const field = (p: Page, label: string) => p.locator('.field').filter({ has: p.locator('label', { hasText: new RegExp(`^${label}`) }) }).locator('input, textarea, select').first();

  async function expectNoSideScroll(): Promise<void> {
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(390);
  }

  it('files an online report and looks it up, without any personal data on the progress page', async () => {
    try {
      fs.mkdirSync(SHOTS, { recursive: true });
      await page.goto(`${base}/public/report`);
      await expect.poll(() => page.locator('[data-county]').innerText()).toContain('垫江县');
      await expect.poll(() => page.locator('#department option').count()).toBeGreaterThan(1);
      await expectNoSideScroll();

      await page.getByRole('radio', { name: '企业' }).check();
      await field(page, '姓名').fill(REPORTER.name);
      await field(page, '手机号码').fill(REPORTER.phone);
      await field(page, '企业名称').fill(REPORTER.orgName);
      await field(page, '统一社会信用代码').fill(REPORTER.orgCode);
      await field(page, '想办的事项').fill('食品经营许可证延续');
      await field(page, '涉及部门').selectOption({ label: '县市场监管局' });
      await field(page, '您的诉求').fill('食品经营许可证即将到期，网上申请延续三次被退回，希望尽快办理。');
      await field(page, '办不成的原因').fill('系统提示缺少健康证明，但健康证明已经上传。');

      // Without consent nothing is sent, and the page says why.
      await page.getByRole('button', { name: '提交反映' }).click();
      await expect.poll(() => page.locator('.err[data-for="consent"]').innerText()).toBe('请阅读并同意个人信息使用说明');
      await page.getByLabel('我已阅读并同意上述个人信息使用说明').check();
      await page.locator('.err[data-for="consent"]').evaluate((e) => (e.textContent = ''));
      await page.screenshot({ path: path.join(SHOTS, 'public-report.png'), fullPage: true });
      await expectAccessible(page, '群众反映');

      await page.getByRole('button', { name: '提交反映' }).click();
      await page.locator('#done').waitFor();
      const caseNo = (await page.locator('#caseNo').innerText()).trim();
      expect(caseNo).toMatch(/^\d{4}-\d{6}$/);
      expect(await page.locator('#done').innerText()).toContain('请记下或截图保存此编号');
      await expectNoSideScroll();
      await page.screenshot({ path: path.join(SHOTS, 'public-report-done.png') });

      // The staff take it through to completion meanwhile.
      const list = await call('coord', 'GET', `/cases?channel=online&limit=5`);
      const c = list.items.find((x: any) => x.caseNo === caseNo);
      expect(c).toBeTruthy();
      let v = await call('coord', 'POST', `/cases/${c.id}/actions/accept`, { version: c.version, problemType: 'rigid_policy' });
      v = await call('coord', 'POST', `/cases/${c.id}/actions/dispatch`, { version: v.version, level: 1, leadDepartment: 'scjgj' });
      v = await call('h_scjg', 'POST', `/cases/${c.id}/actions/sign`, { version: v.version });
      await call('h_scjg', 'POST', `/cases/${c.id}/actions/complete`, {
        version: v.version,
        result: '经核实，健康证明已上传成功，系统校验规则有误。已为您办结许可证延续，新证可在政务服务大厅领取或邮寄送达。',
        repliedVia: 'phone',
      });

      await page.getByRole('link', { name: '查询办理进度' }).first().click();
      await page.waitForURL(/\/public\/track\?caseNo=/);
      expect(await page.getByLabel('反映件编号').inputValue()).toBe(caseNo);
      await field(page, '手机号码后四位').fill(REPORTER.phone.slice(-4));
      await page.getByRole('button', { name: '查询', exact: true }).click();
      await page.locator('#result').waitFor();
      await expect.poll(() => page.locator('#rStatus').innerText()).toBe('已办结');
      const text = await page.locator('main').innerText();
      expect(text).toContain('县市场监管局');
      expect(text).toContain('已为您办结许可证延续');
      expect(text).toContain('办结并答复');
      const html = await page.content();
      for (const secret of [REPORTER.name, '欧阳', REPORTER.phone, REPORTER.phone.slice(0, 7), REPORTER.orgName, REPORTER.orgCode]) {
        expect(html, secret).not.toContain(secret);
      }
      await expectNoSideScroll();
      await page.screenshot({ path: path.join(SHOTS, 'public-track.png'), fullPage: true });
      await expectAccessible(page, '办理进度');
    } catch (e) {
      const file = path.join(ROOT, 'test-results', `public-e2e-failure-${Date.now()}.png`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      console.error(`浏览器测试失败，截图：${file}；页面：${page.url()}`);
      throw e;
    }
    expect(consoleErrors).toEqual([]);
    expectNoCspViolations(cspViolations);
  }, 90_000);
});
