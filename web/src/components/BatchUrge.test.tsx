// @vitest-environment jsdom
import '../test/dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App } from 'antd';
import { BatchUrge } from './BatchUrge';
import { jsonResponse } from '../test/dom';
import type { CaseSummary } from '../api/types';

const row = (id: number, version: number) => ({ id, caseNo: `2026-00000${id}`, version, status: 'assigned' }) as unknown as CaseSummary;

describe('批量催办', () => {
  let fetchMock: ReturnType<typeof vi.fn>;
  beforeEach(() => {
    fetchMock = vi.fn(async (url: string, init: RequestInit) => {
      const body = JSON.parse(String(init.body));
      if (url.includes('/cases/2/')) return jsonResponse(409, { error: { code: 'VERSION_CONFLICT', message: '该反映件已被他人更新，请刷新后重试' } });
      return jsonResponse(200, { id: Number(url.split('/')[4]), version: body.version + 1 });
    });
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('urges each ticked case with its own version and the same note, and names the ones refused', async () => {
    const onDone = vi.fn();
    const onClear = vi.fn();
    render(
      <App>
        <BatchUrge selected={[row(1, 3), row(2, 5), row(3, 7)]} onClear={onClear} onDone={onDone} />
      </App>,
    );
    expect(screen.getByText('已选 3 件')).toBeTruthy();
    fireEvent.click(screen.getByTestId('batch-urge'));
    fireEvent.change(await screen.findByLabelText('催办意见（可不填）'), { target: { value: '请本周内办结' } });
    fireEvent.click(screen.getByRole('button', { name: '确认催办' }));
    expect(await screen.findByTestId('batch-failed', undefined, { timeout: 5000 })).toBeTruthy();
    expect(screen.getByTestId('batch-failed').textContent).toContain('2026-000002：该反映件已被他人更新，请刷新后重试');
    expect(fetchMock).toHaveBeenCalledTimes(3);
    const calls = fetchMock.mock.calls.map(([u, init]) => [String(u), JSON.parse(String((init as RequestInit).body))]);
    expect(calls).toEqual([
      ['/api/v1/cases/1/actions/urge', { version: 3, note: '请本周内办结' }],
      ['/api/v1/cases/2/actions/urge', { version: 5, note: '请本周内办结' }],
      ['/api/v1/cases/3/actions/urge', { version: 7, note: '请本周内办结' }],
    ]);
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(onClear).not.toHaveBeenCalled(); // the selection stays, for another try of the refused one
  });

  it('shows nothing without a selection', () => {
    render(
      <App>
        <BatchUrge selected={[]} onClear={() => {}} onDone={() => {}} />
      </App>,
    );
    expect(screen.queryByTestId('batch-bar')).toBeNull();
  });
});
