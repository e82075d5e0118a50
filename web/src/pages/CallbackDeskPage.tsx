/**
 * 回访工作台 (县行管办): the cases waiting for their callback, oldest clock first, worked through one
 * after another without opening a case page. The current case shows what to read out (the result,
 * the department) and the number to dial (in full: GET /callbacks audits each answer); one field
 * takes the whole outcome — four digits for the four aspects, Y for 全部满意, or W/M/C/J for a call
 * that did not reach the reporter (web/src/lib/callbackCode.ts) — and Enter saves and moves on.
 * Several cases can get the same unanswered-call outcome at once.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Checkbox, Col, Descriptions, Empty, Input, Progress, Radio, Row, Select, Skeleton, Space, Tag, Typography, type InputRef } from 'antd';
import {
  CALLBACK_ATTEMPT_OUTCOME_LABELS,
  CALLBACK_ATTEMPT_OUTCOMES,
  RATING_ASPECT_LABELS,
  RATING_ASPECTS,
  RATING_LABELS,
  RATINGS,
  REPLY_CHANNEL_LABELS,
  type CallbackAttemptOutcome,
  type Rating,
  type RatingAspect,
} from '../../../core/domain';
import { LIMITS } from '../../../core/api/schemas';
import { api, ApiError } from '../api/client';
import { useSettings } from '../api/queries';
import type { CallbackDeskAnswer, CallbackDeskItem } from '../api/types';
import { ATTEMPT_KEY_OF, codeOfRatings, parseCallbackCode } from '../lib/callbackCode';
import { formatDateTime, formatShortDateTime } from '../lib/time';

const QUEUE_SIZE = 100;
const DESK_PATH = `/callbacks?limit=${QUEUE_SIZE}`;

function errorText(e: unknown): string {
  return e instanceof ApiError ? e.message : '保存失败，请重试';
}

function QueueRow({ item, current, checked, onPick, onCheck }: { item: CallbackDeskItem; current: boolean; checked: boolean; onPick: () => void; onCheck: (v: boolean) => void }) {
  return (
    <li className={`bcs-cb-row${current ? ' bcs-cb-row-current' : ''}`} data-testid="desk-row" aria-current={current ? 'true' : undefined}>
      <Checkbox checked={checked} onChange={(e) => onCheck(e.target.checked)} aria-label={`选择 ${item.caseNo}`} />
      <button type="button" className="bcs-cb-pick" onClick={onPick}>
        <span className="bcs-cb-row-head">
          <span className="bcs-cb-caseno">{item.caseNo}</span>
          {item.stageOverdue ? <Tag color="red">回访超时</Tag> : null}
          {item.callbackAttempts.length ? <Tag>未接通 {item.callbackAttempts.length} 次</Tag> : null}
        </span>
        <span className="bcs-ellipsis bcs-cb-matter" title={item.matter}>
          {item.matter}
        </span>
        <span className="bcs-cb-sub">
          {item.leadDepartmentName ?? '—'} · 时限 {formatShortDateTime(item.stageDueAt)}
        </span>
      </button>
    </li>
  );
}

export default function CallbackDeskPage() {
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  const desk = useQuery({ queryKey: ['callbacks'], queryFn: () => api<CallbackDeskAnswer>(DESK_PATH) });
  const settings = useSettings();
  const items = useMemo(() => desk.data?.items ?? [], [desk.data]);
  const [currentId, setCurrentId] = useState<number | null>(null);
  const current = items.find((i) => i.id === currentId) ?? items[0] ?? null;
  const [code, setCode] = useState('');
  const [ratings, setRatings] = useState<Partial<Record<RatingAspect, Rating>>>({});
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [checked, setChecked] = useState<Set<number>>(new Set());
  const [batchOutcome, setBatchOutcome] = useState<CallbackAttemptOutcome>('no_answer');
  const [batch, setBatch] = useState<{ done: number; total: number } | null>(null);
  const codeRef = useRef<InputRef>(null);
  // Cases whose call did not get through in this sitting: the next case is one not yet tried.
  const [doneIds, setDoneIds] = useState<number[]>([]);

  useEffect(() => {
    document.title = '回访工作台 · 办成事';
  }, []);

  const reset = () => {
    setCode('');
    setRatings({});
    setComment('');
    setError(null);
  };
  const focusCode = () => window.setTimeout(() => codeRef.current?.focus(), 0);
  useEffect(() => {
    if (current) focusCode();
  }, [current?.id]); // eslint-disable-line react-hooks/exhaustive-deps

  const pick = (id: number) => {
    setCurrentId(id);
    reset();
    focusCode();
  };

  /** The case after this one in the queue, skipping those already tried in this sitting. */
  const nextAfter = (id: number, fresh: CallbackDeskItem[], tried: number[]): number | null => {
    const freshIds = new Set(fresh.map((f) => f.id));
    const order = items.map((i) => i.id);
    const at = order.indexOf(id);
    const next = [...order.slice(at + 1), ...order.slice(0, at)].find((x) => freshIds.has(x) && !tried.includes(x));
    return next ?? fresh.find((f) => !tried.includes(f.id))?.id ?? fresh[0]?.id ?? null;
  };

  const reload = async (): Promise<CallbackDeskItem[]> => {
    const fresh = await qc.fetchQuery({ queryKey: ['callbacks'], queryFn: () => api<CallbackDeskAnswer>(DESK_PATH), staleTime: 0 });
    void qc.invalidateQueries({ queryKey: ['cases'] });
    void qc.invalidateQueries({ queryKey: ['todo'] });
    return fresh.items;
  };

  const save = async () => {
    if (!current || saving) return;
    const parsed = parseCallbackCode(code);
    const full = RATING_ASPECTS.every((a) => ratings[a]);
    let body: Record<string, unknown>;
    let action: 'callback' | 'callback-attempt';
    if (parsed.kind === 'attempt') {
      action = 'callback-attempt';
      body = { outcome: parsed.outcome, ...(comment.trim() ? { note: comment.trim() } : {}) };
    } else if (full) {
      action = 'callback';
      body = { ...ratings, ...(comment.trim() ? { comment: comment.trim() } : {}) };
    } else {
      setError(parsed.kind === 'invalid' ? parsed.message : '请选择四项评价（或输入 4 位评价代码），未接通请输入 W、M、C 或 J');
      focusCode();
      return;
    }
    if (comment.length > LIMITS.text) {
      setError(`回访意见不能超过 ${LIMITS.text} 个字`);
      return;
    }
    setSaving(true);
    setError(null);
    try {
      await api(`/cases/${current.id}/actions/${action}`, { body: { version: current.version, ...body } });
      const bad = action === 'callback' && RATING_ASPECTS.some((a) => ratings[a] === 'dissatisfied');
      message.success(
        action === 'callback'
          ? `${current.caseNo} 回访已记录${bad ? '：有“不满意”，已转入核查督办' : '，已归档'}`
          : `${current.caseNo} 已记录${CALLBACK_ATTEMPT_OUTCOME_LABELS[(body as { outcome: CallbackAttemptOutcome }).outcome]}`,
      );
      const tried = action === 'callback-attempt' ? [...doneIds, current.id] : doneIds;
      setDoneIds(tried);
      const fresh = await reload();
      setCurrentId(nextAfter(current.id, fresh, tried));
      reset();
      focusCode();
    } catch (e) {
      setError(errorText(e));
      if (e instanceof ApiError && e.status === 409) void reload();
    } finally {
      setSaving(false);
    }
  };

  const onCode = (v: string) => {
    setCode(v);
    setError(null);
    const p = parseCallbackCode(v);
    if (p.kind === 'ratings' || p.kind === 'partial') setRatings(p.ratings);
    else if (p.kind === 'empty' || p.kind === 'attempt') setRatings({});
  };

  const onRadio = (aspect: RatingAspect, value: Rating) => {
    const next = { ...ratings, [aspect]: value };
    setRatings(next);
    setCode(codeOfRatings(next));
    setError(null);
  };

  const allSatisfied = () => {
    const next = Object.fromEntries(RATING_ASPECTS.map((a) => [a, 'satisfied'])) as Record<RatingAspect, Rating>;
    setRatings(next);
    setCode('1111');
    setError(null);
    focusCode();
  };

  const runBatch = () => {
    const chosen = items.filter((i) => checked.has(i.id));
    if (!chosen.length) return;
    modal.confirm({
      title: `为选中的 ${chosen.length} 件记录“${CALLBACK_ATTEMPT_OUTCOME_LABELS[batchOutcome]}”？`,
      content: '每件各记一次回访未接通，反映件仍在待回访中。',
      okText: '记录',
      cancelText: '取消',
      onOk: async () => {
        setBatch({ done: 0, total: chosen.length });
        const failed: string[] = [];
        for (const [n, item] of chosen.entries()) {
          try {
            await api(`/cases/${item.id}/actions/callback-attempt`, { body: { version: item.version, outcome: batchOutcome } });
          } catch (e) {
            failed.push(`${item.caseNo}（${errorText(e)}）`);
          }
          setBatch({ done: n + 1, total: chosen.length });
        }
        setBatch(null);
        setChecked(new Set());
        await reload();
        if (failed.length) message.error(`${failed.length} 件未记录：${failed.join('；')}`);
        else message.success(`已为 ${chosen.length} 件记录“${CALLBACK_ATTEMPT_OUTCOME_LABELS[batchOutcome]}”`);
      },
    });
  };

  const unreachableAfter = settings.data?.callbackAttemptsBeforeUnreachable;
  const parsed = parseCallbackCode(code);
  const bad = RATING_ASPECTS.some((a) => ratings[a] === 'dissatisfied');
  const allChecked = items.length > 0 && items.every((i) => checked.has(i.id));

  return (
    <Card
      className="bcs-cb"
      title={<h1 className="bcs-page-title">回访工作台</h1>}
      extra={
        desk.data ? (
          <Typography.Text type="secondary" data-testid="desk-total">
            待回访 {desk.data.total} 件{desk.data.total > items.length ? `（显示最早的 ${items.length} 件）` : ''}
          </Typography.Text>
        ) : null
      }
    >
      {desk.isLoading ? (
        <Skeleton active paragraph={{ rows: 8 }} />
      ) : desk.isError ? (
        <Alert type="error" showIcon message="待回访列表加载失败" description={errorText(desk.error)} action={<Button onClick={() => void desk.refetch()}>重试</Button>} />
      ) : !items.length ? (
        <Empty description="没有待回访的反映件" />
      ) : (
        <Row gutter={16} wrap={false}>
          <Col flex="320px" className="bcs-cb-queue">
            <div className="bcs-cb-batch">
              <Checkbox
                checked={allChecked}
                indeterminate={checked.size > 0 && !allChecked}
                onChange={(e) => setChecked(e.target.checked ? new Set(items.map((i) => i.id)) : new Set())}
              >
                全选
              </Checkbox>
              <Space.Compact size="small">
                <Select
                  size="small"
                  value={batchOutcome}
                  onChange={setBatchOutcome}
                  aria-label="批量记录的未接通情形"
                  style={{ width: 104 }}
                  options={CALLBACK_ATTEMPT_OUTCOMES.map((o) => ({ value: o, label: CALLBACK_ATTEMPT_OUTCOME_LABELS[o] }))}
                />
                <Button size="small" disabled={!checked.size || batch !== null} onClick={runBatch} data-testid="desk-batch">
                  批量记录（{checked.size}）
                </Button>
              </Space.Compact>
            </div>
            {batch ? <Progress percent={Math.round((batch.done / batch.total) * 100)} size="small" format={() => `${batch.done}/${batch.total}`} /> : null}
            <ol className="bcs-cb-list" aria-label="待回访的反映件">
              {items.map((i) => (
                <QueueRow
                  key={i.id}
                  item={i}
                  current={i.id === current?.id}
                  checked={checked.has(i.id)}
                  onPick={() => pick(i.id)}
                  onCheck={(v) =>
                    setChecked((s) => {
                      const n = new Set(s);
                      if (v) n.add(i.id);
                      else n.delete(i.id);
                      return n;
                    })
                  }
                />
              ))}
            </ol>
          </Col>
          {current ? (
            <Col flex="auto" style={{ minWidth: 0 }}>
              <section aria-label={`正在回访 ${current.caseNo}`} data-testid="desk-current">
                <Space align="baseline" wrap style={{ marginBottom: 8 }}>
                  <Typography.Title level={2} style={{ margin: 0, fontSize: 18 }}>
                    <Link to={`/cases/${current.id}`}>{current.caseNo}</Link>
                  </Typography.Title>
                  <span className="bcs-cb-phone" data-testid="desk-phone">
                    {current.reporter.name} · {current.reporter.phone}
                  </span>
                  {current.reporter.orgName ? <Typography.Text type="secondary">{current.reporter.orgName}</Typography.Text> : null}
                </Space>
                <Descriptions size="small" column={2} bordered className="bcs-cb-facts">
                  <Descriptions.Item label="事项" span={2}>
                    {current.matter}
                  </Descriptions.Item>
                  <Descriptions.Item label="办理结果" span={2}>
                    <div className="bcs-cb-result">{current.result ?? '—'}</div>
                  </Descriptions.Item>
                  <Descriptions.Item label="牵头部门">{current.leadDepartmentName ?? '—'}</Descriptions.Item>
                  <Descriptions.Item label="答复方式">{current.repliedVia ? REPLY_CHANNEL_LABELS[current.repliedVia] : '—'}</Descriptions.Item>
                  <Descriptions.Item label="办结时间">{formatDateTime(current.completedAt)}</Descriptions.Item>
                  <Descriptions.Item label="回访时限">
                    {formatDateTime(current.stageDueAt)}
                    {current.stageOverdue ? (
                      <Tag color="red" style={{ marginInlineStart: 8 }}>
                        已超时
                      </Tag>
                    ) : null}
                  </Descriptions.Item>
                </Descriptions>
                {current.callbackAttempts.length ? (
                  <Alert
                    style={{ marginTop: 8 }}
                    type="warning"
                    showIcon
                    message={`此前未接通 ${current.callbackAttempts.length} 次${unreachableAfter && current.callbackAttempts.length >= unreachableAfter ? '，已可在案件页按“无法回访办结”' : ''}`}
                    description={current.callbackAttempts.map((a) => `${formatDateTime(a.at)} ${CALLBACK_ATTEMPT_OUTCOME_LABELS[a.outcome]}${a.note ? `：${a.note}` : ''}`).join('；')}
                  />
                ) : null}
                <form
                  className="bcs-cb-form"
                  onSubmit={(e) => {
                    e.preventDefault();
                    void save();
                  }}
                >
                  <Row gutter={12} align="top">
                    <Col flex="200px">
                      <label htmlFor="desk-code" className="bcs-cb-label">
                        评价代码
                      </label>
                      <Input
                        id="desk-code"
                        ref={codeRef}
                        value={code}
                        maxLength={4}
                        autoComplete="off"
                        onChange={(e) => onCode(e.target.value)}
                        placeholder="如 1111、Y、W"
                        aria-describedby="desk-code-help"
                        status={parsed.kind === 'invalid' ? 'error' : undefined}
                        data-testid="desk-code"
                      />
                    </Col>
                    <Col flex="auto">
                      <label htmlFor="desk-comment" className="bcs-cb-label">
                        回访意见（可不填）
                      </label>
                      <Input id="desk-comment" value={comment} onChange={(e) => setComment(e.target.value)} maxLength={LIMITS.text} data-testid="desk-comment" />
                    </Col>
                  </Row>
                  <Typography.Paragraph type="secondary" id="desk-code-help" className="bcs-cb-help">
                    依次输入服务态度、办理结果、办理效率、廉洁勤政：1 满意 · 2 基本满意 · 3 不满意；Y 全部满意。未接通：W 未接通 · M 忙线 · C 号码错误 · J 拒绝回访。按 Enter 保存并转到下一件。
                  </Typography.Paragraph>
                  <div className="bcs-cb-aspects">
                    {RATING_ASPECTS.map((a) => (
                      <div key={a} className="bcs-cb-aspect">
                        <span id={`desk-aspect-${a}`}>{RATING_ASPECT_LABELS[a]}</span>
                        <Radio.Group
                          aria-labelledby={`desk-aspect-${a}`}
                          optionType="button"
                          size="small"
                          value={ratings[a]}
                          onChange={(e) => onRadio(a, e.target.value as Rating)}
                          options={RATINGS.map((r) => ({ value: r, label: RATING_LABELS[r] }))}
                        />
                      </div>
                    ))}
                  </div>
                  {parsed.kind === 'attempt' ? (
                    <Alert type="info" showIcon style={{ marginTop: 8 }} message={`将记录“${CALLBACK_ATTEMPT_OUTCOME_LABELS[parsed.outcome]}”，本件留在待回访中`} />
                  ) : bad ? (
                    <Alert type="warning" showIcon style={{ marginTop: 8 }} message="有“不满意”评价，即为差评：保存后转入核查督办，并抄送县纪委监委。" />
                  ) : null}
                  {error ? <Alert type="error" showIcon style={{ marginTop: 8 }} message={error} data-testid="desk-error" /> : null}
                  <Space style={{ marginTop: 12 }} wrap>
                    <Button type="primary" htmlType="submit" loading={saving} data-testid="desk-save">
                      保存并下一件（Enter）
                    </Button>
                    <Button onClick={allSatisfied} data-testid="desk-all-satisfied">
                      全部满意（Y）
                    </Button>
                    {CALLBACK_ATTEMPT_OUTCOMES.map((o) => (
                      <Button
                        key={o}
                        onClick={() => {
                          onCode(ATTEMPT_KEY_OF[o].toLowerCase());
                          focusCode();
                        }}
                      >
                        {CALLBACK_ATTEMPT_OUTCOME_LABELS[o]}（{ATTEMPT_KEY_OF[o]}）
                      </Button>
                    ))}
                  </Space>
                </form>
              </section>
            </Col>
          ) : null}
        </Row>
      )}
    </Card>
  );
}
