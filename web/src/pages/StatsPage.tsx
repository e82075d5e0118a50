/** 统计分析: the overview of a period and the figures per lead department, charted with ECharts. */
import { useEffect, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Card, Col, DatePicker, Empty, Row, Select, Skeleton, Space, Statistic, Table, Typography } from 'antd';
import { CHANNELS, CHANNEL_LABELS, PROBLEM_TYPES } from '../../../core/domain';
import { api, toQuery } from '../api/client';
import type { DepartmentStats, StatsFigures } from '../api/types';
import { departmentOptions, useDepartments } from '../api/queries';
import { useUser } from '../auth/AuthContext';
import { EChart } from '../components/EChart';
import { dayjs, shanghaiToday } from '../lib/time';

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
const SHORT_TYPE: Record<string, string> = {
  materials: '不敢办',
  rigid_policy: '不愿办',
  unable: '不会办',
  complex: '不好办',
  misconduct: '不给办',
};

export default function StatsPage() {
  const user = useUser();
  const today = shanghaiToday();
  const [range, setRange] = useState<[string, string]>([`${today.slice(0, 4)}-01-01`, today]);
  const [department, setDepartment] = useState<string | undefined>(undefined);
  const { data: departments } = useDepartments();
  useEffect(() => {
    document.title = '统计分析 · 办成事';
  }, []);
  const params = { from: range[0], to: range[1], department };
  const overview = useQuery({
    queryKey: ['stats', 'overview', params],
    queryFn: () => api<StatsFigures>(`/stats/overview${toQuery(params)}`),
  });
  const perDept = useQuery({
    queryKey: ['stats', 'departments', range],
    queryFn: () => api<{ items: DepartmentStats[] }>(`/stats/departments${toQuery({ from: range[0], to: range[1] })}`).then((r) => r.items),
  });
  const o = overview.data;

  const channelOption = useMemo(
    () => ({
      tooltip: { trigger: 'item' },
      legend: { bottom: 0 },
      series: [
        {
          type: 'pie',
          radius: ['35%', '65%'],
          data: CHANNELS.map((c) => ({ name: CHANNEL_LABELS[c], value: o?.byChannel[c] ?? 0 })),
        },
      ],
    }),
    [o],
  );
  const typeOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 40, right: 16, top: 16, bottom: 30 },
      xAxis: { type: 'category', data: PROBLEM_TYPES.map((p) => SHORT_TYPE[p]) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', data: PROBLEM_TYPES.map((p) => o?.byProblemType[p] ?? 0), itemStyle: { color: '#b7282e' } }],
    }),
    [o],
  );
  const deptOption = useMemo(() => {
    const items = perDept.data ?? [];
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 40, right: 50, top: 30, bottom: 60 },
      xAxis: { type: 'category', data: items.map((d) => d.name), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: [
        { type: 'value', name: '件', minInterval: 1 },
        { type: 'value', name: '按时办结率', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      ],
      series: [
        { name: '受理', type: 'bar', data: items.map((d) => d.received), itemStyle: { color: '#1f5fbf' } },
        { name: '差评', type: 'bar', data: items.map((d) => d.badReviews), itemStyle: { color: '#cf1322' } },
        {
          name: '按时办结率',
          type: 'line',
          yAxisIndex: 1,
          data: items.map((d) => (d.onTimeRate === null ? null : Math.round(d.onTimeRate * 1000) / 10)),
        },
      ],
    };
  }, [perDept.data]);

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Card size="small">
        <Space wrap>
          <Typography.Text strong>统计期间（按登记日期）</Typography.Text>
          <DatePicker.RangePicker
            allowClear={false}
            value={[dayjs(range[0]), dayjs(range[1])]}
            onChange={(v) => v?.[0] && v[1] && setRange([v[0].format('YYYY-MM-DD'), v[1].format('YYYY-MM-DD')])}
          />
          {user.role !== 'handler' && (
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              placeholder="全部牵头部门"
              style={{ width: 200 }}
              value={department}
              onChange={setDepartment}
              options={departmentOptions(departments)}
            />
          )}
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
          <Row gutter={12}>
            {[
              ['受理', o.received, '件'],
              ['当场办结', o.resolvedOnSpot, '件'],
              ['不予受理', o.rejected, '件'],
              ['办结', o.completed, '件'],
              ['按时办结率', pct(o.onTimeRate), ''],
              ['满意率', pct(o.satisfactionRate), ''],
              ['差评', o.badReviews, '件'],
              ['超期未办结', o.overdueOpen, '件'],
            ].map(([title, value, suffix]) => (
              <Col span={3} key={String(title)}>
                <Card size="small">
                  <Statistic title={title} value={value as string | number} suffix={suffix} valueStyle={title === '超期未办结' && Number(value) > 0 ? { color: '#cf1322' } : undefined} />
                </Card>
              </Col>
            ))}
          </Row>
          <Row gutter={12}>
            <Col span={10}>
              <Card title="反映渠道" size="small">
                <EChart option={channelOption} height={280} testId="chart-channel" />
              </Card>
            </Col>
            <Col span={14}>
              <Card title="问题类型" size="small">
                <EChart option={typeOption} height={280} testId="chart-type" />
              </Card>
            </Col>
          </Row>
        </>
      )}
      <Card title="分部门（按牵头部门）" size="small">
        {perDept.isPending ? (
          <Skeleton active paragraph={{ rows: 6 }} />
        ) : (perDept.data ?? []).length === 0 ? (
          <Empty description="期间内没有交办到部门的反映件" />
        ) : (
          <>
            <EChart option={deptOption} height={320} testId="chart-departments" />
            <Table<DepartmentStats>
              size="small"
              rowKey="department"
              pagination={false}
              dataSource={perDept.data}
              columns={[
                { title: '部门', dataIndex: 'name' },
                { title: '受理', dataIndex: 'received' },
                { title: '办结', dataIndex: 'completed' },
                { title: '按时办结率', dataIndex: 'onTimeRate', render: pct },
                { title: '回访', dataIndex: 'callbacks' },
                { title: '满意率', dataIndex: 'satisfactionRate', render: pct },
                { title: '差评', dataIndex: 'badReviews' },
                { title: '差评属实', dataIndex: 'badReviewsSubstantiated' },
                { title: '超期未办结', dataIndex: 'overdueOpen' },
              ]}
            />
          </>
        )}
      </Card>
    </Space>
  );
}
