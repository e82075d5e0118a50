/**
 * 工作台: what waits for me (counted by kind), what is overdue (red) or due within a working day
 * (orange), and what happened lately. Each role sees its own desk: clerks a big 登记 button,
 * leaders the escalations to approve, supervisors the completions copied to them and the open
 * 差评 verifications.
 *
 * Counts are computed from GET /cases (up to 200 per kind, shown as "200+" beyond); see
 * docs/WEB.md for the endpoint that would answer them in one call.
 */
import { useEffect, useMemo } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useQueries, useQuery } from '@tanstack/react-query';
import { Badge, Button, Card, Col, Empty, List, Row, Skeleton, Space, Statistic, Tag, Typography } from 'antd';
import { FormOutlined } from '@ant-design/icons';
import type { Role } from '../../../core/domain';
import { ROLE_LABELS } from '../../../core/domain';
import { api, toQuery } from '../api/client';
import type { CaseDetail, CasePage, CaseSummary, SessionUser, TimelineEntry } from '../api/types';
import { useCalendarYears, useDepartmentNames, useSettings } from '../api/queries';
import { useUser } from '../auth/AuthContext';
import { DeadlineText, StatusTag } from '../components/CaseTags';
import { canIntake } from '../lib/roles';
import { deadlineTone, formatDateTime, shanghaiToday } from '../lib/time';
import { eventLines, eventTitle } from '../lib/events';

const LIMIT = 200;

/** One kind of work waiting for the user: the list filter and, for handlers, who leads. */
interface TodoKind {
  key: string;
  label: string;
  status: string;
  /** Only cases whose lead department is the user's (handlers: sign and complete are the lead's). */
  mustLead?: boolean;
  /** Only cases where the user's department is a co-department. */
  coOnly?: boolean;
  /** Further narrowing the list filter cannot express. */
  where?: (c: CaseSummary) => boolean;
}

export function todoKinds(user: SessionUser): TodoKind[] {
  switch (user.role) {
    case 'clerk':
      return [{ key: 'received', label: '已登记待受理', status: 'received' }];
    case 'coordinator':
      return [
        { key: 'received', label: '待受理', status: 'received' },
        { key: 'accepted', label: '待交办', status: 'accepted' },
        { key: 'completed', label: '待回访', status: 'completed' },
        { key: 'verifying', label: '差评待核查', status: 'verifying' },
        { key: 'extension', label: '延期待审批', status: 'assigned,in_progress,escalating', where: (c) => !!c.pendingExtension },
      ];
    case 'handler':
      return [
        { key: 'assigned', label: '待签收', status: 'assigned', mustLead: true },
        { key: 'in_progress', label: '办理中待办结', status: 'in_progress', mustLead: true },
        { key: 'co', label: '协办中', status: 'assigned,in_progress', coOnly: true },
      ];
    case 'leader':
      return [{ key: 'escalating', label: '提级待审批', status: 'escalating' }];
    case 'supervisor':
      return [{ key: 'verifying', label: '差评待核查', status: 'verifying' }];
    case 'admin':
      return [];
  }
}

function matches(kind: TodoKind, c: CaseSummary, user: SessionUser): boolean {
  if (kind.where && !kind.where(c)) return false;
  if (kind.mustLead) return c.leadDepartment === user.department;
  if (kind.coOnly) return c.leadDepartment !== user.department && !!user.department && c.coDepartments.includes(user.department);
  return true;
}

const listCases = (params: Record<string, string | number | undefined>) => api<CasePage>(`/cases${toQuery({ limit: LIMIT, ...params })}`);

/** Roles that watch deadlines. */
const DEADLINE_ROLES: readonly Role[] = ['coordinator', 'handler', 'leader', 'supervisor'];

function CaseLine({ c, soon }: { c: CaseSummary; soon: number }) {
  return (
    <List.Item>
      <div style={{ width: '100%' }}>
        <Space size={8} wrap>
          <Link to={`/cases/${c.id}`}>{c.caseNo}</Link>
          <StatusTag status={c.status} />
          <Typography.Text ellipsis style={{ maxWidth: 320 }}>
            {c.matter}
          </Typography.Text>
        </Space>
        <div style={{ fontSize: 13, color: '#666' }}>
          {c.leadDepartmentName ? `${c.leadDepartmentName} · ` : ''}
          {c.completedAt && ['completed', 'verifying', 'closed'].includes(c.status) ? (
            `办结于 ${formatDateTime(c.completedAt)}`
          ) : c.dueAt ? (
            <DeadlineText c={c} soonDays={soon} />
          ) : (
            `登记于 ${formatDateTime(c.receivedAt)}`
          )}
        </div>
      </div>
    </List.Item>
  );
}

function CaseList({ title, items, loading, empty, soon, extra, testId }: {
  title: React.ReactNode;
  items: CaseSummary[];
  loading: boolean;
  empty: string;
  soon: number;
  extra?: React.ReactNode;
  testId?: string;
}) {
  return (
    <Card title={title} size="small" extra={extra} data-testid={testId}>
      {loading ? (
        <Skeleton active paragraph={{ rows: 4 }} />
      ) : (
        <List
          size="small"
          dataSource={items.slice(0, 8)}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={empty} /> }}
          renderItem={(c) => <CaseLine c={c} soon={soon} />}
        />
      )}
    </Card>
  );
}

export default function DashboardPage() {
  const user = useUser();
  const navigate = useNavigate();
  const names = useDepartmentNames();
  const { data: settings } = useSettings();
  const soon = settings?.dueSoonWorkingDays ?? 1;
  const kinds = useMemo(() => todoKinds(user), [user]);
  const watchDeadlines = DEADLINE_ROLES.includes(user.role);
  useEffect(() => {
    document.title = '工作台 · 办成事';
  }, []);

  const todo = useQueries({
    queries: kinds.map((k) => ({
      queryKey: ['dashboard', 'todo', k.key],
      queryFn: () => listCases({ status: k.status }),
    })),
  });
  const open = useQuery({
    queryKey: ['dashboard', 'open'],
    queryFn: () => listCases({ status: 'assigned,in_progress,escalating' }),
    enabled: watchDeadlines,
  });
  const recent = useQuery({ queryKey: ['dashboard', 'recent'], queryFn: () => listCases({ limit: 8 }) });
  const completions = useQuery({
    queryKey: ['dashboard', 'completions'],
    queryFn: () => listCases({ status: 'completed,verifying,closed' }),
    enabled: user.role === 'supervisor',
  });

  const todoItems = kinds.map((k, i) => {
    const page = todo[i]?.data;
    const items = (page?.items ?? []).filter((c) => matches(k, c, user));
    return { kind: k, items, more: !!page?.nextCursor, loading: !!todo[i]?.isPending };
  });
  const openCases = open.data?.items ?? [];
  const overdue = openCases.filter((c) => deadlineTone(c, soon) === 'overdue');
  const dueSoon = openCases.filter((c) => deadlineTone(c, soon) === 'soon');

  // Recent activity: the latest timeline events of the cases on this desk and the newest cases.
  const todoIdsKey = todoItems.map((t) => t.items.slice(0, 4).map((c) => c.id).join(',')).join(',');
  const recentIdsKey = (recent.data?.items ?? []).map((c) => c.id).join(',');
  const activityIds = useMemo(() => {
    const ids = new Set<number>();
    for (const part of `${todoIdsKey},${recentIdsKey}`.split(',')) if (part) ids.add(Number(part));
    return [...ids].sort((a, b) => b - a).slice(0, 6);
  }, [todoIdsKey, recentIdsKey]);
  const details = useQueries({
    queries: activityIds.map((id) => ({ queryKey: ['case', String(id)], queryFn: () => api<CaseDetail>(`/cases/${id}`) })),
  });
  const activity = details
    .flatMap((d) => (d.data ? d.data.events.map((e, i) => ({ e, c: d.data!, i })) : []))
    // Newest first; events of one case in the same second keep their timeline order.
    .sort((a, b) => Date.parse(b.e.at) - Date.parse(a.e.at) || (a.c.id === b.c.id ? b.i - a.i : b.c.id - a.c.id))
    .slice(0, 10);
  const activityLoading = recent.isPending || details.some((d) => d.isPending);
  const deptName = (code: string) => names.get(code) ?? code;

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Card size="small">
        <Row align="middle" justify="space-between">
          <Col>
            <Typography.Title level={4} style={{ margin: 0 }}>
              {user.name}，您好
            </Typography.Title>
            <Typography.Text type="secondary">
              {ROLE_LABELS[user.role]}
              {user.department ? ` · ${deptName(user.department)}` : ''} · 今天是 {shanghaiToday()}
            </Typography.Text>
          </Col>
          {canIntake(user.role) && (
            <Col>
              <Button type="primary" size="large" className="bcs-big-button" icon={<FormOutlined />} onClick={() => navigate('/intake')}>
                登记
              </Button>
            </Col>
          )}
        </Row>
      </Card>

      {kinds.length > 0 && (
        <Card title="我的待办" size="small" data-testid="todo">
          <Row gutter={12}>
            {todoItems.map(({ kind, items, more, loading }) => (
              <Col key={kind.key} flex="1 1 0">
                <Card
                  size="small"
                  hoverable
                  className="bcs-todo-card"
                  data-testid={`todo-${kind.key}`}
                  onClick={() =>
                    navigate(
                      `/cases${toQuery({ status: kind.status, department: kind.mustLead || kind.coOnly ? (user.department ?? undefined) : undefined })}`,
                    )
                  }
                >
                  {loading ? (
                    <Skeleton active paragraph={false} />
                  ) : (
                    <Statistic
                      title={kind.label}
                      value={more ? `${items.length}+` : items.length}
                      valueStyle={{ color: items.length ? '#b7282e' : undefined }}
                      suffix="件"
                    />
                  )}
                </Card>
              </Col>
            ))}
          </Row>
        </Card>
      )}

      <Row gutter={12}>
        {watchDeadlines && (
          <Col span={12}>
            <Space direction="vertical" size={12} style={{ width: '100%' }}>
              <CaseList
                testId="overdue-list"
                title={
                  <span>
                    <Badge color="red" /> 超期 <Tag color="red">{overdue.length}</Tag>
                  </span>
                }
                items={overdue}
                loading={open.isPending}
                empty="没有超期的反映件"
                soon={soon}
                extra={<Link to="/cases?overdue=true">全部</Link>}
              />
              <CaseList
                testId="due-soon-list"
                title={
                  <span>
                    <Badge color="orange" /> {soon} 个工作日内到期 <Tag color="orange">{dueSoon.length}</Tag>
                  </span>
                }
                items={dueSoon}
                loading={open.isPending}
                empty="近期没有到期的反映件"
                soon={soon}
              />
            </Space>
          </Col>
        )}
        <Col span={watchDeadlines ? 12 : 24}>
          <Space direction="vertical" size={12} style={{ width: '100%' }}>
            {user.role === 'leader' && (
              <CaseList
                testId="escalations"
                title="待审批的提级申请"
                items={todoItems[0]?.items ?? []}
                loading={!!todoItems[0]?.loading}
                empty="没有待审批的提级申请"
                soon={soon}
              />
            )}
            {user.role === 'supervisor' && (
              <>
                <CaseList
                  testId="verifications"
                  title="待核查的差评"
                  items={todoItems[0]?.items ?? []}
                  loading={!!todoItems[0]?.loading}
                  empty="没有待核查的差评"
                  soon={soon}
                />
                <CaseList
                  testId="completions"
                  title="最近办结（抄报备案）"
                  items={[...(completions.data?.items ?? [])]
                    .filter((c) => c.completedAt)
                    .sort((a, b) => Date.parse(b.completedAt!) - Date.parse(a.completedAt!))}
                  loading={completions.isPending}
                  empty="暂无办结的反映件"
                  soon={soon}
                />
              </>
            )}
            {(user.role === 'clerk' || user.role === 'coordinator' || user.role === 'handler') && (
              <CaseList
                testId="todo-list"
                title="待我处理"
                items={todoItems.flatMap((t) => (t.kind.coOnly ? [] : t.items))}
                loading={todoItems.some((t) => t.loading)}
                empty="暂无待办"
                soon={soon}
              />
            )}
            <Card title="最近动态" size="small" data-testid="activity">
              {activityLoading ? (
                <Skeleton active paragraph={{ rows: 5 }} />
              ) : activity.length ? (
                <List
                  size="small"
                  dataSource={activity}
                  renderItem={({ e, c }: { e: TimelineEntry; c: CaseDetail; i: number }) => (
                    <List.Item>
                      <div style={{ width: '100%' }}>
                        <Space size={8} wrap>
                          <Typography.Text type="secondary">{formatDateTime(e.at)}</Typography.Text>
                          <Link to={`/cases/${c.id}`}>{c.caseNo}</Link>
                          <Typography.Text strong>{eventTitle(e.type)}</Typography.Text>
                          <Typography.Text type="secondary">{e.byName}</Typography.Text>
                        </Space>
                        <div style={{ fontSize: 13, color: '#666' }}>{eventLines(e, deptName).slice(0, 1).join('') || c.matter}</div>
                      </div>
                    </List.Item>
                  )}
                />
              ) : (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无动态" />
              )}
            </Card>
            {user.role === 'admin' && <AdminDesk />}
          </Space>
        </Col>
      </Row>
    </Space>
  );
}

function AdminDesk() {
  const { data: yearInfo, isPending } = useCalendarYears();
  const years = { isPending, data: yearInfo?.map((y) => y.year) };
  const nextYear = Number(shanghaiToday().slice(0, 4)) + 1;
  const missing = years.data && !years.data.includes(nextYear);
  return (
    <Card title="系统管理" size="small" data-testid="admin-desk">
      {years.isPending ? (
        <Skeleton active paragraph={{ rows: 2 }} />
      ) : (
        <Space direction="vertical">
          <Typography.Text>
            已录入节假日安排的年份：{years.data?.length ? years.data.join('、') : '无'}
          </Typography.Text>
          {missing && (
            <Typography.Text type="warning">
              {nextYear} 年的节假日安排尚未录入：跨入该年的时限暂按周一至周五计算并标为“临时”。国务院公布后请在
              <Link to="/admin/calendar"> 节假日日历 </Link>中录入。
            </Typography.Text>
          )}
          <Space>
            <Link to="/admin/users">用户管理</Link>
            <Link to="/admin/departments">部门管理</Link>
            <Link to="/admin/calendar">节假日日历</Link>
          </Space>
        </Space>
      )}
    </Card>
  );
}
