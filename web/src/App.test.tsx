// @vitest-environment jsdom
import './test/dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App } from './App';
import { jsonResponse } from './test/dom';
import { setSession } from './api/client';

const coordinator = { username: 'coord', name: '李行管', role: 'coordinator', roleLabel: '县行管办', department: null };

describe('the session in the browser', () => {
  let fetchMock: ReturnType<typeof vi.fn>;
  beforeEach(() => {
    fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
    window.history.replaceState(null, '', '/');
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
    setSession(null);
    window.localStorage.clear();
    window.sessionStorage.clear();
  });

  it('opens on the login page without asking the server when there was no session', async () => {
    render(<App />);
    expect(await screen.findByLabelText('用户名', undefined, { timeout: 5000 })).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('keeps a link opened without a session and goes there after login', async () => {
    window.history.replaceState(null, '', '/cases?status=closed');
    fetchMock.mockImplementation(async (url: string) =>
      url === '/api/v1/auth/login'
        ? jsonResponse(200, { token: 't', csrfToken: 'c', user: coordinator })
        : jsonResponse(200, { items: [], nextCursor: null, count: 0, overdue: 0, dueSoon: 0 }),
    );
    render(<App />);
    const name = await screen.findByLabelText('用户名', undefined, { timeout: 5000 });
    expect(window.location.pathname).toBe('/login');
    expect(window.location.search).toBe(`?next=${encodeURIComponent('/cases?status=closed')}`);
    fireEvent.change(name, { target: { value: 'coord' } });
    fireEvent.change(screen.getByLabelText('密码'), { target: { value: 'secret-password' } });
    fireEvent.click(screen.getByRole('button', { name: /登\s*录/ }));
    await waitFor(() => expect(window.location.pathname + window.location.search).toBe('/cases?status=closed'), { timeout: 10_000 });
  });

  it('returns to the login page with 登录已过期 when the session has expired', async () => {
    setSession('old-token');
    fetchMock.mockImplementation(async () => jsonResponse(401, { error: { code: 'UNAUTHENTICATED', message: '登录已过期，请重新登录' } }));
    render(<App />);
    expect(await screen.findByText('登录已过期，请重新登录', undefined, { timeout: 5000 })).toBeTruthy();
    expect(window.sessionStorage.getItem('bcs.csrfToken')).toBeNull();
  });

  it('asks for the password over the page when a later call answers 401, and goes to the login page on 取消', async () => {
    setSession('token');
    fetchMock.mockImplementation(async (url: string) =>
      url === '/api/v1/auth/me'
        ? jsonResponse(200, { user: coordinator, csrfToken: 'token' })
        : jsonResponse(401, { error: { code: 'UNAUTHENTICATED', message: '登录已过期，请重新登录' } }),
    );
    window.history.replaceState(null, '', '/cases');
    render(<App />);
    const dialog = await screen.findByRole('dialog', undefined, { timeout: 10_000 });
    expect(dialog.textContent).toContain('登录已过期，请重新登录');
    expect((screen.getByLabelText('用户名', { selector: '#reauth-username' }) as HTMLInputElement).value).toBe('coord');
    expect(window.location.pathname).toBe('/cases');
    fireEvent.click(screen.getByRole('button', { name: /取消/ }));
    await waitFor(() => expect(window.location.pathname).toBe('/login'), { timeout: 10_000 });
    expect(window.location.search).toBe(`?next=${encodeURIComponent('/cases')}`);
  });

  it('re-authenticates in a dialog over the 登记 form when the save answers 401, then saves the same case without losing the form', async () => {
    setSession('old');
    const clerk = { username: 'clerk', name: '王受理', role: 'clerk', roleLabel: '受理员', department: null, intakeChannel: 'hotline' };
    let sessionAlive = true;
    const posts: Array<{ body: string; csrf: string; key: string }> = [];
    fetchMock.mockImplementation(async (url: string, init: RequestInit = {}) => {
      const headers = (init.headers ?? {}) as Record<string, string>;
      if (url === '/api/v1/auth/me') return jsonResponse(200, { user: clerk, csrfToken: 'old' });
      if (url === '/api/v1/auth/login') {
        const body = JSON.parse(String(init.body));
        if (body.password !== 'right-password') return jsonResponse(401, { error: { code: 'UNAUTHENTICATED', message: '用户名或密码错误' } });
        sessionAlive = true;
        return jsonResponse(200, { token: 't2', csrfToken: 'new', expiresAt: '2026-12-06T12:00:00Z', user: clerk });
      }
      if (url === '/api/v1/departments') return jsonResponse(200, { items: [{ code: 'gaj', name: '县公安局', disabled: false }] });
      if (url === '/api/v1/cases' && init.method === 'POST') {
        posts.push({ body: String(init.body), csrf: headers['X-CSRF-Token'] ?? '', key: headers['Idempotency-Key'] ?? '' });
        if (!sessionAlive) return jsonResponse(401, { error: { code: 'UNAUTHENTICATED', message: '登录已过期，请重新登录' } });
        return jsonResponse(201, { id: 5, caseNo: '2026-000005', status: 'received' });
      }
      return jsonResponse(200, { items: [], nextCursor: null, count: 0, unread: 0 });
    });
    window.history.replaceState(null, '', '/intake');
    render(<App />);
    const name = await screen.findByLabelText('反映人姓名', undefined, { timeout: 10_000 });
    expect((screen.getByLabelText('热线') as HTMLInputElement).checked).toBe(true);
    fireEvent.change(name, { target: { value: '张三' } });
    fireEvent.change(screen.getByLabelText('联系电话'), { target: { value: '13800001234' } });
    fireEvent.change(screen.getByLabelText('事项名称'), { target: { value: '户口迁移' } });
    fireEvent.change(screen.getByLabelText('诉求'), { target: { value: '迁户口被要求回原籍开证明。' } });
    sessionAlive = false; // the session expires while the call is taken
    fireEvent.click(screen.getByRole('button', { name: /保存登记/ }));

    const dialog = await screen.findByRole('dialog', undefined, { timeout: 10_000 });
    expect(dialog.textContent).toContain('登录已过期');
    const user = screen.getByLabelText('用户名', { selector: '#reauth-username' }) as HTMLInputElement;
    expect(user.value).toBe('clerk');
    expect(user.disabled).toBe(true);
    // A wrong password: told so, still over the form, nothing saved.
    fireEvent.change(screen.getByLabelText('密码', { selector: '#reauth-password' }), { target: { value: 'wrong-password' } });
    fireEvent.click(screen.getByRole('button', { name: /登录并继续/ }));
    expect(await screen.findByText('用户名或密码错误', undefined, { timeout: 5000 })).toBeTruthy();
    expect(posts).toHaveLength(1);
    fireEvent.change(screen.getByLabelText('密码', { selector: '#reauth-password' }), { target: { value: 'right-password' } });
    fireEvent.click(screen.getByRole('button', { name: /登录并继续/ }));

    expect(await screen.findByTestId('saved-case-no', undefined, { timeout: 10_000 })).toBeTruthy();
    expect(screen.getByTestId('saved-case-no').textContent).toBe('2026-000005');
    expect(window.location.pathname).toBe('/intake');
    // The same body sent again, with the new CSRF token and the same Idempotency-Key.
    expect(posts).toHaveLength(2);
    expect(posts[1]!.body).toBe(posts[0]!.body);
    expect(JSON.parse(posts[1]!.body)).toMatchObject({ channel: 'hotline', matter: '户口迁移', reporter: { name: '张三' } });
    expect(posts[0]!.csrf).toBe('old');
    expect(posts[1]!.csrf).toBe('new');
    expect(posts[1]!.key).toBe(posts[0]!.key);
  }, 30_000);
});
