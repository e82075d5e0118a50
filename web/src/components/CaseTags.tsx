/** Small, consistent renderings of a case's status, level and deadline. */
import { Tag, Tooltip } from 'antd';
import { LiteTag } from './LiteTag';
import type { CaseStatus, Level } from '../../../core/domain';
import { STATUS_LABELS } from '../../../core/domain';
import type { DeadlineFields } from '../api/types';
import { deadlineTone, formatDateTime, formatShortDateTime, remainingText } from '../lib/time';
import { STAGE_LABELS, stageOf } from '../../../core/clocks';

/**
 * Each status's tag as [text, background, border], every text at WCAG AA (4.5:1) on its background
 * (CaseTags.test.tsx computes each pair). The hues stay those users know: blue for new, cyan
 * accepted, geekblue dispatched, solid blue in progress, purple escalating, green completed,
 * volcano verifying, grey finished.
 */
export const STATUS_TAG_COLORS: Record<CaseStatus, { text: string; background: string; border: string }> = {
  received: { text: '#0958d9', background: '#e6f4ff', border: '#91caff' },
  accepted: { text: '#006d75', background: '#e6fffb', border: '#87e8de' },
  rejected: { text: 'rgba(0, 0, 0, 0.65)', background: '#f5f5f5', border: '#d9d9d9' },
  assigned: { text: '#1d39c4', background: '#f0f5ff', border: '#adc6ff' },
  in_progress: { text: '#ffffff', background: '#0958d9', border: '#0958d9' },
  escalating: { text: '#531dab', background: '#f9f0ff', border: '#d3adf7' },
  completed: { text: '#237804', background: '#f6ffed', border: '#b7eb8f' },
  verifying: { text: '#ad2102', background: '#fff2e8', border: '#ffbb96' },
  closed: { text: 'rgba(0, 0, 0, 0.65)', background: '#f5f5f5', border: '#d9d9d9' },
  merged: { text: 'rgba(0, 0, 0, 0.65)', background: '#f5f5f5', border: '#d9d9d9' },
};

export function StatusTag({ status }: { status: CaseStatus }) {
  const c = STATUS_TAG_COLORS[status];
  return (
    <LiteTag style={{ color: c.text, background: c.background, borderColor: c.border }} data-testid="status-tag" data-status={status}>
      {STATUS_LABELS[status]}
    </LiteTag>
  );
}

export const LEVEL_LABELS: Record<Level, string> = { 1: '一级', 2: '二级', 3: '三级' };

export function LevelTag({ level }: { level: Level | null }) {
  if (!level) return <span>—</span>;
  return <LiteTag color={level === 3 ? 'red' : level === 2 ? 'orange' : 'blue'}>{LEVEL_LABELS[level]}</LiteTag>;
}

export const PROVISIONAL_LABEL = '临时（日历未发布）';

/**
 * A deadline as "2026-11-30 23:59（剩 2 个工作日）": red when overdue, orange when due soon (the
 * server's one rule), with a 临时 mark when computed without the year's official calendar.
 * `compact` breaks the line after the date; `short` (one line in a dense list: 台账, 工作台) drops
 * the year of this year's dates and the 超期 tag, which the red 已超期 text already says.
 */
export function DeadlineText({ c, compact = false, short = false }: { c: DeadlineFields; compact?: boolean; short?: boolean }) {
  if (!c.dueAt) return <span>—</span>;
  const tone = deadlineTone(c);
  const cls = tone === 'overdue' ? 'deadline-overdue' : tone === 'soon' ? 'deadline-soon' : undefined;
  return (
    <span data-testid="deadline" title={short ? formatDateTime(c.dueAt) : undefined}>
      <span className={cls}>
        {short ? formatShortDateTime(c.dueAt) : formatDateTime(c.dueAt)}
        {compact && <br />}
        {remainingText(c)}
      </span>
      {tone === 'overdue' && !short && (
        <LiteTag color="red" style={{ marginInlineStart: 6 }}>
          超期
        </LiteTag>
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
export function StageDeadline({ c, compact = false, short = false }: { c: StageFields; compact?: boolean; short?: boolean }) {
  const stage = stageOf(c.status);
  if (!stage || stage === 'handling' || !c.stageDueAt) return null;
  return (
    <span data-testid="stage-deadline" style={{ whiteSpace: 'nowrap' }} title={short ? formatDateTime(c.stageDueAt) : undefined}>
      <span className={c.stageOverdue ? 'deadline-overdue' : undefined}>
        {STAGE_LABELS[stage]}时限 {short ? formatShortDateTime(c.stageDueAt) : formatDateTime(c.stageDueAt)}
      </span>
      {compact && c.stageOverdue && <br />}
      {c.stageOverdue && (
        <LiteTag color="red" style={{ marginInlineStart: compact ? 0 : 6 }} data-testid="stage-overdue">
          {STAGE_LABELS[stage]}超时
        </LiteTag>
      )}
    </span>
  );
}
