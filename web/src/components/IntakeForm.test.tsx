// @vitest-environment jsdom
import '../test/dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App } from 'antd';
import { IntakeForm, PHONE_MESSAGE, USCC_MESSAGE } from './IntakeForm';
import { jsonResponse } from '../test/dom';
import { usccCheckChar } from '../../../core/validation';
import type { CaseDetail } from '../api/types';

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
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(saved));
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
});
