/**
 * 部门考核: per lead department the period's figures, 通报 / 督办 / 线索移送, the score and the rank
 * (GET /assessment). Departments under the minimum sample are listed but not ranked (样本不足).
 * The formula is the server's own text; the period lives in the URL; the Excel table and the Word
 * draft of the 考核情况通报 download with the same period.
 */
import { useEffect, useMemo } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, DatePicker, Empty, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { FileExcelOutlined, FileWordOutlined, TrophyOutlined } from '@ant-design/icons';
import { api, API_BASE, toQuery } from '../api/client';
import type { AssessmentAnswer, AssessmentRow } from '../api/types';
import { StatTitle } from '../components/StatTitle';
import { dayjs, shanghaiToday } from '../lib/time';
import { ledgerUrl, readScope } from '../lib/ledgerLinks';

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`);

export default function AssessmentPage() {
  const today = shanghaiToday();
  const [sp, setSp] = useSearchParams();
  const { from, to } = useMemo(() => readScope(sp, today), [sp, today]);
  useEffect(() => {
    document.title = '部门考核 · 办成事';
  }, []);
  const q = useQuery({
    queryKey: ['assessment', from, to],
    queryFn: () => api<AssessmentAnswer>(`/assessment${toQuery({ from, to })}`),
  });
  const period = toQuery({ from, to });
  const rows = q.data?.items ?? [];
  const ranked = rows.filter((r) => r.ranked).length;

  const columns: ColumnsType<AssessmentRow> = [
    {
      title: '排名',
      dataIndex: 'rank',
      width: 56,
      fixed: 'left',
      align: 'center',
      render: (v: number | null, r) =>
        r.ranked && v !== null ? (
          <span className={v <= 3 ? 'bcs-rank-top' : undefined}>
            {v <= 3 && <TrophyOutlined style={{ marginInlineEnd: 4 }} />}
            {v}
          </span>
        ) : (
          '—'
        ),
    },
    {
      title: '部门',
      dataIndex: 'name',
      width: 140,
      fixed: 'left',
      render: (v: string, r) => (
        <Space size={4} wrap>
          <Link to={ledgerUrl({ from, to, department: r.department })}>{v}</Link>
          {!r.ranked && (
            <Tooltip title={r.note ?? '样本不足，不参与排名'}>
              <Tag data-testid="unranked">样本不足</Tag>
            </Tooltip>
          )}
        </Space>
      ),
    },
    {
      title: <StatTitle compact field="score" label="得分" extra={q.data?.formula.text} />,
      dataIndex: 'score',
      align: 'right',
      width: 72,
      fixed: 'left',
      render: (v: number | null, r) => (v === null ? '—' : <b style={{ color: r.ranked ? undefined : '#666' }}>{v.toFixed(1)}</b>),
    },
    { title: <StatTitle compact field="received" label="受理" />, dataIndex: 'received', align: 'right', width: 56 },
    { title: <StatTitle compact field="completed" label="办结" />, dataIndex: 'completed', align: 'right', width: 56 },
    { title: <StatTitle compact field="onTimeRate" />, dataIndex: 'onTimeRate', align: 'right', render: pct, width: 96 },
    { title: <StatTitle compact field="callbacks" label="回访" />, dataIndex: 'callbacks', align: 'right', width: 56 },
    { title: <StatTitle compact field="satisfactionRate" />, dataIndex: 'satisfactionRate', align: 'right', render: pct, width: 76 },
    { title: <StatTitle compact field="badReviews" label="差评" />, dataIndex: 'badReviews', align: 'right', width: 56 },
    { title: <StatTitle compact field="badReviewsSubstantiated" />, dataIndex: 'badReviewsSubstantiated', align: 'right', width: 80 },
    { title: <StatTitle compact field="circulations" label="通报" extra="期间内（按通报日期）对该部门作出的全县通报次数；每次扣分见计分办法。" />, dataIndex: 'circulations', align: 'right', width: 56 },
    { title: <StatTitle compact field="supervisions" label="督办" extra="期间内（按督办日期）对该部门下发的督办单数。" />, dataIndex: 'supervisions', align: 'right', width: 56 },
    { title: <StatTitle compact field="referrals" label="线索移送" extra="期间内（按移送日期）涉及该部门、移交县纪委监委的问题线索数。" />, dataIndex: 'referrals', align: 'right', width: 80 },
    {
      title: <StatTitle compact field="overdueOpen" />,
      width: 80,
      dataIndex: 'overdueOpen',
      align: 'right',
      render: (v: number, r) =>
        v > 0 ? (
          <Link to={ledgerUrl({ from, to, department: r.department }, { overdue: 'true' })} style={{ color: '#cf1322' }}>
            {v}
          </Link>
        ) : (
          v
        ),
    },
  ];

  return (
    <Card
      title={<h1 className="bcs-page-title">部门考核</h1>}
      extra={
        <Space>
          <Button icon={<FileExcelOutlined />} href={`${API_BASE}/assessment.xlsx${period}`} download data-testid="assessment-xlsx">
            导出 Excel
          </Button>
          <Button icon={<FileWordOutlined />} href={`${API_BASE}/assessment.docx${period}`} download data-testid="assessment-docx">
            考核情况通报（Word）
          </Button>
        </Space>
      }
    >
      <Space direction="vertical" size={12} style={{ width: '100%' }}>
        <Space wrap>
          <Typography.Text strong>考核期间（按登记日期）</Typography.Text>
          <DatePicker.RangePicker
            aria-label="考核期间"
            allowClear={false}
            value={[dayjs(from), dayjs(to)]}
            onChange={(v) =>
              v?.[0] && v[1] && setSp(new URLSearchParams({ from: v[0].format('YYYY-MM-DD'), to: v[1].format('YYYY-MM-DD') }), { replace: true })
            }
          />
        </Space>
        {q.data && (
          <Alert
            type="info"
            showIcon
            data-testid="assessment-formula"
            message="计分办法"
            description={q.data.formula.text}
          />
        )}
        {q.error ? (
          <Empty description={(q.error as Error).message} />
        ) : (
          <Table<AssessmentRow>
            data-testid="assessment-table"
            size="small"
            rowKey="department"
            loading={q.isPending}
            columns={columns}
            dataSource={rows}
            pagination={false}
            scroll={{ x: 1000 }}
            className="bcs-nowrap-head"
            rowClassName={(r) => (r.ranked ? '' : 'row-unranked')}
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="期间内没有交办到部门的反映件" /> }}
            footer={() =>
              q.data ? (
                <Typography.Text type="secondary">
                  共 {rows.length} 个部门，{ranked} 个参与排名；受理少于 {q.data.formula.minSample} 件的部门列出但不排名（样本不足）。
                </Typography.Text>
              ) : null
            }
          />
        )}
      </Space>
    </Card>
  );
}
