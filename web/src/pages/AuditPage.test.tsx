// @vitest-environment jsdom
import '../test/dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router-dom';
import { App } from 'antd';
import AuditPage from './AuditPage';
import { jsonResponse } from '../test/dom';
import type { AuditRecord } from '../api/types';

const record = (seq: number, o: Partial<AuditRecord> = {}): AuditRecord => ({
  seq,
  at: '2026-11-26T10:00:00+08:00',
  actor: 'coord',
  actorName: '李行管',
  action: 'case.accept',
  actionLabel: '予以受理',
  entityType: 'case',
  entityLabel: '反映件',
  entityId: '7',
  caseNo: '2026-000007',
  data: { caseNo: '2026-000007', from: 'received', to: 'accepted' },
  hash: 'a'.repeat(64),
  ...o,
});

function renderPage(path = '/audit') {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter initialEntries={[path]}>
        <App>
          <AuditPage />
        </App>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe('审计日志', () => {
  let fetchMock: ReturnType<typeof vi.fn>;
  beforeEach(() => {
    fetchMock = vi.fn(async (url: string) => {
      const u = new URL(url, 'http://x');
      if (u.pathname === '/api/v1/audit/verify') return jsonResponse(200, { ok: false, records: 11, brokenAt: 12, reason: '第 12 条记录内容被篡改（哈希不符）' });
      if (u.pathname === '/api/v1/audit/records') {
        if (u.searchParams.get('cursor') === '2') return jsonResponse(200, { items: [record(1, { action: 'login', actionLabel: '登录', entityType: 'user', entityLabel: '用户', entityId: 'coord', caseNo: null, data: {} })], nextCursor: null });
        if (u.searchParams.get('actor') === 'nobody') return jsonResponse(200, { items: [], nextCursor: null });
        return jsonResponse(200, { items: [record(3), record(2, { actor: 'system', actorName: null, action: 'case.overdue', actionLabel: '标记超期' })], nextCursor: '2' });
      }
      return jsonResponse(404, { error: { code: 'NOT_FOUND', message: '未找到该记录' } });
    });
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('lists records with who, what and a link to the case, pages on, and shows a broken chain in red', async () => {
    renderPage();
    const table = await screen.findByTestId('audit-table', undefined, { timeout: 5000 });
    await within(table).findByText('李行管（coord）', undefined, { timeout: 5000 });
    expect(within(table).getByText('系统自动')).toBeTruthy();
    expect(within(table).getAllByRole('link', { name: '反映件 2026-000007' })[0]!.getAttribute('href')).toBe('/cases/7');
    fireEvent.click(screen.getByRole('button', { name: '加载更多' }));
    await within(table).findByText('登录', undefined, { timeout: 5000 });
    expect(screen.getByText('已显示 3 条')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: /校验审计链/ }));
    expect(await screen.findByText('审计链被破坏：第 12 条', undefined, { timeout: 5000 })).toBeTruthy();
    expect(screen.getByText('第 12 条记录内容被篡改（哈希不符）')).toBeTruthy();
  });

  it('sends the filters from the URL and says when nothing matches', async () => {
    renderPage('/audit?actor=nobody&from=2026-11-01&to=2026-11-30');
    expect(await screen.findByText('没有符合条件的审计记录', undefined, { timeout: 5000 })).toBeTruthy();
    await waitFor(() => expect(fetchMock).toHaveBeenCalled());
    const url = new URL(String(fetchMock.mock.calls.find(([u]) => String(u).startsWith('/api/v1/audit/records'))![0]), 'http://x');
    expect(Object.fromEntries(url.searchParams)).toEqual({ actor: 'nobody', from: '2026-11-01', to: '2026-11-30', limit: '50' });
  });
});
