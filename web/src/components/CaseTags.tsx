/** Small, consistent renderings of a case's status, level and deadline. */
import { Tag, Tooltip } from 'antd';
import type { CaseStatus, Level } from '../../../core/domain';
import { STATUS_LABELS } from '../../../core/domain';
import type { DeadlineFields } from '../api/types';
import { deadlineTone, formatDateTime, remainingText } from '../lib/time';

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
