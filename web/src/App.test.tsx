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

  it('goes back to the login page when any later call answers 401', async () => {
    setSession('token');
    fetchMock.mockImplementation(async (url: string) =>
      url === '/api/v1/auth/me'
        ? jsonResponse(200, { user: coordinator, csrfToken: 'token' })
        : jsonResponse(401, { error: { code: 'UNAUTHENTICATED', message: '登录已过期，请重新登录' } }),
    );
    window.history.replaceState(null, '', '/cases');
    render(<App />);
    expect(await screen.findByText('登录已过期，请重新登录', undefined, { timeout: 10_000 })).toBeTruthy();
    expect(window.location.pathname).toBe('/login');
    expect(window.location.search).toBe(`?next=${encodeURIComponent('/cases')}`);
  });
});
