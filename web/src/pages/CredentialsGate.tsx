/**
 * The screen a session sees first when it must change its password (set by an administrator, or
 * expired) or set up its second factor (its role is in totpRequiredRoles): the server answers
 * every other call with 403 until then.
 */
import { useEffect } from 'react';
import { Button } from 'antd';
import { useAuth } from '../auth/AuthContext';
import PasswordChangeForm from '../components/PasswordChangeForm';
import TotpSetup from '../components/TotpSetup';

export default function CredentialsGate() {
  const { pending, refreshPending, logout, user } = useAuth();
  useEffect(() => {
    document.title = `${pending === 'password' ? '修改密码' : '设置动态口令'} · 办成事`;
  }, [pending]);
  return (
    <div className="bcs-login">
      <main className="bcs-login-card" style={{ width: 440, maxWidth: '100%' }}>
        <h1 className="bcs-login-title">{pending === 'password' ? '请先修改密码' : '请先设置动态口令'}</h1>
        <p className="bcs-login-subtitle">
          {pending === 'password'
            ? `${user?.name ?? ''}：您的密码由管理员设置或已过期，修改后才能使用系统。`
            : `${user?.name ?? ''}：您的角色须使用动态口令（双因素）登录，设置后才能使用系统。`}
        </p>
        {pending === 'password' ? <PasswordChangeForm onDone={() => void refreshPending()} submitText="修改密码并继续" /> : <TotpSetup onDone={() => void refreshPending()} />}
        <Button type="link" onClick={() => void logout()} style={{ marginTop: 16, paddingLeft: 0 }}>
          退出登录
        </Button>
      </main>
    </div>
  );
}
