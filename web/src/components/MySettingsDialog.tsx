/**
 * 个人设置 (from the header's user area): the signed-in user's own mobile number and which events
 * they are also told of by SMS (the bell always). GET/PUT /api/v1/me/settings.
 */
import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Checkbox, Divider, Form, Input, Modal, Skeleton, Space, Typography } from 'antd';
import PasswordChangeForm from './PasswordChangeForm';
import TotpSetup from './TotpSetup';
import { ZMySettingsUpdate } from '../../../core/api/schemas';
import type { StaffSmsEvent } from '../../../core/staff-sms';
import { api, ApiError } from '../api/client';
import type { MeAnswer, MySettings } from '../api/types';
import { applyFieldErrors, issuesOf } from '../lib/forms';
import { useSubmitGuard } from '../lib/useSubmitGuard';

interface Values {
  mobile: string;
  smsEvents: StaffSmsEvent[];
}

const FIELDS = ['mobile', 'smsEvents'];

export default function MySettingsDialog({ onClose }: { onClose(): void }) {
  const qc = useQueryClient();
  const settings = useQuery({ queryKey: ['me', 'settings'], queryFn: () => api<MySettings>('/me/settings') });
  const [form] = Form.useForm<Values>();
  const { run, pending } = useSubmitGuard();
  const { message } = App.useApp();
  const [error, setError] = useState<string | null>(null);
  const data = settings.data;
  useEffect(() => {
    if (data) form.setFieldsValue({ mobile: data.mobile ?? '', smsEvents: data.smsEvents });
  }, [data, form]);

  const submit = () =>
    run(async () => {
      setError(null);
      const v = form.getFieldsValue();
      const body = { mobile: v.mobile?.trim() ? v.mobile.trim() : null, ...(data?.availableSmsEvents.length ? { smsEvents: v.smsEvents ?? [] } : {}) };
      const checked = ZMySettingsUpdate.safeParse(body);
      if (!checked.success) {
        applyFieldErrors(form, issuesOf(checked.error), FIELDS);
        return;
      }
      try {
        const saved = await api<MySettings>('/me/settings', { method: 'PUT', body: checked.data });
        qc.setQueryData(['me', 'settings'], saved);
        void message.success('个人设置已保存');
        onClose();
      } catch (e) {
        if (e instanceof ApiError && e.details.length) applyFieldErrors(form, e.details, FIELDS);
        else setError(e instanceof ApiError ? e.message : '保存失败');
      }
    });

  return (
    <Modal open title="个人设置" okText="保存" cancelText="取消" onOk={submit} onCancel={onClose} confirmLoading={pending} okButtonProps={{ disabled: !data }} destroyOnHidden>
      {(error || settings.error) && <Alert type="error" showIcon message={error ?? (settings.error as Error).message} style={{ marginBottom: 12 }} />}
      {!data ? (
        <Skeleton active paragraph={{ rows: 3 }} />
      ) : (
        <Form form={form} layout="vertical" onFinish={submit} data-testid="my-settings-form">
          <Form.Item label="手机号码" name="mobile" extra="用于接收短信提醒；留空则不发短信（站内消息照常）">
            <Input autoComplete="tel" inputMode="numeric" maxLength={20} placeholder="如 13900000000" />
          </Form.Item>
          {data.availableSmsEvents.length ? (
            <Form.Item label="以下事项同时发短信提醒" name="smsEvents">
              <Checkbox.Group options={data.availableSmsEvents.map((e) => ({ value: e.event, label: e.label }))} />
            </Form.Item>
          ) : (
            <Typography.Paragraph type="secondary">您的角色没有短信提醒事项，消息均在站内通知中查看。</Typography.Paragraph>
          )}
          <button type="submit" hidden aria-hidden />
        </Form>
      )}
      <AccountSecurity />
    </Modal>
  );
}

/** 修改密码 and 动态口令 (their own forms, saved by their own buttons, not by 保存). */
function AccountSecurity() {
  const { message } = App.useApp();
  const me = useQuery({ queryKey: ['auth', 'me'], queryFn: () => api<MeAnswer>('/auth/me') });
  const [section, setSection] = useState<'password' | 'totp' | null>(null);
  return (
    <div data-testid="account-security">
      <Divider orientation="left" plain>
        账号安全
      </Divider>
      <Space wrap>
        <Button onClick={() => setSection(section === 'password' ? null : 'password')}>修改密码</Button>
        {me.data?.totpEnabled ? (
          <Typography.Text type="success">已启用动态口令</Typography.Text>
        ) : (
          <Button onClick={() => setSection(section === 'totp' ? null : 'totp')}>设置动态口令</Button>
        )}
      </Space>
      {section === 'password' && (
        <div style={{ marginTop: 12 }}>
          <PasswordChangeForm
            onDone={() => {
              void message.success('密码已修改');
              setSection(null);
            }}
          />
        </div>
      )}
      {section === 'totp' && !me.data?.totpEnabled && (
        <div style={{ marginTop: 12 }}>
          <TotpSetup
            onDone={() => {
              setSection(null);
              void me.refetch();
            }}
          />
        </div>
      )}
    </div>
  );
}
