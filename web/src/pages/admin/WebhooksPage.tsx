/**
 * Webhook: receivers of case events (12345 热线平台, 群工系统, 省级平台), each with its delivery log
 * and 重新投递.
 */
import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Drawer, Form, Input, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { WEBHOOK_EVENTS, ZWebhookCreate } from '../../../../core/api/schemas';
import { api, ApiError } from '../../api/client';
import type { WebhookDelivery, WebhookDeliveryPage, WebhookRow } from '../../api/types';
import { applyFieldErrors, issuesOf } from '../../lib/forms';
import { useSubmitGuard } from '../../lib/useSubmitGuard';
import { formatDateTime } from '../../lib/time';
import { MultiSelect } from '../../components/MultiSelect';

const EVENT_LABELS: Record<string, string> = {
  '*': '全部事件',
  'case.created': '登记',
  'case.status_changed': '状态变化',
  'case.completed': '办结',
  'case.callback': '回访评价',
};

const STATE_TAGS: Record<WebhookDelivery['state'], { color?: string; label: string }> = {
  pending: { color: 'blue', label: '待发' },
  retrying: { color: 'orange', label: '重试中' },
  sent: { color: 'green', label: '已送达' },
  dead: { color: 'red', label: '已放弃' },
  cancelled: { label: '已取消' },
};

interface FormValues {
  url: string;
  events: string[];
  secret: string;
}

function Deliveries({ hook, onClose }: { hook: WebhookRow; onClose(): void }) {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const { run, pending } = useSubmitGuard();
  const key = ['webhook-deliveries', hook.id];
  const { data, isPending } = useQuery({ queryKey: key, queryFn: () => api<WebhookDeliveryPage>(`/webhooks/${hook.id}/deliveries?limit=100`), refetchInterval: 5000 });
  const redeliver = (d: WebhookDelivery) =>
    run(async () => {
      try {
        await api<WebhookDelivery>(`/webhooks/${hook.id}/deliveries/${d.id}/redeliver`, { method: 'POST' });
        void message.success('已重新排队投递');
        await qc.invalidateQueries({ queryKey: key });
        await qc.invalidateQueries({ queryKey: ['webhooks'] });
      } catch (e) {
        void message.error(e instanceof ApiError ? e.message : '操作失败，请重试');
      }
    });
  return (
    <Drawer open width={960} title={`投递记录：${hook.url}`} onClose={onClose}>
      <Table<WebhookDelivery>
        size="small"
        rowKey="id"
        loading={isPending}
        dataSource={data?.items}
        pagination={false}
        expandable={{
          rowExpandable: (d) => d.history.length > 0,
          expandedRowRender: (d) => (
            <Table
              size="small"
              rowKey="at"
              pagination={false}
              dataSource={d.history}
              columns={[
                { title: '尝试时刻', dataIndex: 'at', render: (t: string) => formatDateTime(t) },
                { title: 'HTTP 状态', dataIndex: 'status', render: (s: number | null) => s ?? '—' },
                { title: '耗时', dataIndex: 'durationMs', render: (ms: number) => `${ms} 毫秒` },
                { title: '错误', dataIndex: 'error', render: (e: string | null) => e ?? '—' },
              ]}
            />
          ),
        }}
        columns={[
          { title: '事件', dataIndex: 'type', width: 110, render: (t: string) => EVENT_LABELS[t] ?? t },
          { title: '反映件', dataIndex: 'caseNo', width: 120 },
          { title: '发生时刻', dataIndex: 'createdAt', width: 150, render: (t: string) => formatDateTime(t) },
          { title: '状态', dataIndex: 'state', width: 90, render: (s: WebhookDelivery['state']) => <Tag color={STATE_TAGS[s].color}>{STATE_TAGS[s].label}</Tag> },
          { title: '次数', dataIndex: 'attempts', width: 60 },
          {
            title: '最近结果',
            render: (_: unknown, d) => (d.lastError ? <Typography.Text type="danger">{d.lastError}</Typography.Text> : d.lastStatus ? `HTTP ${d.lastStatus}` : '—'),
          },
          { title: '下次尝试', dataIndex: 'nextAttemptAt', width: 150, render: (t: string | null) => (t ? formatDateTime(t) : '—') },
          {
            title: '操作',
            width: 100,
            render: (_: unknown, d) => (
              <Popconfirm title="重新投递这个事件？" description="以同一请求体、同一事件编号再发送一次" okText="重新投递" cancelText="取消" onConfirm={() => redeliver(d)}>
                <Button size="small" loading={pending}>
                  重新投递
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
    </Drawer>
  );
}

export default function WebhooksPage() {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const { run, pending } = useSubmitGuard();
  const [error, setError] = useState<string | null>(null);
  const [viewing, setViewing] = useState<WebhookRow | null>(null);
  const { data, isPending } = useQuery({ queryKey: ['webhooks'], queryFn: () => api<{ items: WebhookRow[] }>('/webhooks') });
  useEffect(() => {
    document.title = 'Webhook · 办成事';
  }, []);

  const add = (v: FormValues) =>
    run(async () => {
      setError(null);
      const checked = ZWebhookCreate.safeParse(v);
      if (!checked.success) {
        applyFieldErrors(form, issuesOf(checked.error), ['url', 'events', 'secret']);
        return;
      }
      try {
        await api<WebhookRow>('/webhooks', { body: checked.data });
        void message.success('已新增 Webhook');
        form.resetFields();
        await qc.invalidateQueries({ queryKey: ['webhooks'] });
      } catch (e) {
        if (e instanceof ApiError && e.details.length) applyFieldErrors(form, e.details, ['url', 'events', 'secret']);
        else setError(e instanceof ApiError ? e.message : '新增失败，请重试');
      }
    });

  const remove = (h: WebhookRow) =>
    run(async () => {
      try {
        await api<WebhookRow>(`/webhooks/${h.id}`, { method: 'DELETE' });
        void message.success('已删除，未投递的事件不再投递');
        await qc.invalidateQueries({ queryKey: ['webhooks'] });
      } catch (e) {
        void message.error(e instanceof ApiError ? e.message : '删除失败，请重试');
      }
    });

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Card title={<span className="bcs-page-title">新增 Webhook</span>} size="small">
        <Typography.Paragraph type="secondary">
          反映件登记、状态变化、办结、回访评价时，系统把事件以 JSON POST 到接收地址，并带签名头{' '}
          <Typography.Text code>X-Bcs-Signature: sha256=…</Typography.Text>（用签名密钥对请求体做 HMAC-SHA256）。未收到 2xx
          答复时自动重试（30 秒后，之后间隔加倍，最长 1 小时）。对接 12345 平台的方法见 docs/INTEGRATIONS.md。
        </Typography.Paragraph>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" onFinish={(v) => void add(v)} initialValues={{ events: ['*'] }} style={{ maxWidth: 640 }}>
          <Form.Item label="接收地址" name="url" rules={[{ required: true, message: '请填写接收地址' }]} extra="内网地址默认拒绝；部署在政务外网内时可在系统设置中允许">
            <Input placeholder="https://12345.example.gov.cn/bcs/webhook" />
          </Form.Item>
          <Form.Item label="事件" name="events" rules={[{ required: true, message: '请至少选择一个事件' }]}>
            <MultiSelect options={['*', ...WEBHOOK_EVENTS].map((e) => ({ value: e, label: `${EVENT_LABELS[e]}（${e}）` }))} />
          </Form.Item>
          <Form.Item label="签名密钥" name="secret" rules={[{ required: true, message: '请填写签名密钥' }]} extra="至少 16 个字符，与接收方约定；接收方用它校验签名">
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={pending}>
            新增
          </Button>
        </Form>
      </Card>
      <Card title={<h1 className="bcs-h1-plain">Webhook</h1>} size="small">
        <Table<WebhookRow>
          size="small"
          rowKey="id"
          loading={isPending}
          dataSource={data?.items}
          pagination={false}
          columns={[
            { title: '编号', dataIndex: 'id', width: 60 },
            { title: '接收地址', dataIndex: 'url', render: (u: string) => <Typography.Text copyable>{u}</Typography.Text> },
            { title: '事件', dataIndex: 'events', render: (es: string[]) => es.map((e) => <Tag key={e}>{EVENT_LABELS[e] ?? e}</Tag>) },
            {
              title: '投递',
              width: 200,
              render: (_: unknown, h) => (
                <Space size={4}>
                  {h.pending > 0 && <Tag color="blue">待发 {h.pending}</Tag>}
                  {h.failing > 0 && <Tag color="orange">重试中 {h.failing}</Tag>}
                  {h.dead > 0 && <Tag color="red">已放弃 {h.dead}</Tag>}
                  {h.pending + h.dead === 0 && <Tag color="green">正常</Tag>}
                </Space>
              ),
            },
            { title: '创建', dataIndex: 'createdAt', width: 170, render: (t: string, h) => `${formatDateTime(t)} ${h.createdBy}` },
            {
              title: '操作',
              width: 170,
              render: (_: unknown, h) => (
                <Space>
                  <Button size="small" onClick={() => setViewing(h)}>
                    投递记录
                  </Button>
                  <Popconfirm title="删除这个 Webhook？" description="未投递的事件将不再投递" okText="删除" okButtonProps={{ danger: true }} cancelText="取消" onConfirm={() => remove(h)}>
                    <Button size="small" danger>
                      删除
                    </Button>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      {viewing && <Deliveries hook={viewing} onClose={() => setViewing(null)} />}
    </Space>
  );
}
