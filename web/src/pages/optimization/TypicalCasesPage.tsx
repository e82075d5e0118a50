/**
 * 典型案例库: good practice and negative examples drawn from cases (GET /typical-cases). 县行管办 and
 * 县纪委监委 draft them (here or from a case's page) and publish them; drafts are seen only by the
 * county-level roles, everyone else reads the published ones.
 */
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Empty, List, Popconfirm, Segmented, Space, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { api, ApiError } from '../../api/client';
import type { TypicalCase } from '../../api/types';
import { useUser } from '../../auth/AuthContext';
import { can } from '../../../../core/permissions';
import { formatDateTime } from '../../lib/time';
import { TYPICAL_KIND_LABELS, TypicalCaseDialog } from '../../components/TypicalCaseDialog';

export function PublishTag({ status }: { status: 'draft' | 'published' }) {
  return status === 'published' ? <Tag color="green">已发布</Tag> : <Tag color="default">草稿</Tag>;
}

export default function TypicalCasesPage() {
  const user = useUser();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [kind, setKind] = useState<'all' | TypicalCase['kind']>('all');
  const [creating, setCreating] = useState(false);
  const [publishing, setPublishing] = useState<number | null>(null);
  const canEdit = can(user.role, 'editTypicalCases');
  useEffect(() => {
    document.title = '典型案例库 · 办成事';
  }, []);
  const q = useQuery({ queryKey: ['typical-cases'], queryFn: () => api<{ items: TypicalCase[] }>('/typical-cases').then((r) => r.items) });
  const items = (q.data ?? []).filter((t) => kind === 'all' || t.kind === kind);

  const publish = async (t: TypicalCase) => {
    setPublishing(t.id);
    try {
      await api<TypicalCase>(`/typical-cases/${t.id}/publish`, { method: 'POST' });
      void message.success(`已发布“${t.title}”`);
    } catch (e) {
      void message.error(e instanceof ApiError ? e.message : '发布失败');
    } finally {
      setPublishing(null);
      void qc.invalidateQueries({ queryKey: ['typical-cases'] });
    }
  };

  return (
    <Card
      title={<h1 className="bcs-page-title">典型案例库</h1>}
      extra={
        canEdit && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            新建典型案例
          </Button>
        )
      }
    >
      <Space style={{ marginBottom: 12 }}>
        <Segmented
          value={kind}
          onChange={(v) => setKind(v as typeof kind)}
          options={[
            { value: 'all', label: '全部' },
            { value: 'good', label: TYPICAL_KIND_LABELS.good },
            { value: 'negative', label: TYPICAL_KIND_LABELS.negative },
          ]}
        />
        {!canEdit && <Typography.Text type="secondary">仅显示已发布的典型案例</Typography.Text>}
      </Space>
      {q.error ? (
        <Empty description={(q.error as Error).message} />
      ) : (
        <List<TypicalCase>
          data-testid="typical-list"
          loading={q.isPending}
          itemLayout="vertical"
          dataSource={items}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无典型案例" /> }}
          renderItem={(t) => (
            <List.Item
              key={t.id}
              data-testid={`typical-${t.id}`}
              actions={[
                <Link key="case" to={`/cases/${t.caseId}`}>
                  反映件 {t.caseNo}
                </Link>,
                <span key="by">
                  {t.createdBy} 创建于 {formatDateTime(t.createdAt)}
                </span>,
                ...(t.publishedAt ? [<span key="pub">{t.publishedBy} 发布于 {formatDateTime(t.publishedAt)}</span>] : []),
              ]}
              extra={
                canEdit &&
                t.status === 'draft' && (
                  <Popconfirm title="发布后全县可见，确认发布？" okText="发布" cancelText="取消" onConfirm={() => publish(t)}>
                    <Button type="primary" ghost loading={publishing === t.id}>
                      发布
                    </Button>
                  </Popconfirm>
                )
              }
            >
              <List.Item.Meta
                title={
                  <Space size={6} wrap>
                    <Tag color={t.kind === 'good' ? 'green' : 'red'}>{TYPICAL_KIND_LABELS[t.kind]}</Tag>
                    <span>{t.title}</span>
                    <PublishTag status={t.status} />
                  </Space>
                }
              />
              <div className="bcs-pre">{t.summary}</div>
            </List.Item>
          )}
        />
      )}
      <TypicalCaseDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={() => {
          setCreating(false);
          void qc.invalidateQueries({ queryKey: ['typical-cases'] });
        }}
      />
    </Card>
  );
}
