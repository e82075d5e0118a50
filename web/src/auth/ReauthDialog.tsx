/**
 * 重新登录 over the page: when the session expired while the user was working (any 401 of a call,
 * see api/client.ts onReauthenticate), a dialog asks for the same account's password; once signed
 * in, the call that failed is sent again — the 登记 being saved is saved, nothing typed is lost.
 * 取消 ends the session as before (the login page; the intake draft is still kept).
 */
import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Form, Input, Modal, Space } from 'antd';
import { ApiError, onReauthenticate } from '../api/client';
import { useAuth } from './AuthContext';

/** `onReady` is handed the way to ask (App.tsx loads this dialog late and may have a 401 waiting). */
export default function ReauthDialog({ onReady }: { onReady?: (ask: () => Promise<boolean>) => void }) {
  const { user, login } = useAuth();
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const settle = useRef<((ok: boolean) => void) | null>(null);
  const username = user?.username ?? null;

  useEffect(() => {
    if (!username) return;
    const ask = () =>
      new Promise<boolean>((resolve) => {
        settle.current = resolve;
        setPassword('');
        setError(null);
        setOpen(true);
      });
    onReauthenticate(ask);
    onReady?.(ask);
    return () => {
      onReauthenticate(null);
      settle.current?.(false);
      settle.current = null;
    };
  // onReady is read once, when the dialog is ready.
  }, [username]);

  const finish = (ok: boolean) => {
    setOpen(false);
    const resolve = settle.current;
    settle.current = null;
    resolve?.(ok);
  };

  const submit = async () => {
    if (pending || !username) return;
    if (!password) {
      setError('请输入密码');
      return;
    }
    setPending(true);
    setError(null);
    try {
      await login(username, password);
      finish(true);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : '登录失败，请稍后重试');
      setPassword('');
    } finally {
      setPending(false);
    }
  };

  return (
    <Modal
      open={open}
      title="登录已过期，请重新登录"
      closable={false}
      maskClosable={false}
      keyboard={false}
      footer={null}
      destroyOnHidden
      data-testid="reauth-dialog"
    >
      <p>您正在填写或提交的内容都还在。重新输入密码后，刚才的操作会自动继续完成。</p>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <form
        aria-label="重新登录"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Form layout="vertical" component={false}>
          <Form.Item label="用户名" htmlFor="reauth-username">
            <Input id="reauth-username" value={username ?? ''} disabled autoComplete="username" />
          </Form.Item>
          <Form.Item label="密码" htmlFor="reauth-password" required>
            <Input.Password
              id="reauth-password"
              autoFocus
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" loading={pending}>
              登录并继续
            </Button>
            <Button onClick={() => finish(false)} disabled={pending}>
              取消（返回登录页）
            </Button>
          </Space>
        </Form>
      </form>
    </Modal>
  );
}
