/**
 * 工作台: what waits for me (counted by kind on the server, GET /cases/todo, each card opening the
 * ledger query the server gives), what is overdue (red) or due within a working day (orange), and
 * what happened lately (GET /activity). Each role sees its own desk: clerks a big 登记 button,
 * leaders the escalations to approve, supervisors the completions copied to them and the open 差评
 * verifications.
 */
import { memo, useEffect, useMemo } from 'react';
import { useNavigate } from 'react-router-dom';
import { LiteLink } from '../components/LiteLink';
import { useQueries, useQuery } from '@tanstack/react-query';
import { Button, Card, Empty, Skeleton, Space, Typography } from 'antd';
import { FormOutlined } from '@ant-design/icons';
import type { Role } from '../../../core/domain';
import { ROLE_LABELS } from '../../../core/domain';
import { api, toQuery } from '../api/client';
import type { ActivityItem, CasePage, CaseSummary, TodoAnswer } from '../api/types';
import { useCalendarYears, useDepartmentNames, useSettings } from '../api/queries';
import { useUser } from '../auth/AuthContext';
import { DeadlineText, StageDeadline, stageOverdueLabel, StatusTag } from '../components/CaseTags';
import { LiteCard, LiteDot, LiteList, LiteListItem, LiteSkeleton, LiteStack, LiteText } from '../components/LiteList';
import { LiteTag, useAntdHash } from '../components/LiteTag';
import { can } from '../../../core/permissions';
import { isCompletedStatus } from '../../../core/clocks';
import { dayjs, formatDateTime, formatShortDateTime, shanghaiToday } from '../lib/time';
import { eventTitle } from '../lib/events';
import { usePhone } from '../lib/usePhone';
import { DASHBOARD_ACTIVITY_PATH, DASHBOARD_CO_KIND, DASHBOARD_SHOWN, DASHBOARD_STAGE_OVERDUE_QUERY, DASHBOARD_TODO_PATH, dashboardListPath } from '../api/pageRequests';

/**
 * Cases shown in a list on the desk: at 1366×768 the lists sit side by side in up to three columns
 * under one compact bar (counts, 登记), so every list starts above the fold.
 */
const SHOWN = 5;
/** The to-do list (the desk's main list) shows a few more. */
const TODO_SHOWN = 8;
/** The kind of to-do that is help given to another department (not in 待我处理). */
const CO_KIND = DASHBOARD_CO_KIND;

const listCases = (query: string, limit: number) => api<CasePage>(dashboardListPath(query, limit));

/** Roles that watch deadlines. */

/** A row re-renders only when its case changed (the desk renders again as each of its reads answers). */
const CaseLine = memo(function CaseLine({ c }: { c: CaseSummary }) {
  return (
    <LiteListItem>
      <div style={{ width: '100%', minWidth: 0 }}>
        <div className="bcs-case-line">
          <LiteLink to={`/cases/${c.id}`}>{c.caseNo}</LiteLink>
          <StatusTag status={c.status} />
          {/* CSS ellipsis: antd's measured one forced a layout per row (90 ms for the 工作台). */}
          <span className="bcs-ellipsis" title={c.matter}>
            {c.matter}
          </span>
        </div>
        <div className="bcs-case-line-sub">
          {c.leadDepartmentName ? `${c.leadDepartmentName} · ` : ''}
          {c.stageOverdue && c.stageDueAt !== c.dueAt ? (
            <StageDeadline c={c} short />
          ) : c.completedAt && isCompletedStatus(c.status) ? (
            `办结于 ${formatShortDateTime(c.completedAt)}`
          ) : c.dueAt ? (
            <DeadlineText c={c} short />
          ) : (
            `登记于 ${formatShortDateTime(c.receivedAt)}`
          )}
        </div>
      </div>
    </LiteListItem>
  );
});

function CaseList({ title, items, loading, empty, extra, testId, shown = SHOWN }: {
  title: React.ReactNode;
  items: CaseSummary[];
  loading: boolean;
  empty: string;
  extra?: React.ReactNode;
  testId?: string;
  shown?: number;
}) {
  return (
    <LiteCard title={title} extra={extra} data-testid={testId}>
      {loading ? (
        <LiteSkeleton rows={4} />
      ) : (
        <LiteList empty={<Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={empty} />}>
          {items.slice(0, shown).map((c) => (
            <CaseLine key={c.id} c={c} />
          ))}
        </LiteList>
      )}
    </LiteCard>
  );
}

export default function DashboardPage() {
  const user = useUser();
  const phone = usePhone();
  const navigate = useNavigate();
  const names = useDepartmentNames();
  const { data: settings } = useSettings();
  const watchDeadlines = can(user.role, 'watchDeadlines');
  const hash = useAntdHash();
  useEffect(() => {
    document.title = '工作台 · 办成事';
  }, []);

  const todo = useQuery({ queryKey: ['dashboard', 'todo'], queryFn: () => api<TodoAnswer>(DASHBOARD_TODO_PATH) });
  const soon = todo.data?.dueSoonWorkingDays ?? settings?.dueSoonWorkingDays ?? 1;
  const kinds = todo.data?.items ?? [];
  // The lists behind the cards (a few rows each), only for kinds that have any.
  const listKinds = kinds.filter((k) => k.kind !== CO_KIND && k.count > 0);
  const lists = useQueries({
    queries: listKinds.map((k) => ({ queryKey: ['dashboard', 'list', k.kind, k.query], queryFn: () => listCases(k.query, TODO_SHOWN) })),
  });
  const mineQuery = user.role === 'handler' && user.department ? toQuery({ lead: user.department }).slice(1) : '';
  const overdueList = useQuery({
    queryKey: ['dashboard', 'overdue', todo.data?.overdueQuery],
    // The longest overdue first (the list API's deadline order).
    queryFn: () => listCases(`${todo.data?.overdueQuery ?? `${mineQuery}${mineQuery ? '&' : ''}overdue=true`}&sort=due`, DASHBOARD_SHOWN),
    enabled: watchDeadlines && !!todo.data && todo.data.overdue > 0,
  });
  // Due soon: filtered on the server (`dueSoon=true`, within the setting's working days).
  const dueSoonQuery = `dueSoon=true${mineQuery ? `&${mineQuery}` : ''}`;
  const dueSoonList = useQuery({
    queryKey: ['dashboard', 'due-soon', dueSoonQuery],
    queryFn: () => listCases(`${dueSoonQuery}&sort=due`, 50),
    enabled: watchDeadlines && !!todo.data && todo.data.dueSoon > 0,
  });
  // Cases past the clock of the stage they wait in (受理, 办理, 回访, 核查): for those who watch the whole county.
  const watchStages = can(user.role, 'watchStageClocks');
  const stageOverdueList = useQuery({
    queryKey: ['dashboard', 'stage-overdue'],
    queryFn: () => listCases(DASHBOARD_STAGE_OVERDUE_QUERY, 50),
    enabled: watchStages,
  });
  const completions = useQuery({
    queryKey: ['dashboard', 'completions'],
    queryFn: () => listCases(toQuery({ status: 'completed,verifying,closed', completedFrom: dayjs(shanghaiToday()).subtract(30, 'day').format('YYYY-MM-DD') }).slice(1), 50),
    enabled: user.role === 'supervisor',
  });
  const activity = useQuery({ queryKey: ['dashboard', 'activity'], queryFn: () => api<{ items: ActivityItem[] }>(DASHBOARD_ACTIVITY_PATH).then((r) => r.items) });

  const listOf = (kind: string): { items: CaseSummary[]; loading: boolean } => {
    const i = listKinds.findIndex((k) => k.kind === kind);
    if (todo.isPending) return { items: [], loading: true };
    if (i < 0) return { items: [], loading: false };
    return { items: lists[i]?.data?.items ?? [], loading: !!lists[i]?.isPending };
  };
  const mine = useMemo(() => {
    const seen = new Set<number>();
    return lists
      .flatMap((l) => l.data?.items ?? [])
      .filter((c) => (seen.has(c.id) ? false : (seen.add(c.id), true)))
      .sort((a, b) => Date.parse(b.receivedAt) - Date.parse(a.receivedAt));
  }, [lists]);
  const overdue = todo.data && todo.data.overdue > 0 ? (overdueList.data?.items ?? []) : [];
  const dueSoon = todo.data && todo.data.dueSoon > 0 ? (dueSoonList.data?.items ?? []) : [];
  const deptName = (code: string) => names.get(code) ?? code;
  const firstKind = kinds[0]?.kind ?? '';
  // The card lists the first few; the link opens them all in the ledger.
  // 待回访 opens the 回访工作台 (worked through there without case pages); every other kind the ledger.
  const hrefOf = (k: { kind: string; query: string }) =>
    k.kind === 'to_callback' && can(user.role, 'callbackDesk') ? '/callbacks' : `/cases${k.query ? `?${k.query}` : ''}`;
  const allOf = (k: { kind: string; query: string; count: number } | undefined) =>
    k && k.count > 0 ? <LiteLink to={hrefOf(k)}>全部 {k.count} 件</LiteLink> : undefined;
  const totalTodo = kinds.filter((k) => k.kind !== CO_KIND).reduce((n, k) => n + k.count, 0);

  const overdueCard = watchDeadlines && (
    <CaseList
      key="overdue"
      testId="overdue-list"
      title={
        <span>
          <LiteDot color="red" /> 超期 <LiteTag color="red">{todo.data?.overdue ?? 0}</LiteTag>
        </span>
      }
      items={overdue}
      loading={todo.isPending || (overdueList.isPending && overdueList.fetchStatus !== 'idle')}
      empty="没有超期的反映件"
      extra={<LiteLink to={`/cases?${todo.data?.overdueQuery ?? 'overdue=true'}&sort=due`}>全部</LiteLink>}
    />
  );
  const stageCard = watchDeadlines && watchStages && (
    <StageOverdueCard key="stage" items={stageOverdueList.data?.items ?? []} loading={stageOverdueList.isPending} more={!!stageOverdueList.data?.nextCursor} />
  );
  const dueSoonCard = watchDeadlines && (
    <CaseList
      key="due-soon"
      testId="due-soon-list"
      title={
        <span>
          <LiteDot color="orange" /> {soon} 个工作日内到期 <LiteTag color="orange">{todo.data?.dueSoon ?? 0}</LiteTag>
        </span>
      }
      items={dueSoon}
      loading={todo.isPending || (dueSoonList.isPending && dueSoonList.fetchStatus !== 'idle')}
      empty="近期没有到期的反映件"
      extra={<LiteLink to={`/cases?${dueSoonQuery}&sort=due`}>全部</LiteLink>}
    />
  );
  const roleCards =
    user.role === 'leader'
      ? [
          <CaseList
            key="escalations"
            testId="escalations"
            title="待审批的提级申请"
            extra={allOf(kinds[0])}
            items={listOf(firstKind).items}
            loading={listOf(firstKind).loading}
            empty="没有待审批的提级申请"
          />,
        ]
      : user.role === 'supervisor'
        ? [
            <CaseList
              key="verifications"
              testId="verifications"
              title="待核查的差评"
              extra={allOf(kinds[0])}
              items={listOf(firstKind).items}
              loading={listOf(firstKind).loading}
              empty="没有待核查的差评"
            />,
            <CaseList
              key="completions"
              testId="completions"
              title="最近办结（抄报备案）"
              items={[...(completions.data?.items ?? [])]
                .filter((c) => c.completedAt)
                .sort((a, b) => Date.parse(b.completedAt!) - Date.parse(a.completedAt!))}
              loading={completions.isPending}
              empty="暂无办结的反映件"
            />,
          ]
        : user.role === 'clerk' || user.role === 'coordinator' || user.role === 'handler'
          ? [
              <CaseList
                key="todo-list"
                testId="todo-list"
                shown={TODO_SHOWN}
                title={
                  <span>
                    待我处理 {totalTodo > mine.length && <LiteText type="secondary">（显示 {Math.min(mine.length, TODO_SHOWN)} / {totalTodo} 件）</LiteText>}
                  </span>
                }
                items={mine}
                loading={todo.isPending || lists.some((l) => l.isPending)}
                empty="暂无待办"
              />,
            ]
          : [];
  const activityCard = (
    <LiteCard key="activity" title="最近动态" data-testid="activity">
      {activity.isPending ? (
        <LiteSkeleton rows={5} />
      ) : activity.data?.length ? (
        <LiteList empty={null}>
          {activity.data.map((e: ActivityItem, i) => (
            <LiteListItem key={i}>
              <div style={{ width: '100%', minWidth: 0 }}>
                <div className="bcs-case-line">
                  <LiteText type="secondary" title={formatDateTime(e.at)}>
                    {formatShortDateTime(e.at)}
                  </LiteText>
                  <LiteLink to={`/cases/${e.caseId}`}>{e.caseNo}</LiteLink>
                  <LiteText strong>{eventTitle(e.type)}</LiteText>
                  <LiteText type="secondary" className="bcs-ellipsis">
                    {e.by === 'system' ? '系统' : e.byName}
                  </LiteText>
                </div>
                <div className="bcs-case-line-sub">{e.matter}</div>
              </div>
            </LiteListItem>
          ))}
        </LiteList>
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={activity.error ? (activity.error as Error).message : '暂无动态'} />
      )}
    </LiteCard>
  );
  // Up to three columns: the deadline lists first (most urgent on the left), then the role's own
  // lists, then what happened lately; a column holds the cards that do not fit in the first row.
  const cards = [overdueCard, stageCard, dueSoonCard, ...roleCards, activityCard, user.role === 'admin' ? <AdminDesk key="admin" /> : null].filter(
    (c): c is React.JSX.Element => !!c,
  );
  // A phone: one column, the cards in the same order.
  const columnCount = phone ? 1 : Math.min(3, cards.length);
  const columns = Array.from({ length: columnCount }, (_, i) => cards.filter((_, j) => j % columnCount === i));

  return (
    <LiteStack gap={12}>
      <LiteCard bodyStyle={{ padding: '10px 12px' }}>
        <div className="bcs-desk-bar">
          <div className="bcs-desk-who">
            <h1 className="bcs-page-title">工作台</h1>
            <LiteText type="secondary">
              {user.name} · {ROLE_LABELS[user.role]}
              {user.department ? ` · ${deptName(user.department)}` : ''} · {shanghaiToday()}
            </LiteText>
          </div>
          {(todo.isPending || kinds.length > 0) && (
            <nav className="bcs-todo-tiles" aria-label="我的待办" data-testid="todo">
              {todo.isPending ? (
                <Skeleton.Input active size="small" />
              ) : todo.error ? (
                <LiteText type="danger">{(todo.error as Error).message}</LiteText>
              ) : (
                kinds.map((k) => (
                  <LiteLink
                    key={k.kind}
                    to={hrefOf(k)}
                    className={`bcs-todo-tile bcs-todo-link${k.count ? ' has-items' : ''}`}
                    data-testid={`todo-${k.kind}`}
                  >
                    <span className="bcs-todo-label">{k.label}</span>
                    <span className="bcs-todo-count">{k.count}</span>
                    <span className="bcs-todo-unit">件</span>
                  </LiteLink>
                ))
              )}
            </nav>
          )}
          {can(user.role, 'intake') && (
            <Button type="primary" size="large" className="bcs-big-button" icon={<FormOutlined />} onClick={() => navigate('/intake')}>
              登记
            </Button>
          )}
        </div>
      </LiteCard>

      {/* antd's <Row gutter={12} wrap={false}> of <Col flex="1 1 0"> as markup. */}
      <div className={`ant-row ant-row-no-wrap ${hash}`} style={{ marginLeft: -6, marginRight: -6 }}>
        {columns.map((col, i) => (
          <div key={i} className={`ant-col ${hash}`} style={{ paddingLeft: 6, paddingRight: 6, flex: '1 1 0px', minWidth: 0 }}>
            <LiteStack gap={12}>{col}</LiteStack>
          </div>
        ))}
      </div>
    </LiteStack>
  );
}

/** Cases past their stage clock, counted by stage (受理超时, 超期, 回访超时, 核查超时). */
function StageOverdueCard({ items, loading, more }: { items: CaseSummary[]; loading: boolean; more: boolean }) {
  const byLabel = new Map<string, number>();
  for (const c of items) {
    const l = stageOverdueLabel(c);
    if (l) byLabel.set(l, (byLabel.get(l) ?? 0) + 1);
  }
  return (
    <CaseList
      testId="stage-overdue-list"
      title={
        <span>
          <LiteDot color="red" /> 环节超时 <LiteTag color="red">{loading ? 0 : `${items.length}${more ? '+' : ''}`}</LiteTag>
          {[...byLabel].map(([l, n]) => (
            <LiteText key={l} type="secondary" style={{ fontSize: 12, marginInlineEnd: 6 }}>
              {l} {n}
            </LiteText>
          ))}
        </span>
      }
      items={items}
      loading={loading}
      empty="各环节均在时限内"
      extra={<LiteLink to="/cases?stageOverdue=true">全部</LiteLink>}
    />
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
              <LiteLink to="/admin/calendar"> 节假日日历 </LiteLink>中录入。
            </Typography.Text>
          )}
          <Space>
            <LiteLink to="/admin/users">用户管理</LiteLink>
            <LiteLink to="/admin/departments">部门管理</LiteLink>
            <LiteLink to="/admin/calendar">节假日日历</LiteLink>
          </Space>
        </Space>
      )}
    </Card>
  );
}
