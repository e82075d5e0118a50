/**
 * The case page's 措施 card: each measure with its state (进行中 / 已逾期 / 已补交 / 已完成 / 已撤回,
 * core/measures.ts), its reminders, and on its row 标记完成 (已补交 for a 容缺 promise) and 撤回
 * opening small dialogs — offered when the server's `allowedActions` (the core rule) has them.
 */
import { useState } from 'react';
import { Button, Card, Empty, Space, Table, Tag, Typography } from 'antd';
import type { CaseDetail, Department, Measure } from '../api/types';
import { MEASURE_LABELS } from '../../../core/domain';
import { fulfilActionLabel, isPending, measureStateWord, type MeasureState } from '../../../core/measures';
import { formatDateTime } from '../lib/time';
import { ActionDialog, DraftOwner } from './CaseActions';

const STATE_COLORS: Record<MeasureState, string> = { open: 'blue', missed: 'red', fulfilled: 'green', withdrawn: 'default' };

export interface MeasuresListProps {
  c: CaseDetail;
  departments: Department[];
  levelDays: { 1: number; 2: number };
  /** Whose drafts the dialogs keep (the signed-in user). */
  draftOwner: string;
  /** A person's name from their login (as on the timeline). */
  who(username: string): string;
  onUpdated(c: CaseDetail): void;
  onStale(): void;
}

export function MeasuresList({ c, departments, levelDays, draftOwner, who, onUpdated, onStale }: MeasuresListProps) {
  /** The row's dialog that is open: 措施完成 or 撤回措施 of one measure. */
  const [open, setOpen] = useState<{ action: 'fulfil-measure' | 'withdraw-measure'; measureId: number } | null>(null);
  const canFulfil = c.allowedActions.includes('fulfil-measure');
  const canWithdraw = c.allowedActions.includes('withdraw-measure');

  const stateCell = (m: Measure) => {
    const word = measureStateWord(m.type, m.state);
    return (
      <div data-testid="measure-state">
        <Tag color={STATE_COLORS[m.state]} data-testid={m.state === 'missed' ? 'measure-missed' : undefined}>
          {word}
        </Tag>
        {m.fulfilledAt && (
          <div data-testid="measure-fulfilled">
            {m.fulfilledNote && <div className="bcs-pre">{m.fulfilledNote}</div>}
            <div style={{ fontSize: 12, color: '#595959' }}>
              {who(m.fulfilledBy ?? '')} {formatDateTime(m.fulfilledAt)}
            </div>
          </div>
        )}
        {m.withdrawnAt && (
          <div data-testid="measure-withdrawn">
            {m.withdrawnReason && <div className="bcs-pre">撤回理由：{m.withdrawnReason}</div>}
            <div style={{ fontSize: 12, color: '#595959' }}>
              {who(m.withdrawnBy ?? '')} {formatDateTime(m.withdrawnAt)}
            </div>
          </div>
        )}
      </div>
    );
  };

  const actionsCell = (m: Measure) => {
    if (m.id === undefined || !isPending(m) || (!canFulfil && !canWithdraw)) return '—';
    const name = MEASURE_LABELS[m.type] ?? m.type;
    return (
      <Space size={4} wrap>
        {canFulfil && (
          <Button size="small" onClick={() => setOpen({ action: 'fulfil-measure', measureId: m.id })} data-testid="fulfil-measure" aria-label={`${fulfilActionLabel(m.type)}：${name}`}>
            {fulfilActionLabel(m.type)}
          </Button>
        )}
        {canWithdraw && (
          <Button size="small" onClick={() => setOpen({ action: 'withdraw-measure', measureId: m.id })} data-testid="withdraw-measure" aria-label={`撤回：${name}`}>
            撤回
          </Button>
        )}
      </Space>
    );
  };

  return (
    <Card title="措施" size="small" data-testid="measures">
      <Table
        size="small"
        rowKey={(m) => (m.id !== undefined ? String(m.id) : `${m.at}-${m.type}`)}
        pagination={false}
        dataSource={c.measures}
        rowClassName={(m) => (m.state === 'missed' ? 'measure-missed' : m.state === 'withdrawn' ? 'measure-withdrawn' : '')}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="尚未记录措施" /> }}
        columns={[
          { title: '措施', dataIndex: 'type', className: 'measure-struck', render: (t: keyof typeof MEASURE_LABELS) => MEASURE_LABELS[t] ?? t },
          { title: '说明', dataIndex: 'note', className: 'measure-struck', render: (v: string | null) => v ?? '—' },
          { title: '经办人员', dataIndex: 'staff', className: 'measure-struck', render: (v: string | null) => v ?? '—' },
          {
            title: '期限',
            dataIndex: 'dueAt',
            className: 'measure-struck',
            render: (v: string | null, m) => (
              <div style={{ whiteSpace: 'nowrap' }}>
                <span className={m.state === 'missed' ? 'deadline-overdue' : undefined}>{formatDateTime(v)}</span>
                {(m.remindedAt || m.missedAt) && (
                  <div style={{ fontSize: 12, color: '#595959' }} data-testid="measure-reminder">
                    {m.remindedAt ? `已提醒 ${formatDateTime(m.remindedAt)}` : ''}
                    {m.remindedAt && m.missedAt ? '；' : ''}
                    {m.missedAt ? `逾期于 ${formatDateTime(m.missedAt)}` : ''}
                  </div>
                )}
              </div>
            ),
          },
          { title: '记录', render: (_: unknown, m) => `${who(m.by)} ${formatDateTime(m.at)}` },
          { title: '状态', render: (_: unknown, m) => stateCell(m) },
          { title: '操作', render: (_: unknown, m) => actionsCell(m) },
        ]}
      />
      {c.measures.some((m) => m.state === 'withdrawn') && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          已撤回的措施以删除线显示，不再提醒、不计逾期。
        </Typography.Text>
      )}
      {open && (
        <DraftOwner.Provider value={draftOwner}>
          <ActionDialog
            key={`${open.action}-${open.measureId}-${c.version}`}
            action={open.action}
            c={c}
            departments={departments}
            levelDays={levelDays}
            initial={{ measureId: open.measureId }}
            onClose={() => setOpen(null)}
            onUpdated={(u) => {
              setOpen(null);
              onUpdated(u);
            }}
            onStale={() => {
              setOpen(null);
              onStale();
            }}
          />
        </DraftOwner.Provider>
      )}
    </Card>
  );
}
