/** 部门管理: the departments cases are dispatched to. */
import { useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Space, Table, Tag } from 'antd';
import { ZDepartmentCreate } from '../../../../core/api/schemas';
import { api, ApiError } from '../../api/client';
import type { Department } from '../../api/types';
import { useDepartments } from '../../api/queries';
import { applyFieldErrors, issuesOf } from '../../lib/forms';
import { useSubmitGuard } from '../../lib/useSubmitGuard';

export default function DepartmentsPage() {
  const { data, isPending } = useDepartments();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ code: string; name: string }>();
  const { run, pending } = useSubmitGuard();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    document.title = '部门管理 · 办成事';
  }, []);

  const add = (v: { code: string; name: string }) =>
    run(async () => {
      setError(null);
      const checked = ZDepartmentCreate.safeParse(v);
      if (!checked.success) {
        applyFieldErrors(form, issuesOf(checked.error), ['code', 'name']);
        return;
      }
      try {
        await api<Department>('/departments', { body: checked.data });
        void message.success(`已新增部门“${checked.data.name}”`);
        form.resetFields();
        await qc.invalidateQueries({ queryKey: ['departments'] });
      } catch (e) {
        if (e instanceof ApiError && e.details.length) applyFieldErrors(form, e.details, ['code', 'name']);
        else setError(e instanceof ApiError ? e.message : '新增失败');
      }
    });

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Card title={<span className="bcs-page-title">新增部门</span>} size="small">
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="inline" onFinish={add}>
          <Form.Item label="部门代码" name="code" rules={[{ required: true, message: '请填写部门代码' }]} tooltip="小写字母开头，2–32 位字母、数字、下划线或连字符，如 scjgj">
            <Input style={{ width: 160 }} placeholder="如 scjgj" />
          </Form.Item>
          <Form.Item label="部门名称" name="name" rules={[{ required: true, whitespace: true, message: '请填写部门名称' }]}>
            <Input style={{ width: 240 }} placeholder="如 县市场监管局" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={pending}>
            新增
          </Button>
        </Form>
      </Card>
      <Card title="部门" size="small">
        <Table<Department>
          size="small"
          rowKey="code"
          loading={isPending}
          dataSource={data}
          pagination={false}
          columns={[
            { title: '代码', dataIndex: 'code', width: 200 },
            { title: '名称', dataIndex: 'name' },
            { title: '状态', dataIndex: 'disabled', width: 100, render: (d: boolean) => (d ? <Tag>已停用</Tag> : <Tag color="green">正常</Tag>) },
          ]}
        />
      </Card>
    </Space>
  );
}
