// @vitest-environment jsdom
import '../test/dom';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { MemoryRouter, Link, Route, Routes, useLocation } from 'react-router-dom';
import { App as AntApp, Button, Input, Modal } from 'antd';
import { AuthProvider } from '../auth/AuthContext';
import { KeyboardLayer, SHORTCUTS } from './useKeyboard';
import type { SessionUser } from '../api/types';

const clerk: SessionUser = { username: 'clerk', name: '王受理', role: 'clerk', roleLabel: '受理员', department: null, intakeChannel: null };
const leader: SessionUser = { ...clerk, username: 'leader', role: 'leader', roleLabel: '工作组组长' };

function Where() {
  const l = useLocation();
  return <output data-testid="where">{l.pathname}</output>;
}

function List() {
  return (
    <main>
      <h1>台账</h1>
      <input aria-label="搜索" />
      <Link to="/cases/7">2026-000007</Link>
      <Link to="/cases/3">2026-000003</Link>
      <Link to="/cases/9">2026-000009</Link>
    </main>
  );
}

function WithDialog() {
  const [open, setOpen] = useState(false);
  return (
    <main>
      <h1>用户管理</h1>
      <Button onClick={() => setOpen(true)}>新增用户</Button>
      <Modal open={open} title="新增用户" onCancel={() => setOpen(false)}>
        <p>说明文字</p>
        <Input aria-label="用户名" />
      </Modal>
    </main>
  );
}

function renderAt(path: string, user: SessionUser = clerk) {
  render(
    <AuthProvider initialUser={user}>
      <MemoryRouter initialEntries={[path]}>
        <AntApp>
          <KeyboardLayer />
          <Where />
          <Routes>
            <Route path="/" element={<main><h1>工作台</h1></main>} />
            <Route path="/intake" element={<main><h1>登记</h1><Input aria-label="反映人姓名" autoFocus /></main>} />
            <Route path="/cases" element={<List />} />
            <Route path="/cases/:id" element={<main><h1>案件</h1></main>} />
            <Route path="/users" element={<WithDialog />} />
          </Routes>
        </AntApp>
      </MemoryRouter>
    </AuthProvider>,
  );
}

const where = () => screen.getByTestId('where').textContent;
const key = (init: KeyboardEventInit, target: Element | Document = document.activeElement ?? document.body) =>
  act(() => {
    fireEvent.keyDown(target, init);
  });

describe('the keyboard layer', () => {
  beforeEach(() => window.sessionStorage.clear());
  afterEach(() => cleanup());

  it('opens 登记 with Alt+N (only for roles that may register), the 工作台 with Alt+W, the 台账 with Alt+L', async () => {
    renderAt('/');
    await key({ key: 'n', code: 'KeyN', altKey: true });
    expect(where()).toBe('/intake');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('反映人姓名')));
    await key({ key: 'w', code: 'KeyW', altKey: true });
    expect(where()).toBe('/');
    await key({ key: 'l', code: 'KeyL', altKey: true });
    expect(where()).toBe('/cases');
    cleanup();
    renderAt('/', leader);
    await key({ key: 'n', code: 'KeyN', altKey: true });
    expect(where()).toBe('/');
  });

  it('puts the focus on the page heading after a navigation, not at the top of the document', async () => {
    renderAt('/');
    await waitFor(() => expect(document.activeElement?.textContent).toBe('工作台'));
    expect(document.activeElement?.tagName).toBe('H1');
  });

  it('takes / to the 台账 search box, and ignores single keys while typing', async () => {
    renderAt('/');
    await key({ key: '/', code: 'Slash' }, document.body);
    expect(where()).toBe('/cases');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('搜索')));
    await key({ key: 'j', code: 'KeyJ' });
    await key({ key: '?', code: 'Slash', shiftKey: true });
    expect(document.activeElement).toBe(screen.getByLabelText('搜索'));
    expect(screen.queryByTestId('shortcut-table')).toBeNull();
  });

  it('walks the list with J / K, and on a case opened from it goes to the next and previous case', async () => {
    renderAt('/cases');
    await waitFor(() => expect(document.activeElement?.tagName).toBe('H1'));
    await key({ key: 'j', code: 'KeyJ' });
    expect(document.activeElement?.textContent).toBe('2026-000007');
    await key({ key: 'j', code: 'KeyJ' });
    expect(document.activeElement?.textContent).toBe('2026-000003');
    await key({ key: 'k', code: 'KeyK' });
    expect(document.activeElement?.textContent).toBe('2026-000007');
    fireEvent.click(screen.getByText('2026-000003'));
    expect(where()).toBe('/cases/3');
    await key({ key: 'ArrowDown', code: 'ArrowDown', altKey: true });
    expect(where()).toBe('/cases/9');
    await key({ key: 'ArrowDown', code: 'ArrowDown', altKey: true }); // the end of the list: stays
    expect(where()).toBe('/cases/9');
    await key({ key: 'k', code: 'KeyK' }, document.body);
    expect(where()).toBe('/cases/3');
    await key({ key: 'k', code: 'KeyK' }, document.body);
    expect(where()).toBe('/cases/7');
  });

  it('shows every documented shortcut with ?', async () => {
    renderAt('/');
    await key({ key: '?', code: 'Slash', shiftKey: true }, document.body);
    const table = await screen.findByTestId('shortcut-table');
    for (const s of SHORTCUTS) for (const k of s.keys) expect(table.textContent).toContain(k);
  });

  it('focuses the first field of a dialog when it opens', async () => {
    renderAt('/users');
    fireEvent.click(screen.getByRole('button', { name: '新增用户' }));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('用户名')), { timeout: 3000 });
  });
});
