/**
 * 督办台账 (县行管办, 工作组组长, 县纪委监委): every 督办单、通报 and 问题线索移送 of every case in one
 * list, newest first — filters kept in the URL, cursor paging, and the same list as Excel.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Alert, App, Button, Card, DatePicker, Empty, Input, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { DownloadOutlined } from '@ant-design/icons';
import { LoadMore } from '../components/LoadMore';
import { api, ApiError } from '../api/client';
import { departmentOptions, useDepartments } from '../api/queries';
import type { SupervisionRegisterItem } from '../api/types';
import { SUPERVISION_KIND_LABELS, SUPERVISION_KINDS, SUPERVISION_REGISTER_STATUS_LABELS, SUPERVISION_REGISTER_STATUSES } from '../../../core/supervision-register';
import { dayjs, formatDateTime } from '../lib/time';
import { fetchWithProgress, saveBlob } from '../lib/download';

interface RegisterPage {
  items: SupervisionRegisterItem[];
  nextCursor: string | null;
}

const FILTER_KEYS = ['kind', 'department', 'status', 'from', 'to', 'q'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];
const PAGE_SIZE = 50;

const KIND_COLORS: Record<SupervisionRegisterItem['kind'], string> = { supervise: 'orange', circulate: 'purple', referral: 'red' };

/** The tag colour of a record's state: overdue red, awaiting gold, done green. */
function stateColor(r: SupervisionRegisterItem): string {
  if (r.overdue) return 'red';
  if (r.kind === 'supervise') return r.reportedAt ? 'green' : 'gold';
  if (r.kind === 'referral') return r.result ? 'green' : 'gold';
  return 'default';
}

export default function SupervisionRegisterPage() {
  const { message } = App.useApp();
  const [sp, setSp] = useSearchParams();
  const filters = useMemo(() => {
    const f: Partial<Record<FilterKey, string>> = {};
    for (const k of FILTER_KEYS) {
      const v = sp.get(k);
      if (v) f[k] = v;
    }
    return f;
  }, [sp]);
  const [q, setQ] = useState(filters.q ?? '');
  useEffect(() => setQ(filters.q ?? ''), [filters.q]);
  useEffect(() => {
    document.title = '督办台账 · 办成事';
  }, []);
  const departments = useDepartments();

  const setFilters = (patch: Partial<Record<FilterKey, string | undefined>>) => {
    const next = new URLSearchParams(sp);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setSp(next);
  };

  const query = useInfiniteQuery({
    queryKey: ['supervision-records', filters],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => {
      const p = new URLSearchParams({ ...filters, limit: String(PAGE_SIZE) });
      if (pageParam) p.set('cursor', pageParam);
      return api<RegisterPage>(`/supervision-records?${p}`, { signal });
    },
    getNextPageParam: (last) => last.nextCursor,
  });
  const rows = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);
  const hasFilters = Object.keys(filters).length > 0;

  const [exporting, setExporting] = useState(false);
  const exportAbort = useRef<AbortController | null>(null);
  useEffect(() => () => exportAbort.current?.abort(), []);
  const exportExcel = async () => {
    if (exportAbort.current) return;
    const ctl = new AbortController();
    exportAbort.current = ctl;
    setExporting(true);
    try {
      const p = new URLSearchParams(filters);
      const { blob, fileName } = await fetchWithProgress(`/supervision-records.xlsx${p.size ? `?${p}` : ''}`, () => undefined, { signal: ctl.signal, fallbackName: '督办台账.xlsx' });
      saveBlob(blob, fileName);
      void message.success(`已导出 ${fileName}`);
    } catch (e) {
      if ((e as Error)?.name !== 'AbortError') void message.error(e instanceof ApiError ? e.message : '导出失败，请重试');
    } finally {
      exportAbort.current = null;
      setExporting(false);
    }
  };

  const columns: ColumnsType<SupervisionRegisterItem> = [
    { title: '文书编号', dataIndex: 'recordNo', width: 150 },
    {
      title: '类别',
      dataIndex: 'kind',
      width: 86,
      render: (k: SupervisionRegisterItem['kind']) => <Tag color={KIND_COLORS[k]}>{SUPERVISION_KIND_LABELS[k]}</Tag>,
    },
    {
      title: '反映件',
      width: 170,
      render: (_: unknown, r) => (
        <span>
          <Link to={`/cases/${r.case.id}`}>{r.case.caseNo}</Link>
          <Typography.Text type="secondary" style={{ display: 'block' }} ellipsis={{ tooltip: r.case.matter }}>
            {r.case.matter}
          </Typography.Text>
        </span>
      ),
    },
    { title: '所涉部门', width: 120, render: (_: unknown, r) => r.department?.name ?? '—' },
    {
      title: '发出',
      width: 140,
      render: (_: unknown, r) => (
        <span>
          {formatDateTime(r.createdAt)}
          <Typography.Text type="secondary" style={{ display: 'block' }}>
            {r.createdBy.name}
          </Typography.Text>
        </span>
      ),
    },
    {
      title: '内容',
      dataIndex: 'text',
      render: (t: string, r) => {
        const more = r.report ? `报告：${r.report}` : r.result ? `处理结果：${r.result}` : null;
        return (
          <Typography.Paragraph ellipsis={{ rows: 2, tooltip: more ? `${t}\n${more}` : t }} style={{ margin: 0 }}>
            {t}
            {more && <Typography.Text type="secondary">（{more}）</Typography.Text>}
          </Typography.Paragraph>
        );
      },
    },
    {
      title: '督办时限／报告反馈',
      width: 150,
      render: (_: unknown, r) => (
        <span>
          {r.dueAt ? `时限 ${formatDateTime(r.dueAt)}` : '—'}
          {(r.reportedAt || r.resultAt) && (
            <Typography.Text type="secondary" style={{ display: 'block' }}>
              {r.reportedAt ? `报告 ${formatDateTime(r.reportedAt)}` : `反馈 ${formatDateTime(r.resultAt)}`}
            </Typography.Text>
          )}
        </span>
      ),
    },
    { title: '状态', width: 110, render: (_: unknown, r) => <Tag color={stateColor(r)}>{r.state}</Tag> },
  ];

  return (
    <Card
      title={<span className="bcs-page-title">督办台账</span>}
      extra={
        <Button icon={<DownloadOutlined />} onClick={() => void exportExcel()} loading={exporting} data-testid="register-xlsx">
          导出 Excel
        </Button>
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          aria-label="类别"
          mode="multiple"
          placeholder="类别"
          allowClear
          style={{ minWidth: 190 }}
          value={filters.kind ? filters.kind.split(',') : []}
          onChange={(v: string[]) => setFilters({ kind: v.join(',') || undefined })}
          options={SUPERVISION_KINDS.map((k) => ({ value: k, label: SUPERVISION_KIND_LABELS[k] }))}
        />
        <Select
          aria-label="部门"
          placeholder="所涉部门"
          allowClear
          showSearch
          optionFilterProp="label"
          style={{ width: 180 }}
          value={filters.department}
          onChange={(v?: string) => setFilters({ department: v })}
          options={departmentOptions(departments.data)}
        />
        <Select
          aria-label="状态"
          placeholder="状态"
          allowClear
          style={{ width: 160 }}
          value={filters.status}
          onChange={(v?: string) => setFilters({ status: v })}
          options={SUPERVISION_REGISTER_STATUSES.map((s) => ({ value: s, label: SUPERVISION_REGISTER_STATUS_LABELS[s] }))}
        />
        <DatePicker.RangePicker
          aria-label="发出日期"
          placeholder={['发出日期起', '发出日期止']}
          style={{ width: 260 }}
          value={[filters.from ? dayjs(filters.from) : null, filters.to ? dayjs(filters.to) : null]}
          onChange={(v) => setFilters({ from: v?.[0]?.format('YYYY-MM-DD'), to: v?.[1]?.format('YYYY-MM-DD') })}
        />
        <Input.Search
          aria-label="编号或事项"
          placeholder="反映件编号、文书编号或事项"
          allowClear
          style={{ width: 240 }}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onSearch={(v) => setFilters({ q: v.trim() || undefined })}
        />
        {hasFilters && (
          <Button type="link" onClick={() => setSp(new URLSearchParams())}>
            清除筛选
          </Button>
        )}
      </Space>
      {query.error ? (
        <Alert type="error" showIcon message={(query.error as Error).message || '无法读取督办台账'} />
      ) : (
        <>
          <Table<SupervisionRegisterItem>
            size="small"
            rowKey="recordNo"
            loading={query.isPending}
            dataSource={rows}
            columns={columns}
            pagination={false}
            scroll={{ x: 1080 }}
            data-testid="register-table"
            locale={{ emptyText: <Empty description={hasFilters ? '没有符合条件的督办、通报或移送记录' : '暂无督办、通报或移送记录'} /> }}
          />
          <LoadMore shown={rows.length} unit="条" hasMore={query.hasNextPage} loading={query.isFetchingNextPage} onMore={() => void query.fetchNextPage()} />
        </>
      )}
    </Card>
  );
}
