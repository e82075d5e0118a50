// @vitest-environment jsdom
import '../test/dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from 'antd';
import ImportPage, { importIssues } from './ImportPage';
import { ApiError, setSession } from '../api/client';

/** A stand-in for XMLHttpRequest: records the request, and the test answers it. */
class FakeXhr {
  static last: FakeXhr | null = null;
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: FormData | null = null;
  withCredentials = false;
  status = 0;
  responseText = '';
  upload: { onprogress: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void) | null; onload: (() => void) | null } = {
    onprogress: null,
    onload: null,
  };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  constructor() {
    FakeXhr.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(k: string, v: string) {
    this.headers[k] = v;
  }
  send(body: FormData) {
    this.body = body;
  }
  abort() {
    this.onabort?.();
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ lengthComputable: true, loaded, total });
  }
  answer(status: number, body: unknown) {
    this.upload.onload?.();
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.onload?.();
  }
}

function renderPage() {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={qc}>
      <MemoryRouter>
        <App>
          <ImportPage />
        </App>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

async function chooseAndStart() {
  const input = document.querySelector('input[type=file]') as HTMLInputElement;
  const file = new File([new Uint8Array(2048)], '垫江县台账.xlsx', { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  fireEvent.change(input, { target: { files: [file] } });
  await screen.findByText(/已选择：垫江县台账\.xlsx/);
  fireEvent.click(screen.getByRole('button', { name: /开始导入/ }));
  await waitFor(() => expect(FakeXhr.last?.body).toBeTruthy());
  return FakeXhr.last!;
}

describe('导入台账', () => {
  beforeEach(() => {
    FakeXhr.last = null;
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    Element.prototype.scrollIntoView = vi.fn();
    setSession('csrf-abc');
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
    setSession(null);
  });

  it('uploads the file as multipart field "file" with the CSRF token, shows progress, then the result', async () => {
    renderPage();
    const xhr = await chooseAndStart();
    expect(xhr.method).toBe('POST');
    expect(xhr.url).toBe('/api/v1/ledger/import');
    expect(xhr.headers['X-CSRF-Token']).toBe('csrf-abc');
    expect(xhr.withCredentials).toBe(true);
    expect((xhr.body!.get('file') as File).name).toBe('垫江县台账.xlsx');
    xhr.progress(1024, 2048);
    await waitFor(() => expect(screen.getByTestId('upload-progress').textContent).toContain('50%'));
    xhr.answer(200, { fileName: '垫江县台账.xlsx', sheet: '台账', rows: 3, imported: 2, skipped: 1, skippedCaseNos: ['2025-000101'], sm3: 'a'.repeat(64) });
    const result = await screen.findByTestId('import-result');
    expect(result.textContent).toContain('导入完成：新增 2 件');
    expect(result.textContent).toContain('已有编号 1 件，已跳过');
    expect(result.textContent).toContain('2025-000101');
    expect(result.textContent).toContain('a'.repeat(64));
  });

  it('shows the row report of a refused file: 行 / 列 / 单元格 / 问题, and that nothing was imported', async () => {
    renderPage();
    const xhr = await chooseAndStart();
    xhr.answer(400, {
      error: {
        code: 'VALIDATION',
        message: '台账有 2 处错误，未导入任何数据，请改正后重新上传',
        details: [
          { row: 4, column: '反映人', cell: 'E4', message: '请填写反映人' },
          { row: null, column: null, cell: null, message: '找不到表头“编号”' },
        ],
      },
    });
    const report = await screen.findByTestId('import-report');
    expect(report.textContent).toContain('未导入任何数据');
    const headers = within(report).getAllByRole('columnheader').map((h) => h.textContent);
    expect(headers).toEqual(['行', '列', '单元格', '问题']);
    const rows = within(report).getAllByRole('row').slice(1).map((r) => within(r).getAllByRole('cell').map((c) => c.textContent));
    expect(rows).toEqual([
      ['4', '反映人', 'E4', '请填写反映人'],
      ['—', '—', '—', '找不到表头“编号”'],
    ]);
  });

  it('reads the row report whatever fields it carries', () => {
    const e = new ApiError(400, 'VALIDATION', '有误', [], [{ row: 5, column: '受理日期', cell: 'C5', message: '日期不存在' }, { field: 'file', message: '请选择文件' }, 'junk', null]);
    expect(importIssues(e)).toEqual([
      { row: 5, column: '受理日期', cell: 'C5', message: '日期不存在' },
      { row: null, column: 'file', cell: null, message: '请选择文件' },
    ]);
  });
});
