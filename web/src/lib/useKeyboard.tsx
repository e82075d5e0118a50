/**
 * The keyboard layer of the signed-in app (mounted once in AppShell as <KeyboardLayer />):
 *
 * - global shortcuts ({@link SHORTCUTS}): 登记, 工作台, 台账, 搜索, next / previous case, this help;
 * - focus that lands where work continues: after every navigation the page's own autofocused field
 *   keeps the focus, else the page heading (h1, the card title) or the main region gets it — never
 *   the top of the document;
 * - dialogs focus their first field when they open (any antd Modal, unless something inside it
 *   already took the focus);
 * - "the list the user came from": opening a case from any list (工作台, 台账, search) remembers
 *   that list's cases in order, so J / K (or Alt+↓ / Alt+↑) on the case page open the next or
 *   previous one. On a list page J / K move the focus from case to case (Enter opens it).
 *
 * Single-key shortcuts (J, K, /, ?) never fire while typing in a field, during IME composition or
 * over an open dialog; Alt shortcuts work inside fields too (not over a dialog).
 */
import { useEffect, useRef, useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { Modal } from 'antd';
import { can } from '../../../core/permissions';
import { useUser } from '../auth/AuthContext';
import './keyboard.css';

/** One documented shortcut: the keys as shown, and what it does. */
export interface Shortcut {
  keys: string[];
  label: string;
  /** Only shown (and active) for users with this permission. */
  perm?: 'intake';
}

/** Every global shortcut, as the help dialog (?), README and docs/WEB.md list them. */
export const SHORTCUTS: Shortcut[] = [
  { keys: ['Alt+N'], label: '登记新反映件（打开登记页，光标在“反映人姓名”）', perm: 'intake' },
  { keys: ['Alt+W'], label: '回到工作台' },
  { keys: ['Alt+L'], label: '打开台账' },
  { keys: ['/', 'Alt+S'], label: '搜索：打开台账并把光标放进搜索框' },
  { keys: ['J', 'Alt+↓'], label: '下一件：在案件页打开来源列表中的下一件；在列表页把焦点移到下一件' },
  { keys: ['K', 'Alt+↑'], label: '上一件：同上，方向相反' },
  { keys: ['?'], label: '显示本快捷键说明' },
  { keys: ['Esc'], label: '关闭对话框或下拉列表' },
  { keys: ['Tab', 'Shift+Tab'], label: '在字段之间移动（多选框按 Tab 离开，不会选中高亮项）' },
  { keys: ['Enter'], label: '登记表单单行输入框内：保存；列表中：打开焦点所在的一件' },
  { keys: ['Ctrl+Enter'], label: '登记表单多行输入框内：保存' },
];

const LIST_KEY = 'bcs.caseList';
const CASE_PATH = /^\/cases\/(\d+)$/;

interface CaseList {
  from: string;
  ids: number[];
}

function readList(): CaseList | null {
  try {
    const raw = window.sessionStorage.getItem(LIST_KEY);
    const v = raw ? (JSON.parse(raw) as CaseList) : null;
    return v && Array.isArray(v.ids) ? v : null;
  } catch {
    return null;
  }
}

function main(): HTMLElement | null {
  return document.querySelector('main');
}

/** The case links of the main region, in reading order, one per case. */
function caseLinks(): HTMLAnchorElement[] {
  const seen = new Set<number>();
  const out: HTMLAnchorElement[] = [];
  for (const a of Array.from(main()?.querySelectorAll<HTMLAnchorElement>('a[href]') ?? [])) {
    const m = CASE_PATH.exec(new URL(a.href, window.location.href).pathname);
    if (!m || seen.has(Number(m[1]))) continue;
    seen.add(Number(m[1]));
    out.push(a);
  }
  return out;
}

const caseIdOf = (a: HTMLAnchorElement) => Number(CASE_PATH.exec(new URL(a.href, window.location.href).pathname)?.[1]);

/** Whether the key goes to a field the user types in (single-key shortcuts then do nothing). */
function isTyping(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (!el || !el.tagName) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable || el.getAttribute('role') === 'combobox';
}

const dialogOpen = () => document.querySelector('.ant-modal-wrap:not([style*="display: none"]) .ant-modal') !== null;

const FIELD = [
  'input:not([type=hidden]):not([disabled]):not([readonly]):not([type=radio]):not([type=checkbox])',
  'textarea:not([disabled]):not([readonly])',
  'input[type=radio]:checked:not([disabled])',
  'input[type=checkbox]:not([disabled])',
].join(', ');

/** The first field of a dialog or page region that a person would type in, if any. */
export function firstField(root: ParentNode): HTMLElement | null {
  for (const el of Array.from(root.querySelectorAll<HTMLElement>(FIELD))) {
    // Shown: laid out, or (without layout) not inside anything hidden.
    if (el.offsetParent !== null || el.getClientRects().length > 0 || !el.closest('[hidden], [style*="display: none"], [aria-hidden="true"]')) return el;
  }
  return null;
}

const isField = (el: Element | null) => !!el && el.matches('input, textarea, select, [role=combobox], [contenteditable=true]');

/**
 * Focuses the search box of the 台账 once it is there, and keeps it there for 2 s against the
 * page's own focus after navigation (its heading, or the body when the box is rendered anew as
 * the list's data arrives) — unless the person has moved on to something else.
 */
function focusSearchSoon(): void {
  const started = Date.now();
  let placed: Element | null = null; // the main region the box was focused in
  const tick = () => {
    const m = main();
    if (placed && m !== placed) return; // another page or app: not ours to touch
    const box = m?.querySelector<HTMLInputElement>('[data-shortcut="search"], input[aria-label="搜索"]'); // the 台账's box, not any search field (the case page has some)
    const active = document.activeElement;
    if (box && active !== box) {
      const taken = !active || active === document.body || active === m || active.matches('h1, .bcs-page-title, [tabindex="-1"]');
      if (placed && !taken) return; // the person moved on
      box.focus();
      if (!placed) box.select();
      placed = m;
    }
    if (Date.now() - started < (placed ? 2000 : 5000)) setTimeout(tick, 50);
  };
  tick();
}

/** Global key handling: the shortcuts of {@link SHORTCUTS}. */
function useGlobalShortcuts(openHelp: () => void): void {
  const navigate = useNavigate();
  const location = useLocation();
  const user = useUser();
  const mayIntake = can(user.role, 'intake');
  // The router's address (the handler is installed once; the address changes under it).
  const here = useRef(location.pathname);
  here.current = location.pathname;

  useEffect(() => {
    const go = (to: string) => {
      if (here.current !== to) navigate(to);
    };
    const toLedger = () => {
      if (here.current !== '/cases') navigate('/cases');
      focusSearchSoon();
    };
    const step = (dir: 1 | -1) => {
      const onCase = CASE_PATH.exec(here.current);
      if (onCase) {
        const list = readList();
        const i = list ? list.ids.indexOf(Number(onCase[1])) : -1;
        const next = list && i >= 0 ? list.ids[i + dir] : undefined;
        if (next !== undefined) navigate(`/cases/${next}`);
        return;
      }
      const links = caseLinks();
      if (!links.length) return;
      const at = links.indexOf(document.activeElement as HTMLAnchorElement);
      const target = links[at < 0 ? (dir === 1 ? 0 : links.length - 1) : Math.min(links.length - 1, Math.max(0, at + dir))];
      target?.focus();
      target?.scrollIntoView?.({ block: 'nearest' });
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing || e.keyCode === 229) return;
      if (dialogOpen()) return;
      if (e.altKey && !e.ctrlKey && !e.metaKey) {
        const act: Record<string, () => void> = {
          KeyN: () => mayIntake && go('/intake'),
          KeyW: () => go('/'),
          KeyL: () => go('/cases'),
          KeyS: toLedger,
          ArrowDown: () => step(1),
          ArrowUp: () => step(-1),
        };
        const f = act[e.code];
        if (f) {
          e.preventDefault();
          f();
        }
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      if (e.key === '?') {
        e.preventDefault();
        openHelp();
      } else if (e.key === '/') {
        e.preventDefault();
        toLedger();
      } else if (e.key === 'j' || e.key === 'J') {
        e.preventDefault();
        step(1);
      } else if (e.key === 'k' || e.key === 'K') {
        e.preventDefault();
        step(-1);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate, mayIntake, openHelp]);

  // Opening a case from a list remembers the list (by click or Enter on the link).
  useEffect(() => {
    const onClick = (e: MouseEvent) => {
      const a = (e.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null;
      if (!a || !main()?.contains(a) || !CASE_PATH.test(new URL(a.href, window.location.href).pathname)) return;
      if (CASE_PATH.test(here.current)) return; // links inside a case page (并件, 相关件) are no list
      const ids = caseLinks().map(caseIdOf);
      try {
        window.sessionStorage.setItem(LIST_KEY, JSON.stringify({ from: location.pathname + location.search, ids } satisfies CaseList));
      } catch {
        /* not remembered: J / K then do nothing */
      }
    };
    document.addEventListener('click', onClick, true);
    return () => document.removeEventListener('click', onClick, true);
  }, [location.pathname, location.search]);
}

/**
 * After each navigation, focus where the work continues: a field the page focused itself stays;
 * otherwise the page's heading (h1, or the card title), else the main region. Pages load on demand,
 * so this waits (up to 3 s) for the page to replace its skeleton.
 */
function useFocusAfterNavigation(): void {
  const location = useLocation();
  useEffect(() => {
    let cancelled = false;
    const started = Date.now();
    // What had the focus when the address changed (the link or key that navigated): the old page
    // can stay on screen while the new one loads (router transitions), so it is no sign of the new page.
    const before = document.activeElement;
    // Where this put the focus: watched for a while, since the old page it may belong to can still go.
    let placed: Element | null = null;
    const tick = () => {
      if (cancelled || Date.now() - started > 4000) return;
      const m = main();
      const active = document.activeElement;
      const lost = !active || active === document.body;
      if (placed) {
        if (!lost) {
          if (active === placed) setTimeout(tick, 100); // still there: keep watching
          return; // the page or the user moved it on
        }
        placed = null; // it went with the old page: place it again
      } else if (m && active && active !== before && m.contains(active) && active !== m) return; // the page (or the user) chose already
      if (dialogOpen()) return;
      const oldPageGone = !before || !before.isConnected || !m?.contains(before) || Date.now() - started > 1500;
      const loading = !m || !oldPageGone || m.querySelector('.ant-skeleton, .ant-spin-spinning') !== null;
      if (!loading || Date.now() - started > 3000) {
        if (active && isField(active) && !m?.contains(active)) return; // typing in the header (search, …)
        const own = m?.querySelector<HTMLElement>('[autofocus], [data-autofocus]');
        const heading = ['h1', '.bcs-page-title', 'h4.ant-typography', '.ant-card-head-title'].map((s) => m?.querySelector<HTMLElement>(s)).find(Boolean);
        const target = own ?? heading ?? m;
        if (target) {
          if (!target.hasAttribute('tabindex') && !isField(target)) target.setAttribute('tabindex', '-1');
          target.focus({ preventScroll: false });
          placed = target;
          setTimeout(tick, 100);
          return;
        }
      }
      setTimeout(tick, 60);
    };
    const t = setTimeout(tick, 30);
    return () => {
      cancelled = true;
      clearTimeout(t);
    };
  }, [location.pathname]);
}

/** Every antd dialog focuses its first field on opening (unless a field inside already has it). */
function useDialogFirstField(): void {
  useEffect(() => {
    const handled = new WeakSet<Element>();
    const focusIn = (modal: Element, tries: number) => {
      const active = document.activeElement;
      if (active && modal.contains(active) && isField(active)) return;
      // The first field; a dialog without fields: its first button (so Esc and Enter reach it).
      const field =
        firstField(modal.querySelector('.ant-modal-body') ?? modal) ??
        (active && modal.contains(active) ? null : modal.querySelector<HTMLElement>('.ant-modal-body button, .ant-modal-footer button, .ant-modal-close'));
      if (field) field.focus();
      // rc-dialog moves the focus to its panel once its animation ends: look again a little later.
      if (tries > 0) setTimeout(() => focusIn(modal, tries - 1), 120);
    };
    const scan = () => {
      for (const modal of Array.from(document.querySelectorAll('.ant-modal'))) {
        const wrap = modal.closest('.ant-modal-wrap') as HTMLElement | null;
        const visible = !!wrap && wrap.style.display !== 'none';
        if (!visible) {
          handled.delete(modal);
          continue;
        }
        if (handled.has(modal)) continue;
        handled.add(modal);
        setTimeout(() => focusIn(modal, 3), 0);
      }
    };
    const obs = new MutationObserver(scan);
    obs.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['style', 'class'] });
    return () => obs.disconnect();
  }, []);
}

/** The 快捷键 help dialog's table (plain markup: the shell's download stays small). */
export function ShortcutTable({ mayIntake }: { mayIntake: boolean }) {
  return (
    <table className="bcs-shortcuts" data-testid="shortcut-table">
      <thead>
        <tr>
          <th scope="col">按键</th>
          <th scope="col">作用</th>
        </tr>
      </thead>
      <tbody>
        {SHORTCUTS.filter((s) => !s.perm || mayIntake).map((s) => (
          <tr key={s.keys.join()}>
            <td>
              {s.keys.map((k, i) => (
                <span key={k}>
                  {i > 0 && ' 或 '}
                  <kbd className="bcs-kbd">{k}</kbd>
                </span>
              ))}
            </td>
            <td>{s.label}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Mounted once inside the signed-in shell (router and antd App inside). */
export function KeyboardLayer() {
  const user = useUser();
  const [help, setHelp] = useState(false);
  // The help dialog is mounted when first asked for (an antd Modal, even closed, is work on every
  // full load — issue 11: page time), then stays for its closing animation.
  const [helpUsed, setHelpUsed] = useState(false);
  const [openHelp] = useState(() => () => {
    setHelpUsed(true);
    setHelp(true);
  });
  useGlobalShortcuts(openHelp);
  useFocusAfterNavigation();
  useDialogFirstField();
  if (!helpUsed) return null;
  return (
    <Modal open={help} title="快捷键" footer={null} onCancel={() => setHelp(false)} width={640} destroyOnHidden>
      <p className="bcs-hint">单键快捷键（J、K、/、?）在输入框内不生效；Alt 组合键在任何位置都可用。</p>
      <ShortcutTable mayIntake={can(user.role, 'intake')} />
    </Modal>
  );
}
