/**
 * antd's Menu for the two shell layouts where it does more than a list of links: the collapsed side
 * menu (icons only, groups pop up beside it, names in tooltips) and the phone's drawer. Loaded when
 * first needed; the open side menu of a desk is components/LiteShell.tsx's LiteMenu.
 */
import { Link } from 'react-router-dom';
import { Drawer, Menu, type MenuProps } from 'antd';
import type { MenuEntry } from '../components/LiteShell';

function menuItems(entries: MenuEntry[]): MenuProps['items'] {
  return entries.map((e) => ({
    key: e.key,
    icon: e.icon,
    label: e.children ? e.label : <Link to={e.key}>{e.label}</Link>,
    children: e.children?.map((c) => ({ key: c.key, icon: c.icon, label: <Link to={c.key}>{c.label}</Link> })),
  }));
}

export function ShellMenu({ entries, selectedKey, collapsed }: { entries: MenuEntry[]; selectedKey: string; collapsed?: boolean }) {
  return (
    <Menu
      mode="inline"
      inlineCollapsed={collapsed}
      selectedKeys={[selectedKey]}
      defaultOpenKeys={['admin', 'optimization']}
      items={menuItems(entries)}
      style={{ borderRight: 0 }}
    />
  );
}

export function PhoneMenu({ entries, selectedKey, open, onClose }: { entries: MenuEntry[]; selectedKey: string; open: boolean; onClose: () => void }) {
  return (
    <Drawer placement="left" open={open} onClose={onClose} width={240} title="办成事" styles={{ body: { padding: 0 } }}>
      <ShellMenu entries={entries} selectedKey={selectedKey} />
    </Drawer>
  );
}
