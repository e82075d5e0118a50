/**
 * 事项目录 at intake and learned triage suggestions (issue 15), in real Chromium: a clerk chooses
 * the matter from the catalogue by typing part of its name; after 60 decided cases (registered,
 * accepted and dispatched through the services) and a training, the coordinator opens 受理并交办 on
 * the new case, finds the suggested problem type and lead department already chosen as 建议 with
 * their scores, changes the type, takes the suggestion back with one click, and confirms.
 *
 * Needs Debian's `chromium`: with CI set, a missing browser fails the test; without CI, it is skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CHROMIUM, choose, dialog, dialogSettled, ensureWebBuilt, expectStatus, HAS_CHROMIUM, launchBrowser, login, logout, startServer, withFailureShot, type BrowserSession, type Server } from './support.js';
import { actorOf, seedDecidedCases, type DecidedCaseSpec } from '../server/triage/triage-seed.js';
import { trainAndStore } from '../server/triage/triage.service.js';

if (!HAS_CHROMIUM && process.env.CI) {
  describe('triage suggestions in the browser', () => {
    it('needs Chromium', () => {
      throw new Error(`找不到 Chromium（${CHROMIUM}）：CI 须先安装 apt-get install -y chromium fonts-wqy-zenhei`);
    });
  });
}

const MATTERS: Array<[string, string]> = [
  ['户口迁移', 'gaj'],
  ['居住证办理', 'gaj'],
  ['营业执照变更', 'scjgj'],
  ['养老保险关系转移接续', 'rsj'],
  ['医保异地就医备案', 'ybj'],
  ['不动产转移登记', 'ghzrzyj'],
];
const REASONS: Array<[string, string]> = [
  ['无法提供房屋产权证明材料', 'materials'],
  ['窗口机械执行政策一刀切', 'rigid_policy'],
  ['老人不会使用手机认证', 'unable'],
  ['要在多个部门来回跑流程复杂', 'complex'],
  ['工作人员态度生硬推诿', 'misconduct'],
];
const decided: DecidedCaseSpec[] = Array.from({ length: 60 }, (_, i) => {
  const [matter, department] = MATTERS[i % MATTERS.length]!;
  const [reason, problemType] = REASONS[(i * 7) % REASONS.length]!;
  return { matter, description: `办理${matter}时${reason}，希望协调解决`, reason, problemType, department };
});

describe.skipIf(!HAS_CHROMIUM)('事项目录 at intake and triage suggestions, in the browser', () => {
  let server: Server;
  let browser: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer();
    const ctx = server.env.ctx;
    await seedDecidedCases(ctx, decided, { clerk: await actorOf(ctx, 'clerk'), coordinator: await actorOf(ctx, 'coord') });
    await server.call('coord', 'POST', '/matters', { code: '500231-GA-0001', name: '户口迁移（投靠落户）', department: 'gaj' });
    const trained = await trainAndStore(ctx);
    expect(trained.accuracy.department).not.toBeNull();
    browser = await launchBrowser();
    page = browser.page;
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.app.close();
    await server?.env.close();
  });

  it('the clerk picks the matter from the catalogue; the coordinator takes the learned suggestion in 受理并交办', async () => {
    await withFailureShot(browser, 'triage-suggest', drive);
    expect(browser.consoleErrors).toEqual([]);
  }, 300_000);

  async function drive(): Promise<void> {
    // ---- 受理员: the matter from the 事项目录 by typing part of it ---------------------------------
    await page.goto(server.base + '/');
    await login(page, 'clerk');
    await page.goto(server.base + '/intake');
    await page.getByLabel('反映人姓名').fill('柯师傅');
    await page.getByLabel('联系电话').fill('13922223333');
    await page.getByLabel('事项名称').pressSequentially('投靠落户');
    await page.getByTestId('matter-option-500231-GA-0001').click();
    expect(await page.getByLabel('事项名称').inputValue()).toBe('户口迁移（投靠落户）');
    expect(await page.getByTestId('matter-code').innerText()).toContain('500231-GA-0001');
    // Its department is named under 涉及部门 (none was named yet).
    expect(await page.locator('.ant-form-item').filter({ hasText: /^涉及部门/ }).innerText()).toContain('县公安局');
    await page.getByLabel('诉求').fill('想把户口从外地迁回县城投靠子女，窗口工作人员态度生硬推诿，一直不给办理。');
    await page.getByLabel('诉求').press('Control+Enter');
    const caseNo = (await page.getByTestId('saved-case-no').innerText()).trim();
    const found = await server.call('coord', 'GET', `/cases?q=${encodeURIComponent(caseNo)}`);
    const id = found.items[0].id as number;
    expect((await server.call('coord', 'GET', `/cases/${id}`)).matterCode).toBe('500231-GA-0001');
    await logout(page);

    // ---- 县行管办: 受理并交办 with the suggestion pre-selected -----------------------------------
    await login(page, 'coord');
    await page.goto(`${server.base}/cases/${id}`);
    await expectStatus(page, '已登记');
    await page.getByTestId('case-actions').getByRole('button', { name: '受理并交办' }).click();
    const d = dialog(page);
    await d.waitFor();
    await dialogSettled(page);
    const typeLine = d.getByTestId('suggest-problem-type');
    await typeLine.waitFor();
    expect(await typeLine.innerText()).toMatch(/建议：\s*不给办（\d+%）/);
    await expect.poll(() => d.getByLabel(/不给办/).isChecked()).toBe(true);
    expect(await d.getByTestId('suggest-department').innerText()).toMatch(/县公安局（\d+%）/);
    await expect.poll(() => d.locator('.ant-form-item').filter({ hasText: /^牵头部门/ }).innerText()).toContain('县公安局');
    // Similar earlier cases are links.
    expect(await d.getByTestId('similar-cases').getByRole('link').count()).toBeGreaterThan(0);
    // Always changeable — and one click takes the suggestion back.
    await choose(d, /不敢办/);
    expect(await d.getByLabel(/不给办/).isChecked()).toBe(false);
    await d.getByTestId('suggest-problem-type-0').click(); // 不给办, the best suggestion
    await expect.poll(() => d.getByLabel(/不给办/).isChecked()).toBe(true);
    await d.getByRole('button', { name: '确认受理并交办' }).click();
    await d.waitFor({ state: 'detached' });
    await expectStatus(page, '已交办');
    const after = await server.call('coord', 'GET', `/cases/${id}`);
    expect(after.problemType).toBe('misconduct');
    expect(after.leadDepartment).toBe('gaj');
  }
});
