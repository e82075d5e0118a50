/**
 * 工作简报 for a period, from the 统计分析 page: downloads GET /reports/briefing.docx?from&to (the
 * page's period), with a spinner while the server draws the charts and writes the file.
 */
import { useEffect, useRef, useState } from 'react';
import { App, Button } from 'antd';
import { FileWordOutlined } from '@ant-design/icons';
import { ApiError, toQuery } from '../api/client';
import { fetchWithProgress, saveBlob } from '../lib/download';

export function BriefingButton({ from, to }: { from: string; to: string }) {
  const { message } = App.useApp();
  const [loading, setLoading] = useState(false);
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);
  const download = async () => {
    if (abort.current) return;
    const ctl = new AbortController();
    abort.current = ctl;
    setLoading(true);
    try {
      const { blob, fileName } = await fetchWithProgress(`/reports/briefing.docx${toQuery({ from, to })}`, () => undefined, { signal: ctl.signal, fallbackName: '工作简报.docx' });
      saveBlob(blob, fileName);
      void message.success(`已生成 ${fileName}`);
    } catch (e) {
      if ((e as Error)?.name !== 'AbortError') void message.error(e instanceof ApiError ? e.message : '生成工作简报失败，请重试');
    } finally {
      abort.current = null;
      setLoading(false);
    }
  };
  return (
    <Button size="small" icon={<FileWordOutlined />} loading={loading} onClick={() => void download()} data-testid="briefing-docx">
      {loading ? '正在生成简报…' : '工作简报'}
    </Button>
  );
}
