/**
 * 设置动态口令 (TOTP, RFC 6238): get a secret (POST /auth/totp/setup), scan its QR code with an
 * authenticator app (or type the key), confirm with a code (POST /auth/totp/enable), and keep the
 * recovery codes shown this once.
 */
import { useState } from 'react';
import { Alert, Button, Form, Input, Space, Typography } from 'antd';
import QRCode from 'qrcode';
import { api, ApiError } from '../api/client';

interface SetupAnswer {
  secret: string;
  otpauthUrl: string;
}

export default function TotpSetup({ onDone }: { onDone(): void }) {
  const [setup, setSetup] = useState<(SetupAnswer & { qr: string }) | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const s = await api<SetupAnswer>('/auth/totp/setup', { method: 'POST', body: {} });
      setSetup({ ...s, qr: await QRCode.toDataURL(s.otpauthUrl, { margin: 1, width: 200 }) });
    } catch (e) {
      setError(e instanceof ApiError ? e.message : '获取密钥失败，请稍后重试');
    } finally {
      setBusy(false);
    }
  };
  const enable = async (v: { code: string }) => {
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ enabled: true; recoveryCodes: string[] }>('/auth/totp/enable', { method: 'POST', body: { code: v.code.trim() } });
      setCodes(r.recoveryCodes);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : '启用失败，请稍后重试');
    } finally {
      setBusy(false);
    }
  };

  if (codes)
    return (
      <div data-testid="totp-recovery">
        <Alert type="success" showIcon message="动态口令已启用" description="以下恢复码仅显示这一次，请抄写或打印后妥善保管。手机丢失时，每个恢复码可代替动态口令登录一次。" style={{ marginBottom: 12 }} />
        <pre className="bcs-recovery-codes" style={{ fontSize: 16, lineHeight: 1.8, background: '#fafafa', padding: 12 }}>
          {codes.join('\n')}
        </pre>
        <Button type="primary" onClick={onDone}>
          我已保存恢复码
        </Button>
      </div>
    );
  if (!setup)
    return (
      <Space direction="vertical">
        {error && <Alert type="error" showIcon message={error} />}
        <Typography.Paragraph>使用手机上的验证器应用（如“腾讯身份验证器”“Google Authenticator”等）扫描二维码，登录时输入其显示的 6 位动态口令。</Typography.Paragraph>
        <Button type="primary" onClick={start} loading={busy}>
          开始设置动态口令
        </Button>
      </Space>
    );
  return (
    <div>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Typography.Paragraph>1. 用验证器应用扫描二维码：</Typography.Paragraph>
      <img src={setup.qr} alt="动态口令二维码" width={200} height={200} data-testid="totp-qr" />
      <Typography.Paragraph>
        无法扫码时手动输入密钥：<Typography.Text code copyable data-testid="totp-secret">{setup.secret}</Typography.Text>
      </Typography.Paragraph>
      <Typography.Paragraph>2. 输入验证器上显示的 6 位动态口令：</Typography.Paragraph>
      <Form layout="inline" onFinish={enable} requiredMark={false}>
        <Form.Item name="code" label="动态口令" rules={[{ required: true, pattern: /^\s*\d{6}\s*$/, message: '请输入 6 位数字' }]}>
          <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} style={{ width: 120 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          启用
        </Button>
      </Form>
    </div>
  );
}
