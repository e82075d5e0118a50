/** 部门管理: the departments cases are dispatched to. */
import { useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Modal, Popconfirm, Space, Table, Tag } from 'antd';
import { ZDepartmentCreate, ZDepartmentUpdate } from '../../../../core/api/schemas';
import { api, ApiError } from '../../api/client';
import type { Department } from '../../api/types';
import { useDepartments } from '../../api/queries';
import { applyFieldErrors, issuesOf } from '../../lib/forms';
import { useSubmitGuard } from '../../lib/useSubmitGuard';

/** 改名: a dialog with the name, checked with the server's own schema before sending. */
function RenameDialog({ department, onClose }: { department: Department; onClose(): void }) {
  const [form] = Form.useForm<{ name: string }>();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const { run, pending } = useSubmitGuard();
  const [error, setError] = useState<string | null>(null);
  const save = (v: { name: string }) =>
    run(async () => {
      setError(null);
      const checked = ZDepartmentUpdate.safeParse({ name: v.name });
      if (!checked.success || !checked.data.name) {
        form.setFields([{ name: 'name', errors: checked.success ? ['请填写部门名称'] : issuesOf(checked.error).map((i) => i.message) }]);
        return;
      }
      try {
        await api<Department>(`/departments/${department.code}`, { method: 'PATCH', body: { name: checked.data.name } });
        void message.success(`已改名为“${checked.data.name}”`);
        await qc.invalidateQueries({ queryKey: ['departments'] });
        onClose();
      } catch (e) {
        if (e instanceof ApiError && e.details.length) applyFieldErrors(form, e.details, ['name']);
        else setError(e instanceof ApiError ? e.message : '保存失败，请重试');
      }
    });
  return (
    <Modal open title={`部门改名：${department.name}`} okText="保存" cancelText="取消" confirmLoading={pending} onOk={() => form.submit()} onCancel={onClose} destroyOnHidden>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} name="rename" layout="vertical" initialValues={{ name: department.name }} onFinish={(v) => void save(v)}>
        <Form.Item label="部门名称" name="name" rules={[{ required: true, whitespace: true, message: '请填写部门名称' }]} extra={`部门代码 ${department.code} 不变；已办和在办的反映件随之显示新名称`}>
          <Input maxLength={60} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function DepartmentsPage() {
  const { data, isPending } = useDepartments();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ code: string; name: string }>();
  const { run, pending } = useSubmitGuard();
  const [error, setError] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<Department | null>(null);
  useEffect(() => {
    document.title = '部门管理 · 办成事';
  }, []);

  const setDisabled = (d: Department, disabled: boolean) =>
    run(async () => {
      try {
        await api<Department>(`/departments/${d.code}`, { method: 'PATCH', body: { disabled } });
        void message.success(disabled ? `已停用“${d.name}”` : `已启用“${d.name}”`);
        await qc.invalidateQueries({ queryKey: ['departments'] });
      } catch (e) {
        void message.error(e instanceof ApiError ? e.message : '操作失败，请重试');
      }
    });

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
      <Card title={<h1 className="bcs-h1-plain">部门</h1>} size="small">
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
            {
              title: '操作',
              width: 160,
              render: (_: unknown, d) => (
                <Space>
                  <Button size="small" onClick={() => setRenaming(d)} aria-label={`改名 ${d.name}`}>
                    改名
                  </Button>
                  <Popconfirm
                    title={d.disabled ? `启用“${d.name}”？` : `停用“${d.name}”？`}
                    description={d.disabled ? undefined : '停用后不能再向该部门交办，已交办的反映件不受影响'}
                    okText={d.disabled ? '启用' : '停用'}
                    cancelText="取消"
                    onConfirm={() => setDisabled(d, !d.disabled)}
                  >
                    <Button size="small" danger={!d.disabled}>
                      {d.disabled ? '启用' : '停用'}
                    </Button>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
        {renaming && <RenameDialog department={renaming} onClose={() => setRenaming(null)} />}
      </Card>
    </Space>
  );
}
