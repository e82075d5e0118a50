// @vitest-environment jsdom
import '../test/dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App, ConfigProvider } from 'antd';
import { CaseActions } from './CaseActions';
import { jsonResponse } from '../test/dom';
import type { CaseDetail } from '../api/types';
import type { CaseAction } from '../../../core/case-lifecycle';

function caseWith(allowedActions: CaseAction[], over: Partial<CaseDetail> = {}): CaseDetail {
  return {
    id: 42,
    caseNo: '2026-000042',
    channel: 'window',
    status: 'assigned',
    statusLabel: '已交办',
    level: 1,
    problemType: 'materials',
    leadDepartment: 'scjgj',
    leadDepartmentName: '县市场监管局',
    coDepartments: [],
    externalRef: null,
    coDepartmentNames: [],
    departmentCodes: ['scjgj'],
    reporter: { name: '张三', phone: '13800001234', kind: 'person', orgName: null, orgCode: null },
    matter: '个体工商户设立登记',
    description: '…',
    reason: null,
    receivedAt: '2026-11-26T10:00:00+08:00',
    createdBy: 'clerk',
    dueAt: '2026-11-30T23:59:59+08:00',
    dueProvisional: false,
    overdue: false,
    dueSoon: false,
    circulationPending: false,
    workingDaysLeft: 2,
    assignmentNo: '〔2026〕第1号',
    escalatedFrom: null,
    resolvedOnSpot: false,
    firstCompletedAt: null,
    firstCompletedOnTime: null,
    completedAt: null,
    closedAt: null,
    result: null,
    repliedVia: null,
    rejection: null,
    callback: null,
    callbackCount: 0,
    verification: null,
    version: 3,
    updatedAt: '2026-11-26T10:00:00+08:00',
    events: [],
    measures: [],
    assignmentSheets: [],
    pendingExtension: null,
    extensionCount: 0,
    extended: false,
    supervisionRecords: [],
    circulationRequired: false,
    circulated: false,
    allowedActions,
    ...over,
  };
}

const departments = [{ code: 'scjgj', name: '县市场监管局', disabled: false }];

function renderActions(c: CaseDetail, handlers: { onUpdated?: () => void; onStale?: () => void } = {}) {
  const onUpdated = vi.fn(handlers.onUpdated);
  const onStale = vi.fn(handlers.onStale);
  const view = render(
    <ConfigProvider button={{ autoInsertSpace: false }}>
      <App>
        <CaseActions c={c} departments={departments} levelDays={{ 1: 2, 2: 5 }} onUpdated={onUpdated} onStale={onStale} />
      </App>
    </ConfigProvider>,
  );
  return { onUpdated, onStale, view };
}

function buttonTexts(): string[] {
  const box = screen.queryByTestId('case-actions');
  return box ? within(box).getAllByRole('button').map((b) => b.textContent ?? '') : [];
}

describe('the action buttons of a case', () => {
  let fetchMock: ReturnType<typeof vi.fn>;
  beforeEach(() => {
    fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('shows exactly the actions the server allows, labelled in Chinese', () => {
    const { view } = renderActions(caseWith(['sign', 'add-measure', 'comment']));
    expect(buttonTexts()).toEqual(['签收', '添加措施', '备注']);
    view.rerender(
      <ConfigProvider button={{ autoInsertSpace: false }}>
        <App>
          <CaseActions c={caseWith(['callback', 'urge'], { status: 'completed' })} departments={departments} levelDays={{ 1: 2, 2: 5 }} onUpdated={vi.fn()} onStale={vi.fn()} />
        </App>
      </ConfigProvider>,
    );
    expect(buttonTexts()).toEqual(['电话回访', '催办']);
    expect(screen.queryByText('签收')).toBeNull();
  });

  it('shows no buttons when no action is allowed', () => {
    renderActions(caseWith([]));
    expect(screen.queryByTestId('case-actions')).toBeNull();
    expect(screen.queryAllByRole('button')).toHaveLength(0);
  });

  it('sends an action once however often its confirm button is clicked', async () => {
    let answer!: (r: Response) => void;
    fetchMock.mockImplementation(() => new Promise<Response>((resolve) => (answer = resolve)));
    const { onUpdated } = renderActions(caseWith(['sign']));
    fireEvent.click(screen.getByRole('button', { name: '签收' }));
    const confirm = await screen.findByRole('button', { name: '确认签收' }, { timeout: 5000 });
    fireEvent.click(confirm);
    fireEvent.click(confirm);
    await waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(1));
    fireEvent.click(confirm);
    fireEvent.click(confirm);
    answer(jsonResponse(200, caseWith([], { status: 'in_progress', version: 4 })));
    await waitFor(() => expect(onUpdated).toHaveBeenCalledTimes(1));
    // Let any straggling click run out: still one request.
    await new Promise((r) => setTimeout(r, 50));
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('/api/v1/cases/42/actions/sign');
    expect(JSON.parse(String(init.body))).toEqual({ version: 3 });
  });

  it('explains a 409 in Chinese and reloads the case', async () => {
    fetchMock.mockResolvedValue(
      jsonResponse(409, { error: { code: 'VERSION_CONFLICT', message: '该反映件已被他人更新，请刷新后重试' } }),
    );
    const { onStale, onUpdated } = renderActions(caseWith(['sign']));
    fireEvent.click(screen.getByRole('button', { name: '签收' }));
    fireEvent.click(await screen.findByRole('button', { name: '确认签收' }, { timeout: 5000 }));
    expect(await screen.findByText(/其他人已经更新了这件反映件/, undefined, { timeout: 5000 })).toBeTruthy();
    expect(onStale).toHaveBeenCalledTimes(1);
    expect(onUpdated).not.toHaveBeenCalled();
  });

  it('checks the fields with the server’s own rules before sending', async () => {
    renderActions(caseWith(['complete'], { status: 'in_progress' }));
    fireEvent.click(screen.getByRole('button', { name: '办结' }));
    fireEvent.click(await screen.findByRole('button', { name: '确认办结' }, { timeout: 5000 }));
    expect(await screen.findByText('请填写办理结果', undefined, { timeout: 5000 })).toBeTruthy();
    expect(await screen.findByText('请选择答复方式', undefined, { timeout: 5000 })).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
