/**
 * Attachments in real Chromium (issue 18): the clerk registers a case with a photo (PNG) chosen at
 * intake; the department completes it with the result letter (PDF) chosen in the 办结 dialog; the
 * case page lists both and previews them inline. Every view passes axe-core.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { choose, dialog, dialogSettled, ensureWebBuilt, expectAccessible, expectStatus, HAS_CHROMIUM, launchBrowser, login, logout, pickOption, startServer, withFailureShot, type BrowserSession, type Server } from './support.js';
import { pdfFile, pngFile } from '../server/attachments/test-files.js';

describe.skipIf(!HAS_CHROMIUM)('attachments in the browser', () => {
  let server: Server;
  let browser: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer();
    browser = await launchBrowser();
    page = browser.page;
    await page.goto(server.base);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.app.close();
    await server?.env.close();
  });

  it('attaches a photo at intake and a PDF on completion, and previews both', async () => {
    await withFailureShot(browser, 'attachments', async () => {
      const png = pngFile(40, 30);
      const pdf = pdfFile(0, 'result');
      await login(page, 'clerk');
      await page.locator('.bcs-big-button').click();
      await page.getByLabel('反映人姓名').fill('陈群众');
      await page.getByLabel('联系电话').fill('13600001111');
      await page.getByLabel('事项名称').fill('营业执照变更登记');
      await pickOption(page.locator('form'), page, '涉及部门', '市场', '县市场监管局');
      await page.getByLabel('诉求', { exact: true }).fill('变更经营范围被要求提供原件。');
      await page.getByLabel('办不成原因').fill('原件遗失。');
      await page.getByTestId('intake-file-input').setInputFiles({ name: '现场照片.png', mimeType: 'image/png', buffer: png });
      await expect.poll(() => page.getByTestId('intake-file-list').innerText()).toContain('现场照片.png');
      await expectAccessible(page, '登记（带附件）');
      await page.getByRole('button', { name: '保存登记' }).click();
      await page.getByTestId('saved-case-no').waitFor();
      const found = await server.call('coord', 'GET', `/cases?q=${encodeURIComponent('营业执照变更登记')}`);
      const caseId: number = found.items[0].id;
      const saved = await server.call('coord', 'GET', `/cases/${caseId}`);
      expect(saved.attachments.map((a: any) => [a.name, a.kind, a.sm3])).toEqual([['现场照片.png', 'evidence', createHash('sm3').update(png).digest('hex')]]);
      await logout(page);

      let c = await server.call('coord', 'POST', `/cases/${caseId}/actions/accept`, { version: saved.version, problemType: 'materials' });
      c = await server.call('coord', 'POST', `/cases/${caseId}/actions/dispatch`, { version: c.version, level: 1, leadDepartment: 'scjgj' });
      await server.call('h_scjg', 'POST', `/cases/${caseId}/actions/sign`, { version: c.version });

      await login(page, 'h_scjg');
      await page.goto(`${server.base}/cases/${caseId}`);
      await expectStatus(page, '办理中');
      await page.getByTestId('case-actions').getByRole('button', { name: '办结', exact: true }).click();
      const d = dialog(page);
      await d.waitFor();
      await dialogSettled(page);
      await d.getByLabel('办理结果').fill('已按容缺受理办结变更登记。');
      await choose(d, '电话');
      await d.getByTestId('action-files').setInputFiles({ name: '办理结果告知书.pdf', mimeType: 'application/pdf', buffer: pdf });
      await d.getByRole('button', { name: '确认办结' }).click();
      await d.waitFor({ state: 'detached' });
      await expectStatus(page, '已办结');
      const panel = page.getByTestId('attachment-panel');
      await expect.poll(() => panel.innerText()).toContain('办理结果告知书.pdf');
      expect(await panel.innerText()).toContain('现场照片.png');
      expect(await panel.innerText()).toContain('办理结果');
      // The success messages fade first (behind the preview's mask they would read as low contrast).
      await expect.poll(() => page.locator('.ant-message-notice').count(), { timeout: 15_000 }).toBe(0);
      await expectAccessible(page, '案件详情（附件）');

      await panel.getByRole('link', { name: '现场照片.png', exact: true }).click();
      const img = page.getByTestId('attachment-preview-image');
      await img.waitFor();
      await expect.poll(() => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBe(40);
      await expectAccessible(page, '附件预览（图片）');
      await dialog(page).getByRole('button', { name: '关闭' }).click();
      await panel.getByRole('link', { name: '办理结果告知书.pdf', exact: true }).click();
      const frame = page.getByTestId('attachment-preview-frame');
      await frame.waitFor();
      expect(await frame.getAttribute('src')).toMatch(/\/attachments\/\d+\?inline=1$/);
      const served = await page.evaluate(async (src) => {
        const r = await fetch(src!);
        return { status: r.status, type: r.headers.get('content-type'), disposition: r.headers.get('content-disposition') };
      }, await frame.getAttribute('src'));
      expect(served).toMatchObject({ status: 200, type: 'application/pdf' });
      expect(served.disposition).toMatch(/^inline; .*filename\*=UTF-8''/);
      // No axe run here: headless Chromium's PDF viewer in the frame never lets the network go idle;
      // the dialog around it is the one checked with the image above.
    });
  }, 180_000);
});
