// @vitest-environment jsdom
import '../test/dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App } from 'antd';
import { IntakeForm, PHONE_MESSAGE, sameMatter, USCC_MESSAGE } from './IntakeForm';
import { jsonResponse } from '../test/dom';
import { usccCheckChar } from '../../../core/validation';
import type { CaseDetail, CaseSummary } from '../api/types';

const departments = [
  { code: 'scjgj', name: '县市场监管局', disabled: false },
  { code: 'rsj', name: '县人力社保局', disabled: false },
];

function renderForm(onSaved = vi.fn()) {
  render(
    <App>
      <IntakeForm departments={departments} onSaved={onSaved} />
    </App>,
  );
  return onSaved;
}

const type = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

function fillPerson(phone: string) {
  type('反映人姓名', '张三');
  type('联系电话', phone);
  type('事项名称', '个体工商户设立登记');
  type('诉求', '办理营业执照时被告知缺少房屋产权证明。');
}

/** The chosen tags of a multi-select (not the responsive "+ n ..." counter). */
const CHOSEN = '.ant-select-selection-overflow-item:not(.ant-select-selection-overflow-item-rest) .ant-select-selection-item';

const save = () => fireEvent.click(screen.getByRole('button', { name: /保存登记/ }));

describe('the intake form', () => {
  let fetchMock: ReturnType<typeof vi.fn>;
  beforeEach(() => {
    window.localStorage.clear();
    fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('refuses a bad phone number in Chinese and sends nothing', async () => {
    const onSaved = renderForm();
    fillPerson('12345');
    save();
    expect(await screen.findByText(PHONE_MESSAGE, undefined, { timeout: 5000 })).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
    expect(onSaved).not.toHaveBeenCalled();
  });

  it('asks an enterprise for its name and 统一社会信用代码, and sends nothing without them', async () => {
    renderForm();
    fireEvent.click(screen.getByLabelText('企业'));
    fillPerson('13800001234');
    save();
    expect(await screen.findByText('企业反映须填写企业名称', undefined, { timeout: 5000 })).toBeTruthy();
    expect(await screen.findByText('企业反映须填写统一社会信用代码', undefined, { timeout: 5000 })).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('refuses a 统一社会信用代码 whose check digit is wrong, and sends nothing', async () => {
    renderForm();
    fireEvent.click(screen.getByLabelText('企业'));
    fillPerson('13800001234');
    type('企业名称', '垫江县好味道食品厂');
    const first17 = '91500231MA5U0AB1X';
    const wrong = usccCheckChar(first17) === '0' ? '1' : '0';
    type('统一社会信用代码', first17 + wrong);
    save();
    expect(await screen.findByText(USCC_MESSAGE, undefined, { timeout: 5000 })).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('sends a valid enterprise case once, with an Idempotency-Key, and hands back the saved case', async () => {
    const saved = { id: 7, caseNo: '2026-000007' } as CaseDetail;
    let answer!: (r: Response) => void;
    fetchMock.mockImplementation(() => new Promise<Response>((resolve) => (answer = resolve)));
    const onSaved = renderForm();
    fireEvent.click(screen.getByLabelText('企业'));
    fillPerson('138 0000 1234');
    type('企业名称', '垫江县好味道食品厂');
    const first17 = '91500231MA5U0AB1X';
    type('统一社会信用代码', (first17 + usccCheckChar(first17)).toLowerCase());
    save();
    await waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(1));
    save(); // a second click while the first is in flight
    save();
    answer(jsonResponse(201, saved));
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(saved, []));
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('/api/v1/cases');
    expect((init.headers as Record<string, string>)['Idempotency-Key']).toMatch(/^[0-9a-f]{32}$/);
    const body = JSON.parse(String(init.body));
    expect(body.reporter).toMatchObject({ kind: 'enterprise', phone: '13800001234', orgCode: first17 + usccCheckChar(first17) });
    expect(body.channel).toBe('window');
  });

  it('puts the server’s field errors under the fields', async () => {
    fetchMock.mockResolvedValue(
      jsonResponse(400, {
        error: { code: 'VALIDATION', message: '输入有误', details: [{ field: 'departmentCodes', message: '部门代码“xyz”不存在或已停用' }] },
      }),
    );
    renderForm();
    fillPerson('13800001234');
    save();
    expect(await screen.findByText('部门代码“xyz”不存在或已停用', undefined, { timeout: 5000 })).toBeTruthy();
  });

  it('shows the reporter’s earlier cases, open ones first, and suggests 并件 for the same matter', async () => {
    const summary = (id: number, status: CaseSummary['status'], matter: string) =>
      ({ id, caseNo: `2026-00000${id}`, status, matter, receivedAt: '2026-11-20T10:00:00+08:00', leadDepartmentName: '县市场监管局', reporter: { name: '张三', phone: '13800001234', kind: 'person' } }) as unknown as CaseSummary;
    fetchMock.mockImplementation(async (url: string) =>
      url.startsWith('/api/v1/cases?phone=')
        ? jsonResponse(200, { items: [summary(1, 'closed', '户口迁移'), summary(2, 'in_progress', '个体工商户设立登记')], nextCursor: null })
        : jsonResponse(201, { id: 9, caseNo: '2026-000009' }),
    );
    const onSaved = vi.fn();
    render(
      <App>
        <IntakeForm departments={departments} lookupEarlierCases onSaved={onSaved} />
      </App>,
    );
    type('联系电话', '1380000');
    await new Promise((r) => setTimeout(r, 400));
    expect(fetchMock).not.toHaveBeenCalled();
    fillPerson('138 0000 1234');
    const box = await screen.findByTestId('earlier-cases', undefined, { timeout: 5000 });
    expect(String(fetchMock.mock.calls[0]![0])).toBe('/api/v1/cases?phone=13800001234&limit=20');
    const links = [...box.querySelectorAll('a')];
    expect(links.map((a) => a.textContent)).toEqual(['2026-000002', '2026-000001']);
    expect(links[0]!.getAttribute('href')).toBe('/cases/2');
    expect(links[0]!.getAttribute('target')).toBe('_blank');
    expect(screen.getByTestId('merge-hint').textContent).toContain('2026-000002');
    save();
    await waitFor(() => expect(onSaved).toHaveBeenCalledTimes(1));
    expect((onSaved.mock.calls[0]![1] as CaseSummary[]).map((c) => c.id)).toEqual([2]);
  });

  it('takes a matter as the same when blanks differ or one names the other', () => {
    expect(sameMatter('个体工商户 设立登记', '个体工商户设立登记')).toBe(true);
    expect(sameMatter('个体工商户设立登记', '个体工商户设立登记（变更）')).toBe(true);
    expect(sameMatter('户口迁移', '医保异地就医备案')).toBe(false);
    expect(sameMatter('', '户口迁移')).toBe(false);
  });

  it('lists departments by name in pinyin order (no codes), and starts on the channel it is given', () => {
    render(
      <App>
        <IntakeForm
          departments={[...departments, { code: 'gaj', name: '县公安局', disabled: false }, { code: 'zjw', name: '县住建委', disabled: false }]}
          defaultChannel="hotline"
          onSaved={vi.fn()}
        />
      </App>,
    );
    expect((screen.getByLabelText('热线') as HTMLInputElement).checked).toBe(true);
    const input = screen.getByLabelText('涉及部门');
    fireEvent.mouseDown(input.closest('.ant-select-selector')!);
    const names = [...document.querySelectorAll('.ant-select-item-option')].map((o) => o.textContent);
    expect(names).toEqual(['县公安局', '县人力社保局', '县市场监管局', '县住建委']);
  });

  it('leaves 涉及部门 with Tab without choosing the highlighted department; Enter chooses', async () => {
    fetchMock.mockImplementation(async () => jsonResponse(201, { id: 3, caseNo: '2026-000003' }));
    const onSaved = renderForm();
    fillPerson('13800001234');
    const input = screen.getByLabelText('涉及部门');
    input.focus();
    fireEvent.change(input, { target: { value: '市场' } });
    await waitFor(() => expect(document.querySelector('.ant-select-item-option-active')?.textContent).toBe('县市场监管局'));
    fireEvent.keyDown(input, { key: 'Tab', code: 'Tab', keyCode: 9, which: 9 });
    fireEvent.blur(input);
    expect(document.querySelectorAll(CHOSEN).length).toBe(0);
    save();
    await waitFor(() => expect(onSaved).toHaveBeenCalledTimes(1));
    expect(JSON.parse(String((fetchMock.mock.calls[0] as [string, RequestInit])[1].body)).departmentCodes).toEqual([]);

    // The same keys with Enter instead of Tab choose it.
    cleanup();
    fetchMock.mockClear();
    const again = renderForm();
    fillPerson('13800001234');
    const input2 = screen.getByLabelText('涉及部门');
    input2.focus();
    fireEvent.change(input2, { target: { value: '市场' } });
    await waitFor(() => expect(document.querySelector('.ant-select-item-option-active')?.textContent).toBe('县市场监管局'));
    fireEvent.keyDown(input2, { key: 'Enter', code: 'Enter', keyCode: 13, which: 13 });
    // (jsdom measures no widths, so the responsive tag row shows no tags: the saved body tells.)
    await waitFor(() => expect(document.querySelector('.ant-select-item-option-selected')?.textContent).toBe('县市场监管局'));
    save();
    await waitFor(() => expect(again).toHaveBeenCalledTimes(1));
    expect(JSON.parse(String((fetchMock.mock.calls[0] as [string, RequestInit])[1].body)).departmentCodes).toEqual(['scjgj']);
  });

  describe('the draft', () => {
    const KEY = 'bcs.intake.draft.clerk';
    beforeEach(() => window.sessionStorage.clear());
    const renderDraft = (onSaved = vi.fn()) => {
      render(
        <App>
          <IntakeForm departments={departments} draftKey={KEY} defaultChannel="hotline" onSaved={onSaved} />
        </App>,
      );
      return onSaved;
    };

    it('keeps what was typed when the form goes away (another page) and brings it back', async () => {
      renderDraft();
      expect(screen.queryByTestId('discard-draft')).toBeNull();
      fillPerson('13800001234');
      await waitFor(() => expect(window.sessionStorage.getItem(KEY)).toContain('张三'));
      const kept = JSON.parse(window.sessionStorage.getItem(KEY)!);
      cleanup(); // clicked away to another page
      renderDraft();
      expect((screen.getByLabelText('反映人姓名') as HTMLInputElement).value).toBe('张三');
      expect((screen.getByLabelText('诉求') as HTMLTextAreaElement).value).toBe('办理营业执照时被告知缺少房屋产权证明。');
      expect(screen.getByTestId('draft-restored').textContent).toContain('已恢复未保存的草稿');
      // The same case: a save after a lost answer is not a second case.
      fetchMock.mockResolvedValue(jsonResponse(201, { id: 4, caseNo: '2026-000004' }));
      save();
      await waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(1));
      expect(((fetchMock.mock.calls[0] as [string, RequestInit])[1].headers as Record<string, string>)['Idempotency-Key']).toBe(kept.idempotencyKey);
      await waitFor(() => expect(window.sessionStorage.getItem(KEY)).toBeNull());
    });

    it('is thrown away only on purpose, with 放弃草稿', async () => {
      renderDraft();
      fillPerson('13800001234');
      await waitFor(() => expect(window.sessionStorage.getItem(KEY)).not.toBeNull());
      fireEvent.click(screen.getByTestId('discard-draft'));
      expect(window.sessionStorage.getItem(KEY)).toBeNull();
      expect((screen.getByLabelText('反映人姓名') as HTMLInputElement).value).toBe('');
      expect((screen.getByLabelText('事项名称') as HTMLInputElement).value).toBe('');
      expect((screen.getByLabelText('热线') as HTMLInputElement).checked).toBe(true);
      expect(document.activeElement).toBe(screen.getByLabelText('反映人姓名'));
      cleanup();
      renderDraft();
      expect((screen.getByLabelText('反映人姓名') as HTMLInputElement).value).toBe('');
      expect(screen.queryByTestId('draft-restored')).toBeNull();
    });

    it('is kept per user: another account on the same browser does not see it', async () => {
      renderDraft();
      fillPerson('13800001234');
      await waitFor(() => expect(window.sessionStorage.getItem(KEY)).not.toBeNull());
      cleanup();
      render(
        <App>
          <IntakeForm departments={departments} draftKey="bcs.intake.draft.hotline" onSaved={vi.fn()} />
        </App>,
      );
      expect((screen.getByLabelText('反映人姓名') as HTMLInputElement).value).toBe('');
    });
  });
});
