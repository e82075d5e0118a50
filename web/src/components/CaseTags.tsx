/** Small, consistent renderings of a case's status, level and deadline. */
import { Tag, Tooltip } from 'antd';
import type { CaseStatus, Level } from '../../../core/domain';
import { STATUS_LABELS } from '../../../core/domain';
import type { DeadlineFields } from '../api/types';
import { deadlineTone, formatDateTime, remainingText } from '../lib/time';
import { STAGE_LABELS, stageOf } from '../../../core/clocks';

const STATUS_COLORS: Record<CaseStatus, string> = {
  received: 'blue',
  accepted: 'cyan',
  rejected: 'default',
  assigned: 'geekblue',
  in_progress: 'processing',
  escalating: 'purple',
  completed: 'green',
  verifying: 'volcano',
  closed: 'default',
  merged: 'default',
};

export function StatusTag({ status }: { status: CaseStatus }) {
  return (
    <Tag color={STATUS_COLORS[status]} data-testid="status-tag">
      {STATUS_LABELS[status]}
    </Tag>
  );
}

export const LEVEL_LABELS: Record<Level, string> = { 1: '一级', 2: '二级', 3: '三级' };

export function LevelTag({ level }: { level: Level | null }) {
  if (!level) return <span>—</span>;
  return <Tag color={level === 3 ? 'red' : level === 2 ? 'orange' : 'blue'}>{LEVEL_LABELS[level]}</Tag>;
}

export const PROVISIONAL_LABEL = '临时（日历未发布）';

/**
 * A deadline as "2026-11-30 23:59（剩 2 个工作日）": red when overdue, orange when due soon (the
 * server's one rule), with a 临时 mark when computed without the year's official calendar.
 */
export function DeadlineText({ c, compact = false }: { c: DeadlineFields; compact?: boolean }) {
  if (!c.dueAt) return <span>—</span>;
  const tone = deadlineTone(c);
  const cls = tone === 'overdue' ? 'deadline-overdue' : tone === 'soon' ? 'deadline-soon' : undefined;
  return (
    <span data-testid="deadline">
      <span className={cls}>
        {formatDateTime(c.dueAt)}
        {compact && <br />}
        {remainingText(c)}
      </span>
      {tone === 'overdue' && (
        <Tag color="red" style={{ marginInlineStart: 6 }}>
          超期
        </Tag>
      )}
      {c.dueProvisional && (
        <Tooltip title="时限所在年份的国务院节假日安排尚未录入，暂按周一至周五计算；录入后自动重算。">
          <Tag color="warning" style={{ marginInlineStart: 6 }}>
            {PROVISIONAL_LABEL}
          </Tag>
        </Tooltip>
      )}
    </span>
  );
}


type StageFields = { status: CaseStatus; stageDueAt: string | null; stageOverdue: boolean };

/** "受理超时" / "回访超时" / "核查超时" (办理 past its deadline is 超期), or null when in time. */
export function stageOverdueLabel(c: StageFields): string | null {
  const stage = stageOf(c.status);
  if (!c.stageOverdue || !stage) return null;
  return stage === 'handling' ? '超期' : `${STAGE_LABELS[stage]}超时`;
}

/**
 * The deadline of the stage a case waits in other than handling (受理, 回访, 核查 — handling shows
 * its 办理时限): "回访时限 2026-11-30 23:59", red with a 回访超时 tag once passed.
 */
export function StageDeadline({ c, compact = false }: { c: StageFields; compact?: boolean }) {
  const stage = stageOf(c.status);
  if (!stage || stage === 'handling' || !c.stageDueAt) return null;
  return (
    <span data-testid="stage-deadline" style={{ whiteSpace: 'nowrap' }}>
      <span className={c.stageOverdue ? 'deadline-overdue' : undefined}>
        {STAGE_LABELS[stage]}时限 {formatDateTime(c.stageDueAt)}
      </span>
      {compact && c.stageOverdue && <br />}
      {c.stageOverdue && (
        <Tag color="red" style={{ marginInlineStart: compact ? 0 : 6 }} data-testid="stage-overdue">
          {STAGE_LABELS[stage]}超时
        </Tag>
      )}
    </span>
  );
}
