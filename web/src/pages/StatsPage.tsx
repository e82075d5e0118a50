/**
 * 统计分析 (the dashboard): the figures of a period — received per month, by channel, by problem
 * type and by lead department, on-time and satisfaction rates, what is overdue now — charted with
 * ECharts. Period and department live in the URL (`/stats?from=…&to=…&department=…`); every
 * figure's definition is a tooltip (core/stats-definitions.ts); clicking a month, a channel slice,
 * a problem-type bar, a department bar or a figure opens the 台账 rows behind it.
 */
import { useEffect, useMemo } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Col, DatePicker, Empty, Row, Select, Skeleton, Space, Statistic, Tooltip, Typography } from 'antd';
import { QuestionCircleOutlined } from '@ant-design/icons';
import { CHANNELS, CHANNEL_LABELS, PROBLEM_TYPES, PROBLEM_TYPE_LABELS } from '../../../core/domain';
import { api, ApiError, toQuery } from '../api/client';
import type { DepartmentStats, MonthlyStats, StatsFigures } from '../api/types';
import { departmentOptions, useDepartmentNames, useDepartments } from '../api/queries';
import { useUser } from '../auth/AuthContext';
import { EChart } from '../components/EChart';
import { LiteTable } from '../components/LiteTable';
import { BriefingButton } from '../components/BriefingButton';
import { can } from '../../../core/permissions';
import { StatTitle, statDefinition } from '../components/StatTitle';
import { dayjs, shanghaiToday } from '../lib/time';
import { ledgerUrl, monthLedgerUrl, monthsOf, readScope, SHORT_TYPE, type StatsScope } from '../lib/ledgerLinks';
import { statsPaths } from '../api/pageRequests';

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`);
const pct1 = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(v * 1000) / 10);
const RED = '#b7282e';
/** Widest bar of the monthly chart, in pixels (a short period would otherwise draw slabs). */
export const MONTH_BAR_MAX = 40;
const BLUE = '#1f5fbf';

/** A card title with the definitions of the figures it shows in a tooltip. */
function ChartTitle({ title, fields, hint }: { title: string; fields: string[]; hint?: string }) {
  const text = fields
    .map((f) => statDefinition(f))
    .filter(Boolean)
    .join(' ');
  return (
    <Space size={6}>
      <span>{title}</span>
      <Tooltip title={<div>{text}{hint ? <div style={{ marginTop: 4 }}>{hint}</div> : null}</div>}>
        <QuestionCircleOutlined style={{ color: 'rgba(0,0,0,.35)' }} aria-label={`${title}的统计口径`} />
      </Tooltip>
    </Space>
  );
}

export default function StatsPage() {
  const user = useUser();
  const navigate = useNavigate();
  const today = shanghaiToday();
  const [sp, setSp] = useSearchParams();
  const urlScope = useMemo(() => readScope(sp, today), [sp, today]);
  // A handler's statistics are always their own department's (the server insists, too).
  const scope: StatsScope = user.role === 'handler' ? { ...urlScope, department: user.department ?? undefined } : urlScope;
  const { from, to, department } = scope;
  const { data: departments } = useDepartments();
  const names = useDepartmentNames();
  useEffect(() => {
    document.title = '统计分析 · 办成事';
  }, []);

  const setScope = (next: Partial<StatsScope>) => {
    const merged = { ...urlScope, ...next };
    setSp(new URLSearchParams(toQuery({ from: merged.from, to: merged.to, department: merged.department }).slice(1)), { replace: true });
  };
  const period = { from, to, department };
  const overview = useQuery({
    queryKey: ['stats', 'overview', period],
    queryFn: () => api<StatsFigures>(statsPaths(period).overview),
  });
  const monthly = useQuery({
    queryKey: ['stats', 'monthly', period],
    queryFn: () => api<{ items: MonthlyStats[] }>(statsPaths(period).monthly).then((r) => r.items),
  });
  const perDept = useQuery({
    queryKey: ['stats', 'departments', period],
    queryFn: () => api<{ items: DepartmentStats[] }>(statsPaths(period).departments).then((r) => r.items),
  });
  const o = overview.data;
  const go = (url: string | null) => url && navigate(url);

  const months = useMemo(() => {
    const byMonth = new Map((monthly.data ?? []).map((m) => [m.month, m]));
    return monthsOf(from, to).map((m) => byMonth.get(m) ?? ({ month: m, received: 0, completed: 0, onTimeRate: null, satisfactionRate: null } as MonthlyStats));
  }, [monthly.data, from, to]);
  const monthlyMissing = monthly.error instanceof ApiError && monthly.error.status === 404;

  const monthOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 44, right: 52, top: 34, bottom: 28 },
      xAxis: { type: 'category', data: months.map((m) => m.month) },
      yAxis: [
        { type: 'value', name: '件', minInterval: 1 },
        { type: 'value', name: '比率', min: 0, max: 100, axisLabel: { formatter: '{value}%' }, splitLine: { show: false } },
      ],
      series: [
        { name: '受理', type: 'bar', barMaxWidth: MONTH_BAR_MAX, data: months.map((m) => m.received), itemStyle: { color: BLUE }, cursor: 'pointer' },
        { name: '办结', type: 'bar', barMaxWidth: MONTH_BAR_MAX, data: months.map((m) => m.completed), itemStyle: { color: '#52a35a' }, cursor: 'pointer' },
        { name: '按时办结率', type: 'line', yAxisIndex: 1, connectNulls: true, data: months.map((m) => pct1(m.onTimeRate)), itemStyle: { color: '#d48806' } },
        { name: '满意率', type: 'line', yAxisIndex: 1, connectNulls: true, data: months.map((m) => pct1(m.satisfactionRate)), itemStyle: { color: RED } },
      ],
    }),
    [months],
  );
  const channelOption = useMemo(
    () => ({
      tooltip: { trigger: 'item', formatter: '{b}：{c} 件（{d}%）' },
      legend: { bottom: 0 },
      series: [
        {
          type: 'pie',
          radius: ['35%', '65%'],
          center: ['50%', '45%'],
          cursor: 'pointer',
          data: CHANNELS.map((c) => ({ name: CHANNEL_LABELS[c], value: o?.byChannel[c] ?? 0, code: c })),
        },
      ],
    }),
    [o],
  );
  const typeOption = useMemo(
    () => ({
      tooltip: {
        trigger: 'axis',
        formatter: (ps: Array<{ dataIndex: number; value: number }>) =>
          ps.map((p) => `${PROBLEM_TYPE_LABELS[PROBLEM_TYPES[p.dataIndex]!]}：${p.value} 件`).join('<br/>'),
      },
      grid: { left: 40, right: 16, top: 16, bottom: 30 },
      xAxis: { type: 'category', data: PROBLEM_TYPES.map((p) => SHORT_TYPE[p]) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ name: '问题类型', type: 'bar', barMaxWidth: 96, cursor: 'pointer', data: PROBLEM_TYPES.map((p) => o?.byProblemType[p] ?? 0), itemStyle: { color: RED } }],
    }),
    [o],
  );
  const deptItems = useMemo(() => [...(perDept.data ?? [])].sort((a, b) => b.received - a.received), [perDept.data]);
  const deptOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      // containLabel: long rotated department names (县住房公积金管理中心) stay inside the chart.
      grid: { left: 40, right: 50, top: 30, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: deptItems.map((d) => d.name), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: [
        { type: 'value', name: '件', minInterval: 1 },
        { type: 'value', name: '比率', min: 0, max: 100, axisLabel: { formatter: '{value}%' }, splitLine: { show: false } },
      ],
      series: [
        { name: '受理', type: 'bar', barMaxWidth: 48, cursor: 'pointer', data: deptItems.map((d) => d.received), itemStyle: { color: BLUE } },
        { name: '当前超期', type: 'bar', barMaxWidth: 48, cursor: 'pointer', data: deptItems.map((d) => d.overdueOpen), itemStyle: { color: '#cf1322' } },
        { name: '按时办结率', type: 'line', yAxisIndex: 1, data: deptItems.map((d) => pct1(d.onTimeRate)), itemStyle: { color: '#d48806' } },
        { name: '满意率', type: 'line', yAxisIndex: 1, data: deptItems.map((d) => pct1(d.satisfactionRate)), itemStyle: { color: '#52a35a' } },
      ],
    }),
    [deptItems],
  );

  const figures: Array<{ field: keyof StatsFigures; value: string | number; suffix?: string; href?: string; danger?: boolean; note?: string }> = o
    ? [
        { field: 'received', value: o.received, suffix: '件', href: ledgerUrl(scope) },
        { field: 'resolvedOnSpot', value: o.resolvedOnSpot, suffix: '件' },
        { field: 'rejected', value: o.rejected, suffix: '件', href: ledgerUrl(scope, { status: 'rejected' }) },
        { field: 'completed', value: o.completed, suffix: '件' },
        { field: 'onTimeRate', value: pct(o.onTimeRate), note: `${o.completedOnTime} / ${o.completed}` },
        { field: 'satisfactionRate', value: pct(o.satisfactionRate), note: `${o.satisfied} / ${o.callbacks}` },
        { field: 'badReviews', value: o.badReviews, suffix: '件', note: `属实 ${o.badReviewsSubstantiated} 件` },
        { field: 'overdueOpen', value: o.overdueOpen, suffix: '件', href: ledgerUrl(scope, { overdue: 'true' }), danger: o.overdueOpen > 0 },
      ]
    : [];

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Card size="small">
        <Space wrap>
          <h1 className="bcs-page-title">统计分析</h1>
          <Typography.Text strong>统计期间（按登记日期）</Typography.Text>
          <DatePicker.RangePicker
            aria-label="统计期间"
            allowClear={false}
            value={[dayjs(from), dayjs(to)]}
            onChange={(v) => v?.[0] && v[1] && setScope({ from: v[0].format('YYYY-MM-DD'), to: v[1].format('YYYY-MM-DD') })}
          />
          <Button size="small" onClick={() => setScope({ from: `${today.slice(0, 7)}-01`, to: today })}>
            本月
          </Button>
          <Button size="small" onClick={() => setScope({ from: `${today.slice(0, 4)}-01-01`, to: today })}>
            本年
          </Button>
          {user.role !== 'handler' ? (
            <Select
              aria-label="牵头部门"
              allowClear
              showSearch
              optionFilterProp="label"
              placeholder="全部牵头部门"
              style={{ width: 200 }}
              value={department}
              onChange={(v?: string) => setScope({ department: v })}
              options={departmentOptions(departments)}
            />
          ) : (
            <Typography.Text type="secondary">本部门：{names.get(department ?? '') ?? department}</Typography.Text>
          )}
          <Typography.Text type="secondary">点击图表可查看对应台账</Typography.Text>
          {can(user.role, 'readBriefing') && <BriefingButton from={from} to={to} />}
        </Space>
      </Card>
      {overview.isPending ? (
        <Card>
          <Skeleton active paragraph={{ rows: 6 }} />
        </Card>
      ) : !o ? (
        <Card>
          <Empty description={(overview.error as Error)?.message ?? '暂无数据'} />
        </Card>
      ) : (
        <>
          <Row gutter={12} data-testid="stats-figures" className="bcs-stats-figures">
            {figures.map((f) => {
              const body = (
                <>
                  <Statistic
                    title={<StatTitle field={f.field} />}
                    value={f.value}
                    suffix={f.suffix}
                    valueStyle={f.danger ? { color: '#cf1322' } : undefined}
                  />
                  {f.note && <div className="bcs-figure-note">{f.note}</div>}
                </>
              );
              return (
                <Col span={3} key={f.field} style={{ display: 'flex' }}>
                  <Card size="small" style={{ width: '100%' }} className={f.href ? 'bcs-todo-card' : undefined} data-testid={`figure-${f.field}`}>
                    {f.href ? (
                      // The name is the figure as shown (label, value, note), then where the link goes.
                      <Link to={f.href} className="bcs-figure-link">
                        {body}
                        <span className="bcs-sr-only">（查看台账）</span>
                      </Link>
                    ) : (
                      body
                    )}
                  </Card>
                </Col>
              );
            })}
          </Row>
          <Card
            size="small"
            title={<ChartTitle title="按月受理与办结（按登记月份）" fields={['received', 'completed', 'onTimeRate', 'satisfactionRate']} hint="点击某月的柱形查看该月登记的反映件。" />}
          >
            {monthly.isPending ? (
              <Skeleton active paragraph={{ rows: 5 }} />
            ) : monthlyMissing || monthly.error ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={monthlyMissing ? '按月统计暂未提供' : (monthly.error as Error).message} />
            ) : (
              <EChart
                option={monthOption}
                height={260}
                testId="chart-monthly"
                ariaLabel="按月受理与办结"
                onClick={(e) => (e.seriesName === '受理' || e.seriesName === '办结') && go(monthLedgerUrl(months[e.dataIndex]!.month, scope))}
              />
            )}
          </Card>
          <Row gutter={12}>
            <Col span={10}>
              <Card title={<ChartTitle title="反映渠道" fields={['byChannel']} hint="点击扇区查看该渠道的反映件。" />} size="small">
                <EChart
                  option={channelOption}
                  height={280}
                  testId="chart-channel"
                  ariaLabel="反映渠道"
                  onClick={(e) => {
                    const code = CHANNELS[e.dataIndex];
                    if (code) go(ledgerUrl(scope, { channel: code }));
                  }}
                />
              </Card>
            </Col>
            <Col span={14}>
              <Card title={<ChartTitle title="问题类型" fields={['byProblemType']} hint="点击柱形查看该类问题的反映件。" />} size="small">
                <EChart
                  option={typeOption}
                  height={280}
                  testId="chart-type"
                  ariaLabel="问题类型"
                  onClick={(e) => {
                    const p = PROBLEM_TYPES[e.dataIndex];
                    if (p) go(ledgerUrl(scope, { problemType: p }));
                  }}
                />
              </Card>
            </Col>
          </Row>
        </>
      )}
      <Card
        title={<ChartTitle title="分部门（按牵头部门）" fields={['received', 'overdueOpen', 'onTimeRate', 'satisfactionRate']} hint="未交办的反映件不计入。点击柱形查看该部门牵头的反映件。" />}
        size="small"
      >
        {perDept.isPending ? (
          <Skeleton active paragraph={{ rows: 6 }} />
        ) : deptItems.length === 0 ? (
          <Empty description={perDept.error ? (perDept.error as Error).message : '期间内没有交办到部门的反映件'} />
        ) : (
          <>
            <EChart
              option={deptOption}
              height={320}
              testId="chart-departments"
              ariaLabel="分部门统计"
              onClick={(e) => {
                const d = deptItems[e.dataIndex];
                if (!d) return;
                go(ledgerUrl({ ...scope, department: d.department }, e.seriesName === '当前超期' ? { overdue: 'true' } : {}));
              }}
            />
            <LiteTable<DepartmentStats>
              rowKey={(r) => r.department}
              rows={deptItems}
              empty={null}
              columns={[
                { key: 'name', title: '部门', render: (r) => <Link to={ledgerUrl({ ...scope, department: r.department })}>{r.name}</Link> },
                { key: 'received', title: <StatTitle field="received" label="受理" />, render: (r) => r.received },
                { key: 'completed', title: <StatTitle field="completed" label="办结" />, render: (r) => r.completed },
                { key: 'onTimeRate', title: <StatTitle field="onTimeRate" />, render: (r) => pct(r.onTimeRate) },
                { key: 'callbacks', title: <StatTitle field="callbacks" label="回访" />, render: (r) => r.callbacks },
                { key: 'satisfactionRate', title: <StatTitle field="satisfactionRate" />, render: (r) => pct(r.satisfactionRate) },
                { key: 'badReviews', title: <StatTitle field="badReviews" label="差评" />, render: (r) => r.badReviews },
                { key: 'badReviewsSubstantiated', title: <StatTitle field="badReviewsSubstantiated" />, render: (r) => r.badReviewsSubstantiated },
                {
                  key: 'overdueOpen',
                  title: <StatTitle field="overdueOpen" />,
                  render: (r) =>
                    r.overdueOpen > 0 ? (
                      <Link to={ledgerUrl({ ...scope, department: r.department }, { overdue: 'true' })} style={{ color: '#cf1322' }}>
                        {r.overdueOpen}
                      </Link>
                    ) : (
                      r.overdueOpen
                    ),
                },
              ]}
            />
          </>
        )}
      </Card>
    </Space>
  );
}
