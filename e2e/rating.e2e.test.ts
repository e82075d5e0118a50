/**
 * 好差评 by link in real Chromium (issue 13): the coordinator opens a completed case's 评价链接
 * (link and QR code), the reporter opens the link on a phone (390×844), taps the four aspects,
 * adds a comment and submits; the link then reads 已失效, and the coordinator's case page shows the
 * case closed with the reporter's own rating. Screenshot: docs/screenshots/public-rate.png.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { deliverOutbox } from '../server/notifications/outbox-worker.js';
import { systemClock } from '../server/context.js';
import {
  CHROMIUM,
  dialog,
  dialogSettled,
  ensureWebBuilt,
  expectAccessible,
  expectStatus,
  HAS_CHROMIUM,
  launchBrowser,
  login,
  SHOTS,
  startServer,
  withFailureShot,
  type BrowserSession,
  type Server,
} from './support.js';

if (!HAS_CHROMIUM && process.env.CI) {
  describe('rating by link in the browser', () => {
    it('needs Chromium', () => {
      throw new Error(`找不到 Chromium（${CHROMIUM}）：CI 须先安装 apt-get install -y chromium fonts-wqy-zenhei`);
    });
  });
}

describe.skipIf(!HAS_CHROMIUM)('rating by link on a phone', () => {
  let server: Server;
  let browser: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer();
    browser = await launchBrowser();
    page = browser.page;
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.app.close();
    await server?.env.close();
  });

  it('the reporter rates a completed case by link at 390×844; the coordinator finds it closed', async () => {
    await withFailureShot(browser, 'rating', async () => {
      await server.call('admin', 'PUT', '/settings', { publicBaseUrl: server.base });
      let c = await server.call('clerk', 'POST', '/cases', {
        channel: 'window',
        reporter: { name: '张三丰', phone: '13800005678', kind: 'person' },
        matter: '个体工商户设立登记',
        departmentCodes: ['scjgj'],
        description: '办理个体工商户营业执照时被告知缺少房屋产权证明。',
      });
      c = await server.call('coord', 'POST', `/cases/${c.id}/actions/accept`, { version: c.version, problemType: 'materials' });
      c = await server.call('coord', 'POST', `/cases/${c.id}/actions/dispatch`, { version: c.version, level: 1, leadDepartment: 'scjgj' });
      c = await server.call('h_scjg', 'POST', `/cases/${c.id}/actions/sign`, { version: c.version });
      c = await server.call('h_scjg', 'POST', `/cases/${c.id}/actions/complete`, { version: c.version, result: '已按村委会证明办理营业执照', repliedVia: 'phone' });

      // ---- 县行管办: 评价链接 with its QR code ---------------------------------------------------
      await page.goto(server.base + '/');
      await login(page, 'coord');
      await page.goto(`${server.base}/cases/${c.id}`);
      await expectStatus(page, '已办结');
      await page.getByTestId('rating-link-button').click();
      const d = dialog(page);
      await d.getByTestId('rating-url').waitFor();
      await dialogSettled(page);
      const url = (await d.getByTestId('rating-url').innerText()).trim();
      expect(url).toMatch(new RegExp(`^${server.base}/public/rate\\?t=[A-Za-z0-9_-]{43}$`));
      expect(await d.getByRole('img', { name: '评价链接二维码' }).count()).toBe(1);
      await expectAccessible(page, '评价链接');
      await page.keyboard.press('Escape');
      await d.waitFor({ state: 'hidden' });

      // ---- The reporter on a phone ----------------------------------------------------------------
      const phone = await browser.context.newPage();
      await phone.setViewportSize({ width: 390, height: 844 });
      await phone.goto(url);
      await phone.locator('#rate').waitFor();
      const shown = await phone.locator('main').innerText();
      expect(shown).toContain(c.caseNo);
      expect(shown).toContain('县市场监管局');
      expect(shown).toContain('已按村委会证明办理营业执照');
      expect(await phone.content()).not.toContain('张三丰');
      expect(await phone.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      // One tap each; a missing aspect is named.
      await phone.getByRole('group', { name: '服务态度' }).getByText('满意', { exact: true }).click();
      await phone.getByRole('button', { name: '提交评价' }).click();
      await expect.poll(() => phone.locator('#rateErr').innerText()).toBe('请对“办理结果”作出评价');
      for (const [aspect, choice] of [['办理结果', '满意'], ['办理效率', '基本满意'], ['廉洁勤政', '满意']] as const) {
        await phone.getByRole('group', { name: aspect }).getByText(choice, { exact: true }).click();
      }
      expect(await phone.getByRole('group', { name: '办理效率' }).getByRole('radio', { name: '基本满意' }).isChecked()).toBe(true);
      await phone.getByLabel('意见建议').fill('办理及时，态度很好');
      await phone.locator('#rateErr').evaluate((e) => (e.textContent = ''));
      await phone.screenshot({ path: path.join(SHOTS, 'public-rate.png'), fullPage: true });
      await expectAccessible(phone, '办理评价');
      await phone.getByRole('button', { name: '提交评价' }).click();
      await phone.locator('#thanks').waitFor();
      expect(await phone.locator('#thanks').innerText()).toContain('感谢您的评价');
      await expectAccessible(phone, '评价完成');
      // The link is used up: a clear Chinese state.
      browser.tolerate(/404/);
      await phone.reload();
      await phone.locator('#gone').waitFor();
      expect(await phone.locator('#gone').innerText()).toContain('评价链接已失效');
      await expectAccessible(phone, '评价链接已失效');
      browser.tolerate(null);
      await phone.close();

      // ---- 县行管办: the case closed with the reporter's own rating --------------------------------
      await page.reload();
      await expectStatus(page, '已归档');
      const panel = await page.getByTestId('callback-panel').innerText();
      expect(panel).toContain('反映人通过评价链接自评');
      expect(panel).toContain('办理及时，态度很好');
      expect(await page.getByTestId('timeline').innerText()).toContain('反映人（评价链接）');
      expect(await page.getByTestId('rating-link-button').count()).toBe(0);
      await page.getByTestId('reporter-messages').waitFor();
    });
    expect(browser.consoleErrors).toEqual([]);
  }, 180_000);

  it('a landline reporter is not silently skipped: 电话告知 on the 工作台 and the case page, then 已电话告知', async () => {
    await withFailureShot(browser, 'phone-reporter', async () => {
      const c = await server.call('clerk', 'POST', '/cases', {
        channel: 'window',
        reporter: { name: '李大爷', phone: '023-74522706', kind: 'person' },
        matter: '城乡居民养老保险待遇领取',
        departmentCodes: ['rsj'],
        description: '到龄后养老金一直没有发放。',
      });
      // The server runs in real time: so does this delivery.
      await deliverOutbox({ ...server.env.ctx, clock: systemClock }, { sms: { name: 'none', send: async () => undefined } });
      await page.goto(server.base + '/');
      await page.getByTestId('todo-to_phone').waitFor();
      expect(await page.getByTestId('todo-to_phone').innerText()).toContain('电话告知');
      await page.goto(`${server.base}/cases/${c.id}`);
      const box = page.getByTestId('reporter-messages');
      await box.getByText('待电话告知').waitFor();
      expect(await box.innerText()).toContain(`编号${c.caseNo}`);
      await expectAccessible(page, '给反映人的消息');
      await box.getByRole('button', { name: '已电话告知' }).click();
      // The button's own text is 已电话告知 too: wait for the button to go, then for the status.
      await expect.poll(() => box.getByRole('button', { name: '已电话告知' }).count()).toBe(0);
      await box.getByText('已电话告知', { exact: true }).waitFor();
      await expect.poll(() => page.getByTestId('timeline').innerText()).toContain('已电话告知');
    });
    expect(browser.consoleErrors).toEqual([]);
  }, 120_000);
});
