/**
 * 审计日志 (县纪委监委, 系统管理员): the SM3 audit chain, newest first — who did what to which case,
 * user or setting, when — with filters kept in the URL, cursor paging, and 校验审计链.
 */
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Alert, Button, Card, DatePicker, Empty, Input, Select, Space, Table, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { SafetyCertificateOutlined } from '@ant-design/icons';
import { LoadMore } from '../components/LoadMore';
import { api, ApiError } from '../api/client';
import type { AuditRecord } from '../api/types';
import { AUDIT_ENTITY_LABELS, auditActionOptions } from '../../../core/audit-actions';
import { dayjs, formatDateTime } from '../lib/time';
import { useSubmitGuard } from '../lib/useSubmitGuard';
import { auditLines } from '../lib/audit';
import { useDepartmentNames } from '../api/queries';

interface AuditPage {
  items: AuditRecord[];
  nextCursor: string | null;
}
type Verification = { ok: true; records: number } | { ok: false; records: number; brokenAt: number; reason: string };

const FILTER_KEYS = ['actor', 'action', 'entityType', 'entityId', 'from', 'to'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];
const PAGE_SIZE = 50;

const SELF_ACTIONS = new Set(['login', 'logout', 'login_failed']);

/** What to call the object of a record that is not a case: a user by username, else its id. */
function objectName(r: AuditRecord): string {
  if (r.entityType === 'user') return typeof r.data.username === 'string' ? r.data.username : SELF_ACTIONS.has(r.action) ? r.actor : (r.entityId ?? '');
  return r.entityId && r.entityId !== '*' ? r.entityId : '';
}

export default function AuditPage() {
  const [sp, setSp] = useSearchParams();
  const filters = useMemo(() => {
    const f: Partial<Record<FilterKey, string>> = {};
    for (const k of FILTER_KEYS) {
      const v = sp.get(k);
      if (v) f[k] = v;
    }
    return f;
  }, [sp]);
  const [actor, setActor] = useState(filters.actor ?? '');
  const [entityId, setEntityId] = useState(filters.entityId ?? '');
  useEffect(() => setActor(filters.actor ?? ''), [filters.actor]);
  useEffect(() => setEntityId(filters.entityId ?? ''), [filters.entityId]);
  useEffect(() => {
    document.title = '审计日志 · 办成事';
  }, []);
  const { run, pending } = useSubmitGuard();
  const departments = useDepartmentNames();
  const summary = (r: AuditRecord) => auditLines(r, (code) => departments.get(code) ?? code).join('；');
  const [verification, setVerification] = useState<Verification | { error: string } | null>(null);

  const setFilters = (patch: Partial<Record<FilterKey, string | undefined>>) => {
    const next = new URLSearchParams(sp);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setSp(next);
  };

  const query = useInfiniteQuery({
    queryKey: ['audit-records', filters],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => {
      const q = new URLSearchParams({ ...filters, limit: String(PAGE_SIZE) });
      if (pageParam) q.set('cursor', pageParam);
      return api<AuditPage>(`/audit/records?${q}`, { signal });
    },
    getNextPageParam: (last) => last.nextCursor,
  });
  const rows = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);
  const hasFilters = Object.keys(filters).length > 0;

  const verify = () =>
    run(async () => {
      try {
        setVerification(await api<Verification>('/audit/verify'));
      } catch (e) {
        setVerification({ error: e instanceof ApiError ? e.message : '校验失败，请重试' });
      }
    });

  const columns: ColumnsType<AuditRecord> = [
    { title: '序号', dataIndex: 'seq', width: 80 },
    { title: '时间', dataIndex: 'at', width: 150, render: (v: string) => formatDateTime(v) },
    {
      title: '操作人',
      dataIndex: 'actor',
      width: 150,
      render: (_: string, r) => (r.actor === 'system' ? <Typography.Text type="secondary">系统自动</Typography.Text> : r.actorName ? `${r.actorName}（${r.actor}）` : r.actor),
    },
    { title: '操作', dataIndex: 'actionLabel', width: 150 },
    {
      title: '对象',
      width: 170,
      render: (_: unknown, r) =>
        r.entityType === 'case' && r.entityId ? (
          <Link to={`/cases/${r.entityId}`}>反映件 {r.caseNo ?? r.entityId}</Link>
        ) : (
          `${r.entityLabel}${objectName(r) ? ` ${objectName(r)}` : ''}`
        ),
    },
    {
      title: '内容',
      render: (_: unknown, r) => (
        <Typography.Paragraph ellipsis={{ rows: 2, tooltip: summary(r) }} style={{ margin: 0 }}>
          {summary(r) || '—'}
        </Typography.Paragraph>
      ),
    },
    {
      title: '哈希',
      dataIndex: 'hash',
      width: 110,
      render: (h: string) => (
        <Tooltip title={`SM3：${h}`}>
          <Typography.Text code>{h.slice(0, 10)}</Typography.Text>
        </Tooltip>
      ),
    },
  ];

  return (
    <Card
      title={<h1 className="bcs-page-title">审计日志</h1>}
      extra={
        <Button icon={<SafetyCertificateOutlined />} onClick={() => void verify()} loading={pending}>
          校验审计链
        </Button>
      }
    >
      {verification &&
        ('error' in verification ? (
          <Alert type="error" showIcon message={verification.error} style={{ marginBottom: 12 }} />
        ) : verification.ok ? (
          <Alert type="success" showIcon message={`审计链完好：共 ${verification.records} 条记录，逐条 SM3 校验无误`} style={{ marginBottom: 12 }} data-testid="audit-verify" />
        ) : (
          <Alert
            type="error"
            showIcon
            message={`审计链被破坏：第 ${verification.brokenAt} 条`}
            description={verification.reason}
            style={{ marginBottom: 12 }}
            data-testid="audit-verify"
          />
        ))}
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          aria-label="操作人"
          placeholder="操作人用户名"
          allowClear
          style={{ width: 170 }}
          value={actor}
          onChange={(e) => setActor(e.target.value)}
          onSearch={(v) => setFilters({ actor: v.trim() || undefined })}
        />
        <Select
          aria-label="操作"
          placeholder="操作"
          allowClear
          showSearch
          optionFilterProp="label"
          style={{ width: 200 }}
          value={filters.action}
          onChange={(v?: string) => setFilters({ action: v })}
          options={auditActionOptions()}
        />
        <Select
          aria-label="对象类型"
          placeholder="对象类型"
          allowClear
          style={{ width: 140 }}
          value={filters.entityType}
          onChange={(v?: string) => setFilters({ entityType: v })}
          options={Object.entries(AUDIT_ENTITY_LABELS).map(([value, label]) => ({ value, label }))}
        />
        <Input.Search
          aria-label="对象编号"
          placeholder="对象编号（如反映件 ID）"
          allowClear
          style={{ width: 190 }}
          value={entityId}
          onChange={(e) => setEntityId(e.target.value)}
          onSearch={(v) => setFilters({ entityId: v.trim() || undefined })}
        />
        <DatePicker.RangePicker
          aria-label="日期"
          placeholder={['日期起', '日期止']}
          style={{ width: 250 }}
          value={[filters.from ? dayjs(filters.from) : null, filters.to ? dayjs(filters.to) : null]}
          onChange={(v) => setFilters({ from: v?.[0]?.format('YYYY-MM-DD'), to: v?.[1]?.format('YYYY-MM-DD') })}
        />
        {hasFilters && (
          <Button type="link" onClick={() => setSp(new URLSearchParams())}>
            清除筛选
          </Button>
        )}
      </Space>
      {query.error ? (
        <Alert type="error" showIcon message={(query.error as Error).message || '无法读取审计日志'} />
      ) : (
        <>
          <Table<AuditRecord>
            size="small"
            rowKey="seq"
            loading={query.isPending}
            dataSource={rows}
            columns={columns}
            pagination={false}
            data-testid="audit-table"
            expandable={{
              expandedRowRender: (r) => (
                <div>
                  {auditLines(r, (code) => departments.get(code) ?? code).map((l, i) => (
                    <div key={i}>{l}</div>
                  ))}
                  <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8 }}>
                    原始记录（参与 SM3 哈希的内容）：
                  </Typography.Text>
                  <pre style={{ margin: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-all', color: '#595959' }}>
                    {JSON.stringify({ seq: r.seq, at: r.at, actor: r.actor, action: r.action, entityType: r.entityType, entityId: r.entityId, data: r.data }, null, 2)}
                  </pre>
                </div>
              ),
            }}
            locale={{ emptyText: <Empty description={hasFilters ? '没有符合条件的审计记录' : '暂无审计记录'} /> }}
          />
          <LoadMore shown={rows.length} unit="条" hasMore={query.hasNextPage} loading={query.isFetchingNextPage} onMore={() => void query.fetchNextPage()} />
        </>
      )}
    </Card>
  );
}
