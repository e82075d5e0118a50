/**
 * 用户管理: create accounts, disable or enable them, reset passwords, set the channel an intake
 * account takes reports on, and a user's mobile number for staff SMS (shown masked).
 */
import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag } from 'antd';
import { FieldSelect } from '../../components/FieldSelect';
import { PlusOutlined } from '@ant-design/icons';
import { ZPassword, ZStaffMobile, ZUserCreate } from '../../../../core/api/schemas';
import { CHANNELS, CHANNEL_LABELS, ROLES, ROLE_LABELS, startingChannel, type Channel, type Role } from '../../../../core/domain';
import { can } from '../../../../core/permissions';
import { api, ApiError } from '../../api/client';
import type { UserRow } from '../../api/types';
import { departmentOptions, useDepartmentNames, useDepartments } from '../../api/queries';
import { applyFieldErrors, issuesOf } from '../../lib/forms';
import { useSubmitGuard } from '../../lib/useSubmitGuard';
import { formatDateTime } from '../../lib/time';
import { useUser } from '../../auth/AuthContext';

interface CreateValues {
  username: string;
  name?: string;
  role: Role;
  department?: string;
  password: string;
  intakeChannel?: Channel;
  mobile?: string;
}

/** The 登记默认渠道 choices: the account's own channel, or none (the role's default). */
const channelOptions = (role: Role) => [
  { value: '', label: `按角色默认（${CHANNEL_LABELS[startingChannel(role, null)]}）` },
  ...CHANNELS.map((c) => ({ value: c, label: CHANNEL_LABELS[c] })),
];

function CreateUserDialog({ onClose, onDone }: { onClose(): void; onDone(): void }) {
  const [form] = Form.useForm<CreateValues>();
  const role = Form.useWatch('role', form);
  const { data: departments } = useDepartments();
  const { run, pending } = useSubmitGuard();
  const [error, setError] = useState<string | null>(null);
  const { message } = App.useApp();
  const fields = ['username', 'name', 'role', 'department', 'password', 'intakeChannel', 'mobile'];
  const submit = () =>
    run(async () => {
      setError(null);
      let v: CreateValues;
      try {
        v = await form.validateFields();
      } catch {
        return;
      }
      const checked = ZUserCreate.safeParse({
        ...v,
        name: v.name || undefined,
        department: v.department || undefined,
        intakeChannel: v.intakeChannel && can(v.role, 'intake') ? v.intakeChannel : undefined,
        mobile: v.mobile?.trim() || undefined,
      });
      if (!checked.success) {
        applyFieldErrors(form, issuesOf(checked.error), fields);
        return;
      }
      try {
        await api('/users', { body: checked.data });
        void message.success(`已新增用户 ${checked.data.username}`);
        onDone();
      } catch (e) {
        if (e instanceof ApiError && e.details.length) applyFieldErrors(form, e.details, fields);
        else setError(e instanceof ApiError ? e.message : '新增失败');
      }
    });
  return (
    <Modal open title="新增用户" okText="新增" cancelText="取消" onOk={submit} onCancel={onClose} confirmLoading={pending} maskClosable={false} destroyOnHidden>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ role: 'clerk' }}>
        <Form.Item label="用户名" name="username" rules={[{ required: true, message: '请输入用户名' }]}>
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item label="姓名" name="name">
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item label="角色" name="role" rules={[{ required: true, message: '请选择角色' }]}>
          <FieldSelect options={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))} />
        </Form.Item>
        <Form.Item
          label="所属部门"
          name="department"
          rules={role === 'handler' ? [{ required: true, message: '承办部门用户须指定所属部门' }] : []}
        >
          <FieldSelect allowClear showSearch optionFilterProp="label" options={departmentOptions(departments)} />
        </Form.Item>
        {role && can(role, 'intake') && (
          <Form.Item label="登记默认渠道" name="intakeChannel" extra="热线坐席选“热线”：登录后直接进入登记页，反映渠道默认为热线">
            <Select options={channelOptions(role)} />
          </Form.Item>
        )}
        <Form.Item label="手机号码" name="mobile" extra="选填：用于短信提醒（本人可在“个人设置”中修改）">
          <Input autoComplete="off" inputMode="numeric" maxLength={20} />
        </Form.Item>
        <Form.Item label="初始密码" name="password" rules={[{ required: true, message: '请输入密码' }]} extra="至少 8 位">
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <button type="submit" hidden aria-hidden />
      </Form>
    </Modal>
  );
}

function ResetPasswordDialog({ user, onClose }: { user: UserRow; onClose(): void }) {
  const [form] = Form.useForm<{ password: string }>();
  const { run, pending } = useSubmitGuard();
  const { message } = App.useApp();
  const [error, setError] = useState<string | null>(null);
  const submit = () =>
    run(async () => {
      setError(null);
      let v: { password: string };
      try {
        v = await form.validateFields();
      } catch {
        return;
      }
      const checked = ZPassword.safeParse(v.password);
      if (!checked.success) {
        form.setFields([{ name: 'password', errors: checked.error.issues.map((i) => i.message) }]);
        return;
      }
      try {
        await api(`/users/${user.id}`, { method: 'PATCH', body: { password: v.password } });
        void message.success(`已重置 ${user.username} 的密码，其登录会话已结束`);
        onClose();
      } catch (e) {
        setError(e instanceof ApiError ? e.message : '重置失败');
      }
    });
  return (
    <Modal open title={`重置密码 · ${user.name}（${user.username}）`} okText="重置" cancelText="取消" onOk={submit} onCancel={onClose} confirmLoading={pending} destroyOnHidden>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item label="新密码" name="password" rules={[{ required: true, message: '请输入新密码' }]} extra="至少 8 位；重置后该用户须重新登录">
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <button type="submit" hidden aria-hidden />
      </Form>
    </Modal>
  );
}

function MobileDialog({ user, onClose, onDone }: { user: UserRow; onClose(): void; onDone(): void }) {
  const [form] = Form.useForm<{ mobile: string }>();
  const { run, pending } = useSubmitGuard();
  const { message } = App.useApp();
  const [error, setError] = useState<string | null>(null);
  const submit = () =>
    run(async () => {
      setError(null);
      const raw = (form.getFieldValue('mobile') as string | undefined)?.trim() ?? '';
      let mobile: string | null = null;
      if (raw) {
        const checked = ZStaffMobile.safeParse(raw);
        if (!checked.success) {
          form.setFields([{ name: 'mobile', errors: checked.error.issues.map((i) => i.message) }]);
          return;
        }
        mobile = checked.data;
      }
      try {
        await api(`/users/${user.id}`, { method: 'PATCH', body: { mobile } });
        void message.success(mobile ? `已设置 ${user.username} 的手机号码` : `已删除 ${user.username} 的手机号码`);
        onDone();
      } catch (e) {
        if (e instanceof ApiError && e.details.length) applyFieldErrors(form, e.details, ['mobile']);
        else setError(e instanceof ApiError ? e.message : '保存失败');
      }
    });
  return (
    <Modal open title={`手机号码 · ${user.name}（${user.username}）`} okText="保存" cancelText="取消" onOk={submit} onCancel={onClose} confirmLoading={pending} destroyOnHidden>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item label="新手机号码" name="mobile" extra={`当前：${user.mobileMasked ?? '未登记'}；留空保存即删除`}>
          <Input autoComplete="off" inputMode="numeric" maxLength={20} />
        </Form.Item>
        <button type="submit" hidden aria-hidden />
      </Form>
    </Modal>
  );
}

export default function UsersPage() {
  const me = useUser();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const names = useDepartmentNames();
  const users = useQuery({ queryKey: ['users'], queryFn: () => api<{ items: UserRow[] }>('/users').then((r) => r.items) });
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<UserRow | null>(null);
  const [mobileOf, setMobileOf] = useState<UserRow | null>(null);
  const toggle = useSubmitGuard();
  useEffect(() => {
    document.title = '用户管理 · 办成事';
  }, []);

  const setDisabled = (u: UserRow, disabled: boolean) =>
    toggle.run(async () => {
      try {
        await api(`/users/${u.id}`, { method: 'PATCH', body: { disabled } });
        void message.success(`已${disabled ? '停用' : '启用'} ${u.username}`);
        await qc.invalidateQueries({ queryKey: ['users'] });
      } catch (e) {
        void message.error(e instanceof ApiError ? e.message : '操作失败');
      }
    });

  const manage = can(me.role, 'manageUsers');
  const credentials = can(me.role, 'manageCredentials');
  /** 安全管理员: 解锁 and 重置动态口令 (audited on the server). */
  const credential = (u: UserRow, what: 'unlock' | 'totp/reset', done: string) =>
    toggle.run(async () => {
      try {
        await api(`/users/${u.id}/${what}`, { method: 'POST', body: {} });
        void message.success(`${u.username}：${done}`);
        await qc.invalidateQueries({ queryKey: ['users'] });
      } catch (e) {
        void message.error(e instanceof ApiError ? e.message : '操作失败');
      }
    });

  const setChannel = (u: UserRow, intakeChannel: Channel | null) =>
    toggle.run(async () => {
      try {
        await api(`/users/${u.id}`, { method: 'PATCH', body: { intakeChannel } });
        void message.success(`${u.username} 的登记默认渠道：${intakeChannel ? CHANNEL_LABELS[intakeChannel] : '按角色默认'}`);
        await qc.invalidateQueries({ queryKey: ['users'] });
      } catch (e) {
        void message.error(e instanceof ApiError ? e.message : '操作失败');
      }
    });

  return (
    <Card
      title={<h1 className="bcs-page-title">用户管理</h1>}
      extra={
        manage && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            新增用户
          </Button>
        )
      }
    >
      <Table<UserRow>
        size="small"
        rowKey="id"
        loading={users.isPending}
        dataSource={users.data}
        pagination={{ pageSize: 20, showSizeChanger: false }}
        columns={[
          { title: '用户名', dataIndex: 'username' },
          { title: '姓名', dataIndex: 'name' },
          { title: '角色', dataIndex: 'roleLabel' },
          { title: '所属部门', dataIndex: 'department', render: (d: string | null) => (d ? (names.get(d) ?? d) : '—') },
          {
            title: '登记默认渠道',
            render: (_: unknown, u) =>
              can(u.role, 'intake') ? (
                <Select
                  size="small"
                  aria-label={`${u.username} 的登记默认渠道`}
                  style={{ width: 150 }}
                  value={u.intakeChannel ?? ''}
                  options={channelOptions(u.role)}
                  onChange={(v: string) => void setChannel(u, (v || null) as Channel | null)}
                />
              ) : (
                '—'
              ),
          },
          { title: '手机号码', dataIndex: 'mobileMasked', render: (m: string | null) => m ?? '—' },
          {
            title: '状态',
            render: (_: unknown, u) =>
              u.disabled ? <Tag>已停用</Tag> : u.locked ? <Tag color="orange">已锁定</Tag> : <Tag color="green">正常</Tag>,
          },
          {
            title: '账号安全',
            render: (_: unknown, u) => (
              <Space size={4} wrap>
                {u.totpEnabled ? <Tag color="blue">已启用动态口令</Tag> : <Tag>未启用动态口令</Tag>}
                {u.mustChangePassword && <Tag color="gold">待修改密码</Tag>}
              </Space>
            ),
          },
          { title: '创建时间', dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
          {
            title: '操作',
            render: (_: unknown, u) =>
              credentials ? (
                <Space>
                  <Button size="small" disabled={!u.locked} onClick={() => void credential(u, 'unlock', '已解锁')}>
                    解锁
                  </Button>
                  <Popconfirm
                    title={`重置 ${u.username} 的动态口令？`}
                    description="该用户立即退出；须使用动态口令的角色下次登录时重新设置。"
                    okText="重置"
                    cancelText="取消"
                    onConfirm={() => credential(u, 'totp/reset', '动态口令已重置')}
                    disabled={!u.totpEnabled}
                  >
                    <Button size="small" disabled={!u.totpEnabled}>
                      重置动态口令
                    </Button>
                  </Popconfirm>
                </Space>
              ) : !manage ? null : (
              <Space>
                <Button size="small" onClick={() => setResetting(u)}>
                  重置密码
                </Button>
                <Button size="small" onClick={() => setMobileOf(u)} aria-label={`${u.username} 的手机号码`}>
                  手机号码
                </Button>
                {u.disabled ? (
                  <Button size="small" onClick={() => void setDisabled(u, false)}>
                    启用
                  </Button>
                ) : (
                  <Popconfirm
                    title={`停用 ${u.username}？`}
                    description="停用后该用户立即退出且不能登录。"
                    okText="停用"
                    cancelText="取消"
                    onConfirm={() => setDisabled(u, true)}
                    disabled={u.username === me.username}
                  >
                    <Button size="small" danger disabled={u.username === me.username}>
                      停用
                    </Button>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]}
      />
      {creating && (
        <CreateUserDialog
          onClose={() => setCreating(false)}
          onDone={() => {
            setCreating(false);
            void qc.invalidateQueries({ queryKey: ['users'] });
          }}
        />
      )}
      {resetting && <ResetPasswordDialog user={resetting} onClose={() => setResetting(null)} />}
      {mobileOf && (
        <MobileDialog
          user={mobileOf}
          onClose={() => setMobileOf(null)}
          onDone={() => {
            setMobileOf(null);
            void qc.invalidateQueries({ queryKey: ['users'] });
          }}
        />
      )}
    </Card>
  );
}
