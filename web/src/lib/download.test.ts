// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { estimateFraction, fetchWithProgress, filenameFromDisposition, formatBytes, LEDGER_BASE_BYTES, LEDGER_BYTES_PER_ROW, type DownloadProgress } from './download';
import { ApiError, onUnauthorized } from '../api/client';
import { jsonResponse } from '../test/dom';

function streamed(chunks: Uint8Array[], headers: Record<string, string>): Response {
  const body = new ReadableStream<Uint8Array>({
    start(ctl) {
      for (const c of chunks) ctl.enqueue(c);
      ctl.close();
    },
  });
  return new Response(body, { status: 200, headers });
}

describe('downloads with progress', () => {
  let fetchMock: ReturnType<typeof vi.fn>;
  beforeEach(() => {
    fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    onUnauthorized(null);
  });

  it('takes the Chinese file name of Content-Disposition (RFC 5987 first), else the plain one', () => {
    expect(filenameFromDisposition(`attachment; filename="ledger-20261126.xlsx"; filename*=UTF-8''%E5%8F%B0%E8%B4%A6-20261126.xlsx`)).toBe('台账-20261126.xlsx');
    expect(filenameFromDisposition('attachment; filename="assessment.xlsx"')).toBe('assessment.xlsx');
    expect(filenameFromDisposition('attachment; filename=plain.docx')).toBe('plain.docx');
    expect(filenameFromDisposition(`attachment; filename*=UTF-8''%E0%A4%A`, '台账.xlsx')).toBe('台账.xlsx');
    expect(filenameFromDisposition(null, '台账.xlsx')).toBe('台账.xlsx');
  });

  it('estimates the fraction from the rows announced, never reaching 1 before the end', () => {
    expect(estimateFraction(0, null, null)).toBeNull();
    expect(estimateFraction(50, 100, null)).toBe(0.5);
    const expected = LEDGER_BASE_BYTES + 100 * LEDGER_BYTES_PER_ROW;
    expect(estimateFraction(expected / 2, null, 100)).toBeCloseTo(0.5);
    expect(estimateFraction(expected * 3, null, 100)).toBe(0.99);
    expect(formatBytes(1536)).toBe('2 KB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB');
  });

  it('reads the body chunk by chunk, reporting rows and bytes, and answers the Blob with its file name', async () => {
    fetchMock.mockResolvedValue(
      streamed([new Uint8Array(1000), new Uint8Array(2000), new Uint8Array(500)], {
        'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'Content-Disposition': `attachment; filename="ledger.xlsx"; filename*=UTF-8''%E5%8F%B0%E8%B4%A6.xlsx`,
        'X-Total-Count': '12',
      }),
    );
    const seen: DownloadProgress[] = [];
    const r = await fetchWithProgress('/ledger.xlsx?status=closed', (p) => seen.push(p));
    expect(fetchMock.mock.calls[0]![0]).toBe('/api/v1/ledger.xlsx?status=closed');
    expect(r.fileName).toBe('台账.xlsx');
    expect(r.rows).toBe(12);
    expect(r.blob.size).toBe(3500);
    expect(seen.map((p) => p.received)).toEqual([0, 1000, 3000, 3500, 3500]);
    expect(seen.every((p) => p.rows === 12)).toBe(true);
    const fractions = seen.map((p) => p.fraction ?? 0);
    expect([...fractions].sort((a, b) => a - b)).toEqual(fractions);
    expect(seen.at(-1)).toMatchObject({ done: true, fraction: 1 });
  });

  it('turns an error answer into an ApiError and ends the session on a 401', async () => {
    fetchMock.mockResolvedValueOnce(jsonResponse(400, { error: { code: 'VALIDATION', message: '状态“x”无效' } }));
    const e = await fetchWithProgress('/ledger.xlsx?status=x', () => {}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).message).toBe('状态“x”无效');
    const expired = vi.fn();
    onUnauthorized(expired);
    fetchMock.mockResolvedValueOnce(jsonResponse(401, { error: { code: 'UNAUTHENTICATED', message: '请先登录' } }));
    await expect(fetchWithProgress('/ledger.xlsx', () => {})).rejects.toMatchObject({ status: 401 });
    expect(expired).toHaveBeenCalledTimes(1);
  });
});
