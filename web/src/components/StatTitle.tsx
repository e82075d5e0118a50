/** A figure's name with its definition (core/stats-definitions.ts) in a tooltip. */
import { lazy, Suspense, useId, useState } from 'react';
import { QuestionCircleOutlined } from '@ant-design/icons';
import { STAT_DEFINITIONS } from '../../../core/stats-definitions';

// antd's Tooltip, mounted only while the pointer or the focus is on a title (issue 11: page time —
// 统计分析 has ~30 titles, and an antd Tooltip per title was most of its first render).
const HoverTip = lazy(() => import('./HoverTip'));

export function statDefinition(field: string): string | undefined {
  return STAT_DEFINITIONS[field]?.definition;
}

/**
 * `label` (or the table's own label of `field`) followed by a ⓘ whose tooltip is the definition;
 * `compact` (narrow table headers) underlines the label with dots instead of the ⓘ. The definition
 * is the title's accessible description; the tooltip shows on hover and on keyboard focus.
 */
export function StatTitle({ field, label, extra, compact }: { field: string; label?: string; extra?: string; compact?: boolean }) {
  const def = STAT_DEFINITIONS[field];
  const text = label ?? def?.label ?? field;
  const id = useId();
  const [tip, setTip] = useState(false);
  if (!def && !extra) return <span>{text}</span>;
  const title = [def?.definition, extra].filter(Boolean).join(' ');
  return (
    <span
      className={compact ? 'bcs-stat-title compact' : 'bcs-stat-title'}
      style={{ position: 'relative' }}
      data-stat={field}
      tabIndex={0}
      aria-describedby={id}
      onPointerEnter={() => setTip(true)}
      onPointerLeave={() => setTip(false)}
      onFocus={() => setTip(true)}
      onBlur={() => setTip(false)}
      // antd copies a scrolling table's column titles into a hidden measuring row (aria-hidden):
      // the copy must not take keyboard focus (axe: aria-hidden-focus).
      ref={(el) => {
        if (el?.closest('[aria-hidden="true"]')) el.tabIndex = -1;
      }}
    >
      {text}
      {!compact && (
        <>
          {' '}
          <QuestionCircleOutlined style={{ color: 'rgba(0,0,0,.55)', fontSize: 12 }} />
        </>
      )}
      <span id={id} hidden>
        {title}
      </span>
      {tip && (
        <Suspense fallback={null}>
          <HoverTip title={title} />
        </Suspense>
      )}
    </span>
  );
}
