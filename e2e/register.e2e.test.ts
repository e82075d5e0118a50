/**
 * 督办台账 and 工作简报 (issue 12, parts 4 and 5) in real Chromium at 1366×768: the supervisor opens
 * 督办台账 from the menu, sees every 督办 and 线索移送, narrows the list by kind (the filter lands in
 * the URL), exports the same list as Excel; on 统计分析 the 工作简报 button downloads the Word
 * briefing of the page's period. No console error is allowed. Screenshot: supervision-register.png.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ensureWebBuilt, HAS_CHROMIUM, launchBrowser, login, openFromMenu, shanghaiDay, shot, startServer, withFailureShot, type BrowserSession, type Server } from './support.js';

describe.skipIf(!HAS_CHROMIUM)('督办台账 and 工作简报 in the browser', () => {
  let server: Server;
  let browser: BrowserSession;
  let page: Page;
  let tmp: string;
  const records: string[] = [];

  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bcs-register-'));
    const act = (user: string, c: any, action: string, body: Record<string, unknown> = {}) => server.call(user, 'POST', `/cases/${c.id}/actions/${action}`, { version: c.version, ...body });
    for (const [matter, lead, handler] of [['个体工商户设立登记', 'scjgj', 'h_scjg'], ['社保卡补办', 'rsj', 'h_rs']] as const) {
      let c = await server.call('clerk', 'POST', '/cases', {
        channel: 'window',
        reporter: { name: '陈群众', phone: '13600001111', kind: 'person' },
        matter,
        departmentCodes: [lead],
        description: '到窗口办理被告知材料不全。',
        reason: '窗口要求的证明开不出来。',
      });
      c = await act('coord', c, 'accept', { problemType: 'misconduct' });
      c = await act('coord', c, 'dispatch', { level: 1, leadDepartment: lead });
      c = await act(handler, c, 'sign');
      c = await act('super', c, 'supervise', { note: '限期办结并报告', dueAt: `${shanghaiDay(3)}T18:00:00+08:00` });
      records.push(c.supervisionRecords.at(-1).recordNo);
      if (lead === 'rsj') {
        c = await act('super', c, 'refer-discipline', { handedOver: '窗口人员推诿的问题线索' });
        records.push(c.supervisionRecords.at(-1).recordNo);
      }
    }
    browser = await launchBrowser();
    page = browser.page;
    await page.goto(server.base);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.app.close();
    await server?.env.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('lists, filters and exports the register; downloads the 工作简报 from 统计分析', async () => {
    await withFailureShot(browser, 'register', async () => {
      await login(page, 'super');
      await openFromMenu(page, '督办台账');
      const table = page.getByTestId('register-table');
      for (const no of records) await table.getByText(no, { exact: true }).waitFor();
      await expect.poll(() => table.locator('tbody tr.ant-table-row').count()).toBe(3);
      await table.getByText('待反馈结果').waitFor();
      await shot(page, 'supervision-register.png');

      // Only 线索移送: the filter goes into the URL and the list follows it.
      await page.getByRole('combobox', { name: '类别' }).click();
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '线索移送' }).click();
      await page.keyboard.press('Escape');
      await expect.poll(() => new URL(page.url()).searchParams.get('kind')).toBe('referral');
      await expect.poll(() => table.locator('tbody tr.ant-table-row').count()).toBe(1);
      await table.getByText(records[2]!, { exact: true }).waitFor();

      const [xlsx] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.getByTestId('register-xlsx').click()]);
      expect(xlsx.suggestedFilename()).toBe(`督办台账-${shanghaiDay(0).replace(/-/g, '')}.xlsx`);
      const file = path.join(tmp, 'register.xlsx');
      await xlsx.saveAs(file);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(file);
      const ws = wb.getWorksheet('督办台账')!;
      expect(ws.getRow(4).getCell(2).value).toBe(records[2]);
      expect(ws.getRow(5).getCell(2).value ?? null).toBeNull();

      // 统计分析 → 工作简报 of the page's period (this year by default up to today).
      await openFromMenu(page, '统计分析');
      await page.getByTestId('stats-figures').waitFor();
      const [docx] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('briefing-docx').click()]);
      expect(docx.suggestedFilename()).toMatch(/^工作简报-\d{8}-\d{8}\.docx$/);
      const saved = path.join(tmp, 'briefing.docx');
      await docx.saveAs(saved);
      const zip = await JSZip.loadAsync(fs.readFileSync(saved));
      const xml = await zip.file('word/document.xml')!.async('string');
      expect(xml).toContain('工作简报');
      expect(xml).toContain('县市场监管局');
      expect(Object.keys(zip.files).filter((n) => /^word\/media\/.+\.png$/.test(n)).length).toBe(4);
      expect(browser.consoleErrors).toEqual([]);
    });
  }, 180_000);
});
