/** 登录: the only page of the first download. */
import { useEffect, useRef, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { Alert, Button, Form, Input } from 'antd';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { useAuth } from '../auth/AuthContext';
import { ApiError } from '../api/client';
import type { SessionUser } from '../api/types';
import { can } from '../../../core/permissions';

interface LoginFields {
  username: string;
  password: string;
  totp?: string;
}

/**
 * Where a login leads: the page asked for (only paths of this site, no "//host" or scheme), else
 * where the account's work starts — an account that takes reports on a channel of its own (a 热线
 * or 窗口 desk, users.intake_channel) straight into 登记, everyone else the 工作台.
 */
function safeNext(next: string | null, user: SessionUser | null): string {
  if (next && next.startsWith('/') && !next.startsWith('//')) return next;
  return user?.intakeChannel && can(user.role, 'intake') ? '/intake' : '/';
}

export function LoginPage() {
  const { status, user, login, notice, clearNotice } = useAuth();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [form] = Form.useForm<LoginFields>();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  // Asked for once the server says the account needs its second factor (only after a right password).
  const [needTotp, setNeedTotp] = useState(false);
  const busy = useRef(false);

  useEffect(() => {
    document.title = '登录 · 办成事';
  }, []);

  if (status === 'authenticated' && !pending) return <Navigate to={safeNext(params.get('next'), user)} replace />;

  const onFinish = async (v: LoginFields) => {
    if (busy.current) return;
    busy.current = true;
    setPending(true);
    setError(null);
    try {
      const signedIn = await login(v.username.trim(), v.password, v.totp?.trim() || undefined);
      clearNotice();
      navigate(safeNext(params.get('next'), signedIn), { replace: true });
    } catch (e) {
      const totpAsked = e instanceof ApiError && e.status === 401 && e.details.some((d) => d.field === 'totp');
      setError(e instanceof ApiError ? e.message : '登录失败，请稍后重试');
      if (totpAsked) {
        // The password was right: keep it, ask for the code.
        setNeedTotp(true);
        form.setFieldValue('totp', '');
      } else {
        form.setFieldValue('password', '');
        form.setFieldValue('totp', '');
      }
    } finally {
      busy.current = false;
      setPending(false);
    }
  };

  return (
    <div className="bcs-login">
      {/* Plain markup rather than antd Card/Typography: keeps the first download small. */}
      <main className="bcs-login-card">
        <h1 className="bcs-login-title">办成事</h1>
        <p className="bcs-login-subtitle">政务服务领域“办不成事”问题闭环处置平台</p>
        {notice && !error && <Alert type="warning" showIcon message={notice} style={{ marginBottom: 16 }} />}
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
        <Form form={form} layout="vertical" onFinish={onFinish} requiredMark={false} disabled={status === 'checking'}>
          <Form.Item label="用户名" name="username" rules={[{ required: true, whitespace: true, message: '请输入用户名' }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus size="large" />
          </Form.Item>
          <Form.Item label="密码" name="password" rules={[{ required: true, message: '请输入密码' }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" size="large" />
          </Form.Item>
          {needTotp && (
            <Form.Item label="动态口令" name="totp" extra="验证器上显示的 6 位数字；手机丢失时可输入一个恢复码" rules={[{ required: true, whitespace: true, message: '请输入动态口令' }]}>
              <Input autoComplete="one-time-code" inputMode="numeric" size="large" autoFocus maxLength={20} />
            </Form.Item>
          )}
          <Button type="primary" htmlType="submit" block size="large" loading={pending}>
            登录
          </Button>
        </Form>
      </main>
    </div>
  );
}
