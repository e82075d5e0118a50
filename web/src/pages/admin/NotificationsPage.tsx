/**
 * 消息通知 (admin): the Chinese templates of every SMS and in-app message, editable with the
 * placeholders the server lists, and the delivery state of the outbox (waiting, retrying, given up,
 * with a 重新投递 for the given-up ones).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Empty, Form, Input, Modal, Popconfirm, Row, Space, Statistic, Table, Tabs, Tag, Tooltip, Typography } from 'antd';
import type { TextAreaRef } from 'antd/es/input/TextArea';
import { api, ApiError } from '../../api/client';
import type { NotificationTemplate, NotificationTemplatesAnswer, OutboxStatus } from '../../api/types';
import { useDepartmentNames } from '../../api/queries';
import { applyFieldErrors } from '../../lib/forms';
import { formatDateTime } from '../../lib/time';
import { useSubmitGuard } from '../../lib/useSubmitGuard';

/** Example values for the preview, one per placeholder the server knows (others show their token). */
const SAMPLE: Record<string, string> = {
  caseNo: '2026-000123',
  matter: '食品经营许可证延续',
  result: '已为您办结许可证延续，新证可在政务服务大厅领取。',
  reason: '材料不齐，需补充健康证明',
  route: '可向县纪委监委党风政风监督室反映',
  dueAt: '2026年12月1日 23:59',
  department: '县市场监管局',
  trackUrl: 'https://bcs.example.gov.cn/public/track',
  hotline: '12345',
  county: '垫江县',
  measure: '容缺受理',
  note: '请于 3 个工作日内补交材料',
};

/** An SMS longer than 70 characters is sent (and billed) as several messages of 67 each. */
export function smsParts(text: string): number {
  const n = [...text].length;
  if (n === 0) return 0;
  return n <= 70 ? 1 : Math.ceil(n / 67);
}

export function renderPreview(text: string): string {
  return text.replace(/\{([A-Za-z]+)\}/g, (token, name: string) => SAMPLE[name] ?? token);
}

/** Tokens in braces that the server does not list (the server refuses them too). */
export function unknownPlaceholders(text: string, known: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\{([^{}]*)\}/g)) if (!known.has(m[1]!) && !out.includes(m[0])) out.push(m[0]);
  return out;
}

interface EditValues {
  title: string;
  body: string;
}

function TemplateEditor({
  template,
  answer,
  onClose,
}: {
  template: NotificationTemplate;
  answer: NotificationTemplatesAnswer;
  onClose(saved: boolean): void;
}) {
  const [form] = Form.useForm<EditValues>();
  const { run, pending } = useSubmitGuard();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const bodyRef = useRef<TextAreaRef>(null);
  const title = Form.useWatch('title', form) ?? template.title;
  const body = Form.useWatch('body', form) ?? template.body;
  const known = useMemo(() => new Set(answer.placeholders.map((p) => p.name)), [answer.placeholders]);

  const insert = (token: string) => {
    const el = bodyRef.current?.resizableTextArea?.textArea;
    const current = form.getFieldValue('body') as string | undefined ?? '';
    const start = el?.selectionStart ?? current.length;
    const end = el?.selectionEnd ?? current.length;
    const next = current.slice(0, start) + token + current.slice(end);
    form.setFieldValue('body', next);
    void form.validateFields(['body']).catch(() => undefined);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + token.length, start + token.length);
    });
  };

  const placeholderRule = {
    validator: async (_r: unknown, v: string | undefined) => {
      const bad = unknownPlaceholders(v ?? '', known);
      if (bad.length) throw new Error(`未知的占位符 ${bad.join('、')}，只能使用下方列出的占位符`);
      if (/[{}]/.test((v ?? '').replace(/\{[^{}]*\}/g, ''))) throw new Error('花括号只能用于占位符，如 {caseNo}');
    },
  };

  const save = (v: EditValues) =>
    run(async () => {
      setError(null);
      try {
        await api<NotificationTemplate>(`/notification-templates/${template.topic}/${template.audience}`, {
          method: 'PUT',
          body: { title: v.title.trim(), body: v.body.trim() },
        });
        void message.success(`已保存“${template.topicLabel} · ${template.audienceLabel}”模板`);
        await qc.invalidateQueries({ queryKey: ['notification-templates'] });
        onClose(true);
      } catch (e) {
        if (e instanceof ApiError && e.details.length) {
          const loose = applyFieldErrors(form, e.details, ['title', 'body']);
          if (loose.length) setError(loose.join('；'));
        } else setError(e instanceof ApiError ? e.message : '保存失败，请重试');
      }
    });

  const parts = template.channel === 'sms' ? smsParts(renderPreview(body)) : 0;
  return (
    <Modal
      open
      width={720}
      title={`编辑消息模板：${template.topicLabel} · ${template.audienceLabel}`}
      okText="保存"
      cancelText="取消"
      confirmLoading={pending}
      onOk={() => form.submit()}
      onCancel={() => onClose(false)}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form<EditValues> form={form} layout="vertical" initialValues={{ title: template.title, body: template.body }} onFinish={(v) => void save(v)}>
        <Form.Item
          name="title"
          label={template.channel === 'sms' ? '标题（短信不发送标题，用于记录）' : '标题'}
          rules={[{ max: answer.limits.title, message: `标题不能超过 ${answer.limits.title} 字` }, placeholderRule]}
          extra="留空则使用默认标题"
        >
          <Input maxLength={answer.limits.title} showCount placeholder={template.defaultTitle} />
        </Form.Item>
        <Form.Item
          name="body"
          label="内容"
          rules={[
            { required: true, whitespace: true, message: '请填写消息内容' },
            { max: answer.limits.body, message: `内容不能超过 ${answer.limits.body} 字` },
            placeholderRule,
          ]}
        >
          <Input.TextArea ref={bodyRef} rows={5} maxLength={answer.limits.body} showCount />
        </Form.Item>
      </Form>
      <Typography.Text type="secondary">点击插入占位符（发送时替换为实际内容）：</Typography.Text>
      <div style={{ margin: '6px 0 12px' }} data-testid="placeholders">
        {answer.placeholders.map((p) => (
          <Tooltip key={p.name} title={p.label}>
            <Tag style={{ cursor: 'pointer', marginBottom: 4 }} color="blue" onClick={() => insert(p.token)}>
              {p.token}
            </Tag>
          </Tooltip>
        ))}
      </div>
      <Card size="small" title="预览（示例数据）" data-testid="template-preview">
        {template.channel === 'inapp' && <Typography.Text strong>{renderPreview(title || template.defaultTitle)}</Typography.Text>}
        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: template.channel === 'inapp' ? '6px 0 0' : 0 }}>{renderPreview(body)}</Typography.Paragraph>
        {template.channel === 'sms' && (
          <Typography.Text type={parts > 2 ? 'warning' : 'secondary'}>
            约 {[...renderPreview(body)].length} 字，按 {parts} 条短信发送{parts > 2 ? '，建议精简' : ''}
          </Typography.Text>
        )}
      </Card>
    </Modal>
  );
}

function TemplatesTab() {
  const q = useQuery({ queryKey: ['notification-templates'], queryFn: () => api<NotificationTemplatesAnswer>('/notification-templates') });
  const [editing, setEditing] = useState<NotificationTemplate | null>(null);
  const { message } = App.useApp();
  const qc = useQueryClient();
  const { run } = useSubmitGuard();

  const reset = (t: NotificationTemplate) =>
    run(async () => {
      try {
        await api(`/notification-templates/${t.topic}/${t.audience}`, { method: 'DELETE' });
        void message.success(`已恢复“${t.topicLabel} · ${t.audienceLabel}”的默认模板`);
        await qc.invalidateQueries({ queryKey: ['notification-templates'] });
      } catch (e) {
        void message.error(e instanceof ApiError ? e.message : '恢复失败，请重试');
      }
    });

  if (q.error) return <Alert type="error" showIcon message={(q.error as Error).message || '无法读取消息模板'} />;
  return (
    <>
      <Typography.Paragraph type="secondary">
        短信发给反映人，以及登记了手机号码并在“个人设置”中选择短信提醒的工作人员（接收人“工作人员（短信）”）；站内通知发给工作人员（右上角铃铛）。修改后立即对新消息生效；已排队的消息按排队时的内容发送。
      </Typography.Paragraph>
      <Table<NotificationTemplate>
        size="small"
        rowKey={(t) => `${t.topic}.${t.audience}`}
        loading={q.isPending}
        dataSource={q.data?.items}
        pagination={false}
        data-testid="templates-table"
        locale={{ emptyText: <Empty description="没有消息模板" /> }}
        columns={[
          { title: '消息', dataIndex: 'topicLabel', width: 130 },
          { title: '接收人', dataIndex: 'audienceLabel', width: 150 },
          {
            title: '内容',
            render: (_: unknown, t) => (
              <div>
                {t.channel === 'inapp' && <Typography.Text strong>{t.title}</Typography.Text>}
                <Typography.Paragraph ellipsis={{ rows: 2, tooltip: t.body }} style={{ margin: 0 }}>
                  {t.body}
                </Typography.Paragraph>
              </div>
            ),
          },
          {
            title: '状态',
            width: 170,
            render: (_: unknown, t) =>
              t.customized ? (
                <Tooltip title={`${t.updatedBy ?? ''} 修改于 ${formatDateTime(t.updatedAt)}`}>
                  <Tag color="orange">已修改</Tag>
                </Tooltip>
              ) : (
                <Tag>默认</Tag>
              ),
          },
          {
            title: '操作',
            width: 160,
            render: (_: unknown, t) => (
              <Space>
                <Button size="small" onClick={() => setEditing(t)} aria-label={`编辑 ${t.topicLabel} ${t.audienceLabel}`}>
                  编辑
                </Button>
                {t.customized && (
                  <Popconfirm title="恢复为系统默认模板？" okText="恢复" cancelText="取消" onConfirm={() => reset(t)}>
                    <Button size="small" type="link">
                      恢复默认
                    </Button>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]}
      />
      {editing && q.data && <TemplateEditor template={editing} answer={q.data} onClose={() => setEditing(null)} />}
    </>
  );
}

function recipientLabel(recipient: string, departments: Map<string, string>): string {
  if (recipient.startsWith('department:')) {
    const code = recipient.slice('department:'.length);
    return departments.get(code) ?? code;
  }
  if (recipient.startsWith('user:')) return `工作人员短信（用户 ${recipient.slice('user:'.length)}）`;
  return (
    { reporter: '反映人（短信）', supervisor: '县纪委监委', coordinator: '县行管办', leader: '工作组组长' } as Record<string, string>
  )[recipient] ?? recipient;
}

function OutboxTab() {
  const q = useQuery({ queryKey: ['notification-outbox'], queryFn: () => api<OutboxStatus>('/notification-outbox'), refetchInterval: 30_000 });
  const departments = useDepartmentNames();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const { run } = useSubmitGuard();

  const retry = (id: number) =>
    run(async () => {
      try {
        await api(`/notification-outbox/${id}/retry`, { method: 'POST' });
        void message.success('已重新排队，稍后投递');
      } catch (e) {
        void message.error(e instanceof ApiError ? e.message : '操作失败，请重试');
      }
      await qc.invalidateQueries({ queryKey: ['notification-outbox'] });
    });

  if (q.error) return <Alert type="error" showIcon message={(q.error as Error).message || '无法读取投递状况'} />;
  const d = q.data;
  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Row gutter={16}>
        <Col span={6}>
          <Card size="small" loading={q.isPending}>
            <Statistic title="待发送" value={d?.pending ?? 0} suffix="条" />
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small" loading={q.isPending}>
            <Statistic title="重试中" value={d?.retrying ?? 0} suffix="条" valueStyle={d?.retrying ? { color: '#d46b08' } : undefined} />
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small" loading={q.isPending}>
            <Statistic title="已放弃" value={d?.dead ?? 0} suffix="条" valueStyle={d?.dead ? { color: '#cf1322' } : undefined} />
          </Card>
        </Col>
        <Col span={6} style={{ display: 'flex', alignItems: 'center' }}>
          <Space direction="vertical" size={4}>
            <Button onClick={() => void q.refetch()} loading={q.isFetching && !q.isPending}>
              刷新
            </Button>
            {d && <Typography.Text type="secondary">更新于 {formatDateTime(d.now)}</Typography.Text>}
          </Space>
        </Col>
      </Row>
      <Card size="small" title="最近的投递失败（最多 50 条）">
        <Table<OutboxStatus['failures'][number]>
          size="small"
          rowKey="id"
          loading={q.isPending}
          dataSource={d?.failures}
          pagination={false}
          data-testid="outbox-failures"
          locale={{ emptyText: <Empty description="没有投递失败的消息" /> }}
          columns={[
            { title: '序号', dataIndex: 'id', width: 80 },
            { title: '消息', dataIndex: 'topicLabel', width: 120 },
            { title: '接收人', dataIndex: 'recipient', width: 140, render: (r: string) => recipientLabel(r, departments) },
            {
              title: '反映件',
              dataIndex: 'caseId',
              width: 90,
              render: (id: number | null) => (id === null ? '—' : <Link to={`/cases/${id}`}>查看</Link>),
            },
            { title: '尝试次数', dataIndex: 'attempts', width: 90 },
            { title: '最近错误', dataIndex: 'lastError', ellipsis: { showTitle: true } },
            { title: '创建时间', dataIndex: 'createdAt', width: 150, render: (v: string) => formatDateTime(v) },
            {
              title: '状态',
              width: 200,
              render: (_: unknown, f) =>
                f.dead ? (
                  <Space>
                    <Tag color="red">已放弃</Tag>
                    <Popconfirm title="重新投递这条消息？" okText="重新投递" cancelText="取消" onConfirm={() => retry(f.id)}>
                      <Button size="small">重新投递</Button>
                    </Popconfirm>
                  </Space>
                ) : (
                  <Tooltip title="投递失败后按退避时间自动重试">
                    <Tag color="orange">下次 {formatDateTime(f.nextAttemptAt)}</Tag>
                  </Tooltip>
                ),
            },
          ]}
        />
      </Card>
    </Space>
  );
}

export default function NotificationsPage() {
  useEffect(() => {
    document.title = '消息通知 · 办成事';
  }, []);
  return (
    <Card title={<h1 className="bcs-page-title">消息通知</h1>}>
      <Tabs
        destroyOnHidden
        items={[
          { key: 'templates', label: '消息模板', children: <TemplatesTab /> },
          { key: 'outbox', label: '投递状况', children: <OutboxTab /> },
        ]}
      />
    </Card>
  );
}
