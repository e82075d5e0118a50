/**
 * The bell in the header: the unread count (GET /notifications/unread-count, every 30 s and again
 * whenever the window regains focus), and a panel with the newest 20 notifications. Clicking one
 * marks it read and opens its case; 全部已读 marks them all.
 */
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Empty, List, Popover, Space, Spin, Tag, Typography } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { api } from '../api/client';
import type { AppNotification, NotificationPage } from '../api/types';
import { formatDateTime } from '../lib/time';

export const UNREAD_POLL_MS = 30_000;

const TOPIC_COLORS: Record<string, string> = {
  overdue: 'red',
  due_soon: 'orange',
  measure_overdue: 'red',
  measure_due_soon: 'orange',
  bad_review: 'volcano',
  urged: 'gold',
  supervised: 'magenta',
  rectify: 'volcano',
  discipline_referral: 'purple',
  dispatched: 'blue',
  completed: 'green',
};

function NotificationPanel({ onOpenCase }: { onOpenCase: (n: AppNotification) => void }) {
  const qc = useQueryClient();
  const list = useQuery({
    queryKey: ['notifications', 'list'],
    queryFn: () => api<NotificationPage>('/notifications?limit=20'),
    staleTime: 0,
  });
  const [marking, setMarking] = useState(false);
  const items = list.data?.items ?? [];
  const unread = list.data?.unreadCount ?? 0;

  const readAll = async () => {
    setMarking(true);
    try {
      await api('/notifications/read-all', { method: 'POST' });
      qc.setQueryData(['notifications', 'unread'], { count: 0 });
      await qc.invalidateQueries({ queryKey: ['notifications'] });
    } finally {
      setMarking(false);
    }
  };

  return (
    <div className="bcs-notifications" data-testid="notification-panel">
      <div className="bcs-notifications-head">
        <Typography.Text strong>通知{unread ? `（${unread} 条未读）` : ''}</Typography.Text>
        <Button type="link" size="small" disabled={!unread} loading={marking} onClick={() => void readAll()}>
          全部已读
        </Button>
      </div>
      {list.isPending ? (
        <div style={{ textAlign: 'center', padding: 24 }}>
          <Spin />
        </div>
      ) : list.error ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={(list.error as Error).message} />
      ) : (
        <List<AppNotification>
          size="small"
          dataSource={items}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无通知" /> }}
          renderItem={(n) => (
            <List.Item
              className={n.read ? 'bcs-notification' : 'bcs-notification unread'}
              data-testid="notification-item"
              onClick={() => onOpenCase(n)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  onOpenCase(n);
                }
              }}
              tabIndex={0}
              role="button"
            >
              <div style={{ width: '100%' }}>
                <Space size={6} wrap>
                  {!n.read && <Badge status="error" />}
                  <Tag color={TOPIC_COLORS[n.topic]}>{n.topicLabel}</Tag>
                  <Typography.Text strong={!n.read}>{n.title}</Typography.Text>
                </Space>
                <div className="bcs-notification-body">{n.body}</div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {n.caseNo ? `${n.caseNo} · ` : ''}
                  {formatDateTime(n.createdAt)}
                </Typography.Text>
              </div>
            </List.Item>
          )}
        />
      )}
      {list.data?.nextCursor && (
        <div style={{ textAlign: 'center', paddingTop: 6 }}>
          <Typography.Text type="secondary">仅显示最新 20 条</Typography.Text>
        </div>
      )}
    </div>
  );
}

export function NotificationBell() {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const unread = useQuery({
    queryKey: ['notifications', 'unread'],
    queryFn: () => api<{ count: number }>('/notifications/unread-count'),
    refetchInterval: UNREAD_POLL_MS,
    refetchOnWindowFocus: true,
    staleTime: 0,
  });
  const count = unread.data?.count ?? 0;

  const openCase = async (n: AppNotification) => {
    setOpen(false);
    if (!n.read) {
      try {
        const r = await api<{ unreadCount: number }>(`/notifications/${n.id}/read`, { method: 'POST' });
        qc.setQueryData(['notifications', 'unread'], { count: r.unreadCount });
      } catch {
        /* the notification stays unread; the case still opens */
      }
      void qc.invalidateQueries({ queryKey: ['notifications', 'list'] });
    }
    if (n.caseId) navigate(`/cases/${n.caseId}`);
  };

  return (
    <Popover
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (o) void qc.invalidateQueries({ queryKey: ['notifications'] });
      }}
      trigger="click"
      placement="bottomRight"
      arrow={false}
      destroyOnHidden
      content={<NotificationPanel onOpenCase={(n) => void openCase(n)} />}
    >
      <Button type="text" aria-label={count ? `通知，${count} 条未读` : '通知'} data-testid="notification-bell" className="bcs-bell">
        <Badge count={count} size="small" overflowCount={99} offset={[2, -2]} data-testid="unread-count">
          <BellOutlined style={{ fontSize: 18, color: '#fff' }} />
        </Badge>
      </Button>
    </Popover>
  );
}
