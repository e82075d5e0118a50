/**
 * The reporter's side on the case page: the rating link to send again (评价链接, with its QR code),
 * and every message to the reporter with its delivery state — 待电话告知 shows the text to read out
 * and the coordinator's 已电话告知.
 */
import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Empty, Modal, Space, Tag, Typography } from 'antd';
import { QrcodeOutlined } from '@ant-design/icons';
import QRCode from 'qrcode';
import { api } from '../api/client';
import { formatDateTime } from '../lib/time';

interface RatingLink {
  url: string;
  token: string;
  expiresAt: string;
}

interface ReporterMessage {
  id: number;
  topic: string;
  topicLabel: string;
  state: 'waiting' | 'sent' | 'failed' | 'to_phone' | 'phoned' | 'skipped';
  stateLabel: string;
  createdAt: string;
  deliveredAt: string | null;
  note: string | null;
  text: string | null;
  phonedAt: string | null;
  phonedBy: string | null;
}

const STATE_COLORS: Record<ReporterMessage['state'], string> = {
  waiting: 'blue',
  sent: 'green',
  failed: 'red',
  to_phone: 'orange',
  phoned: 'cyan',
  skipped: 'default',
};

/** 评价链接: the link and its QR code, to send the reporter again (coordinator, completed cases). */
export function RatingLinkButton({ caseId }: { caseId: number }) {
  const [open, setOpen] = useState(false);
  const q = useQuery({
    queryKey: ['rating-link', caseId],
    enabled: open,
    queryFn: async () => {
      const link = await api<RatingLink>(`/cases/${caseId}/rating-link`);
      return { ...link, qr: await QRCode.toDataURL(link.url, { margin: 1, width: 220, errorCorrectionLevel: 'M' }) };
    },
  });
  return (
    <>
      <Button icon={<QrcodeOutlined />} onClick={() => setOpen(true)} data-testid="rating-link-button">
        评价链接
      </Button>
      <Modal title="反映人评价链接" open={open} onCancel={() => setOpen(false)} footer={<Button onClick={() => setOpen(false)}>关闭</Button>} destroyOnHidden>
        {q.isError ? (
          <Alert type="error" showIcon message={(q.error as Error).message} />
        ) : !q.data ? (
          <Typography.Text type="secondary">正在生成…</Typography.Text>
        ) : (
          <Space direction="vertical" style={{ width: '100%' }} data-testid="rating-link">
            <Typography.Paragraph style={{ marginBottom: 0 }}>
              发给反映人，或请其用手机扫描二维码，对服务态度、办理结果、办理效率、廉洁勤政作出评价。链接只能使用一次，反映人评价或电话回访后即失效。
            </Typography.Paragraph>
            <img src={q.data.qr} width={220} height={220} alt="评价链接二维码" style={{ display: 'block', margin: '0 auto' }} />
            <Typography.Paragraph copyable={{ text: q.data.url, tooltips: ['复制链接', '已复制'] }} code style={{ wordBreak: 'break-all', marginBottom: 0 }} data-testid="rating-url">
              {q.data.url}
            </Typography.Paragraph>
            <Typography.Text type="secondary">有效期至 {formatDateTime(q.data.expiresAt)}</Typography.Text>
          </Space>
        )}
      </Modal>
    </>
  );
}

/** 给反映人的消息: each message with its delivery state; 已电话告知 for those the reporter could not get by SMS. */
export function ReporterMessages({ caseId, mayPhone, onPhoned }: { caseId: number; mayPhone: boolean; onPhoned: () => void }) {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [busy, setBusy] = useState<number | null>(null);
  const q = useQuery({ queryKey: ['case-messages', caseId], queryFn: () => api<{ items: ReporterMessage[] }>(`/cases/${caseId}/messages`) });
  const phoned = async (m: ReporterMessage) => {
    setBusy(m.id);
    try {
      const r = await api<{ items: ReporterMessage[] }>(`/cases/${caseId}/messages/${m.id}/phoned`, { method: 'POST', body: {} });
      qc.setQueryData(['case-messages', caseId], r);
      void qc.invalidateQueries({ queryKey: ['dashboard'] });
      void message.success(`已记录：${m.topicLabel}已电话告知反映人`);
      onPhoned();
    } catch (e) {
      void message.error((e as Error).message);
    } finally {
      setBusy(null);
    }
  };
  const items = q.data?.items ?? [];
  return (
    <Card title="给反映人的消息" size="small" data-testid="reporter-messages">
      {q.isError ? (
        <Alert type="error" showIcon message={(q.error as Error).message} />
      ) : items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={q.isLoading ? '正在读取…' : '没有发给反映人的消息'} />
      ) : (
        <ol style={{ margin: 0, paddingInlineStart: 20 }}>
          {items.map((m) => (
            <li key={m.id} style={{ marginBottom: 8 }} data-testid={`reporter-message-${m.id}`}>
              <Space size={6} wrap>
                <Typography.Text strong>{m.topicLabel}</Typography.Text>
                <Tag color={STATE_COLORS[m.state]}>{m.stateLabel}</Tag>
                <Typography.Text type="secondary">{formatDateTime(m.deliveredAt ?? m.createdAt)}</Typography.Text>
              </Space>
              {m.note && m.state !== 'sent' && <div style={{ color: '#595959', fontSize: 12 }}>{m.note}</div>}
              {m.state === 'phoned' && (
                <div style={{ fontSize: 12 }}>
                  {m.phonedBy} 于 {formatDateTime(m.phonedAt!)} 电话告知
                </div>
              )}
              {m.text && m.state === 'to_phone' && (
                <div style={{ background: '#fff7e6', border: '1px solid #ffd591', borderRadius: 6, padding: '6px 10px', marginTop: 4 }}>
                  <div style={{ fontSize: 12, color: '#874d00' }}>请电话告知反映人（照读）：</div>
                  <div>{m.text}</div>
                  {mayPhone && (
                    <Button size="small" type="primary" style={{ marginTop: 6 }} loading={busy === m.id} onClick={() => void phoned(m)}>
                      已电话告知
                    </Button>
                  )}
                </div>
              )}
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
