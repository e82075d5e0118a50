// @vitest-environment jsdom
import '../../test/dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from 'antd';
import DepartmentsPage from './DepartmentsPage';
import { jsonResponse } from '../../test/dom';

function renderPage() {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <App>
        <DepartmentsPage />
      </App>
    </QueryClientProvider>,
  );
}

const patches = (m: ReturnType<typeof vi.fn>) =>
  m.mock.calls.filter(([, init]) => (init as RequestInit | undefined)?.method === 'PATCH').map(([url, init]) => [url, JSON.parse(String((init as RequestInit).body))]);

describe('部门管理', () => {
  let fetchMock: ReturnType<typeof vi.fn>;
  beforeEach(() => {
    fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
      if (init?.method === 'PATCH') return jsonResponse(200, { code: 'scjgj', name: '县市场监督管理局', disabled: false, ...JSON.parse(String(init.body)) });
      return jsonResponse(200, { items: [{ code: 'scjgj', name: '县市场监管局', disabled: false }] });
    });
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('renames a department, refusing an empty name without sending', async () => {
    renderPage();
    fireEvent.click(await screen.findByRole('button', { name: '改名 县市场监管局' }, { timeout: 5000 }));
    const input = await screen.findByLabelText('部门名称', { selector: '#rename_name' }, { timeout: 5000 });
    fireEvent.change(input, { target: { value: '  ' } });
    fireEvent.click(screen.getByRole('button', { name: /保\s*存/ }));
    expect(await screen.findByText('请填写部门名称', undefined, { timeout: 5000 })).toBeTruthy();
    expect(patches(fetchMock)).toEqual([]);
    fireEvent.change(input, { target: { value: '县市场监督管理局' } });
    fireEvent.click(screen.getByRole('button', { name: /保\s*存/ }));
    await waitFor(() => expect(patches(fetchMock)).toEqual([['/api/v1/departments/scjgj', { name: '县市场监督管理局' }]]), { timeout: 5000 });
  });

  it('disables a department after confirming', async () => {
    renderPage();
    fireEvent.click(await screen.findByRole('button', { name: /^停\s*用$/ }, { timeout: 5000 }));
    const confirm = await screen.findAllByRole('button', { name: /^停\s*用$/ }, { timeout: 5000 });
    fireEvent.click(confirm[confirm.length - 1]!);
    await waitFor(() => expect(patches(fetchMock)).toEqual([['/api/v1/departments/scjgj', { disabled: true }]]), { timeout: 5000 });
  });
});
