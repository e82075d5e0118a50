// @vitest-environment jsdom
import '../../test/dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from 'antd';
import SettingsPage, { WEIGHTS_MESSAGE } from './SettingsPage';
import { jsonResponse } from '../../test/dom';
import type { Settings } from '../../api/types';

const SETTINGS: Settings = {
  levelDays: { 1: 2, 2: 5 },
  sessionIdleMinutes: 30,
  countyName: '垫江县',
  hotlines: ['12345'],
  publicBaseUrl: 'http://127.0.0.1:3000',
  dueSoonWorkingDays: 1,
  triageWorkingDays: 1,
  callbackWorkingDays: 3,
  verificationWorkingDays: 5,
  contestWorkingDays: 1,
  callbackAttemptsBeforeUnreachable: 3,
  selfRatingDays: 7,
  assessment: {
    weights: { onTime: 40, satisfaction: 40, noBadReview: 20 },
    penaltyPerCirculation: 5,
    penaltyPerSubstantiated: 2,
    minSample: 5,
  },
  webhookAllowPrivateNetworks: false,
  backupHour: null,
  backupDir: './data/backups',
  backupKeep: 7,
  personalDataRetentionYears: null,
  passwordMaxAgeDays: 0,
  totpRequiredRoles: ['admin', 'security_admin', 'auditor'],
  attachmentMaxBytes: 20 * 1024 * 1024,
};

function renderPage() {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <App>
        <SettingsPage />
      </App>
    </QueryClientProvider>,
  );
}

const type = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });
const save = () => fireEvent.click(screen.getByRole('button', { name: /保\s*存/ }));
const writes = (m: ReturnType<typeof vi.fn>) => m.mock.calls.filter(([, init]) => (init as RequestInit | undefined)?.method === 'PUT');

describe('the settings form', () => {
  let fetchMock: ReturnType<typeof vi.fn>;
  beforeEach(() => {
    fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('refuses weights that do not sum to 100 and sends nothing', async () => {
    fetchMock.mockImplementation(async () => jsonResponse(200, SETTINGS));
    renderPage();
    await screen.findByLabelText('按时办结率权重', undefined, { timeout: 5000 });
    type('按时办结率权重', '50');
    save();
    expect(await screen.findByText(WEIGHTS_MESSAGE, undefined, { timeout: 5000 })).toBeTruthy();
    expect(writes(fetchMock)).toHaveLength(0);
    expect(fetchMock.mock.calls.every(([url]) => url === '/api/v1/settings')).toBe(true);
  });

  it('sends only the changed setting and puts the server’s field error under its field', async () => {
    fetchMock.mockImplementation(async (_url: string, init?: RequestInit) =>
      init?.method === 'PUT'
        ? jsonResponse(400, {
            error: { code: 'VALIDATION', message: '输入有误', details: [{ field: 'levelDays.2', message: '二级交办时限不能短于一级' }] },
          })
        : jsonResponse(200, SETTINGS),
    );
    renderPage();
    await screen.findByLabelText('二级交办（工作日）', undefined, { timeout: 5000 });
    type('二级交办（工作日）', '6');
    save();
    expect(await screen.findByText('二级交办时限不能短于一级', undefined, { timeout: 5000 })).toBeTruthy();
    const puts = writes(fetchMock);
    expect(puts).toHaveLength(1);
    expect(JSON.parse(String((puts[0]![1] as RequestInit).body))).toEqual({ levelDays: { 1: 2, 2: 6 } });
    // The message sits in the 二级交办 field's own error list.
    const item = screen.getByLabelText('二级交办（工作日）').closest('.ant-form-item');
    await waitFor(() => expect(item?.textContent).toContain('二级交办时限不能短于一级'));
  });

  it('refuses a 二级交办 time limit outside 1–60 in Chinese', async () => {
    fetchMock.mockImplementation(async () => jsonResponse(200, SETTINGS));
    renderPage();
    await screen.findByLabelText('二级交办（工作日）', undefined, { timeout: 5000 });
    type('二级交办（工作日）', '61');
    save();
    expect(await screen.findByText('二级交办须为 1–60 之间的整数', undefined, { timeout: 5000 })).toBeTruthy();
    expect(writes(fetchMock)).toHaveLength(0);
  });

  it('shows the stage clocks and sends a changed one alone', async () => {
    fetchMock.mockImplementation(async (_url: string, init?: RequestInit) =>
      init?.method === 'PUT' ? jsonResponse(200, { ...SETTINGS, callbackWorkingDays: 4 }) : jsonResponse(200, SETTINGS),
    );
    renderPage();
    const callback = (await screen.findByLabelText('回访时限（工作日）', undefined, { timeout: 5000 })) as HTMLInputElement;
    expect(callback.value).toBe('3');
    expect((screen.getByLabelText('受理时限（工作日）') as HTMLInputElement).value).toBe('1');
    expect((screen.getByLabelText('差评核查时限（工作日）') as HTMLInputElement).value).toBe('5');
    expect((screen.getByLabelText('派单异议期限（工作日）') as HTMLInputElement).value).toBe('1');
    expect((screen.getByLabelText('回访未接通次数（次）') as HTMLInputElement).value).toBe('3');
    type('回访时限（工作日）', '4');
    save();
    await waitFor(() => expect(writes(fetchMock)).toHaveLength(1));
    expect(JSON.parse(String((writes(fetchMock)[0]![1] as RequestInit).body))).toEqual({ callbackWorkingDays: 4 });
  });

  it('refuses stage settings outside their ranges in Chinese', async () => {
    fetchMock.mockImplementation(async () => jsonResponse(200, SETTINGS));
    renderPage();
    await screen.findByLabelText('差评核查时限（工作日）', undefined, { timeout: 5000 });
    type('差评核查时限（工作日）', '61');
    type('派单异议期限（工作日）', '11');
    type('回访未接通次数（次）', '0');
    save();
    expect(await screen.findByText('差评核查时限须为 1–60 之间的整数', undefined, { timeout: 5000 })).toBeTruthy();
    expect(await screen.findByText('派单异议期限须为 1–10 之间的整数')).toBeTruthy();
    expect(await screen.findByText('回访未接通次数须为 1–10 之间的整数')).toBeTruthy();
    expect(writes(fetchMock)).toHaveLength(0);
  });
});
