/** A figure's name with its definition (core/stats-definitions.ts) in a tooltip. */
import { Tooltip } from 'antd';
import { QuestionCircleOutlined } from '@ant-design/icons';
import { STAT_DEFINITIONS } from '../../../core/stats-definitions';

export function statDefinition(field: string): string | undefined {
  return STAT_DEFINITIONS[field]?.definition;
}

/**
 * `label` (or the table's own label of `field`) followed by a ⓘ whose tooltip is the definition;
 * `compact` (narrow table headers) underlines the label with dots instead of the ⓘ.
 */
export function StatTitle({ field, label, extra, compact }: { field: string; label?: string; extra?: string; compact?: boolean }) {
  const def = STAT_DEFINITIONS[field];
  const text = label ?? def?.label ?? field;
  if (!def && !extra) return <span>{text}</span>;
  return (
    <Tooltip title={[def?.definition, extra].filter(Boolean).join(' ')}>
      <span
        className={compact ? 'bcs-stat-title compact' : 'bcs-stat-title'}
        data-stat={field}
        tabIndex={0}
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
      </span>
    </Tooltip>
  );
}
