// @vitest-environment jsdom
import '../test/dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App } from 'antd';
import { BriefingButton } from './BriefingButton';
import { jsonResponse } from '../test/dom';

describe('工作简报 button', () => {
  let fetchMock: ReturnType<typeof vi.fn>;
  let release: () => void;
  beforeEach(() => {
    const gate = new Promise<void>((r) => (release = r));
    fetchMock = vi.fn(async (url: string) => {
      const u = new URL(url, 'http://x');
      await gate;
      if (u.searchParams.get('from') === '2025-01-01') return jsonResponse(400, { error: { code: 'VALIDATION', message: '输入有误：简报期间不能超过一年' } });
      return new Response(new Uint8Array([80, 75, 3, 4]), {
        status: 200,
        headers: { 'Content-Type': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'Content-Disposition': `attachment; filename="b.docx"; filename*=UTF-8''${encodeURIComponent('工作简报-20261101-20261130.docx')}` },
      });
    });
    vi.stubGlobal('fetch', fetchMock);
    URL.createObjectURL = vi.fn(() => 'blob:x');
    URL.revokeObjectURL = vi.fn();
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  const renderButton = (from: string, to: string) =>
    render(
      <App>
        <BriefingButton from={from} to={to} />
      </App>,
    );

  it('downloads the briefing of the period, spinning until the file is there', async () => {
    renderButton('2026-11-01', '2026-11-30');
    fireEvent.click(screen.getByTestId('briefing-docx'));
    expect(await screen.findByText('正在生成简报…')).toBeTruthy();
    fireEvent.click(screen.getByTestId('briefing-docx')); // a second click while it works starts nothing
    release();
    expect(await screen.findByText('已生成 工作简报-20261101-20261130.docx', undefined, { timeout: 5000 })).toBeTruthy();
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const url = new URL(String(fetchMock.mock.calls[0]![0]), 'http://x');
    expect(url.pathname).toBe('/api/v1/reports/briefing.docx');
    expect(Object.fromEntries(url.searchParams)).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(URL.createObjectURL).toHaveBeenCalled();
    await waitFor(() => expect(screen.getByText('工作简报')).toBeTruthy());
  });

  it('says what the server refused', async () => {
    release();
    renderButton('2025-01-01', '2026-11-30');
    fireEvent.click(screen.getByTestId('briefing-docx'));
    expect(await screen.findByText('输入有误：简报期间不能超过一年', undefined, { timeout: 5000 })).toBeTruthy();
    expect(URL.createObjectURL).not.toHaveBeenCalled();
  });
});
