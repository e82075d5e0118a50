// @vitest-environment jsdom
import '../test/dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App, ConfigProvider } from 'antd';
import { ActionDialog, CaseActions, meetingBody } from './CaseActions';
import { PHONE_MESSAGE } from './IntakeForm';
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
    meetings: [],
    circulationRequired: false,
    circulated: false,
    stageDueAt: '2026-11-30T23:59:59+08:00',
    stageOverdue: false,
    pendingContest: null,
    coParts: [],
    callbackAttempts: [],
    closedUnreachable: false,
    mergedInto: null,
    mergedCases: [],
    reopenCount: 0,
    allowedActions,
    ...over,
  };
}

const departments = [
  { code: 'scjgj', name: '县市场监管局', disabled: false },
  { code: 'rsj', name: '县人力社保局', disabled: false },
  { code: 'zjw', name: '县住房城乡建委', disabled: false },
];

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

describe('the dialogs of the loop as it really runs', () => {
  let fetchMock: ReturnType<typeof vi.fn>;
  /** Answers the action with the case, and a deadline preview for the dispatch dialogs. */
  const answerAll = (c: CaseDetail) =>
    fetchMock.mockImplementation(async (url: string) =>
      url.startsWith('/api/v1/calendar/deadline')
        ? jsonResponse(200, { start: '2026-11-26T10:00:00+08:00', workingDays: 2, deadline: '2026-11-30T23:59:59+08:00', date: '2026-11-30', provisional: false })
        : jsonResponse(200, c),
    );
  const actionCalls = () => fetchMock.mock.calls.filter(([url]) => String(url).includes('/actions/'));
  const sentBody = () => JSON.parse(String((actionCalls()[0]![1] as RequestInit).body));
  const open = async (label: string) => {
    fireEvent.click(screen.getByRole('button', { name: label }));
    return screen.findByRole('dialog', undefined, { timeout: 5000 });
  };
  const confirm = (label: string) => fireEvent.click(screen.getByRole('button', { name: `确认${label}` }));
  const type = (el: HTMLElement, value: string) => fireEvent.change(el, { target: { value } });
  /** Picks an option of the antd Select in the form item labelled `label`. */
  const pick = async (d: HTMLElement, label: string, option: string) => {
    const input = within(d).getByLabelText(label);
    fireEvent.mouseDown(input.closest('.ant-select-selector')!);
    const item = await waitFor(() => {
      const found = [...document.querySelectorAll('.ant-select-item-option')].find((o) => o.textContent === option);
      if (!found) throw new Error(`no option ${option}`);
      return found;
    });
    fireEvent.click(item);
  };
  beforeEach(() => {
    fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('sends a contest with its reason and the department it suggests', async () => {
    const { onUpdated } = renderActions(caseWith(['contest']));
    answerAll(caseWith([]));
    const d = await open('派单异议');
    confirm('派单异议');
    expect(await screen.findByText('请填写异议理由', undefined, { timeout: 5000 })).toBeTruthy();
    expect(actionCalls()).toHaveLength(0);
    type(within(d).getByLabelText('异议理由'), '属社保业务');
    await pick(d, '建议改派至', '县人力社保局');
    confirm('派单异议');
    await waitFor(() => expect(onUpdated).toHaveBeenCalledTimes(1));
    expect(String(actionCalls()[0]![0])).toBe('/api/v1/cases/42/actions/contest');
    expect(sentBody()).toEqual({ version: 3, reason: '属社保业务', suggestedDepartment: 'rsj' });
  });

  it('shows the contest beside the re-dispatch form and pre-fills the suggested department', async () => {
    const pendingContest = { department: 'scjgj', reason: '社保补缴不归本局', suggestedDepartment: 'rsj', by: 'h_scjg', at: '2026-11-26T11:00:00+08:00' };
    const { onUpdated } = renderActions(caseWith(['redispatch', 'uphold-dispatch'], { pendingContest }));
    answerAll(caseWith([]));
    const d = await open('改派');
    expect(within(d).getByTestId('pending-contest').textContent).toContain('社保补缴不归本局');
    expect(within(d).getByTestId('pending-contest').textContent).toContain('建议改派：县人力社保局');
    const lead = within(d).getByLabelText('牵头部门').closest('.ant-form-item')!;
    expect(lead.textContent).toContain('县人力社保局');
    type(within(d).getByLabelText('改派理由'), '采纳异议');
    confirm('改派');
    await waitFor(() => expect(onUpdated).toHaveBeenCalledTimes(1));
    expect(sentBody()).toEqual({ version: 3, level: 1, leadDepartment: 'rsj', reason: '采纳异议' });
  });

  it('shows the contest beside the uphold form', async () => {
    const pendingContest = { department: 'scjgj', reason: '社保补缴不归本局', suggestedDepartment: null, by: 'h_scjg', at: '2026-11-26T11:00:00+08:00' };
    renderActions(caseWith(['uphold-dispatch'], { pendingContest }));
    const d = await open('维持原派单');
    expect(within(d).getByTestId('pending-contest').textContent).toContain('建议改派：未提出');
    confirm('维持原派单');
    expect(await screen.findByText('请填写维持原派单的理由', undefined, { timeout: 5000 })).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('corrects with the intake’s rules, shows before/after and sends only what changed', async () => {
    const { onUpdated } = renderActions(caseWith(['correct']));
    answerAll(caseWith([]));
    const d = await open('更正');
    const phone = within(d).getByLabelText('联系电话') as HTMLInputElement;
    expect(phone.value).toBe('13800001234');
    expect((within(d).getByLabelText('事项名称') as HTMLInputElement).value).toBe('个体工商户设立登记');
    // Nothing changed: nothing to send.
    type(within(d).getByLabelText('更正说明'), '电话记错');
    confirm('更正');
    expect(await screen.findByText(/没有需要更正的内容/, undefined, { timeout: 5000 })).toBeTruthy();
    type(phone, '1380000');
    fireEvent.blur(phone);
    expect(await screen.findByText(PHONE_MESSAGE, undefined, { timeout: 5000 })).toBeTruthy();
    confirm('更正');
    await new Promise((r) => setTimeout(r, 50));
    expect(actionCalls()).toHaveLength(0);
    type(phone, '139 0000 5678');
    fireEvent.blur(phone);
    await waitFor(() => expect(within(d).getByTestId('correction-preview').textContent).toContain('13800001234'));
    expect(within(d).getByTestId('correction-preview').textContent).toContain('13900005678');
    expect(within(d).getByTestId('correction-preview').textContent).toContain('联系电话');
    confirm('更正');
    await waitFor(() => expect(onUpdated).toHaveBeenCalledTimes(1));
    expect(sentBody()).toEqual({
      version: 3,
      note: '电话记错',
      changes: { reporter: { name: '张三', phone: '13900005678', kind: 'person' } },
    });
  });

  it('records an unanswered callback with one of the outcome buttons', async () => {
    const { onUpdated } = renderActions(caseWith(['callback-attempt'], { status: 'completed' }));
    answerAll(caseWith([]));
    const d = await open('回访未接通');
    expect(d.textContent).toContain('已记录未接通 0 次');
    fireEvent.click(within(d).getByText('忙线'));
    confirm('回访未接通');
    await waitFor(() => expect(onUpdated).toHaveBeenCalledTimes(1));
    expect(sentBody()).toEqual({ version: 3, outcome: 'busy' });
  });

  it('lists the unanswered callbacks when closing as unreachable', async () => {
    const callbackAttempts = (['no_answer', 'busy', 'no_answer'] as const).map((outcome, i) => ({ outcome, note: null, at: `2026-11-2${6 + i}T10:00:00+08:00`, by: 'coord' }));
    renderActions(caseWith(['close-unreachable'], { status: 'completed', callbackAttempts }));
    const d = await open('无法回访办结');
    expect(d.textContent).toContain('已回访 3 次均未接通');
    expect(within(d).getAllByRole('listitem')).toHaveLength(3);
    confirm('无法回访办结');
    expect(await screen.findByText('请填写说明', undefined, { timeout: 5000 })).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('asks for a new deadline when a closed case is handled again', async () => {
    renderActions(caseWith(['reopen'], { status: 'closed' }));
    const d = await open('重新受理');
    expect(d.textContent).toContain('重办');
    type(within(d).getByLabelText('重办理由'), '群众再次反映未解决');
    confirm('重新受理');
    expect(await screen.findByText('请选择新的办理时限', undefined, { timeout: 5000 })).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('fulfils the measure of its row', async () => {
    const measures = [
      { id: 5, type: 'tolerance_acceptance', note: '补交场所证明', staff: null, dueAt: '2026-11-28T23:59:59+08:00', at: '2026-11-26T10:00:00+08:00', by: 'h_scjg', remindedAt: null, missedAt: null, missed: false, fulfilledAt: null, fulfilledBy: null, fulfilledNote: null },
      { id: 6, type: 'investigation', note: null, staff: null, dueAt: null, at: '2026-11-26T10:00:00+08:00', by: 'h_scjg', remindedAt: null, missedAt: null, missed: false, fulfilledAt: null, fulfilledBy: null, fulfilledNote: null },
    ] as unknown as CaseDetail['measures'];
    const c = caseWith(['fulfil-measure'], { measures });
    const onUpdated = vi.fn();
    answerAll(caseWith([]));
    render(
      <App>
        <ActionDialog action="fulfil-measure" c={c} departments={departments} levelDays={{ 1: 2, 2: 5 }} initial={{ measureId: 5 }} onClose={vi.fn()} onUpdated={onUpdated} onStale={vi.fn()} />
      </App>,
    );
    const d = await screen.findByRole('dialog', undefined, { timeout: 5000 });
    expect(within(d).getByLabelText('措施').closest('.ant-form-item')!.textContent).toContain('容缺受理');
    type(within(d).getByLabelText('完成情况'), '已补交场所证明');
    confirm('措施完成');
    await waitFor(() => expect(onUpdated).toHaveBeenCalledTimes(1));
    expect(sentBody()).toEqual({ version: 3, measureId: 5, note: '已补交场所证明' });
  });

  const record = (over: Record<string, unknown>) => ({
    kind: 'supervise', recordNo: '督办〔2026〕第1号', department: 'scjgj', dueAt: '2026-11-28T18:00:00+08:00', text: '限期报告', by: 'super', at: '2026-11-26T10:00:00+08:00',
    report: null, reportedAt: null, reportedBy: null, overdue: false, result: null, resultAt: null, ...over,
  });

  it('reports on the 督办 awaiting the lead department, naming it', async () => {
    const supervisionRecords = [record({})] as unknown as CaseDetail['supervisionRecords'];
    const { onUpdated } = renderActions(caseWith(['report-supervision'], { supervisionRecords }));
    answerAll(caseWith([]));
    const d = await open('督办情况报告');
    expect(d.textContent).toContain('督办〔2026〕第1号');
    type(within(d).getByLabelText('督办落实情况'), '已约谈窗口人员并办结');
    confirm('督办情况报告');
    await waitFor(() => expect(onUpdated).toHaveBeenCalledTimes(1));
    expect(String(actionCalls()[0]![0])).toBe('/api/v1/cases/42/actions/report-supervision');
    expect(sentBody()).toEqual({ version: 3, report: '已约谈窗口人员并办结' });
  });

  it('records 纪委’s result of the only 线索移送, pre-selected', async () => {
    const supervisionRecords = [record({ kind: 'referral', recordNo: '移送〔2026〕第2号', dueAt: null })] as unknown as CaseDetail['supervisionRecords'];
    const { onUpdated } = renderActions(caseWith(['record-discipline-result'], { supervisionRecords }));
    answerAll(caseWith([]));
    const d = await open('线索处理结果');
    type(within(d).getByLabelText('线索处理结果'), '已立案审查');
    confirm('线索处理结果');
    await waitFor(() => expect(onUpdated).toHaveBeenCalledTimes(1));
    expect(sentBody()).toEqual({ version: 3, referralNo: '移送〔2026〕第2号', result: '已立案审查' });
  });

  it('sends the 会商 of an escalation only when filled, its time in Beijing time', () => {
    expect(meetingBody(undefined)).toBeUndefined();
    expect(meetingBody({ attendees: [undefined, { department: ' ' }] })).toBeUndefined();
    const heldAt = { format: (f: string) => (f === 'YYYY-MM-DDTHH:mm' ? '2026-11-26T09:30' : '') } as unknown as import('dayjs').Dayjs;
    expect(meetingBody({ heldAt, convenor: '赵组长', attendees: [{ department: '县人社局', people: '周人社' }, {}], decision: '住建局牵头' })).toEqual({
      heldAt: '2026-11-26T09:30:00+08:00',
      convenor: '赵组长',
      attendees: [{ department: '县人社局', people: '周人社' }],
      decision: '住建局牵头',
    });
  });
});
