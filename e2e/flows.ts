/**
 * The daily loop's counted tasks of issue 11, done in the browser as a person does them, each
 * answering what it cost: the hotline intake by keyboard from the login page, 受理并交办 by keyboard
 * and by mouse, the handler's 签收 and 办结, the callback with four ratings. Shared by the browser
 * tests (e2e/keyboard.e2e.test.ts, e2e/triage-keyboard.e2e.test.ts), which assert the aims, and by
 * bench/work-speed.bench.ts, which prints them on the demo data and at 1,000,000 cases.
 *
 * No vitest here (the bench runs outside it): a step that does not happen throws, naming it.
 *
 * Counting rules (README 快捷键与键盘操作 and "Work speed on the case page"):
 *   intake  — each key press is one (Ctrl+Enter too), typing the text of one field is one;
 *   case    — each click is one, each key of a chord is one (Alt+1: two), each fill of a field is one.
 * Waiting and reading count nothing.
 */
import type { Locator, Page } from 'playwright-core';

/** Polls `probe` until it answers true; throws with `what` after `timeout` ms. */
export async function until(what: string, probe: () => Promise<boolean>, timeout = 15_000): Promise<void> {
  const end = Date.now() + timeout;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`等待超时：${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The id of the focused element (a string script: the e2e project compiles without the DOM library). */
export async function focusedId(page: Page): Promise<string> {
  return page.evaluate('document.activeElement?.id ?? ""');
}

export const waitFocus = (page: Page, id: string) => until(`焦点在 #${id}`, async () => (await focusedId(page)) === id);

/** What the user does, by one of the two rules above. */
export class Tally {
  clicks = 0;
  keys = 0;
  fills = 0;
  readonly log: string[] = [];
  constructor(
    private readonly page: Page,
    private readonly rule: 'intake' | 'case',
  ) {}
  async click(l: Locator): Promise<void> {
    this.clicks++;
    this.log.push('click');
    await l.click();
  }
  async press(key: string): Promise<void> {
    this.keys += this.rule === 'case' ? key.split('+').length : 1;
    this.log.push(key);
    await this.page.keyboard.press(key);
  }
  /** Types one field's text into the focused field: one key press by the intake rule. */
  async type(text: string): Promise<void> {
    this.keys++;
    this.log.push(`「${text}」`);
    await this.page.keyboard.insertText(text);
  }
  async fill(l: Locator, text: string): Promise<void> {
    this.fills++;
    this.log.push(`fill「${text}」`);
    await l.fill(text);
  }
  get total(): number {
    return this.clicks + this.keys + this.fills;
  }
}

export interface Call {
  name: string;
  phone: string;
  matter: string;
  description: string;
}

/**
 * A 热线 desk (an account whose channel is 热线) opens the app on the login page and registers
 * `calls` by keyboard alone. Answers the key presses of each call (the first includes the login) and
 * the case number shown after each save.
 */
export async function hotlineIntakeByKeyboard(page: Page, base: string, account: { username: string; password: string }, calls: Call[]): Promise<Array<{ keys: number; log: string[]; caseNo: string }>> {
  await page.goto(base + '/');
  await page.getByLabel('用户名').waitFor();
  await waitFocus(page, 'username');
  const out: Array<{ keys: number; log: string[]; caseNo: string }> = [];
  let previous = '';
  for (const [i, call] of calls.entries()) {
    const t = new Tally(page, 'intake');
    if (i === 0) {
      await t.type(account.username);
      await t.press('Tab');
      await waitFocus(page, 'password');
      await t.type(account.password);
      await t.press('Enter');
      // The 热线 desk starts in 登记, the cursor in 反映人姓名, the channel on 热线.
      await page.getByTestId('current-user').waitFor();
      await until('登录后进入登记页', async () => new URL(page.url()).pathname === '/intake');
    }
    await waitFocus(page, 'reporter_name');
    if (!(await page.locator('input[type=radio][value="hotline"]').isChecked())) throw new Error('登记页的渠道不是热线');
    await t.type(call.name);
    await t.press('Tab');
    await waitFocus(page, 'reporter_phone');
    await t.type(call.phone);
    await t.press('Tab');
    await waitFocus(page, 'matter');
    await t.type(call.matter);
    await t.press('Tab');
    await waitFocus(page, 'description');
    await t.type(call.description);
    await t.press('Control+Enter');
    const saved = page.getByTestId('saved-case-no');
    await until('登记成功，显示编号', async () => (await saved.count()) > 0 && (await saved.innerText()).trim() !== previous);
    previous = (await saved.innerText()).trim();
    out.push({ keys: t.keys, log: t.log, caseNo: previous });
  }
  return out;
}

const actions = (page: Page) => page.getByTestId('case-actions');

/** The open dialog (the last antd modal with a title). */
export function openDialog(page: Page): Locator {
  return page.locator('.ant-modal-content').filter({ has: page.locator('.ant-modal-title') }).last();
}

/** Waits until no dialog is still zooming open (typing into one that is would race the animation). */
export const dialogOpened = (page: Page) => until('对话框打开完毕', async () => (await page.locator('.ant-zoom-appear, .ant-zoom-enter').count()) === 0);

/** The status tag of the open case page. */
export const caseStatus = (page: Page) => page.locator('.ant-card-head').first().getByTestId('status-tag').innerText();
export const waitStatus = (page: Page, label: string) => until(`状态为“${label}”`, async () => (await caseStatus(page)) === label);

/** Opens a case page as the signed-in user and waits for it to show `status`. */
export async function openCase(page: Page, base: string, id: number, status: string): Promise<void> {
  await page.goto(`${base}/cases/${id}`);
  await waitStatus(page, status);
}

/** Opens an action's dialog from its button (one click) and waits for it to finish opening. */
async function openAction(page: Page, t: Tally, button: string): Promise<Locator> {
  await t.click(actions(page).getByRole('button', { name: button, exact: true }));
  return opened(page);
}

/** The dialog that is opening, once it has. */
async function opened(page: Page): Promise<Locator> {
  const d = openDialog(page);
  await d.waitFor();
  await dialogOpened(page);
  return d;
}

/** Waits for a confirmed dialog to close and the case to show `status`. */
async function done(page: Page, d: Locator, status: string): Promise<void> {
  await d.waitFor({ state: 'detached' });
  await waitStatus(page, status);
}

/**
 * 受理并交办 by keyboard alone on a 已登记 case already open (the department was named at intake):
 * Alt+1 opens the dialog on the problem type, ↓ ↓ chooses 不会办, the lead department and level are
 * pre-filled, the deadline is previewed, Ctrl+Enter confirms (`inDialog` runs just before). Answers
 * the key presses.
 */
export async function triageByKeyboard(page: Page, prefilled: { department: string }, inDialog?: () => Promise<void>): Promise<Tally> {
  const button = actions(page).getByRole('button', { name: '受理并交办' });
  await button.waitFor();
  if ((await button.getAttribute('aria-keyshortcuts')) !== 'Alt+1') throw new Error('受理并交办 的快捷键不是 Alt+1');
  const k = new Tally(page, 'case');
  await k.press('Alt+1');
  const d = await opened(page);
  // The first field has the focus: the problem type's first option.
  await until('焦点在问题类型', async () => (await page.locator('input[name="problemType"]:focus').count()) === 1);
  await k.press('ArrowDown'); // 不愿办
  await k.press('ArrowDown'); // 不会办
  if (!(await d.getByLabel(/不会办/).isChecked())) throw new Error('方向键没有选中“不会办”');
  // Department and level pre-filled from the intake; the deadline shown before confirming.
  const lead = await d.locator('.ant-form-item').filter({ hasText: /^牵头部门/ }).innerText();
  if (!lead.includes(prefilled.department)) throw new Error(`牵头部门没有预填为${prefilled.department}：${lead}`);
  if (!(await d.getByLabel(/一级/).isChecked())) throw new Error('办理层级没有预填为一级');
  await until('显示办理时限', async () => (await d.getByTestId('dispatch-preview').innerText()).includes('确认后办理时限为'));
  // What the caller checks in the open dialog (the browser test: axe), counting nothing.
  await inDialog?.();
  await k.press('Control+Enter');
  await done(page, d, '已交办');
  return k;
}

/** 受理并交办 by mouse on a 已登记 case already open: the button, a problem type, confirm. */
export async function triageByMouse(page: Page, problemType: string): Promise<Tally> {
  const m = new Tally(page, 'case');
  const d = await openAction(page, m, '受理并交办');
  await m.click(d.locator('label.ant-radio-wrapper').filter({ hasText: problemType }));
  await until('显示办理时限', async () => (await d.getByTestId('dispatch-preview').innerText()).includes('确认后办理时限为'));
  await m.click(d.getByRole('button', { name: '确认受理并交办' }));
  await done(page, d, '已交办');
  return m;
}

/** The handler's 签收 on a 已交办 case already open: one click, no confirmation. */
export async function signCase(page: Page): Promise<Tally> {
  const s = new Tally(page, 'case');
  await s.click(actions(page).getByRole('button', { name: '签收', exact: true }));
  await waitStatus(page, '办理中');
  if ((await page.locator('.ant-modal-content').count()) > 0) throw new Error('签收弹出了确认框');
  return s;
}

/** 办结 on a 办理中 case already open: the button, the result, confirm (答复方式 pre-chosen). */
export async function completeCase(page: Page, result: string): Promise<Tally> {
  const c = new Tally(page, 'case');
  const d = await openAction(page, c, '办结');
  await c.fill(d.getByLabel('办理结果'), result);
  await c.click(d.getByRole('button', { name: '确认办结' }));
  await done(page, d, '已办结');
  return c;
}

/** 电话回访 on a 已办结 case already open, all four aspects 满意 in one click. */
export async function callbackAllSatisfied(page: Page): Promise<Tally> {
  const r = new Tally(page, 'case');
  const d = await openAction(page, r, '电话回访');
  await r.click(d.getByRole('button', { name: '全部满意' }));
  await r.click(d.getByRole('button', { name: '确认电话回访' }));
  await done(page, d, '已归档');
  return r;
}
