/** 事项目录: the county's catalogue of matters — find, add one, import the Excel the county has. */
import { useEffect, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Space, Table, Typography, Upload } from 'antd';
import { FieldSelect } from '../../components/FieldSelect';
import { UploadOutlined } from '@ant-design/icons';
import { ZMatterCreate } from '../../../../core/api/schemas';
import { api, ApiError, toQuery } from '../../api/client';
import type { ImportIssue, Matter, MatterImportResult } from '../../api/types';
import { departmentOptions, useDepartments } from '../../api/queries';
import { applyFieldErrors, issuesOf } from '../../lib/forms';
import { useSubmitGuard } from '../../lib/useSubmitGuard';
import { importIssues, uploadLedger, type UploadHandle } from '../ImportPage';

const SHOWN = 200;

export default function MattersPage() {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const { data: departments } = useDepartments();
  const [form] = Form.useForm<{ code: string; name: string; department: string }>();
  const { run, pending } = useSubmitGuard();
  const [error, setError] = useState<string | null>(null);
  const [q, setQ] = useState('');
  const [importing, setImporting] = useState(false);
  const [imported, setImported] = useState<MatterImportResult | null>(null);
  const [refused, setRefused] = useState<{ message: string; issues: ImportIssue[] } | null>(null);
  const upload = useRef<UploadHandle<MatterImportResult> | null>(null);
  useEffect(() => {
    document.title = '事项目录 · 办成事';
    return () => upload.current?.abort();
  }, []);
  const list = useQuery({
    queryKey: ['matters', q],
    queryFn: () => api<{ items: Matter[]; nextCursor: string | null }>(`/matters${toQuery({ q: q || undefined, limit: String(SHOWN) })}`),
  });

  const add = (v: { code: string; name: string; department: string }) =>
    run(async () => {
      setError(null);
      const checked = ZMatterCreate.safeParse(v);
      if (!checked.success) {
        applyFieldErrors(form, issuesOf(checked.error), ['code', 'name', 'department']);
        return;
      }
      try {
        await api<Matter>('/matters', { body: checked.data });
        void message.success(`已新增事项“${checked.data.name}”`);
        form.resetFields();
        await qc.invalidateQueries({ queryKey: ['matters'] });
      } catch (e) {
        if (e instanceof ApiError && e.details.length) applyFieldErrors(form, e.details, ['code', 'name', 'department']);
        else setError(e instanceof ApiError ? e.message : '新增失败');
      }
    });

  const importFile = async (file: File) => {
    setImporting(true);
    setImported(null);
    setRefused(null);
    upload.current = uploadLedger<MatterImportResult>(file, () => undefined, '/matters/import');
    try {
      const r = await upload.current.promise;
      setImported(r);
      await qc.invalidateQueries({ queryKey: ['matters'] });
    } catch (e) {
      if (e instanceof ApiError) setRefused({ message: e.message, issues: importIssues(e) });
      else if (!(e instanceof DOMException)) setRefused({ message: '上传失败，请重试', issues: [] });
    } finally {
      setImporting(false);
    }
  };

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Card title={<span className="bcs-page-title">新增事项</span>} size="small">
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="inline" onFinish={add} data-testid="matter-add">
          <Form.Item label="事项编码" name="code" rules={[{ required: true, message: '请填写事项编码' }]}>
            <Input style={{ width: 240 }} placeholder="如 11500231MB1726413A4000117001000" />
          </Form.Item>
          <Form.Item label="事项名称" name="name" rules={[{ required: true, whitespace: true, message: '请填写事项名称' }]}>
            <Input style={{ width: 240 }} placeholder="如 营业执照变更登记" />
          </Form.Item>
          <Form.Item label="实施部门" name="department" rules={[{ required: true, message: '请选择实施部门' }]}>
            <FieldSelect style={{ width: 200 }} showSearch optionFilterProp="label" options={departmentOptions(departments)} placeholder="选择部门" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={pending}>
            新增
          </Button>
        </Form>
      </Card>
      <Card title={<span className="bcs-page-title">从 Excel 导入</span>} size="small">
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
          表中须有“事项编码”“事项名称”“实施部门”（部门名称或代码）三列，表头可在前 10 行内。先整体校验：任何一行有误都不导入，并逐行列出错误；已有编码的事项按文件更新名称和部门。
        </Typography.Paragraph>
        <Upload accept=".xlsx" showUploadList={false} beforeUpload={(f) => (void importFile(f), false)} disabled={importing}>
          <Button icon={<UploadOutlined />} loading={importing} data-testid="matter-import">
            选择 Excel 文件导入
          </Button>
        </Upload>
        {imported && (
          <Alert style={{ marginTop: 12 }} type="success" showIcon data-testid="matter-import-result" message={`已导入 ${imported.fileName}（工作表“${imported.sheet}”，${imported.rows} 行）：新增 ${imported.imported} 个，更新 ${imported.updated} 个`} />
        )}
        {refused && (
          <div style={{ marginTop: 12 }} data-testid="matter-import-errors">
            <Alert type="error" showIcon message={refused.message} style={{ marginBottom: 8 }} />
            {refused.issues.length > 0 && (
              <Table<ImportIssue>
                size="small"
                rowKey={(r, i) => `${r.row}-${r.column}-${i}`}
                dataSource={refused.issues}
                pagination={refused.issues.length > 20 ? { pageSize: 20 } : false}
                columns={[
                  { title: '行', dataIndex: 'row', width: 70, render: (v: number | null) => v ?? '—' },
                  { title: '列', dataIndex: 'column', width: 120, render: (v: string | null) => v ?? '—' },
                  { title: '内容', dataIndex: 'cell', width: 200, render: (v: string | null) => v ?? '' },
                  { title: '问题', dataIndex: 'message' },
                ]}
              />
            )}
          </div>
        )}
      </Card>
      <Card
        title={<h1 className="bcs-h1-plain">事项目录</h1>}
        size="small"
        extra={<Input.Search allowClear placeholder="按编码或名称查找" style={{ width: 260 }} onSearch={(v) => setQ(v.trim())} aria-label="查找事项" />}
      >
        <Table<Matter>
          size="small"
          rowKey="code"
          loading={list.isPending}
          dataSource={list.data?.items}
          pagination={false}
          columns={[
            { title: '事项编码', dataIndex: 'code', width: 300 },
            { title: '事项名称', dataIndex: 'name' },
            { title: '实施部门', dataIndex: 'departmentName', width: 220 },
          ]}
        />
        {list.data?.nextCursor && <Typography.Text type="secondary">仅显示前 {SHOWN} 个，请输入编码或名称查找。</Typography.Text>}
      </Card>
    </Space>
  );
}
