/**
 * The signed-in shell's side menu and header buttons in antd's markup without antd's components
 * (issue 11: page time; the pattern of LiteTag and LiteTable). antd's Menu (rc-menu: a context, an
 * overflow measurer, a tooltip and a dozen hooks per entry, ids and a motion per sub-menu), Layout,
 * Sider, Space, Tooltip and Button ran on every full load before the page could show — about a
 * third of the first render. The markup and class names are antd's, styled by the same static
 * rules (web/antd-static-css.ts), so the shell looks the same; the menu is a `nav` of plain links
 * (Tab reaches each, ↑ / ↓ / Home / End move between them), its groups open and close by click,
 * Enter or Space. The collapsed menu (icons with pop-up groups) and the phone's drawer are antd's
 * own, loaded when first needed (web/src/pages/ShellMenu.tsx).
 */
import { useState, type KeyboardEvent, type ReactNode } from 'react';
import { LoadingOutlined } from '@ant-design/icons';
import { useAntdHash } from './LiteTag';
import { LiteLink } from './LiteLink';

/** One entry of the side menu; a group has children. */
export interface MenuEntry {
  key: string;
  label: string;
  icon: ReactNode;
  /** The permission that shows the entry (core/permissions.ts); none = everyone. */
  perm?: import('../../../core/permissions').Permission;
  children?: MenuEntry[];
}

/** Moves the focus between the menu's links and group titles with the arrow keys, Home and End. */
function onMenuKey(e: KeyboardEvent<HTMLElement>) {
  if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(e.key) || e.altKey || e.ctrlKey || e.metaKey) return;
  const items = Array.from(e.currentTarget.querySelectorAll<HTMLElement>('a[href], [role="button"]'));
  const at = items.indexOf(document.activeElement as HTMLElement);
  if (items.length === 0) return;
  e.preventDefault();
  const next =
    e.key === 'Home' ? 0 : e.key === 'End' ? items.length - 1 : e.key === 'ArrowDown' ? (at + 1) % items.length : (at - 1 + items.length) % items.length;
  items[next]!.focus();
}

/** antd's inline light Menu as markup: entries are links, groups open by default. */
export function LiteMenu({ entries, selectedKey, label }: { entries: MenuEntry[]; selectedKey: string; label: string }) {
  const hash = useAntdHash();
  const [closed, setClosed] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = (key: string) =>
    setClosed((s) => {
      const n = new Set(s);
      if (n.has(key)) n.delete(key);
      else n.add(key);
      return n;
    });
  const item = (e: MenuEntry, indent: number) => (
    <li key={e.key} className={e.key === selectedKey ? 'ant-menu-item ant-menu-item-selected' : 'ant-menu-item'} style={{ paddingLeft: indent }}>
      {e.icon}
      <span className="ant-menu-title-content">
        <LiteLink to={e.key} aria-current={e.key === selectedKey ? 'page' : undefined}>
          {e.label}
        </LiteLink>
      </span>
    </li>
  );
  return (
    <nav aria-label={label} onKeyDown={onMenuKey}>
      <ul className={`ant-menu ant-menu-root ant-menu-inline ant-menu-light ${hash}`} style={{ borderRight: 0 }}>
        {entries.map((e) => {
          if (!e.children) return item(e, 24);
          const open = !closed.has(e.key);
          const selected = e.children.some((c) => c.key === selectedKey);
          const id = `bcs-menu-${e.key}`;
          return (
            <li
              key={e.key}
              className={`ant-menu-submenu ant-menu-submenu-inline${open ? ' ant-menu-submenu-open' : ''}${selected ? ' ant-menu-submenu-selected' : ''}`}
            >
              <div
                className="ant-menu-submenu-title"
                role="button"
                tabIndex={0}
                aria-expanded={open}
                aria-controls={id}
                style={{ paddingLeft: 24 }}
                onClick={() => toggle(e.key)}
                onKeyDown={(k) => {
                  if (k.key === 'Enter' || k.key === ' ') {
                    k.preventDefault();
                    toggle(e.key);
                  }
                }}
              >
                {e.icon}
                <span className="ant-menu-title-content">{e.label}</span>
                <i className="ant-menu-submenu-arrow" />
              </div>
              {open && (
                <ul className="ant-menu ant-menu-sub ant-menu-inline" id={id}>
                  {e.children.map((c) => item(c, 48))}
                </ul>
              )}
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

/** antd's `<Button type="text" icon=…>` as markup (with its loading state). */
export function LiteTextButton({
  icon,
  loading,
  children,
  className,
  ...rest
}: { icon: ReactNode; loading?: boolean; children?: ReactNode } & React.ButtonHTMLAttributes<HTMLButtonElement> & {
    [data: `data-${string}`]: string | undefined;
  }) {
  const hash = useAntdHash();
  const cls = ['ant-btn', hash, 'ant-btn-text ant-btn-color-default ant-btn-variant-text', loading ? 'ant-btn-loading' : '', className ?? '']
    .filter(Boolean)
    .join(' ');
  return (
    <button type="button" className={cls} {...rest}>
      {loading ? (
        <span className="ant-btn-icon ant-btn-loading-icon">
          <LoadingOutlined />
        </span>
      ) : (
        <span className="ant-btn-icon">{icon}</span>
      )}
      {children}
    </button>
  );
}
