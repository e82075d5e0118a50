// @vitest-environment jsdom
import '../test/dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router-dom';
import { App } from 'antd';
import SupervisionRegisterPage from './SupervisionRegisterPage';
import { jsonResponse } from '../test/dom';
import type { SupervisionRegisterItem } from '../api/types';

const item = (recordNo: string, o: Partial<SupervisionRegisterItem> = {}): SupervisionRegisterItem => ({
  recordNo,
  kind: 'supervise',
  case: { id: 7, caseNo: '2026-000007', matter: '个体工商户设立登记' },
  department: { code: 'scjgj', name: '县市场监管局' },
  createdAt: '2026-11-23T10:00:00+08:00',
  createdBy: { username: 'super', name: '钱监督' },
  text: '限期办结并报告',
  dueAt: '2026-11-25T18:00:00+08:00',
  reportedAt: null,
  report: null,
  overdue: true,
  result: null,
  resultAt: null,
  state: '逾期未报告',
  ...o,
});

function renderPage(path = '/supervision-records') {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter initialEntries={[path]}>
        <App>
          <SupervisionRegisterPage />
        </App>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

const listCalls = (fetchMock: ReturnType<typeof vi.fn>) =>
  fetchMock.mock.calls.map(([u]) => new URL(String(u), 'http://x')).filter((u) => u.pathname === '/api/v1/supervision-records');

describe('督办台账', () => {
  let fetchMock: ReturnType<typeof vi.fn>;
  let release: () => void;
  beforeEach(() => {
    const gate = new Promise<void>((r) => (release = r));
    fetchMock = vi.fn(async (url: string) => {
      const u = new URL(url, 'http://x');
      if (u.pathname === '/api/v1/departments') return jsonResponse(200, { items: [{ code: 'scjgj', name: '县市场监管局', disabled: false }] });
      if (u.pathname === '/api/v1/supervision-records.xlsx')
        return new Response(new Uint8Array([80, 75, 3, 4]), {
          status: 200,
          headers: { 'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'Content-Disposition': `attachment; filename="r.xlsx"; filename*=UTF-8''${encodeURIComponent('督办台账-20261127.xlsx')}` },
        });
      if (u.pathname === '/api/v1/supervision-records') {
        await gate;
        if (u.searchParams.get('q') === '无此事项') return jsonResponse(200, { items: [], nextCursor: null });
        if (u.searchParams.get('cursor') === 'p2')
          return jsonResponse(200, { items: [item('移送〔2026〕第1号', { kind: 'referral', dueAt: null, overdue: false, result: '已立案审查', resultAt: '2026-11-26T09:00:00+08:00', state: '已反馈结果' })], nextCursor: null });
        return jsonResponse(200, {
          items: [item('督办〔2026〕第2号'), item('通报〔2026〕第1号', { kind: 'circulate', department: { code: 'zjw', name: '县住房城乡建委' }, dueAt: null, overdue: false, state: '已通报', case: { id: 9, caseNo: '2026-000009', matter: '食品经营许可' } })],
          nextCursor: 'p2',
        });
      }
      return jsonResponse(404, { error: { code: 'NOT_FOUND', message: '未找到' } });
    });
    vi.stubGlobal('fetch', fetchMock);
    URL.createObjectURL = vi.fn(() => 'blob:x');
    URL.revokeObjectURL = vi.fn();
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('shows loading, then each record with its kind, case link, department, deadline and state; pages on', async () => {
    renderPage();
    const table = await screen.findByTestId('register-table', undefined, { timeout: 5000 });
    // The table's spinner (antd wraps the table in it) turns while the first page loads.
    const spinning = () => table.closest('.ant-spin-nested-loading')?.querySelector('.ant-spin-spinning') ?? null;
    expect(spinning()).toBeTruthy();
    release();
    await within(table).findByText('督办〔2026〕第2号', undefined, { timeout: 5000 });
    expect(spinning()).toBeNull();
    expect(within(table).getByText('督办')).toBeTruthy();
    expect(within(table).getByText('通报')).toBeTruthy();
    expect(within(table).getByRole('link', { name: '2026-000009' }).getAttribute('href')).toBe('/cases/9');
    expect(within(table).getByText('县住房城乡建委')).toBeTruthy();
    expect(within(table).getByText('时限 2026-11-25 18:00')).toBeTruthy();
    expect(within(table).getByText('逾期未报告')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '加载更多' }));
    await within(table).findByText('已反馈结果', undefined, { timeout: 5000 });
    expect(within(table).getByText('反馈 2026-11-26 09:00')).toBeTruthy();
    expect(within(table).getByText('线索移送')).toBeTruthy();
    expect(screen.getByText('已显示 3 条')).toBeTruthy();
  });

  it('sends the filters from the URL, says when nothing matches, and exports the same filters', async () => {
    release();
    renderPage('/supervision-records?kind=supervise,referral&status=overdue&department=scjgj&from=2026-11-01&to=2026-11-30&q=无此事项');
    expect(await screen.findByText('没有符合条件的督办、通报或移送记录', undefined, { timeout: 5000 })).toBeTruthy();
    const [url] = listCalls(fetchMock);
    expect(Object.fromEntries(url!.searchParams)).toEqual({ kind: 'supervise,referral', status: 'overdue', department: 'scjgj', from: '2026-11-01', to: '2026-11-30', q: '无此事项', limit: '50' });
    fireEvent.click(screen.getByTestId('register-xlsx'));
    await waitFor(() => expect(URL.createObjectURL).toHaveBeenCalled());
    const xlsx = fetchMock.mock.calls.map(([u]) => new URL(String(u), 'http://x')).find((u) => u.pathname === '/api/v1/supervision-records.xlsx')!;
    expect(Object.fromEntries(xlsx.searchParams)).toEqual({ kind: 'supervise,referral', status: 'overdue', department: 'scjgj', from: '2026-11-01', to: '2026-11-30', q: '无此事项' });
    expect(await screen.findByText('已导出 督办台账-20261127.xlsx', undefined, { timeout: 5000 })).toBeTruthy();
  });

  it('says so when there is no record at all', async () => {
    fetchMock.mockImplementation(async (url: string) =>
      new URL(url, 'http://x').pathname === '/api/v1/supervision-records' ? jsonResponse(200, { items: [], nextCursor: null }) : jsonResponse(200, { items: [] }),
    );
    renderPage();
    expect(await screen.findByText('暂无督办、通报或移送记录', undefined, { timeout: 5000 })).toBeTruthy();
  });
});
