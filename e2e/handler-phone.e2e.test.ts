/**
 * The handler on a phone (issue 13, item 5), in real Chromium at 390×844: the lead department's
 * handler opens a new 交办 from the 工作台, signs it in one tap, records a measure, and completes;
 * the co-department's handler writes its part — all on the phone-sized staff app (menu in a drawer,
 * one column, nothing wider than the screen), accessible by axe.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  CHROMIUM,
  choose,
  ensureWebBuilt,
  expectAccessible,
  expectStatus,
  HAS_CHROMIUM,
  launchBrowser,
  login,
  logout,
  runAction,
  startServer,
  withFailureShot,
  type BrowserSession,
  type Server,
} from './support.js';
import { pngFile } from '../server/attachments/test-files.js';

if (!HAS_CHROMIUM && process.env.CI) {
  describe('the handler on a phone', () => {
    it('needs Chromium', () => {
      throw new Error(`找不到 Chromium（${CHROMIUM}）：CI 须先安装 apt-get install -y chromium fonts-wqy-zenhei`);
    });
  });
}

const PHONE = { width: 390, height: 844 };

describe.skipIf(!HAS_CHROMIUM)('the handler on a phone (issue 13), in the browser at 390×844', () => {
  let server: Server;
  let browser: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer();
    browser = await launchBrowser();
    page = browser.page;
    await page.setViewportSize(PHONE);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.app.close();
    await server?.env.close();
  });

  /** Nothing on the page is wider than the phone's screen (no sideways scrolling of the page). */
  const fitsTheScreen = () => page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth + 1');

  it('signs, writes a co-part, records a measure with a photo and completes from a phone', async () => {
    await withFailureShot(browser, 'handler-phone', async () => {
      const c = await server.call('clerk', 'POST', '/cases', {
        channel: 'hotline',
        reporter: { name: '柯师傅', phone: '13922223333', kind: 'person' },
        matter: '食品经营许可',
        departmentCodes: ['scjgj'],
        description: '开办小餐馆办理食品经营许可，窗口要求提供房屋产权证明，租的是村民自建房，没有产权证。',
      });
      let v = (await server.call('coord', 'POST', `/cases/${c.id}/actions/accept`, { version: c.version, problemType: 'materials' })).version;
      v = (await server.call('coord', 'POST', `/cases/${c.id}/actions/dispatch`, { version: v, level: 2, leadDepartment: 'scjgj', coDepartments: ['rsj'] })).version;

      // ---- the lead department's handler: from the 工作台 to the case, 签收 in one tap ----------
      await page.goto(server.base + '/');
      await login(page, 'h_scjg');
      expect(await fitsTheScreen()).toBe(true);
      // The menu is a drawer behind the header's button.
      await page.getByRole('button', { name: '打开菜单' }).click();
      await page.locator('.ant-drawer').getByRole('link', { name: '台账', exact: true }).waitFor();
      await page.locator('.ant-drawer .ant-drawer-close').click();
      await expect.poll(() => page.locator('.ant-drawer-open').count()).toBe(0);
      await page.getByRole('link', { name: c.caseNo }).first().click();
      await expectStatus(page, '已交办');
      expect(await fitsTheScreen()).toBe(true);
      await expectAccessible(page, '案件详情（手机）');
      await page.getByTestId('case-actions').getByRole('button', { name: '签收', exact: true }).click();
      await expectStatus(page, '办理中');

      // ---- a measure ------------------------------------------------------------------------
      await runAction(page, '添加措施', async (d) => {
        // A tap on the select, as a thumb would.
        await d.locator('.ant-select-selector').first().click();
        await page.keyboard.type('容缺');
        await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: '容缺受理' }).first().click();
        await expect.poll(() => d.locator('.ant-select-selection-item').first().innerText()).toBe('容缺受理');
        await page.keyboard.press('Tab');
        await d.getByLabel('措施说明').fill('租赁合同和村委会证明先行受理，产权材料后补。');
        // The written 容缺 promise, photographed with the phone.
        await d.getByTestId('action-files').setInputFiles({ name: '容缺承诺书.png', mimeType: 'image/png', buffer: pngFile(64, 64) });
      });
      await expect.poll(() => page.getByText('租赁合同和村委会证明先行受理').count()).toBeGreaterThan(0);
      await expect.poll(() => page.getByText('容缺承诺书.png').count()).toBeGreaterThan(0);
      expect(await fitsTheScreen()).toBe(true);
      await logout(page);

      // ---- the co-department's handler: 协办意见 ------------------------------------------------
      await login(page, 'h_rs');
      await page.goto(`${server.base}/cases/${c.id}`);
      await expectStatus(page, '办理中');
      await runAction(page, '协办意见', async (d) => {
        await d.getByLabel('协办意见').fill('社保登记无障碍，可同步办理。');
      });
      await expect.poll(() => page.getByText('社保登记无障碍，可同步办理。').count()).toBeGreaterThan(0);
      await logout(page);

      // ---- the lead department's handler: 办结 ------------------------------------------------
      await login(page, 'h_scjg');
      await page.goto(`${server.base}/cases/${c.id}`);
      await expectStatus(page, '办理中');
      await runAction(page, '办结', async (d) => {
        await d.getByLabel('办理结果').fill('已按容缺受理办结食品经营许可，证照已送达。');
        await choose(d, '电话');
      });
      await expectStatus(page, '已办结');
      expect(await fitsTheScreen()).toBe(true);
      const done = await server.call('coord', 'GET', `/cases/${c.id}`);
      expect(done.status).toBe('completed');
      expect(done.coParts[0]).toMatchObject({ department: 'rsj', opinion: '社保登记无障碍，可同步办理。' });
      expect(done.measures[0]).toMatchObject({ type: 'tolerance_acceptance' });
      expect(done.attachments).toEqual([expect.objectContaining({ name: '容缺承诺书.png', kind: 'promise' })]);
    });
    expect(browser.consoleErrors).toEqual([]);
  }, 300_000);
});
