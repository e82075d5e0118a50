// @vitest-environment jsdom
import '../../test/dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from 'antd';
import ApiKeysPage from './ApiKeysPage';
import { jsonResponse } from '../../test/dom';

const KEY = { id: 1, name: '12345热线平台', role: 'clerk', department: null, keyPrefix: 'bcs_Ab12', createdAt: '2026-11-26T02:00:00.000Z', createdBy: 'admin', lastUsedAt: null, revokedAt: null };
const FULL = 'bcs_Ab12' + 'x'.repeat(39);

function renderPage() {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <App>
        <ApiKeysPage />
      </App>
    </QueryClientProvider>,
  );
}

const calls = (m: ReturnType<typeof vi.fn>, method: string) =>
  m.mock.calls.filter(([, init]) => (init as RequestInit | undefined)?.method === method).map(([url, init]) => [url, (init as RequestInit).body ? JSON.parse(String((init as RequestInit).body)) : null]);

describe('接口密钥', () => {
  let fetchMock: ReturnType<typeof vi.fn>;
  beforeEach(() => {
    fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
      if (init?.method === 'POST') return jsonResponse(201, { ...KEY, id: 2, name: '群工系统', key: FULL });
      if (init?.method === 'DELETE') return jsonResponse(200, { ...KEY, revokedAt: '2026-11-26T03:00:00.000Z' });
      if (String(url).includes('/departments')) return jsonResponse(200, { items: [{ code: 'scjgj', name: '县市场监管局', disabled: false }] });
      return jsonResponse(200, { items: [KEY] });
    });
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('creates a key and shows it once with a warning', async () => {
    renderPage();
    expect(await screen.findByText('12345热线平台', undefined, { timeout: 5000 })).toBeTruthy();
    fireEvent.change(screen.getByLabelText('名称'), { target: { value: '群工系统' } });
    fireEvent.click(screen.getByRole('button', { name: /新\s*建/ }));
    await waitFor(() => expect(calls(fetchMock, 'POST')).toEqual([['/api/v1/api-keys', { name: '群工系统', role: 'clerk' }]]), { timeout: 5000 });
    expect((await screen.findByTestId('new-api-key', undefined, { timeout: 5000 })).textContent).toContain(FULL);
    expect(screen.getByText('完整密钥只显示这一次')).toBeTruthy();
  });

  it('revokes after confirming', async () => {
    renderPage();
    fireEvent.click(await screen.findByRole('button', { name: /^吊\s*销$/ }, { timeout: 5000 }));
    const confirm = await screen.findAllByRole('button', { name: /^吊\s*销$/ }, { timeout: 5000 });
    fireEvent.click(confirm[confirm.length - 1]!);
    await waitFor(() => expect(calls(fetchMock, 'DELETE')).toEqual([['/api/v1/api-keys/1', null]]), { timeout: 5000 });
  });
});
