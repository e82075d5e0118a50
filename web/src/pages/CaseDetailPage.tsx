/** 案件详情: header, reporter, timeline, measures, callback, verification, and the actions. */
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Descriptions, Empty, Result, Row, Space, Table, Tag, Timeline } from 'antd';
import { LiteText } from '../components/LiteList';
import { FileWordOutlined, PrinterOutlined, ReloadOutlined, StarOutlined } from '@ant-design/icons';
import { api, API_BASE, ApiError, toQuery } from '../api/client';
import type { CaseDetail } from '../api/types';
import { useDepartmentNames, useDepartments, useSettings } from '../api/queries';
import {
  CALLBACK_ATTEMPT_OUTCOME_LABELS,
  CHANNEL_LABELS,
  MEASURE_LABELS,
  PROBLEM_TYPE_LABELS,
  RATING_ASPECTS,
  RATING_ASPECT_LABELS,
  RATING_LABELS,
  REJECT_CATEGORY_LABELS,
  REPLY_CHANNEL_LABELS,
  ROLE_LABELS,
  VERIFY_OUTCOME_LABELS,
  type Role,
} from '../../../core/domain';
import { CaseActions, ContestInfo, DraftOwner } from '../components/CaseActions';
import { DeadlineText, LevelTag, StageDeadline, stageOverdueLabel, StatusTag } from '../components/CaseTags';
import { PageSkeleton } from '../components/PageSkeleton';
import { eventColor, eventLines, eventTitle } from '../lib/events';
import { formatDate, formatDateTime } from '../lib/time';
import { useUser } from '../auth/AuthContext';
import { can } from '../../../core/permissions';
import { canBeTypicalCaseSource } from '../../../core/catalogue';
import { ACTION_RULES } from '../../../core/case-lifecycle';
import { TypicalCaseDialog } from '../components/TypicalCaseDialog';
import { CaseDocuments } from '../components/CaseDocuments';
import { MeasuresList } from '../components/MeasuresList';
import { RatingLinkButton, ReporterMessages } from '../components/ReporterSide';
import { AttachmentPanel } from '../components/AttachmentPanel';
import { CaseKnowledgeCard } from '../components/Knowledge';
import { LEVEL_LABELS } from '../components/CaseTags';
import { casePath } from '../api/pageRequests';

/** Links of one 交办单: Word download and the print page (opens the print dialog). */
export function sheetLinks(caseId: number, sheetNo?: string) {
  const q = sheetNo ? toQuery({ sheet: sheetNo }) : '';
  return {
    docx: `${API_BASE}/cases/${caseId}/assignment-sheet.docx${q}`,
    print: `${API_BASE}/cases/${caseId}/assignment-sheet${q ? `${q}&print=1` : '?print=1'}`,
  };
}

const SUPERVISION_KIND_LABELS: Record<string, string> = { supervise: '督办', circulate: '通报', referral: '线索移送' };

export default function CaseDetailPage() {
  const { id } = useParams<{ id: string }>();
  const qc = useQueryClient();
  const user = useUser();
  const [typicalOpen, setTypicalOpen] = useState(false);
  const names = useDepartmentNames();
  const { data: departments } = useDepartments();
  const { data: settings } = useSettings();
  const deptName = (code: string) => names.get(code) ?? code;
  const q = useQuery({
    queryKey: ['case', id],
    queryFn: () => api<CaseDetail>(casePath(id ?? '')),
    enabled: !!id && /^\d{1,12}$/.test(id),
  });
  const c = q.data;
  useEffect(() => {
    document.title = c ? `${c.caseNo} · 办成事` : '反映件 · 办成事';
  }, [c]);

  if (!id || !/^\d{1,12}$/.test(id) || (q.error instanceof ApiError && q.error.status === 404)) {
    return (
      <Result
        status="404"
        title="未找到该反映件"
        subTitle="该反映件不存在，或不属于您的部门承办、您无权查看。"
        extra={<Link to="/cases">返回台账</Link>}
      />
    );
  }
  if (q.isPending) return <PageSkeleton rows={12} />;
  if (q.error || !c) {
    return <Result status="error" title="加载失败" subTitle={(q.error as Error)?.message} extra={<Button onClick={() => void q.refetch()}>重试</Button>} />;
  }

  const soon = settings?.dueSoonWorkingDays ?? 1;
  // Whoever measured, called back, verified, issued or supervised also acted on the timeline, which
  // carries their name: show people by name, not by login.
  const people = new Map(c.events.map((e) => [e.by, e.byName]));
  const who = (username: string) => (username === 'system' ? '系统' : (people.get(username) ?? username));
  const measureName = (mid: number) => {
    const m = c.measures.find((x) => x.id === mid);
    return m ? `${MEASURE_LABELS[m.type] ?? m.type}${m.note ? `（${m.note}）` : ''}` : null;
  };
  const onUpdated = (u: CaseDetail) => {
    qc.setQueryData(['case', id], u);
    void qc.invalidateQueries({ queryKey: ['cases'] });
    void qc.invalidateQueries({ queryKey: ['dashboard'] });
  };

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Card
        title={
          <Space size={8} wrap>
            <h1 className="bcs-page-title" style={{ margin: 0 }}>
              反映件 <span data-testid="case-no">{c.caseNo}</span>
            </h1>
            <StatusTag status={c.status} />
            {c.level && <LevelTag level={c.level} />}
            {c.overdue && <Tag color="red">超期</Tag>}
            {!c.overdue && stageOverdueLabel(c) && (
              <Tag color="red" data-testid="header-stage-overdue">
                {stageOverdueLabel(c)}
              </Tag>
            )}
            {c.pendingContest && <Tag color="orange">派单异议待处理</Tag>}
            {c.closedUnreachable && (
              <Tag color="default" data-testid="closed-unreachable">
                无法回访办结
              </Tag>
            )}
            {c.reopenCount > 0 && <Tag color="purple">重办{c.reopenCount > 1 ? ` ${c.reopenCount} 次` : ''}</Tag>}
            {c.callback?.bad && c.status !== 'closed' && <Tag color="volcano">差评</Tag>}
            {c.extended && <Tag color="gold">已延期</Tag>}
            {c.pendingExtension && <Tag color="orange">延期待批</Tag>}
            {c.circulationPending && (
              <Tag color="magenta">须通报</Tag>
            )}
          </Space>
        }
        extra={
          <Space>
            {c.status === 'completed' && can(user.role, 'sendRatingLinks') && <RatingLinkButton caseId={c.id} />}
            <CaseDocuments c={c} />
            {can(user.role, 'editTypicalCases') && canBeTypicalCaseSource(c) && (
              <Button icon={<StarOutlined />} onClick={() => setTypicalOpen(true)}>
                列为典型案例
              </Button>
            )}
            <Button icon={<ReloadOutlined />} onClick={() => void q.refetch()} loading={q.isFetching} aria-label="刷新">
              刷新
            </Button>
          </Space>
        }
      >
        <Space direction="vertical" size={12} style={{ width: '100%' }}>
          {c.circulationPending && ACTION_RULES.circulate.roles.includes(user.role) && (
            <Alert
              type="error"
              showIcon
              data-testid="circulation-warning"
              message="待通报"
              description={
                (c.problemType === 'misconduct' ? '本件属“不给办”问题' : '本件差评经核查属实') +
                '，按工作方案须作为反面典型全县通报，目前尚未通报。' +
                (c.allowedActions.includes('circulate') ? '请使用下方“通报”操作。' : '')
              }
            />
          )}
          {c.mergedInto && (
            <Alert
              type="info"
              showIcon
              data-testid="merged-into"
              message={
                <span>
                  本件已并入 <Link to={`/cases/${c.mergedInto.id}`}>{c.mergedInto.caseNo}</Link> 办理，不再单独办理；办理进展请查看主件。
                </span>
              }
            />
          )}
          {c.pendingContest && (
            <ContestInfo
              c={c}
              departments={departments ?? []}
              extra={
                c.allowedActions.includes('redispatch') ? (
                  <div style={{ marginTop: 4 }}>请“改派”（采纳异议）或“维持原派单”（不予采纳）。处理前仍按原派单计时。</div>
                ) : user.role === 'handler' ? (
                  <div style={{ marginTop: 4 }}>县行管办处理前，仍须按办理时限推进。</div>
                ) : null
              }
            />
          )}
          {c.pendingExtension && (
            <Alert
              type="warning"
              showIcon
              message={`延期申请待审批：申请延至 ${formatDateTime(c.pendingExtension.dueAt)}`}
              description={`理由：${c.pendingExtension.reason}（${who(c.pendingExtension.by)}，${formatDateTime(c.pendingExtension.at)}）`}
            />
          )}
          {/* Drafts of the action dialogs are this user's own (a shared PC, one tab). */}
          <DraftOwner.Provider value={user.username}>
          <CaseActions
            c={c}
            departments={departments ?? []}
            levelDays={settings?.levelDays ?? { 1: 2, 2: 5 }}
            unreachableAfter={settings?.callbackAttemptsBeforeUnreachable}
            onUpdated={onUpdated}
            onStale={() => void q.refetch()}
          />
          </DraftOwner.Provider>
          <Descriptions size="small" bordered column={{ xs: 1, sm: 2, md: 3 }}>
            <Descriptions.Item label="事项名称" span={2}>
              {c.matter}
            </Descriptions.Item>
            <Descriptions.Item label="反映渠道">{CHANNEL_LABELS[c.channel] ?? c.channel}{c.externalRef && ` · 外部工单 ${c.externalRef.system}:${c.externalRef.id}`}</Descriptions.Item>
            <Descriptions.Item label="牵头部门">{c.leadDepartmentName ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="协办部门">{c.coDepartmentNames.length ? c.coDepartmentNames.join('、') : '—'}</Descriptions.Item>
            <Descriptions.Item label="问题类型">{c.problemType ? PROBLEM_TYPE_LABELS[c.problemType] : '—'}</Descriptions.Item>
            <Descriptions.Item label="办理时限" span={2}>
              <DeadlineText c={c} />
              {c.stageDueAt && c.stageDueAt !== c.dueAt && (
                <div>
                  <StageDeadline c={c} />
                </div>
              )}
              {c.extended && (
                <Tag color="gold" style={{ marginInlineStart: 6 }} data-testid="deadline-extended">
                  已延期{c.extensionCount && c.extensionCount > 1 ? ` ${c.extensionCount} 次` : ''}
                </Tag>
              )}
              {c.pendingExtension && (
                <Tag color="orange" style={{ marginInlineStart: 6 }} data-testid="deadline-pending-extension">
                  延期待批：申请延至 {formatDateTime(c.pendingExtension.dueAt)}
                </Tag>
              )}
            </Descriptions.Item>
            <Descriptions.Item label="登记时间">{formatDateTime(c.receivedAt)}</Descriptions.Item>
            <Descriptions.Item label="涉及部门">{c.departmentCodes.length ? c.departmentCodes.map(deptName).join('、') : '—'}</Descriptions.Item>
            <Descriptions.Item label="交办单号">{c.assignmentNo ?? '—'}</Descriptions.Item>
            {c.mergedCases.length > 0 && (
              <Descriptions.Item label="并入本件" span={3}>
                <Space size={8} wrap data-testid="merged-cases">
                  {c.mergedCases.map((m) => (
                    <Link key={m.id} to={`/cases/${m.id}`}>
                      {m.caseNo}
                    </Link>
                  ))}
                  <LiteText type="secondary">（共 {c.mergedCases.length} 件重复反映，随本件一并答复）</LiteText>
                </Space>
              </Descriptions.Item>
            )}
            <Descriptions.Item label="文书">
              <Space size={4} wrap>
                <Button size="small" icon={<PrinterOutlined />} href={`${API_BASE}/cases/${c.id}/receipt?print=1`} target="_blank" rel="noopener">
                  回执
                </Button>
                {c.assignmentNo && (
                  <>
                    <Button size="small" icon={<FileWordOutlined />} href={sheetLinks(c.id).docx} download>
                      交办单
                    </Button>
                    <Button size="small" icon={<PrinterOutlined />} href={sheetLinks(c.id).print} target="_blank" rel="noopener">
                      打印交办单
                    </Button>
                  </>
                )}
              </Space>
            </Descriptions.Item>
          </Descriptions>
        </Space>
      </Card>

      <Row gutter={[12, 12]}>
        <Col xs={24} lg={15}>
          <Space direction="vertical" size={12} style={{ width: '100%' }}>
            <Card title="反映人" size="small">
              <Descriptions size="small" column={{ xs: 1, sm: 2 }}>
                <Descriptions.Item label="姓名">{c.reporter.name}</Descriptions.Item>
                <Descriptions.Item label="联系电话">{c.reporter.phone}</Descriptions.Item>
                <Descriptions.Item label="类型">{c.reporter.kind === 'enterprise' ? '企业' : '个人（群众）'}</Descriptions.Item>
                {c.reporter.kind === 'enterprise' && (
                  <>
                    <Descriptions.Item label="企业名称">{c.reporter.orgName ?? '—'}</Descriptions.Item>
                    <Descriptions.Item label="统一社会信用代码">{c.reporter.orgCode ?? '—'}</Descriptions.Item>
                  </>
                )}
              </Descriptions>
            </Card>
            <Card title="诉求与办不成原因" size="small">
              <Descriptions size="small" column={1}>
                <Descriptions.Item label="诉求">
                  <span className="bcs-pre">{c.description}</span>
                </Descriptions.Item>
                <Descriptions.Item label="办不成原因">
                  <span className="bcs-pre">{c.reason ?? '—'}</span>
                </Descriptions.Item>
                {c.result && (
                  <Descriptions.Item label="办理结果">
                    <span className="bcs-pre">{c.result}</span>
                    {c.repliedVia && <Tag style={{ marginInlineStart: 8 }}>{REPLY_CHANNEL_LABELS[c.repliedVia]}答复</Tag>}
                  </Descriptions.Item>
                )}
                {c.rejection && (
                  <Descriptions.Item label="不予受理">
                    {REJECT_CATEGORY_LABELS[c.rejection.reasonCategory]}{c.rejection.explanation ? `：${c.rejection.explanation}` : ''}
                  </Descriptions.Item>
                )}
              </Descriptions>
            </Card>
            {c.coParts.length > 0 && (
              <Card title="协办意见" size="small" data-testid="co-parts">
                <Row gutter={[12, 12]}>
                  {c.coParts.map((p) => (
                    <Col key={p.department} xs={24} md={c.coParts.length === 1 ? 24 : 12}>
                      <Card
                        size="small"
                        type="inner"
                        title={p.departmentName}
                        extra={p.opinion ? <Tag color="green">已提交</Tag> : <Tag>未提交</Tag>}
                        data-testid="co-part"
                      >
                        {p.opinion ? (
                          <>
                            <div className="bcs-pre">{p.opinion}</div>
                            <div style={{ color: '#666', fontSize: 12, marginTop: 4 }}>
                              {who(p.by ?? '')} {formatDateTime(p.at)}
                            </div>
                          </>
                        ) : (
                          <LiteText type="secondary">未提交</LiteText>
                        )}
                      </Card>
                    </Col>
                  ))}
                </Row>
              </Card>
            )}
            <MeasuresList
              c={c}
              departments={departments ?? []}
              levelDays={settings?.levelDays ?? { 1: 2, 2: 5 }}
              draftOwner={user.username}
              who={who}
              onUpdated={onUpdated}
              onStale={() => void q.refetch()}
            />
            <AttachmentPanel c={c} />
            <CaseKnowledgeCard c={c} onChanged={() => void q.refetch()} />
            {c.assignmentSheets.length > 0 && (
              <Card title="交办单" size="small" data-testid="assignment-sheets">
                <Table
                  size="small"
                  rowKey="sheetNo"
                  pagination={false}
                  dataSource={[...c.assignmentSheets].sort((a, b) => Date.parse(b.issuedAt) - Date.parse(a.issuedAt))}
                  columns={[
                    {
                      title: '编号',
                      dataIndex: 'sheetNo',
                      render: (v: string, _r, i) => (
                        <span style={{ whiteSpace: 'nowrap' }}>
                          {v}
                          {i === 0 && c.assignmentSheets.length > 1 && <Tag style={{ marginInlineStart: 6 }}>最新</Tag>}
                        </span>
                      ),
                    },
                    { title: '级别', dataIndex: 'level', width: 64, render: (v: keyof typeof LEVEL_LABELS) => <span style={{ whiteSpace: 'nowrap' }}>{LEVEL_LABELS[v] ?? v}</span> },
                    { title: '牵头部门', dataIndex: 'leadDepartment', ellipsis: true, render: (v: string) => deptName(v) },
                    { title: '办理时限', dataIndex: 'dueAt', render: (v: string) => <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(v)}</span> },
                    { title: '签发', dataIndex: 'issuedAt', render: (v: string, r) => `${formatDate(v)} ${who(r.issuedBy)}` },
                    {
                      title: '文书',
                      width: 96,
                      render: (_: unknown, r) => (
                        <Space size={8} style={{ whiteSpace: 'nowrap' }}>
                          <a href={sheetLinks(c.id, r.sheetNo).docx} download>
                            Word
                          </a>
                          <a href={sheetLinks(c.id, r.sheetNo).print} target="_blank" rel="noopener">
                            打印
                          </a>
                        </Space>
                      ),
                    },
                  ]}
                />
              </Card>
            )}
            <Card title="回访评价" size="small" data-testid="callback-panel">
              {c.callback ? (
                <Descriptions size="small" column={{ xs: 1, sm: 2 }}>
                  {RATING_ASPECTS.map((a) => (
                    <Descriptions.Item key={a} label={RATING_ASPECT_LABELS[a]}>
                      <Tag color={c.callback![a] === 'dissatisfied' ? 'red' : c.callback![a] === 'satisfied' ? 'green' : 'gold'}>
                        {RATING_LABELS[c.callback![a]]}
                      </Tag>
                    </Descriptions.Item>
                  ))}
                  <Descriptions.Item label="结论">{c.callback.bad ? <Tag color="red">差评</Tag> : <Tag color="green">满意</Tag>}</Descriptions.Item>
                  <Descriptions.Item label="回访">
                    {c.callback.source === 'reporter' ? <Tag color="blue">反映人通过评价链接自评</Tag> : who(c.callback.by)} {formatDateTime(c.callback.at)}（共 {c.callbackCount} 次）
                  </Descriptions.Item>
                  {c.callback.comment && <Descriptions.Item label="意见">{c.callback.comment}</Descriptions.Item>}
                </Descriptions>
              ) : c.closedUnreachable ? (
                <Alert type="info" showIcon message="多次回访未接通，已按无法回访办结（不计入满意度）" />
              ) : (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="尚未回访" />
              )}
              {c.callbackAttempts.length > 0 && (
                <div data-testid="callback-attempts" style={{ marginTop: 8 }}>
                  <LiteText strong>
                    回访未接通 {c.callbackAttempts.length} 次
                    {settings && c.status === 'completed'
                      ? `（满 ${settings.callbackAttemptsBeforeUnreachable} 次可按无法回访办结）`
                      : ''}
                  </LiteText>
                  <ol style={{ margin: '4px 0 0', paddingInlineStart: 20 }}>
                    {c.callbackAttempts.map((a, i) => (
                      <li key={i}>
                        <Tag color="orange">{CALLBACK_ATTEMPT_OUTCOME_LABELS[a.outcome]}</Tag>
                        {formatDateTime(a.at)} {who(a.by)}
                        {a.note ? `：${a.note}` : ''}
                      </li>
                    ))}
                  </ol>
                </div>
              )}
            </Card>
            <ReporterMessages caseId={c.id} mayPhone={can(user.role, 'phoneReporters')} onPhoned={() => void q.refetch()} />
            <Card title="差评核查" size="small" data-testid="verification-panel">
              {c.verification ? (
                <Descriptions size="small" column={{ xs: 1, sm: 2 }}>
                  <Descriptions.Item label="核查结论">
                    <Tag color={c.verification.substantiated ? 'red' : 'green'}>差评{c.verification.substantiated ? '属实' : '不实'}</Tag>
                  </Descriptions.Item>
                  <Descriptions.Item label="处理结果">{VERIFY_OUTCOME_LABELS[c.verification.outcome]}</Descriptions.Item>
                  <Descriptions.Item label="核查">
                    {who(c.verification.by)} {formatDateTime(c.verification.at)}
                  </Descriptions.Item>
                  {c.verification.note && <Descriptions.Item label="核查意见">{c.verification.note}</Descriptions.Item>}
                </Descriptions>
              ) : (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="无差评核查" />
              )}
            </Card>
            {(c.supervisionRecords ?? []).length > 0 && (
              <Card title="督办、通报与线索移送" size="small" data-testid="supervision-panel">
                <Table
                  size="small"
                  rowKey={(r) => r.recordNo ?? `${r.kind}-${r.at}`}
                  pagination={false}
                  dataSource={c.supervisionRecords}
                  columns={[
                    { title: '类别', dataIndex: 'kind', render: (k: string) => SUPERVISION_KIND_LABELS[k] ?? k },
                    { title: '文号', dataIndex: 'recordNo', render: (v: string | null) => v ?? '—' },
                    { title: '部门', dataIndex: 'department', render: (v: string | null) => (v ? deptName(v) : '—') },
                    { title: '内容', dataIndex: 'text', render: (v: string) => <span className="bcs-pre">{v}</span> },
                    {
                      title: '时限',
                      dataIndex: 'dueAt',
                      render: (v: string | null, r) => (
                        <span>
                          {formatDateTime(v)}
                          {r.overdue && (
                            <Tag color="red" style={{ marginInlineStart: 4 }} data-testid="supervision-overdue">
                              {r.reportedAt ? '逾期报告' : '逾期未报告'}
                            </Tag>
                          )}
                        </span>
                      ),
                    },
                    {
                      title: '报告 / 处理结果',
                      render: (_: unknown, r) =>
                        r.kind === 'supervise' ? (
                          r.reportedAt ? (
                            <span className="bcs-pre" data-testid="supervision-report">
                              {r.report}
                              <br />
                              <LiteText type="secondary">
                                {r.reportedBy ? who(r.reportedBy) : ""} {formatDateTime(r.reportedAt)}
                              </LiteText>
                            </span>
                          ) : (
                            <Tag color={r.overdue ? 'red' : 'orange'}>待报告</Tag>
                          )
                        ) : r.kind === 'referral' ? (
                          r.result ? (
                            <span className="bcs-pre">
                              {r.result}
                              <br />
                              <LiteText type="secondary">{formatDateTime(r.resultAt)}</LiteText>
                            </span>
                          ) : (
                            <Tag>待纪委反馈</Tag>
                          )
                        ) : (
                          '—'
                        ),
                    },
                    { title: '记录', render: (_: unknown, r) => `${who(r.by)} ${formatDateTime(r.at)}` },
                  ]}
                />
              </Card>
            )}
            {(c.meetings ?? []).length > 0 && (
              <Card title="工作组会商" size="small" data-testid="meetings-panel">
                {c.meetings.map((m, i) => (
                  <Descriptions key={i} size="small" column={1} bordered style={{ marginBottom: 8 }}>
                    <Descriptions.Item label="会商时间">{formatDateTime(m.heldAt)}</Descriptions.Item>
                    <Descriptions.Item label="召集人">{m.convenor}</Descriptions.Item>
                    <Descriptions.Item label="参会单位及人员">{m.attendees.map((a) => `${a.department}：${a.people}`).join('；')}</Descriptions.Item>
                    <Descriptions.Item label="会商意见">
                      <span className="bcs-pre">{m.decision}</span>
                    </Descriptions.Item>
                  </Descriptions>
                ))}
              </Card>
            )}
          </Space>
        </Col>
        <Col xs={24} lg={9}>
          <Card title="办理过程" size="small" data-testid="timeline">
            {c.overdue && <Alert type="error" showIcon message="已超过办理时限，尚未办结" style={{ marginBottom: 12 }} />}
            <Timeline
              items={c.events.map((e) => ({
                color: eventColor(e),
                children: (
                  <div>
                    <div>
                      <LiteText strong>{eventTitle(e.type, e.data)}</LiteText>
                      <span style={{ color: '#666', marginInlineStart: 8 }}>
                        {e.byRole === 'system' ? '系统自动' : e.byRole === 'reporter' ? e.byName : `${e.byName}（${ROLE_LABELS[e.byRole as Role] ?? e.byRole}）`}
                      </span>
                    </div>
                    <div style={{ color: '#666', fontSize: 12 }}>{formatDateTime(e.at)}</div>
                    {eventLines(e, deptName, measureName).map((l, i) => (
                      <div key={i} className="bcs-timeline-data">
                        {l}
                      </div>
                    ))}
                  </div>
                ),
              }))}
            />
          </Card>
        </Col>
      </Row>
      {can(user.role, 'editTypicalCases') && (
        <TypicalCaseDialog
          open={typicalOpen}
          caseId={c.id}
          caseNo={c.caseNo}
          defaults={{ kind: c.problemType === 'misconduct' || c.verification?.substantiated ? 'negative' : 'good', title: c.matter }}
          onClose={() => setTypicalOpen(false)}
          onCreated={() => {
            setTypicalOpen(false);
            void qc.invalidateQueries({ queryKey: ['typical-cases'] });
          }}
        />
      )}
    </Space>
  );
}
