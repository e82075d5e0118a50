/**
 * 接口密钥: keys of integrations (12345 热线平台, 群工系统, 省级平台). A new key is shown once, in a
 * copyable box with a warning; revoking takes effect at once.
 */
import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Modal, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { FieldSelect } from '../../components/FieldSelect';
import { ZApiKeyCreate } from '../../../../core/api/schemas';
import { ROLE_LABELS } from '../../../../core/domain';
import { api, ApiError } from '../../api/client';
import type { ApiKeyCreated, ApiKeyRow } from '../../api/types';
import { departmentOptions, useDepartmentNames, useDepartments } from '../../api/queries';
import { applyFieldErrors, issuesOf } from '../../lib/forms';
import { useSubmitGuard } from '../../lib/useSubmitGuard';
import { formatDateTime } from '../../lib/time';

interface FormValues {
  name: string;
  role: 'clerk' | 'coordinator' | 'handler';
  department?: string;
}

const ROLE_HELP: Record<FormValues['role'], string> = {
  clerk: '登记反映件（推送工单）、查询',
  coordinator: '县行管办的全部操作（受理、交办、回访…）',
  handler: '某一承办部门的签收、办理、办结',
};

export default function ApiKeysPage() {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const names = useDepartmentNames();
  const { data: departments } = useDepartments();
  const [form] = Form.useForm<FormValues>();
  const role = Form.useWatch('role', form);
  const { run, pending } = useSubmitGuard();
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const { data, isPending } = useQuery({ queryKey: ['api-keys'], queryFn: () => api<{ items: ApiKeyRow[] }>('/api-keys') });
  useEffect(() => {
    document.title = '接口密钥 · 办成事';
  }, []);

  const add = (v: FormValues) =>
    run(async () => {
      setError(null);
      const checked = ZApiKeyCreate.safeParse({ ...v, department: v.role === 'handler' ? v.department : undefined });
      if (!checked.success) {
        applyFieldErrors(form, issuesOf(checked.error), ['name', 'role', 'department']);
        return;
      }
      try {
        const k = await api<ApiKeyCreated>('/api-keys', { body: checked.data });
        setCreated(k);
        form.resetFields();
        await qc.invalidateQueries({ queryKey: ['api-keys'] });
      } catch (e) {
        if (e instanceof ApiError && e.details.length) applyFieldErrors(form, e.details, ['name', 'role', 'department']);
        else setError(e instanceof ApiError ? e.message : '新建失败，请重试');
      }
    });

  const revoke = (k: ApiKeyRow) =>
    run(async () => {
      try {
        await api<ApiKeyRow>(`/api-keys/${k.id}`, { method: 'DELETE' });
        void message.success(`已吊销“${k.name}”，使用它的调用立即失效`);
        await qc.invalidateQueries({ queryKey: ['api-keys'] });
      } catch (e) {
        void message.error(e instanceof ApiError ? e.message : '吊销失败，请重试');
      }
    });

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Card title={<span className="bcs-page-title">新建接口密钥</span>} size="small">
        <Typography.Paragraph type="secondary">
          供 12345 热线平台、群工系统、省级平台等调用本系统接口：调用时带 <Typography.Text code>Authorization: Bearer 密钥</Typography.Text>
          ，以所选角色办理，不因闲置过期；每次调用都以密钥名称记入审计日志。
        </Typography.Paragraph>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="inline" onFinish={(v) => void add(v)} initialValues={{ role: 'clerk' }}>
          <Form.Item label="名称" name="name" rules={[{ required: true, whitespace: true, message: '请填写密钥名称' }]}>
            <Input style={{ width: 200 }} maxLength={64} placeholder="如 12345热线平台" />
          </Form.Item>
          <Form.Item label="角色" name="role" rules={[{ required: true, message: '请选择角色' }]} tooltip={role ? ROLE_HELP[role] : undefined}>
            <FieldSelect style={{ width: 140 }} options={(['clerk', 'coordinator', 'handler'] as const).map((r) => ({ value: r, label: ROLE_LABELS[r] }))} />
          </Form.Item>
          {role === 'handler' && (
            <Form.Item label="部门" name="department" rules={[{ required: true, message: '请选择所属部门' }]}>
              <FieldSelect style={{ width: 200 }} showSearch optionFilterProp="label" options={departmentOptions(departments)} placeholder="承办部门" />
            </Form.Item>
          )}
          <Button type="primary" htmlType="submit" loading={pending}>
            新建
          </Button>
        </Form>
      </Card>
      <Card title={<h1 className="bcs-h1-plain">接口密钥</h1>} size="small">
        <Table<ApiKeyRow>
          size="small"
          rowKey="id"
          loading={isPending}
          dataSource={data?.items}
          pagination={false}
          columns={[
            { title: '名称', dataIndex: 'name' },
            { title: '角色', dataIndex: 'role', width: 110, render: (r: ApiKeyRow['role']) => ROLE_LABELS[r] },
            { title: '部门', dataIndex: 'department', width: 160, render: (d: string | null) => (d ? (names.get(d) ?? d) : '—') },
            { title: '密钥开头', dataIndex: 'keyPrefix', width: 110, render: (p: string) => <Typography.Text code>{p}…</Typography.Text> },
            { title: '创建', dataIndex: 'createdAt', width: 170, render: (t: string, k) => `${formatDateTime(t)} ${k.createdBy}` },
            { title: '最近使用', dataIndex: 'lastUsedAt', width: 150, render: (t: string | null) => (t ? formatDateTime(t) : '从未使用') },
            {
              title: '状态',
              dataIndex: 'revokedAt',
              width: 170,
              render: (t: string | null) => (t ? <Tag>已吊销 {formatDateTime(t)}</Tag> : <Tag color="green">有效</Tag>),
            },
            {
              title: '操作',
              width: 90,
              render: (_: unknown, k) =>
                k.revokedAt ? null : (
                  <Popconfirm title={`吊销“${k.name}”？`} description="吊销后立即失效，使用它的系统将无法再调用" okText="吊销" okButtonProps={{ danger: true }} cancelText="取消" onConfirm={() => revoke(k)}>
                    <Button size="small" danger>
                      吊销
                    </Button>
                  </Popconfirm>
                ),
            },
          ]}
        />
      </Card>
      {created && (
        <Modal open title={`已新建密钥：${created.name}`} okText="我已保存" onOk={() => setCreated(null)} onCancel={() => setCreated(null)} cancelButtonProps={{ style: { display: 'none' } }} maskClosable={false}>
          <Alert type="warning" showIcon message="完整密钥只显示这一次" description="关闭后无法再查看，请立即复制并妥善保存到对接系统中；遗失请吊销后重新新建。" style={{ marginBottom: 12 }} />
          <Typography.Paragraph copyable={{ text: created.key, tooltips: ['复制', '已复制'] }} code data-testid="new-api-key" style={{ wordBreak: 'break-all' }}>
            {created.key}
          </Typography.Paragraph>
        </Modal>
      )}
    </Space>
  );
}
