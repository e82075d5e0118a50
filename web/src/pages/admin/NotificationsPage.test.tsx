// @vitest-environment jsdom
import '../../test/dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router-dom';
import { App } from 'antd';
import NotificationsPage, { renderPreview, smsParts, unknownPlaceholders } from './NotificationsPage';
import { jsonResponse } from '../../test/dom';
import type { NotificationTemplate, NotificationTemplatesAnswer, OutboxStatus } from '../../api/types';

const RECEIVED: NotificationTemplate = {
  topic: 'received',
  topicLabel: '登记回执',
  audience: 'reporter',
  audienceLabel: '反映人（短信）',
  channel: 'sms',
  title: '已登记',
  body: '您反映的“{matter}”已登记，编号{caseNo}。',
  defaultTitle: '已登记',
  defaultBody: '您反映的“{matter}”已登记，编号{caseNo}。',
  customized: false,
  updatedAt: null,
  updatedBy: null,
};
const DISPATCHED: NotificationTemplate = {
  ...RECEIVED,
  topic: 'dispatched',
  topicLabel: '交办',
  audience: 'department',
  audienceLabel: '承办部门（站内）',
  channel: 'inapp',
  title: '新交办 {caseNo}',
  body: '请在{dueAt}前办结。',
  customized: true,
  updatedAt: '2026-11-20T02:00:00.000Z',
  updatedBy: 'admin',
};
const TEMPLATES: NotificationTemplatesAnswer = {
  items: [RECEIVED, DISPATCHED],
  placeholders: [
    { name: 'caseNo', token: '{caseNo}', label: '反映件编号' },
    { name: 'matter', token: '{matter}', label: '事项名称' },
    { name: 'dueAt', token: '{dueAt}', label: '时限' },
  ],
  limits: { title: 50, body: 500 },
};
const OUTBOX: OutboxStatus = {
  pending: 3,
  retrying: 1,
  dead: 1,
  now: '2026-11-26T02:00:00.000Z',
  failures: [
    {
      id: 41,
      topic: 'completed',
      topicLabel: '办结',
      caseId: 7,
      recipient: 'reporter',
      attempts: 8,
      lastError: '短信网关返回 503',
      dead: true,
      createdAt: '2026-11-25T02:00:00.000Z',
      nextAttemptAt: null,
    },
    {
      id: 42,
      topic: 'dispatched',
      topicLabel: '交办',
      caseId: 8,
      recipient: 'department:scjgj',
      attempts: 2,
      lastError: '连接超时',
      dead: false,
      createdAt: '2026-11-26T01:00:00.000Z',
      nextAttemptAt: '2026-11-26T02:05:00.000Z',
    },
  ],
};

function renderPage() {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter>
        <App>
          <NotificationsPage />
        </App>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

const calls = (m: ReturnType<typeof vi.fn>, method: string) =>
  m.mock.calls.filter(([, init]) => ((init as RequestInit | undefined)?.method ?? 'GET') === method);

describe('消息通知 (admin)', () => {
  let fetchMock: ReturnType<typeof vi.fn>;
  beforeEach(() => {
    fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
      if (url === '/api/v1/notification-templates') return jsonResponse(200, TEMPLATES);
      if (url === '/api/v1/notification-outbox') return jsonResponse(200, OUTBOX);
      if (url === '/api/v1/departments') return jsonResponse(200, { items: [{ code: 'scjgj', name: '县市场监管局', disabled: false }] });
      if (url.startsWith('/api/v1/notification-templates/') && init?.method === 'PUT') {
        const body = JSON.parse(String(init.body)) as { title: string; body: string };
        return jsonResponse(200, { ...RECEIVED, ...body, customized: true });
      }
      if (url === '/api/v1/notification-outbox/41/retry') return jsonResponse(200, { id: 41, requeued: true });
      return jsonResponse(404, { error: { code: 'NOT_FOUND', message: '不存在', details: [] } });
    });
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('previews with sample values, counts SMS parts and finds unknown placeholders', () => {
    expect(renderPreview('编号{caseNo}，{nope}')).toBe('编号2026-000123，{nope}');
    expect(smsParts('')).toBe(0);
    expect(smsParts('字'.repeat(70))).toBe(1);
    expect(smsParts('字'.repeat(71))).toBe(2);
    expect(smsParts('字'.repeat(135))).toBe(3);
    expect(unknownPlaceholders('{caseNo}{foo}{foo}{ bar }', new Set(['caseNo']))).toEqual(['{foo}', '{ bar }']);
  });

  it('lists the templates, refuses an unknown placeholder without sending, and saves an edit', async () => {
    renderPage();
    const table = await screen.findByTestId('templates-table', undefined, { timeout: 5000 });
    await within(table).findByText('登记回执', undefined, { timeout: 5000 });
    expect(within(table).getByText('已修改')).toBeTruthy();
    expect(within(table).getByText('默认')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: '编辑 登记回执 反映人（短信）' }));
    const body = await screen.findByLabelText('内容', undefined, { timeout: 5000 });
    fireEvent.change(body, { target: { value: '编号{caseNo}，办理人{handler}' } });
    fireEvent.click(screen.getByRole('button', { name: /保\s*存/ }));
    expect(await screen.findByText(/未知的占位符 \{handler\}/, undefined, { timeout: 5000 })).toBeTruthy();
    expect(calls(fetchMock, 'PUT')).toHaveLength(0);

    fireEvent.change(body, { target: { value: '您反映的{matter}已登记，编号{caseNo}，请留意短信。' } });
    expect(within(screen.getByTestId('template-preview')).getByText(/您反映的食品经营许可证延续已登记，编号2026-000123/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /保\s*存/ }));
    await waitFor(() => expect(calls(fetchMock, 'PUT')).toHaveLength(1), { timeout: 5000 });
    const [url, init] = calls(fetchMock, 'PUT')[0]!;
    expect(url).toBe('/api/v1/notification-templates/received/reporter');
    expect(JSON.parse(String((init as RequestInit).body))).toEqual({ title: '已登记', body: '您反映的{matter}已登记，编号{caseNo}，请留意短信。' });
  });

  it('shows the outbox counts and failures, and requeues a given-up message', async () => {
    renderPage();
    fireEvent.click(await screen.findByRole('tab', { name: '投递状况' }, { timeout: 5000 }));
    const table = await screen.findByTestId('outbox-failures', undefined, { timeout: 5000 });
    await within(table).findByText('短信网关返回 503', undefined, { timeout: 5000 });
    expect(within(table).getByText('反映人（短信）')).toBeTruthy();
    await within(table).findByText('县市场监管局', undefined, { timeout: 5000 });
    expect(within(table).getByText('已放弃')).toBeTruthy();

    fireEvent.click(within(table).getByRole('button', { name: '重新投递' }));
    const confirm = await screen.findAllByRole('button', { name: '重新投递' }, { timeout: 5000 });
    fireEvent.click(confirm[confirm.length - 1]!);
    await waitFor(() => expect(calls(fetchMock, 'POST').map(([u]) => u)).toEqual(['/api/v1/notification-outbox/41/retry']), { timeout: 5000 });
    expect(await screen.findByText('已重新排队，稍后投递', undefined, { timeout: 5000 })).toBeTruthy();
  });
});
