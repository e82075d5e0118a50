/** 修改密码: one's own password (POST /auth/password); the rule is core's (core/passwords.ts). */
import { useState } from 'react';
import { Alert, Button, Form, Input } from 'antd';
import { api, ApiError } from '../api/client';
import { passwordProblem, PASSWORD_RULE_TEXT } from '../../../core/passwords';

interface Fields {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

export default function PasswordChangeForm({ onDone, submitText = '修改密码' }: { onDone(): void; submitText?: string }) {
  const [form] = Form.useForm<Fields>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (v: Fields) => {
    setBusy(true);
    setError(null);
    try {
      await api('/auth/password', { method: 'POST', body: { currentPassword: v.currentPassword, newPassword: v.newPassword } });
      form.resetFields();
      onDone();
    } catch (e) {
      if (e instanceof ApiError && e.details.length) {
        form.setFields(e.details.filter((d) => d.field === 'currentPassword' || d.field === 'newPassword').map((d) => ({ name: d.field as keyof Fields, errors: [d.message] })));
      }
      setError(e instanceof ApiError ? e.message : '修改失败，请稍后重试');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Form form={form} layout="vertical" onFinish={submit} requiredMark={false} data-testid="password-change-form">
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form.Item label="当前密码" name="currentPassword" rules={[{ required: true, message: '请输入当前密码' }]}>
        <Input.Password autoComplete="current-password" />
      </Form.Item>
      <Form.Item
        label="新密码"
        name="newPassword"
        extra={PASSWORD_RULE_TEXT}
        rules={[{ required: true, message: '请输入新密码' }, { validator: async (_r, v: string) => { const p = v ? passwordProblem(v) : null; if (p) throw new Error(p); } }]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        label="再次输入新密码"
        name="confirm"
        dependencies={['newPassword']}
        rules={[{ required: true, message: '请再次输入新密码' }, ({ getFieldValue }) => ({ validator: async (_r, v: string) => { if (v && v !== getFieldValue('newPassword')) throw new Error('两次输入的新密码不一致'); } })]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy}>
        {submitText}
      </Button>
    </Form>
  );
}
