/**
 * 台账: every case the user may see, filtered on the server and paged with its cursor. The
 * filters live in the URL, so a view can be bookmarked or sent to a colleague.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { LiteLink } from '../components/LiteLink';
import { useInfiniteQuery } from '@tanstack/react-query';
import { App, Button, Card, Checkbox, DatePicker, Empty, Input, Modal, Progress, Select, Space, Tag, Tooltip, Typography } from 'antd';
import { DownOutlined, DownloadOutlined, UpOutlined, UploadOutlined } from '@ant-design/icons';
import { CASE_STATUSES, CHANNELS, CHANNEL_LABELS, PROBLEM_TYPES, PROBLEM_TYPE_LABELS, STATUS_LABELS } from '../../../core/domain';
import { LoadMore } from '../components/LoadMore';
import { LiteTable, type LiteColumn } from '../components/LiteTable';
import { LiteTag } from '../components/LiteTag';
import { api, API_BASE, ApiError, toQuery } from '../api/client';
import { fetchWithProgress, formatBytes, saveBlob, type DownloadProgress } from '../lib/download';
import type { CasePage, CaseSummary } from '../api/types';
import { departmentOptions, useDepartments, useSettings } from '../api/queries';
import { DeadlineText, LevelTag, StageDeadline, StatusTag } from '../components/CaseTags';
import { isValidPhone, normalisePhone } from '../../../core/validation';
import { dayjs, deadlineTone, formatDateTime, formatShortDateTime } from '../lib/time';
import { useUser } from '../auth/AuthContext';
import { can } from '../../../core/permissions';
import { ACTION_RULES, statusAllows } from '../../../core/case-lifecycle';
import { BatchUrge } from '../components/BatchUrge';
import { leaveOnTab } from '../components/MultiSelect';
import { stageOf } from '../../../core/clocks';
import { LEDGER_FILTER_KEYS, ledgerPath, readLedgerFilters, readLedgerSort, type LedgerFilterKey } from '../api/pageRequests';

/** The filters of GET /cases, as kept in the URL (web/src/api/pageRequests.ts). */
export const FILTER_KEYS = LEDGER_FILTER_KEYS;
type FilterKey = LedgerFilterKey;
const readFilters = readLedgerFilters;
const PAGE_SIZE = 50;
/** Filters folded under 更多筛选 (the panel opens by itself when one of them is set, e.g. from a link). */
export const MORE_FILTER_KEYS: readonly FilterKey[] = [
  'phone',
  'level',
  'problemType',
  'channel',
  'externalRef',
  'receivedFrom',
  'receivedTo',
  'stageOverdue',
  'pendingContest',
  'pendingSupervision',
  'pendingExtension',
  'phoneDue',
];

/** How many of the folded filters are set (shown on the 更多筛选 toggle). */
export function moreFilterCount(filters: Partial<Record<FilterKey, string>>): number {
  const keys = MORE_FILTER_KEYS.filter((k) => filters[k]);
  // One date range counts once.
  return keys.length - (filters.receivedFrom && filters.receivedTo ? 1 : 0);
}


export default function LedgerPage() {
  const user = useUser();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [sp, setSp] = useSearchParams();
  const filters = useMemo(() => readFilters(sp), [sp]);
  const [text, setText] = useState(filters.q ?? '');
  const [phoneText, setPhoneText] = useState(filters.phone ?? '');
  const [phoneError, setPhoneError] = useState(false);
  useEffect(() => setPhoneText(filters.phone ?? ''), [filters.phone]);
  const { data: departments } = useDepartments();
  const { data: settings } = useSettings();
  const soon = settings?.dueSoonWorkingDays ?? 1;
  useEffect(() => setText(filters.q ?? ''), [filters.q]);
  const hidden = moreFilterCount(filters);
  // 批量催办: rows can be ticked by whoever may urge (the rule's roles), only in states it applies in.
  const canUrge = ACTION_RULES.urge.roles.includes(user.role);
  const [picked, setPicked] = useState<CaseSummary[]>([]);
  useEffect(() => setPicked([]), [sp]);
  const [moreOpen, setMoreOpen] = useState(hidden > 0);
  // A link that sets a folded filter (the 工作台's 派单异议 card) opens the panel.
  useEffect(() => {
    if (hidden > 0) setMoreOpen(true);
  }, [hidden]);
  useEffect(() => {
    document.title = '台账 · 办成事';
  }, []);

  const setFilter = (k: FilterKey, v: string | undefined) => {
    const next = new URLSearchParams(sp);
    if (v) next.set(k, v);
    else next.delete(k);
    setSp(next);
  };
  /** One department filter: any role in the case (`department`) or its lead only (`lead`). */
  const deptValue = filters.lead ?? filters.department;
  const leadOnly = !!filters.lead;
  const setDepartment = (code: string | undefined, lead: boolean) => {
    const next = new URLSearchParams(sp);
    next.delete('department');
    next.delete('lead');
    if (code) next.set(lead ? 'lead' : 'department', code);
    setSp(next);
  };
  const setRange = (from: string | undefined, to: string | undefined, keys: readonly [FilterKey, FilterKey] = ['receivedFrom', 'receivedTo']) => {
    const next = new URLSearchParams(sp);
    for (const [k, v] of [[keys[0], from], [keys[1], to]] as const) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setSp(next);
  };

  /** `sort=due`: earliest deadline first (only cases with one); otherwise newest intake first. */
  const sort = readLedgerSort(sp);
  const setSort = (v: 'due' | undefined) => {
    const next = new URLSearchParams(sp);
    if (v) next.set('sort', v);
    else next.delete('sort');
    setSp(next);
  };
  const query = useInfiniteQuery({
    queryKey: ['cases', filters, sort],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      api<CasePage>(ledgerPath(filters, sort, pageParam), { signal }),
    getNextPageParam: (last) => last.nextCursor,
  });
  const rows = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);
  const deptName = useMemo(() => new Map((departments ?? []).map((d) => [d.code, d.name])), [departments]);
  const leadName = (r: CaseSummary): string => r.leadDepartmentName ?? (r.leadDepartment ? deptName.get(r.leadDepartment) : undefined) ?? '—';

  const columns: LiteColumn<CaseSummary>[] = [
    {
      key: 'caseNo',
      title: '编号',
      width: 112,
      render: (r) => (
        <span>
          <LiteLink to={`/cases/${r.id}`}>{r.caseNo}</LiteLink>
          {r.externalRef && (
            <>
              <br />
              <span className="bcs-secondary" style={{ fontSize: 12 }} title="外部工单">
                {r.externalRef.system}:{r.externalRef.id}
              </span>
            </>
          )}
        </span>
      ),
    },
    {
      key: 'receivedAt',
      title: '登记',
      width: 150,
      render: (r) => (
        <span style={{ whiteSpace: 'nowrap' }} title={formatDateTime(r.receivedAt)}>
          {formatShortDateTime(r.receivedAt)} <span className="bcs-secondary">{CHANNEL_LABELS[r.channel] ?? r.channel}</span>
        </span>
      ),
    },
    {
      key: 'reporter',
      title: '反映人',
      width: 170,
      ellipsis: true,
      // One line: name and phone first, the enterprise after them (in full on hover).
      render: (r) => (
        <span title={[r.reporter.name, r.reporter.phone, r.reporter.kind === 'enterprise' ? r.reporter.orgName : null].filter(Boolean).join(' ')}>
          {r.reporter.name} <span className="bcs-secondary">{r.reporter.phone}</span>
          {r.reporter.kind === 'enterprise' && r.reporter.orgName ? ` ${r.reporter.orgName}` : null}
        </span>
      ),
    },
    { key: 'matter', title: '事项', ellipsis: true, render: (r) => r.matter, title_: (r) => r.matter },
    {
      key: 'lead',
      title: '牵头部门',
      width: 130,
      ellipsis: true,
      render: (r) => leadName(r),
      title_: (r) => leadName(r),
    },
    {
      key: 'status',
      title: '状态',
      width: 136,
      render: (r) => (
        <span className="bcs-tag-row">
          <StatusTag status={r.status} />
          {r.level && <LevelTag level={r.level} />}
        </span>
      ),
    },
    {
      // The clock the case waits on: 受理, 回访 or 核查 when it is in one of those stages, else 办理.
      key: 'due',
      title: '时限',
      width: 236,
      render: (r) => (
        <span>
          {r.stageDueAt && stageOf(r.status) && stageOf(r.status) !== 'handling' ? <StageDeadline c={r} short /> : <DeadlineText c={r} short />}
          {r.pendingContest && <LiteTag color="orange">派单异议</LiteTag>}
          {r.pendingExtension && <LiteTag color="gold">延期待批</LiteTag>}
          {!r.pendingExtension && r.extended && <LiteTag>已延期</LiteTag>}
        </span>
      ),
    },
  ];
  const pickedIds = useMemo(() => new Set<string | number>(picked.map((c) => c.id)), [picked]);

  const [exporting, setExporting] = useState<DownloadProgress | null>(null);
  const exportAbort = useRef<AbortController | null>(null);
  useEffect(() => () => exportAbort.current?.abort(), []);
  const exportLedger = async () => {
    if (exportAbort.current) return;
    const ctl = new AbortController();
    exportAbort.current = ctl;
    setExporting({ received: 0, total: null, rows: null, fraction: null, done: false });
    try {
      const { blob, fileName } = await fetchWithProgress(`/ledger.xlsx${toQuery(filters)}`, setExporting, {
        signal: ctl.signal,
        fallbackName: '台账.xlsx',
      });
      saveBlob(blob, fileName);
      void message.success(`已导出 ${fileName}`);
    } catch (e) {
      if ((e as Error)?.name !== 'AbortError') void message.error(e instanceof ApiError ? e.message : '导出失败，请重试');
    } finally {
      exportAbort.current = null;
      setExporting(null);
    }
  };

  const hasFilters = Object.keys(filters).length > 0;

  return (
    <Card
      size="small"
      title={<h1 className="bcs-page-title">台账</h1>}
      extra={
        <Space>
          {hasFilters && (
            <Button type="link" onClick={() => setSp(sort ? new URLSearchParams({ sort }) : new URLSearchParams())}>
              清除筛选
            </Button>
          )}
          <Button icon={<DownloadOutlined />} onClick={() => void exportLedger()} loading={!!exporting}>
            导出 Excel
          </Button>
          {can(user.role, 'importLedger') && (
            <>
              <Button icon={<UploadOutlined />} onClick={() => navigate('/ledger/import')}>
                导入台账
              </Button>
              <Button type="link" href={`${API_BASE}/ledger/template.xlsx`} download>
                下载导入模板
              </Button>
            </>
          )}
        </Space>
      }
    >
      <Space wrap size={[8, 8]} style={{ marginBottom: 8 }} data-testid="ledger-filters">
        <Input.Search
          aria-label="搜索"
          placeholder="搜索编号、事项、诉求、企业名称"
          allowClear
          value={text}
          onChange={(e) => setText(e.target.value)}
          onSearch={(v) => setFilter('q', v.trim() || undefined)}
          style={{ width: 230 }}
          enterButton="搜索"
        />
        <Select
          aria-label="状态"
          mode="multiple"
          onInputKeyDown={leaveOnTab}
          placeholder="状态"
          allowClear
          maxTagCount="responsive"
          style={{ width: 180 }}
          value={filters.status ? filters.status.split(',') : []}
          onChange={(v: string[]) => setFilter('status', v.length ? v.join(',') : undefined)}
          options={CASE_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))}
        />
        <Space.Compact>
          <Select
            aria-label="部门"
            placeholder="部门"
            allowClear
            showSearch
            optionFilterProp="label"
            style={{ width: 150 }}
            popupMatchSelectWidth={false}
            value={deptValue}
            onChange={(v?: string) => setDepartment(v, leadOnly)}
            options={departmentOptions(departments)}
          />
          <Tooltip title="只看该部门牵头的（不含协办）；统计分析按牵头部门计数">
            <Button
              aria-pressed={leadOnly}
              type={leadOnly ? 'primary' : 'default'}
              disabled={!deptValue}
              onClick={() => setDepartment(deptValue, !leadOnly)}
            >
              仅牵头
            </Button>
          </Tooltip>
        </Space.Compact>
        <Checkbox checked={filters.overdue === 'true'} onChange={(e) => setFilter('overdue', e.target.checked ? 'true' : undefined)}>
          只看超期
        </Checkbox>
        {(filters.completedFrom || filters.completedTo) && (
          <Tag closable onClose={() => setRange(undefined, undefined, ['completedFrom', 'completedTo'])} data-testid="completed-range">
            办结于 {filters.completedFrom ?? '…'} 至 {filters.completedTo ?? '…'}
          </Tag>
        )}
        {filters.matter && (
          <Tag closable onClose={() => setFilter('matter', undefined)} data-testid="matter-filter">
            事项：{filters.matter}
          </Tag>
        )}
        {filters.dueSoon === 'true' && (
          <Tag color="orange" closable onClose={() => setFilter('dueSoon', undefined)} data-testid="due-soon-filter">
            {soon} 个工作日内到期
          </Tag>
        )}
        <Select
          aria-label="排序"
          style={{ width: 190 }}
          value={sort ?? 'received'}
          onChange={(v: string) => setSort(v === 'due' ? 'due' : undefined)}
          options={[
            { value: 'received', label: '按登记时间（新→旧）' },
            { value: 'due', label: '按办理时限（急→缓）' },
          ]}
        />
        <Button
          type={moreOpen ? 'default' : 'dashed'}
          aria-expanded={moreOpen}
          aria-controls="ledger-more-filters"
          icon={moreOpen ? <UpOutlined /> : <DownOutlined />}
          onClick={() => setMoreOpen((o) => !o)}
          data-testid="more-filters"
        >
          更多筛选{hidden > 0 ? `（${hidden}）` : ''}
        </Button>
      </Space>
      {moreOpen && (
        <Space wrap size={[8, 8]} style={{ marginBottom: 8 }} id="ledger-more-filters" data-testid="ledger-more-filters">
          <Tooltip open={phoneError} title="请输入完整的手机号码或固定电话" color="red">
            <Input.Search
              aria-label="反映人电话"
              placeholder="反映人电话"
              allowClear
              status={phoneError ? 'error' : undefined}
              value={phoneText}
              onChange={(e) => {
                setPhoneText(e.target.value);
                setPhoneError(false);
              }}
              onSearch={(v) => {
                const p = normalisePhone(v.trim());
                if (p && !isValidPhone(p)) return setPhoneError(true);
                setPhoneError(false);
                setFilter('phone', p || undefined);
              }}
              style={{ width: 170 }}
            />
          </Tooltip>
          <Select
            aria-label="级别"
            placeholder="级别"
            allowClear
            style={{ width: 90 }}
            value={filters.level}
            onChange={(v?: string) => setFilter('level', v)}
            options={[
              { value: '1', label: '一级' },
              { value: '2', label: '二级' },
              { value: '3', label: '三级' },
            ]}
          />
          <Select
            aria-label="问题类型"
            placeholder="问题类型"
            allowClear
            style={{ width: 150 }}
            popupMatchSelectWidth={false}
            value={filters.problemType}
            onChange={(v?: string) => setFilter('problemType', v)}
            options={PROBLEM_TYPES.map((p) => ({ value: p, label: PROBLEM_TYPE_LABELS[p] }))}
          />
          <Select
            aria-label="渠道"
            placeholder="渠道"
            allowClear
            style={{ width: 110 }}
            value={filters.channel}
            onChange={(v?: string) => setFilter('channel', v)}
            options={CHANNELS.map((c) => ({ value: c, label: CHANNEL_LABELS[c] }))}
          />
          <Input.Search
            key={`ext-${filters.externalRef ?? ''}`}
            aria-label="外部工单"
            placeholder="外部工单，如 12345:GD001"
            allowClear
            style={{ width: 210 }}
            defaultValue={filters.externalRef}
            onSearch={(v) => setFilter('externalRef', v.trim() || undefined)}
          />
          <DatePicker.RangePicker
            aria-label="登记日期"
            placeholder={['登记日期起', '登记日期止']}
            style={{ width: 250 }}
            value={[
              filters.receivedFrom ? dayjs(filters.receivedFrom) : null,
              filters.receivedTo ? dayjs(filters.receivedTo) : null,
            ]}
            onChange={(v) => setRange(v?.[0]?.format('YYYY-MM-DD'), v?.[1]?.format('YYYY-MM-DD'))}
          />
          <Checkbox checked={filters.stageOverdue === 'true'} onChange={(e) => setFilter('stageOverdue', e.target.checked ? 'true' : undefined)}>
            环节超时
          </Checkbox>
          {(filters.pendingContest === 'true' || ACTION_RULES['uphold-dispatch'].roles.includes(user.role)) && (
            <Checkbox
              checked={filters.pendingContest === 'true'}
              onChange={(e) => setFilter('pendingContest', e.target.checked ? 'true' : undefined)}
            >
              派单异议待处理
            </Checkbox>
          )}
          {(filters.pendingSupervision === 'true' || ACTION_RULES['report-supervision'].roles.includes(user.role)) && (
            <Checkbox
              checked={filters.pendingSupervision === 'true'}
              onChange={(e) => setFilter('pendingSupervision', e.target.checked ? 'true' : undefined)}
            >
              督办待报告
            </Checkbox>
          )}
          {(filters.phoneDue === 'true' || can(user.role, 'phoneReporters')) && (
            <Checkbox checked={filters.phoneDue === 'true'} onChange={(e) => setFilter('phoneDue', e.target.checked ? 'true' : undefined)}>
              待电话告知
            </Checkbox>
          )}
          {(filters.pendingExtension === 'true' || user.role === 'coordinator') && (
            <Checkbox
              checked={filters.pendingExtension === 'true'}
              onChange={(e) => setFilter('pendingExtension', e.target.checked ? 'true' : undefined)}
            >
              延期待审批
            </Checkbox>
          )}
        </Space>
      )}
      <Modal
        open={!!exporting}
        title="导出 Excel"
        closable={false}
        maskClosable={false}
        footer={[
          <Button key="cancel" onClick={() => exportAbort.current?.abort()}>
            取消
          </Button>,
        ]}
      >
        {exporting && (
          <div data-testid="export-progress">
            <Progress percent={exporting.fraction === null ? 0 : Math.round(exporting.fraction * 100)} status="active" />
            <Typography.Text type="secondary">
              {exporting.rows === null ? '正在生成…' : `正在生成 ${exporting.rows} 行…`} 已接收 {formatBytes(exporting.received)}
            </Typography.Text>
          </div>
        )}
      </Modal>
      {query.error ? (
        <Empty description={(query.error as Error).message} />
      ) : (
        <>
          {canUrge && <BatchUrge selected={picked} onClear={() => setPicked([])} onDone={() => void query.refetch()} />}
          <LiteTable<CaseSummary>
            testId="ledger-table"
            className="bcs-ledger-table"
            rowKey={(r) => r.id}
            selection={
              canUrge
                ? {
                    width: 32,
                    selected: pickedIds,
                    onToggle: (r, on) => setPicked((p) => (on ? [...p.filter((c) => c.id !== r.id), r] : p.filter((c) => c.id !== r.id))),
                    disabled: (r) => !statusAllows('urge', r.status),
                    label: (r) => `选择 ${r.caseNo}`,
                  }
                : undefined
            }
            loading={query.isPending}
            columns={columns}
            rows={rows}
            minWidth={1000}
            rowClassName={(r) => {
              const t = deadlineTone(r);
              return t === 'overdue' || r.stageOverdue ? 'row-overdue' : t === 'soon' ? 'row-due-soon' : '';
            }}
            empty={
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={
                  (hasFilters ? '没有符合条件的反映件' : '暂无反映件') + (sort === 'due' ? '（按办理时限排序时只列出已交办、有时限的反映件）' : '')
                }
              />
            }
          />
          <LoadMore
            shown={rows.length}
            unit="件"
            hasMore={query.hasNextPage}
            loading={query.isFetchingNextPage}
            onMore={() => void query.fetchNextPage()}
            testId="ledger-count"
          />
        </>
      )}
    </Card>
  );
}
