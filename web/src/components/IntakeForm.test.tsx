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
});
