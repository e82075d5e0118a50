/**
 * 导入台账 (/ledger/import; 县行管办, 系统管理员): download the template, choose a county's .xlsx
 * ledger, upload it with a progress bar (XMLHttpRequest, the session cookie and X-CSRF-Token), then
 * either the result — rows, imported, skipped (numbers already in the platform) and the file's SM3
 * digest — or, when the server refused the file (400), its row-level report: 行 / 列 / 单元格 / 问题,
 * with the reminder that nothing was imported (all rows or none).
 */
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Progress, Result, Space, Steps, Table, Typography, Upload } from 'antd';
import { DownloadOutlined, InboxOutlined, UploadOutlined } from '@ant-design/icons';
import { API_BASE, ApiError, currentCsrfToken, errorFromBody } from '../api/client';
import type { ImportIssue, ImportResult } from '../api/types';
import { formatBytes } from '../lib/download';

const MAX_BYTES = 20 * 1024 * 1024;

/** The row report of a refused import, whatever shape `details` came in. */
export function importIssues(e: ApiError): ImportIssue[] {
  const raw = Array.isArray(e.raw) ? (e.raw as unknown[]) : [];
  const out: ImportIssue[] = [];
  for (const d of raw) {
    if (!d || typeof d !== 'object') continue;
    const x = d as Record<string, unknown>;
    const message = typeof x.message === 'string' ? x.message : null;
    if (!message) continue;
    out.push({
      row: typeof x.row === 'number' ? x.row : null,
      column: typeof x.column === 'string' ? x.column : typeof x.field === 'string' ? x.field : null,
      cell: typeof x.cell === 'string' ? x.cell : null,
      message,
    });
  }
  return out;
}

export interface UploadHandle<T = ImportResult> {
  promise: Promise<T>;
  abort(): void;
}

/**
 * Uploads the file as multipart field `file` to POST /ledger/import, reporting the fraction sent.
 * XMLHttpRequest rather than fetch: fetch cannot report upload progress.
 */
export function uploadLedger<T = ImportResult>(file: File, onProgress: (fraction: number) => void, path = '/ledger/import'): UploadHandle<T> {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<T>((resolve, reject) => {
    xhr.open('POST', `${API_BASE}${path}`);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    const csrf = currentCsrfToken();
    if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.upload.onprogress = (ev) => {
      if (ev.lengthComputable && ev.total > 0) onProgress(ev.loaded / ev.total);
    };
    xhr.upload.onload = () => onProgress(1);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText) as T);
        } catch {
          reject(new ApiError(xhr.status, 'BAD_ANSWER', '服务器的答复无法识别'));
        }
      } else reject(errorFromBody(xhr.status, xhr.responseText));
    };
    xhr.onerror = () => reject(errorFromBody(0, ''));
    xhr.onabort = () => reject(new DOMException('上传已取消', 'AbortError'));
    const fd = new FormData();
    fd.append('file', file, file.name);
    xhr.send(fd);
  });
  return { promise, abort: () => xhr.abort() };
}

type Phase =
  | { kind: 'idle' }
  | { kind: 'uploading'; fraction: number }
  | { kind: 'checking' }
  | { kind: 'done'; result: ImportResult }
  | { kind: 'refused'; message: string; issues: ImportIssue[] }
  | { kind: 'failed'; message: string };

export default function ImportPage() {
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const upload = useRef<UploadHandle | null>(null);
  const outcome = useRef<HTMLDivElement>(null);
  useEffect(() => {
    document.title = '导入台账 · 办成事';
    return () => upload.current?.abort();
  }, []);
  const busy = phase.kind === 'uploading' || phase.kind === 'checking';
  // Bring the result or the row report into view when it arrives.
  useEffect(() => {
    if (phase.kind === 'done' || phase.kind === 'refused') outcome.current?.scrollIntoView({ block: 'nearest' });
  }, [phase.kind]);

  const start = async () => {
    if (!file || busy) return;
    if (file.size > MAX_BYTES) {
      setPhase({ kind: 'failed', message: `文件超过 20 MB 上限（${formatBytes(file.size)}），请分批导入` });
      return;
    }
    setPhase({ kind: 'uploading', fraction: 0 });
    const h = uploadLedger(file, (f) => setPhase(f >= 1 ? { kind: 'checking' } : { kind: 'uploading', fraction: f }));
    upload.current = h;
    try {
      const result = await h.promise;
      setPhase({ kind: 'done', result });
      void qc.invalidateQueries({ queryKey: ['cases'] });
      void qc.invalidateQueries({ queryKey: ['dashboard'] });
      void qc.invalidateQueries({ queryKey: ['stats'] });
    } catch (e) {
      if ((e as Error)?.name === 'AbortError') setPhase({ kind: 'idle' });
      else if (e instanceof ApiError && e.status === 400) setPhase({ kind: 'refused', message: e.message, issues: importIssues(e) });
      else setPhase({ kind: 'failed', message: e instanceof ApiError ? e.message : '导入失败，请重试' });
    } finally {
      upload.current = null;
    }
  };

  const step = phase.kind === 'idle' || phase.kind === 'failed' ? (file ? 1 : 0) : phase.kind === 'done' || phase.kind === 'refused' ? 3 : 2;

  return (
    <Card title={<h1 className="bcs-page-title">导入台账</h1>} extra={<Link to="/cases">返回台账</Link>}>
      <Space direction="vertical" size={16} style={{ width: '100%' }}>
        <Steps
          size="small"
          current={step}
          status={phase.kind === 'refused' || phase.kind === 'failed' ? 'error' : undefined}
          items={[{ title: '下载模板' }, { title: '选择文件' }, { title: '上传与校验' }, { title: '导入结果' }]}
        />
        {(phase.kind === 'idle' || phase.kind === 'failed') && (
          <Alert
            type="info"
            showIcon
            message="导入规则"
            description={
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                <li>按模板的列填写（第 3 行为表头，数据从第 4 行起），.xlsx 格式，不超过 20 MB。</li>
                <li>先整体校验：任何一行有误，整个文件都不导入，并逐行列出问题；改正后重新上传即可。</li>
                <li>编号已在平台中的，视为同一件，跳过不重复导入。</li>
              </ul>
            }
          />
        )}
        <Space wrap>
          <Button icon={<DownloadOutlined />} href={`${API_BASE}/ledger/template.xlsx`} download data-testid="template-download">
            下载导入模板
          </Button>
        </Space>
        <Upload.Dragger
          accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          multiple={false}
          maxCount={1}
          disabled={busy}
          showUploadList={false}
          beforeUpload={(f) => {
            setFile(f);
            setPhase({ kind: 'idle' });
            return false;
          }}
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">{file ? `已选择：${file.name}（${formatBytes(file.size)}）` : '点击或拖入台账文件（.xlsx）'}</p>
          <p className="ant-upload-hint">{file ? '点击可重新选择' : '县里原有的台账请先整理到模板的列中'}</p>
        </Upload.Dragger>
        <Space>
          <Button type="primary" icon={<UploadOutlined />} disabled={!file || busy || phase.kind === 'done'} loading={busy} onClick={() => void start()}>
            开始导入
          </Button>
          {phase.kind === 'uploading' && <Button onClick={() => upload.current?.abort()}>取消</Button>}
        </Space>
        {(phase.kind === 'uploading' || phase.kind === 'checking') && (
          <div data-testid="upload-progress">
            <Progress
              percent={phase.kind === 'uploading' ? Math.round(phase.fraction * 100) : 100}
              status="active"
              format={(p) => (phase.kind === 'checking' ? '校验中' : `${p}%`)}
            />
            <Typography.Text type="secondary">
              {phase.kind === 'uploading' ? `正在上传 ${file?.name ?? ''}…` : '文件已上传，正在逐行校验并导入…'}
            </Typography.Text>
          </div>
        )}
        {phase.kind === 'failed' && <Alert type="error" showIcon message={phase.message} />}
        <div ref={outcome}>
          {phase.kind === 'done' && (
            <div data-testid="import-result">
              <Result
                status="success"
                title={`导入完成：新增 ${phase.result.imported} 件`}
                subTitle={phase.result.skipped ? `已有编号 ${phase.result.skipped} 件，已跳过` : '没有重复的编号'}
                extra={[
                  <Link key="ledger" to="/cases">
                    <Button type="primary">查看台账</Button>
                  </Link>,
                ]}
              >
                <Descriptions size="small" column={2} bordered>
                  <Descriptions.Item label="文件">{phase.result.fileName}</Descriptions.Item>
                  <Descriptions.Item label="工作表">{phase.result.sheet}</Descriptions.Item>
                  <Descriptions.Item label="数据行">{phase.result.rows}</Descriptions.Item>
                  <Descriptions.Item label="新增 / 跳过">
                    {phase.result.imported} / {phase.result.skipped}
                  </Descriptions.Item>
                  {phase.result.skippedCaseNos.length > 0 && (
                    <Descriptions.Item label="跳过的编号" span={2}>
                      {phase.result.skippedCaseNos.slice(0, 50).join('、')}
                      {phase.result.skippedCaseNos.length > 50 ? ` 等 ${phase.result.skippedCaseNos.length} 件` : ''}
                    </Descriptions.Item>
                  )}
                  <Descriptions.Item label="文件 SM3 摘要（已记入审计）" span={2}>
                    <Typography.Text code copyable style={{ wordBreak: 'break-all' }}>
                      {phase.result.sm3}
                    </Typography.Text>
                  </Descriptions.Item>
                </Descriptions>
              </Result>
            </div>
          )}
          {phase.kind === 'refused' && (
            <div data-testid="import-report">
              <Alert
                type="error"
                showIcon
                message="未导入任何数据"
                description={phase.message}
                style={{ marginBottom: 12 }}
              />
              <Table<ImportIssue & { key: number }>
                size="small"
                rowKey="key"
                dataSource={phase.issues.map((x, i) => ({ ...x, key: i }))}
                pagination={phase.issues.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
                columns={[
                  { title: '行', dataIndex: 'row', width: 70, render: (v: number | null) => v ?? '—' },
                  { title: '列', dataIndex: 'column', width: 140, render: (v: string | null) => v ?? '—' },
                  { title: '单元格', dataIndex: 'cell', width: 90, render: (v: string | null) => v ?? '—' },
                  { title: '问题', dataIndex: 'message' },
                ]}
                locale={{ emptyText: '文件无法读取' }}
              />
            </div>
          )}
        </div>
      </Space>
    </Card>
  );
}
