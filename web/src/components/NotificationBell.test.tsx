// @vitest-environment jsdom
import '../test/dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from 'antd';
import { NotificationBell } from './NotificationBell';
import { jsonResponse } from '../test/dom';
import type { AppNotification } from '../api/types';

const note = (id: number, over: Partial<AppNotification> = {}): AppNotification => ({
  id,
  topic: 'dispatched',
  topicLabel: '交办',
  caseId: 40 + id,
  caseNo: `2026-0000${40 + id}`,
  title: `反映件 2026-0000${40 + id} 已交办`,
  body: '请在 2 个工作日内办结。',
  createdAt: '2026-11-26T10:00:00+08:00',
  read: false,
  readAt: null,
  ...over,
});

function Where() {
  return <div data-testid="where">{useLocation().pathname}</div>;
}

function renderBell() {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={qc}>
      <MemoryRouter initialEntries={['/']}>
        <App>
          <NotificationBell />
          <Routes>
            <Route path="*" element={<Where />} />
          </Routes>
        </App>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe('the bell', () => {
  let fetchMock: ReturnType<typeof vi.fn>;
  let unread: number;
  let items: AppNotification[];
  beforeEach(() => {
    unread = 2;
    items = [note(1), note(2), note(3, { read: true, readAt: '2026-11-26T09:00:00+08:00', topic: 'overdue', topicLabel: '超期' })];
    fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
      const method = init?.method ?? 'GET';
      if (url === '/api/v1/notifications/unread-count') return jsonResponse(200, { count: unread });
      if (url === '/api/v1/notifications?limit=20') return jsonResponse(200, { items, unreadCount: unread, nextCursor: null });
      const read = /^\/api\/v1\/notifications\/(\d+)\/read$/.exec(url);
      if (read && method === 'POST') {
        unread -= 1;
        items = items.map((n) => (n.id === Number(read[1]) ? { ...n, read: true } : n));
        return jsonResponse(200, { id: Number(read[1]), read: true, readAt: '2026-11-26T10:05:00+08:00', unreadCount: unread });
      }
      if (url === '/api/v1/notifications/read-all' && method === 'POST') {
        unread = 0;
        items = items.map((n) => ({ ...n, read: true }));
        return jsonResponse(200, { updated: 1, unreadCount: 0 });
      }
      return jsonResponse(404, { error: { code: 'NOT_FOUND', message: '未找到该记录' } });
    });
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('shows the unread count, lists the newest, and opening one marks it read and opens its case', async () => {
    renderBell();
    const bell = await screen.findByRole('button', { name: '通知，2 条未读' });
    fireEvent.click(bell);
    const first = await screen.findByText('反映件 2026-000041 已交办');
    expect(screen.getAllByTestId('notification-item')).toHaveLength(3);
    fireEvent.click(first);
    await waitFor(() => expect(screen.getByTestId('where').textContent).toBe('/cases/41'));
    expect(fetchMock).toHaveBeenCalledWith('/api/v1/notifications/1/read', expect.objectContaining({ method: 'POST' }));
    await screen.findByRole('button', { name: '通知，1 条未读' });
  });

  it('全部已读 clears the count', async () => {
    renderBell();
    fireEvent.click(await screen.findByRole('button', { name: '通知，2 条未读' }));
    await screen.findByText('反映件 2026-000042 已交办');
    fireEvent.click(screen.getByRole('button', { name: '全部已读' }));
    await screen.findByRole('button', { name: '通知' });
    expect(fetchMock).toHaveBeenCalledWith('/api/v1/notifications/read-all', expect.objectContaining({ method: 'POST' }));
  });

  it('asks again on window focus', async () => {
    renderBell();
    await screen.findByRole('button', { name: '通知，2 条未读' });
    unread = 5;
    window.dispatchEvent(new Event('visibilitychange'));
    await screen.findByRole('button', { name: '通知，5 条未读' });
  });
});
