/**
 * 反复出现的问题 (GET /optimization/recurring): in a period, the matters reported again and again,
 * the lead departments × problem types that keep coming back, and reporters back on the same
 * matter. Each line opens the 台账 rows behind it; the period lives in the URL.
 */
import { useEffect, useMemo } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { Card, Col, DatePicker, Empty, Row, Space, Table, Tag, Typography } from 'antd';
import { PROBLEM_TYPE_LABELS } from '../../../../core/domain';
import { api, toQuery } from '../../api/client';
import type { RecurringAnswer } from '../../api/types';
import { useDepartmentNames } from '../../api/queries';
import { dayjs, shanghaiToday } from '../../lib/time';
import { ledgerUrl, readScope, SHORT_TYPE } from '../../lib/ledgerLinks';

export default function RecurringPage() {
  const today = shanghaiToday();
  const [sp, setSp] = useSearchParams();
  const { from, to } = useMemo(() => readScope(sp, today), [sp, today]);
  const names = useDepartmentNames();
  useEffect(() => {
    document.title = '反复出现的问题 · 办成事';
  }, []);
  const q = useQuery({
    queryKey: ['recurring', from, to],
    queryFn: () => api<RecurringAnswer>(`/optimization/recurring${toQuery({ from, to })}`),
  });
  const scope = { from, to };
  const d = q.data;
  const empty = (text: string) => ({ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={text} /> });

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Card size="small">
        <Space wrap>
          <h1 className="bcs-page-title">反复出现的问题</h1>
          <Typography.Text strong>期间（按登记日期）</Typography.Text>
          <DatePicker.RangePicker
            aria-label="期间"
            allowClear={false}
            value={[dayjs(from), dayjs(to)]}
            onChange={(v) =>
              v?.[0] && v[1] && setSp(new URLSearchParams({ from: v[0].format('YYYY-MM-DD'), to: v[1].format('YYYY-MM-DD') }), { replace: true })
            }
          />
          <Typography.Text type="secondary">期间内出现两次及以上的才列出；点击可查看对应台账</Typography.Text>
        </Space>
      </Card>
      {q.error ? (
        <Card>
          <Empty description={(q.error as Error).message} />
        </Card>
      ) : (
        <Row gutter={12}>
          <Col span={12}>
            <Card title="反复出现的事项" size="small" data-testid="recurring-matters">
              <Table
                size="small"
                rowKey="matter"
                loading={q.isPending}
                pagination={false}
                dataSource={d?.matters ?? []}
                locale={empty('期间内没有反复出现的事项')}
                columns={[
                  {
                    title: '事项名称',
                    dataIndex: 'matter',
                    render: (v: string) => <Link to={ledgerUrl(scope, { matter: v })}>{v}</Link>,
                  },
                  { title: '件数', dataIndex: 'count', align: 'right', width: 70 },
                  { title: '牵头部门数', dataIndex: 'departments', align: 'right', width: 100 },
                ]}
              />
            </Card>
          </Col>
          <Col span={12}>
            <div style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
              <Card title="部门 × 问题类型" size="small" data-testid="recurring-departments">
                <Table
                  size="small"
                  rowKey={(r) => `${r.department}:${r.problemType}`}
                  loading={q.isPending}
                  pagination={false}
                  dataSource={d?.departmentProblemTypes ?? []}
                  locale={empty('期间内没有集中出现的部门问题')}
                  columns={[
                    { title: '牵头部门', dataIndex: 'department', render: (v: string) => names.get(v) ?? v },
                    {
                      title: '问题类型',
                      dataIndex: 'problemType',
                      render: (v: string) => (
                        <span>
                          <Tag>{SHORT_TYPE[v] ?? v}</Tag>
                          {PROBLEM_TYPE_LABELS[v as keyof typeof PROBLEM_TYPE_LABELS] ?? ''}
                        </span>
                      ),
                    },
                    {
                      title: '件数',
                      dataIndex: 'count',
                      align: 'right',
                      width: 70,
                      render: (v: number, r) => <Link to={ledgerUrl({ ...scope, department: r.department }, { problemType: r.problemType })}>{v}</Link>,
                    },
                  ]}
                />
              </Card>
              <Card title="同一反映人再次反映同一事项" size="small" data-testid="recurring-reporters">
                <Table
                  size="small"
                  rowKey={(r) => `${r.phone}:${r.matter}:${r.firstCaseNo}`}
                  loading={q.isPending}
                  pagination={false}
                  dataSource={d?.repeatReporters ?? []}
                  locale={empty('期间内没有重复反映')}
                  columns={[
                    { title: '联系电话', dataIndex: 'phone', width: 120 },
                    { title: '事项名称', dataIndex: 'matter' },
                    { title: '次数', dataIndex: 'count', align: 'right', width: 60 },
                    {
                      title: '首次 / 最近',
                      render: (_: unknown, r) => (
                        <Space size={4}>
                          <Link to={`/cases${toQuery({ q: r.firstCaseNo })}`}>{r.firstCaseNo}</Link>/
                          <Link to={`/cases${toQuery({ q: r.lastCaseNo })}`}>{r.lastCaseNo}</Link>
                        </Space>
                      ),
                    },
                  ]}
                />
              </Card>
            </div>
          </Col>
        </Row>
      )}
    </Space>
  );
}
