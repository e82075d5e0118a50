// @vitest-environment jsdom
import '../../test/dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from 'antd';
import WebhooksPage from './WebhooksPage';
import { jsonResponse } from '../../test/dom';

const HOOK = { id: 3, url: 'https://12345.example.gov.cn/hook', events: ['*'], createdAt: '2026-11-26T02:00:00.000Z', createdBy: 'admin', pending: 0, failing: 0, dead: 1 };
const DELIVERY = {
  id: 77,
  eventId: 'e-1',
  type: 'case.completed',
  caseId: 42,
  caseNo: '2026-000042',
  createdAt: '2026-11-26T02:00:00.000Z',
  state: 'dead',
  attempts: 30,
  nextAttemptAt: null,
  deliveredAt: null,
  lastStatus: 500,
  lastError: '接收方答复 HTTP 500',
  history: [{ at: '2026-11-26T02:00:01.000Z', status: 500, error: '接收方答复 HTTP 500', durationMs: 12 }],
};

function renderPage() {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <App>
        <WebhooksPage />
      </App>
    </QueryClientProvider>,
  );
}

const posts = (m: ReturnType<typeof vi.fn>) =>
  m.mock.calls.filter(([, init]) => (init as RequestInit | undefined)?.method === 'POST').map(([url, init]) => [url, (init as RequestInit).body ? JSON.parse(String((init as RequestInit).body)) : null]);

describe('Webhook', () => {
  let fetchMock: ReturnType<typeof vi.fn>;
  beforeEach(() => {
    fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
      if (init?.method === 'POST' && String(url).endsWith('/redeliver')) return jsonResponse(200, { ...DELIVERY, state: 'pending' });
      if (init?.method === 'POST') return jsonResponse(201, { ...HOOK, id: 4, dead: 0 });
      if (String(url).includes('/deliveries')) return jsonResponse(200, { items: [DELIVERY], nextCursor: null });
      return jsonResponse(200, { items: [HOOK] });
    });
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('adds a receiver, checking the secret before sending', async () => {
    renderPage();
    expect(await screen.findByText(HOOK.url, undefined, { timeout: 5000 })).toBeTruthy();
    fireEvent.change(screen.getByLabelText('接收地址'), { target: { value: 'https://example.gov.cn/bcs' } });
    fireEvent.change(screen.getByLabelText('签名密钥'), { target: { value: 'short' } });
    fireEvent.click(screen.getByRole('button', { name: /新\s*增/ }));
    expect(await screen.findByText('签名密钥至少 16 个字符', undefined, { timeout: 5000 })).toBeTruthy();
    expect(posts(fetchMock)).toEqual([]);
    fireEvent.change(screen.getByLabelText('签名密钥'), { target: { value: 'a-long-shared-secret-123' } });
    fireEvent.click(screen.getByRole('button', { name: /新\s*增/ }));
    await waitFor(() => expect(posts(fetchMock)).toEqual([['/api/v1/webhooks', { url: 'https://example.gov.cn/bcs', events: ['*'], secret: 'a-long-shared-secret-123' }]]), { timeout: 5000 });
  });

  it('shows the deliveries and sends one again', async () => {
    renderPage();
    fireEvent.click(await screen.findByRole('button', { name: /投递记录/ }, { timeout: 5000 }));
    expect(await screen.findByText('2026-000042', undefined, { timeout: 5000 })).toBeTruthy();
    expect(screen.getByText('已放弃')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /^重新投递$/ }));
    const confirm = await screen.findAllByRole('button', { name: /^重新投递$/ }, { timeout: 5000 });
    fireEvent.click(confirm[confirm.length - 1]!);
    await waitFor(() => expect(posts(fetchMock)).toEqual([['/api/v1/webhooks/3/deliveries/77/redeliver', null]]), { timeout: 5000 });
  });
});
