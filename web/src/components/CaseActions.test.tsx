// @vitest-environment jsdom
import '../test/dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App, ConfigProvider } from 'antd';
import { ActionDialog, CaseActions, DraftOwner, draftKey, meetingBody } from './CaseActions';
import { PHONE_MESSAGE } from './IntakeForm';
import { MeasuresList } from './MeasuresList';
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
    matterCode: null,
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
    attachments: [],
    knowledge: [],
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
  // Each button shows its shortcut (Alt+1 …) after its label, hidden from its accessible name.
  return box ? within(box).getAllByRole('button').map((b) => (b.textContent ?? '').replace(/Alt\+\d$/, '')) : [];
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

  it('shows each button’s shortcut on it, Alt+1 … in order', () => {
    renderActions(caseWith(['sign', 'add-measure', 'comment']));
    const box = screen.getByTestId('case-actions');
    const shortcuts = within(box).getAllByRole('button').map((b) => b.getAttribute('aria-keyshortcuts'));
    expect(shortcuts).toEqual(['Alt+1', 'Alt+2', 'Alt+3']);
    expect(box.textContent).toContain('签收Alt+1');
  });

  it('sends an action once however often its confirm button is clicked', async () => {
    let answer!: (r: Response) => void;
    fetchMock.mockImplementation(() => new Promise<Response>((resolve) => (answer = resolve)));
    const { onUpdated } = renderActions(caseWith(['urge']));
    fireEvent.click(screen.getByRole('button', { name: '催办' }));
    const confirm = await screen.findByRole('button', { name: '确认催办' }, { timeout: 5000 });
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
    expect(url).toBe('/api/v1/cases/42/actions/urge');
    expect(JSON.parse(String(init.body))).toEqual({ version: 3 });
  });

  it('explains a 409 in Chinese and reloads the case', async () => {
    fetchMock.mockResolvedValue(
      jsonResponse(409, { error: { code: 'VERSION_CONFLICT', message: '该反映件已被他人更新，请刷新后重试' } }),
    );
    const { onStale, onUpdated } = renderActions(caseWith(['sign']));
    fireEvent.click(screen.getByRole('button', { name: '签收' })); // 签收 is sent at once: no confirmation
    expect(await screen.findByText(/其他人已经更新了这件反映件/, undefined, { timeout: 5000 })).toBeTruthy();
    expect(onStale).toHaveBeenCalledTimes(1);
    expect(onUpdated).not.toHaveBeenCalled();
  });

  it('checks the fields with the server’s own rules before sending', async () => {
    renderActions(caseWith(['complete'], { status: 'in_progress' }));
    fireEvent.click(screen.getByRole('button', { name: '办结' }));
    fireEvent.click(await screen.findByRole('button', { name: '确认办结' }, { timeout: 5000 }));
    expect(await screen.findByText('请填写办理结果', undefined, { timeout: 5000 })).toBeTruthy();
    // The reply channel starts on 电话 (the reporter's phone is always on record): nothing to pick.
    expect(screen.queryByText('请选择答复方式')).toBeNull();
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

  it('lists each measure’s state, offers 已补交 / 标记完成 and 撤回 on open ones only, and withdraws with a reason', async () => {
    const base = { staff: null, at: '2026-11-26T10:00:00+08:00', by: 'h_scjg', remindedAt: null, missedAt: null, missed: false, fulfilledAt: null, fulfilledBy: null, fulfilledNote: null, withdrawnAt: null, withdrawnBy: null, withdrawnReason: null };
    const measures = [
      { ...base, id: 5, type: 'tolerance_acceptance', note: '补交场所证明', dueAt: '2026-11-25T23:59:59+08:00', state: 'missed', missed: true },
      { ...base, id: 6, type: 'proxy', note: '代办', dueAt: '2026-11-28T23:59:59+08:00', state: 'open' },
      { ...base, id: 7, type: 'investigation', note: '核实', dueAt: null, state: 'fulfilled', fulfilledAt: '2026-11-26T11:00:00+08:00', fulfilledBy: 'h_scjg', fulfilledNote: '已核实' },
      { ...base, id: 8, type: 'assisted', note: '误录', dueAt: null, state: 'withdrawn', withdrawnAt: '2026-11-26T11:00:00+08:00', withdrawnBy: 'h_scjg', withdrawnReason: '录错了' },
    ] as unknown as CaseDetail['measures'];
    const onUpdated = vi.fn();
    const show = (allowed: CaseAction[]) => (
      <ConfigProvider button={{ autoInsertSpace: false }}>
        <App>
          <MeasuresList c={caseWith(allowed, { measures })} departments={departments} levelDays={{ 1: 2, 2: 5 }} draftOwner="h_scjg" who={(u) => u} onUpdated={onUpdated} onStale={vi.fn()} />
        </App>
      </ConfigProvider>
    );
    const view = render(show(['fulfil-measure', 'withdraw-measure']));
    expect(screen.getAllByTestId('measure-state').map((e) => e.querySelector('.ant-tag')!.textContent)).toEqual(['容缺承诺逾期', '进行中', '已完成', '已撤回']);
    expect(screen.getByTestId('measure-missed').textContent).toBe('容缺承诺逾期');
    expect(screen.getAllByTestId('fulfil-measure').map((b) => b.textContent)).toEqual(['已补交', '标记完成']);
    expect(screen.getAllByTestId('withdraw-measure')).toHaveLength(2);
    expect(screen.getByTestId('measure-withdrawn').textContent).toContain('撤回理由：录错了');
    expect(document.querySelectorAll('tr.measure-withdrawn td.measure-struck').length).toBe(4);

    answerAll(caseWith([]));
    fireEvent.click(screen.getByRole('button', { name: '撤回：代办' }));
    const d = await screen.findByRole('dialog', undefined, { timeout: 5000 });
    expect(within(d).getByLabelText('措施').closest('.ant-form-item')!.textContent).toContain('代办');
    confirm('撤回措施');
    expect(await within(d).findByText('请填写撤回理由', undefined, { timeout: 5000 })).toBeTruthy();
    expect(actionCalls()).toHaveLength(0);
    type(within(d).getByLabelText('撤回理由'), '误录，无需代办');
    confirm('撤回措施');
    await waitFor(() => expect(onUpdated).toHaveBeenCalledTimes(1));
    expect(String(actionCalls()[0]![0])).toContain('/actions/withdraw-measure');
    expect(sentBody()).toEqual({ version: 3, measureId: 6, reason: '误录，无需代办' });

    // Not allowed (a co-department, say): the states without a button.
    view.rerender(show([]));
    expect(screen.queryAllByTestId('fulfil-measure')).toHaveLength(0);
    expect(screen.queryAllByTestId('withdraw-measure')).toHaveLength(0);
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

describe('work speed on the case page (issue 11)', () => {
  let fetchMock: ReturnType<typeof vi.fn>;
  const preview = { start: '2026-11-26T10:00:00+08:00', workingDays: 2, deadline: '2026-11-30T23:59:59+08:00', date: '2026-11-30', provisional: false };
  const actionCalls = () => fetchMock.mock.calls.filter(([url]) => String(url).includes('/actions/'));
  const bodyOf = (i: number) => JSON.parse(String((actionCalls()[i]![1] as RequestInit).body));
  const urlOf = (i: number) => String(actionCalls()[i]![0]);
  const type = (el: HTMLElement, value: string) => fireEvent.change(el, { target: { value } });
  const received = () =>
    caseWith(['resolve-on-spot', 'reject', 'accept', 'comment', 'correct', 'merge'], {
      status: 'received', level: null, problemType: null, leadDepartment: null, leadDepartmentName: null, dueAt: null, assignmentNo: null, departmentCodes: ['scjgj', 'rsj'],
    });
  /** Answers each action in turn (a function may answer an error), and every deadline preview. */
  let suggestions: Record<string, unknown> = { problemType: [], department: [], knowledge: [], similar: [] };
  const answers = (...byAction: Array<() => Response>) => {
    let i = 0;
    fetchMock.mockImplementation(async (url: string) => {
      if (url.startsWith('/api/v1/calendar/deadline')) return jsonResponse(200, preview);
      if (url.endsWith('/suggestions')) return jsonResponse(200, suggestions);
      const next = byAction[Math.min(i, byAction.length - 1)]!;
      i++;
      return next();
    });
  };
  beforeEach(() => {
    fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
    sessionStorage.clear();
    suggestions = { problemType: [], department: [], knowledge: [], similar: [] };
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('pre-selects the learned problem type and lead department as 建议 with their scores, changeable, and links similar cases', async () => {
    suggestions = {
      problemType: [{ value: 'complex', score: 0.81 }, { value: 'materials', score: 0.12 }, { value: 'unable', score: 0.01 }],
      department: [{ code: 'rsj', score: 0.9 }, { code: 'scjgj', score: 0.07 }],
      knowledge: [],
      similar: [{ id: 7, caseNo: '2026-000007' }],
    };
    const accepted = caseWith(['dispatch'], { status: 'accepted', version: 4 });
    const dispatched = caseWith(['urge'], { status: 'assigned', version: 5 });
    answers(() => jsonResponse(200, accepted), () => jsonResponse(200, dispatched));
    const { onUpdated } = renderActions(received());
    fireEvent.click(screen.getByRole('button', { name: '受理并交办' }));
    const d = await screen.findByRole('dialog', undefined, { timeout: 5000 });
    const typeLine = await within(d).findByTestId('suggest-problem-type', undefined, { timeout: 5000 });
    expect(typeLine.textContent).toContain('建议');
    expect(typeLine.textContent).toContain('不好办（81%）');
    expect(typeLine.textContent).not.toContain('不会办'); // 1 %: not worth showing
    await waitFor(() => expect((within(d).getByLabelText(/不好办/) as HTMLInputElement).checked).toBe(true));
    expect(within(d).getByTestId('suggest-department').textContent).toContain('县人力社保局（90%）');
    await waitFor(() => expect(within(d).getByLabelText('牵头部门').closest('.ant-form-item')!.textContent).toContain('县人力社保局'));
    expect(within(d).getByRole('link', { name: '2026-000007' }).getAttribute('href')).toBe('/cases/7');
    // Always changeable: the second suggestion in one click, or any other choice.
    fireEvent.click(within(d).getByTestId('suggest-problem-type-1'));
    await waitFor(() => expect((within(d).getByLabelText(/不敢办/) as HTMLInputElement).checked).toBe(true));
    fireEvent.click(within(d).getByRole('button', { name: '确认受理并交办' }));
    await waitFor(() => expect(onUpdated).toHaveBeenCalledTimes(1));
    expect(bodyOf(0)).toEqual({ version: 3, problemType: 'materials' });
    expect(bodyOf(1)).toEqual({ version: 4, level: 1, leadDepartment: 'rsj' });
  });

  it('offers 受理并交办 first on a received case and does both in one dialog: department and level pre-filled, deadline previewed', async () => {
    const accepted = caseWith(['dispatch'], { status: 'accepted', version: 4 });
    const dispatched = caseWith(['urge'], { status: 'assigned', version: 5 });
    answers(() => jsonResponse(200, accepted), () => jsonResponse(200, dispatched));
    const { onUpdated } = renderActions(received());
    expect(buttonTexts()[0]).toBe('受理并交办');
    fireEvent.click(screen.getByRole('button', { name: '受理并交办' }));
    const d = await screen.findByRole('dialog', undefined, { timeout: 5000 });
    expect(within(d).getByLabelText('牵头部门').closest('.ant-form-item')!.textContent).toContain('县市场监管局');
    expect((within(d).getByLabelText(/一级/) as HTMLInputElement).checked).toBe(true);
    expect(await within(d).findByText('2026-11-30 23:59', { exact: false }, { timeout: 5000 })).toBeTruthy();
    // nothing is sent without the problem type
    fireEvent.click(within(d).getByRole('button', { name: '确认受理并交办' }));
    expect(await screen.findByText('请选择问题类型', undefined, { timeout: 5000 })).toBeTruthy();
    expect(actionCalls()).toHaveLength(0);
    fireEvent.click(within(d).getByLabelText(/不会办/));
    fireEvent.click(within(d).getByRole('button', { name: '确认受理并交办' }));
    await waitFor(() => expect(onUpdated).toHaveBeenCalledTimes(1));
    expect(onUpdated).toHaveBeenCalledWith(dispatched);
    expect(urlOf(0)).toBe('/api/v1/cases/42/actions/accept');
    expect(bodyOf(0)).toEqual({ version: 3, problemType: 'unable' });
    expect(urlOf(1)).toBe('/api/v1/cases/42/actions/dispatch');
    expect(bodyOf(1)).toEqual({ version: 4, level: 1, leadDepartment: 'scjgj' }); // the version the acceptance returned
  });

  it('keeps the case accepted when the 交办 fails, says so, and stays open on the dispatch part', async () => {
    const accepted = caseWith(['dispatch'], { status: 'accepted', version: 4 });
    const dispatched = caseWith([], { status: 'assigned', version: 5 });
    answers(
      () => jsonResponse(200, accepted),
      () => jsonResponse(400, { error: { code: 'VALIDATION_ERROR', message: '请求参数有误', details: [{ field: 'leadDepartment', message: '部门不存在或已停用' }] } }),
      () => jsonResponse(200, dispatched),
    );
    const { onUpdated } = renderActions(received());
    fireEvent.click(screen.getByRole('button', { name: '受理并交办' }));
    const d = await screen.findByRole('dialog', undefined, { timeout: 5000 });
    fireEvent.click(within(d).getByLabelText(/不敢办/));
    fireEvent.click(within(d).getByRole('button', { name: '确认受理并交办' }));
    expect(await within(d).findByTestId('accepted-not-dispatched', undefined, { timeout: 5000 })).toBeTruthy();
    expect(within(d).getByTestId('accepted-not-dispatched').textContent).toContain('已予以受理，但交办未成功');
    expect(await within(d).findByText('部门不存在或已停用', undefined, { timeout: 5000 })).toBeTruthy();
    expect((within(d).getByLabelText(/不敢办/) as HTMLInputElement).disabled).toBe(true);
    expect(onUpdated).not.toHaveBeenCalled();
    // the dispatch part is kept for the 交办 button too
    expect(JSON.parse(sessionStorage.getItem('bcs.draft.42.dispatch')!)).toMatchObject({ level: 1, leadDepartment: 'scjgj' });
    fireEvent.click(within(d).getByRole('button', { name: '确认交办' }));
    await waitFor(() => expect(onUpdated).toHaveBeenCalledWith(dispatched));
    expect(actionCalls().map((c) => String(c[0]).split('/').pop())).toEqual(['accept', 'dispatch', 'dispatch']);
    expect(bodyOf(2)).toEqual({ version: 4, level: 1, leadDepartment: 'scjgj' }); // accepted once only
    expect(sessionStorage.getItem('bcs.draft.42.dispatch')).toBeNull();
  });

  it('signs in one click, without a confirmation, and 撤销 takes it back with the version the 签收 returned', async () => {
    const signed = caseWith(['complete', 'undo-sign'], { status: 'in_progress', version: 4 });
    const undone = caseWith(['sign'], { status: 'assigned', version: 5 });
    answers(() => jsonResponse(200, signed), () => jsonResponse(200, undone));
    const { onUpdated } = renderActions(caseWith(['sign', 'comment']));
    fireEvent.click(screen.getByRole('button', { name: '签收' }));
    await waitFor(() => expect(onUpdated).toHaveBeenCalledWith(signed));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(urlOf(0)).toBe('/api/v1/cases/42/actions/sign');
    expect(bodyOf(0)).toEqual({ version: 3 });
    fireEvent.click(await screen.findByTestId('sign-undo', undefined, { timeout: 5000 }));
    await waitFor(() => expect(onUpdated).toHaveBeenCalledWith(undone));
    expect(urlOf(1)).toBe('/api/v1/cases/42/actions/undo-sign');
    expect(bodyOf(1)).toEqual({ version: 4 });
  });

  it('completes in three steps: open, the result, confirm (the reply channel starts on 电话)', async () => {
    answers(() => jsonResponse(200, caseWith([], { status: 'completed', version: 4 })));
    const { onUpdated } = renderActions(caseWith(['complete'], { status: 'in_progress' }));
    fireEvent.click(screen.getByRole('button', { name: '办结' }));
    const d = await screen.findByRole('dialog', undefined, { timeout: 5000 });
    type(within(d).getByLabelText('办理结果'), '已补办营业执照');
    fireEvent.click(within(d).getByRole('button', { name: '确认办结' }));
    await waitFor(() => expect(onUpdated).toHaveBeenCalledTimes(1));
    expect(bodyOf(0)).toEqual({ version: 3, result: '已补办营业执照', repliedVia: 'phone' });
  });

  it('rates all four aspects 满意 with one click, each still changeable', async () => {
    answers(() => jsonResponse(200, caseWith([], { status: 'closed', version: 4 })));
    const { onUpdated } = renderActions(caseWith(['callback'], { status: 'completed' }));
    fireEvent.click(screen.getByRole('button', { name: '电话回访' }));
    const d = await screen.findByRole('dialog', undefined, { timeout: 5000 });
    fireEvent.click(within(d).getByRole('button', { name: '全部满意' }));
    // change one aspect afterwards: 廉洁 to 基本满意
    const integrity = within(d).getByText('廉洁', { exact: false }).closest('.ant-form-item')!;
    fireEvent.click(within(integrity as HTMLElement).getByText('基本满意'));
    fireEvent.click(within(d).getByRole('button', { name: '确认电话回访' }));
    await waitFor(() => expect(onUpdated).toHaveBeenCalledTimes(1));
    expect(bodyOf(0)).toEqual({ version: 3, attitude: 'satisfied', result: 'satisfied', efficiency: 'satisfied', integrity: 'basically_satisfied' });
  });

  it('focuses the dialog’s first field, keeps typed text after Esc, and drops it only with 放弃 or once sent', async () => {
    answers(() => jsonResponse(200, caseWith([], { version: 4 })));
    const { onUpdated } = renderActions(caseWith(['comment']));
    fireEvent.click(screen.getByRole('button', { name: '备注' }));
    let d = await screen.findByRole('dialog', undefined, { timeout: 5000 });
    const note = within(d).getByLabelText('备注');
    await waitFor(() => expect(document.activeElement).toBe(note));
    type(note, '已电话联系反映人');
    fireEvent.keyDown(d, { key: 'Escape', code: 'Escape', keyCode: 27 });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull(), { timeout: 5000 });
    expect(sessionStorage.getItem('bcs.draft.42.comment')).toContain('已电话联系反映人');
    // open again: the text is back, with a notice and 放弃
    fireEvent.click(screen.getByRole('button', { name: '备注' }));
    d = await screen.findByRole('dialog', undefined, { timeout: 5000 });
    expect((within(d).getByLabelText('备注') as HTMLTextAreaElement).value).toBe('已电话联系反映人');
    expect(within(d).getByTestId('draft-restored')).toBeTruthy();
    fireEvent.click(within(d).getByRole('button', { name: '放弃' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull(), { timeout: 5000 });
    expect(sessionStorage.getItem('bcs.draft.42.comment')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: '备注' }));
    d = await screen.findByRole('dialog', undefined, { timeout: 5000 });
    expect((within(d).getByLabelText('备注') as HTMLTextAreaElement).value).toBe('');
    // typed and sent: the draft goes
    type(within(d).getByLabelText('备注'), '补充说明');
    expect(sessionStorage.getItem('bcs.draft.42.comment')).toContain('补充说明');
    fireEvent.keyDown(within(d).getByLabelText('备注'), { key: 'Enter', ctrlKey: true }); // Ctrl+Enter confirms
    await waitFor(() => expect(onUpdated).toHaveBeenCalledTimes(1));
    expect(bodyOf(0)).toEqual({ version: 3, note: '补充说明' });
    expect(sessionStorage.getItem('bcs.draft.42.comment')).toBeNull();
  });

  it('keeps each user’s drafts apart (a shared PC, one tab)', async () => {
    const as = (owner: string) => (
      <ConfigProvider button={{ autoInsertSpace: false }}>
        <App>
          <DraftOwner.Provider value={owner}>
            <CaseActions c={caseWith(['comment'])} departments={departments} levelDays={{ 1: 2, 2: 5 }} onUpdated={vi.fn()} onStale={vi.fn()} />
          </DraftOwner.Provider>
        </App>
      </ConfigProvider>
    );
    expect(draftKey(42, 'comment', 'clerk1')).toBe('bcs.draft.clerk1.42.comment');
    const view = render(as('clerk1'));
    fireEvent.click(screen.getByRole('button', { name: '备注' }));
    let d = await screen.findByRole('dialog', undefined, { timeout: 5000 });
    type(within(d).getByLabelText('备注'), '反映人下午再来');
    fireEvent.keyDown(d, { key: 'Escape', code: 'Escape', keyCode: 27 });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull(), { timeout: 5000 });
    expect(sessionStorage.getItem('bcs.draft.clerk1.42.comment')).toContain('反映人下午再来');
    view.unmount();
    render(as('clerk2'));
    fireEvent.click(screen.getByRole('button', { name: '备注' }));
    d = await screen.findByRole('dialog', undefined, { timeout: 5000 });
    expect((within(d).getByLabelText('备注') as HTMLTextAreaElement).value).toBe('');
    expect(within(d).queryByTestId('draft-restored')).toBeNull();
  });

  it('opens the action of each button with its shortcut, Alt+1 …', async () => {
    renderActions(caseWith(['urge', 'comment']));
    fireEvent.keyDown(window, { key: '2', code: 'Digit2', altKey: true });
    const d = await screen.findByRole('dialog', undefined, { timeout: 5000 });
    expect(d.textContent).toContain('备注');
    expect(within(d).getByRole('button', { name: '确认备注' })).toBeTruthy();
    // a shortcut while a dialog is open does nothing
    fireEvent.keyDown(window, { key: '1', code: 'Digit1', altKey: true });
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.getAllByRole('dialog')).toHaveLength(1);
  });
});
