/**
 * A read-only table in antd's table markup, without antd's Table (issue 11: page time).
 *
 * The 台账 rendered 50 rows through antd's Table (rc-table): per cell a few components with their
 * contexts, per render antd's CSS-in-JS hooks, and for the sticky header a second table whose
 * column widths are measured in the page (`getBoundingClientRect` per column, a forced layout) —
 * a third of the page's script time. A list that is only read and clicked needs none of that:
 * this renders the same elements and classes (`ant-table-wrapper` › `ant-table ant-table-small` ›
 * `table` › `thead.ant-table-thead` / `tbody.ant-table-tbody` › `tr.ant-table-row` › `td.ant-table-cell`)
 * styled by the same static antd rules (web/antd-static-css.ts), the widths from a `colgroup`
 * (`table-layout: fixed`, as antd does with `scroll.x`), the header kept in view by CSS
 * (`position: sticky`, global.css), row selection with antd's checkbox markup around a native
 * checkbox (label, disabled, keyboard as before).
 */
import type { CSSProperties, ReactNode } from 'react';
import { Spin } from 'antd';
import { useAntdHash } from './LiteTag';

export interface LiteColumn<T> {
  key: string;
  title: ReactNode;
  width?: number;
  /** One line, cut with an ellipsis (the cell's `title` shows it in full when `title` is given). */
  ellipsis?: boolean;
  render: (row: T) => ReactNode;
  /** The full text of the cell, shown on hover (antd's `ellipsis.showTitle`). */
  title_?: (row: T) => string | undefined;
}

export interface LiteSelection<T> {
  selected: ReadonlySet<string | number>;
  onToggle: (row: T, checked: boolean) => void;
  disabled?: (row: T) => boolean;
  label: (row: T) => string;
  width?: number;
}

export function LiteTable<T>({
  columns,
  rows,
  rowKey,
  rowClassName,
  selection,
  loading = false,
  empty,
  minWidth,
  className,
  testId,
}: {
  columns: LiteColumn<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string | number;
  rowClassName?: (row: T) => string;
  selection?: LiteSelection<T>;
  loading?: boolean;
  /** Shown in the body when there are no rows (and not loading). */
  empty: ReactNode;
  /** The table's least width (antd's `scroll.x`): narrower screens scroll it sideways. */
  minWidth?: number;
  className?: string;
  testId?: string;
}) {
  const hash = useAntdHash();
  const cell = (c: LiteColumn<T>) => (c.ellipsis ? 'ant-table-cell ant-table-cell-ellipsis' : 'ant-table-cell');
  // As antd: a fixed layout with a least width or a cut (ellipsis) column, else the browser's.
  const fixed = !!minWidth || columns.some((c) => c.ellipsis);
  const tableStyle: CSSProperties = minWidth ? { width: minWidth, minWidth: '100%', tableLayout: 'fixed' } : { width: '100%', tableLayout: fixed ? 'fixed' : 'auto' };
  const span = columns.length + (selection ? 1 : 0);
  const table = (
    <div className={`ant-table ant-table-small ${hash}${minWidth ? ' ant-table-scroll-horizontal' : ''}${!loading && rows.length === 0 ? ' ant-table-empty' : ''}`}>
      <div className="ant-table-container">
        <div className="ant-table-content bcs-lite-table-content">
          <table style={tableStyle}>
            <colgroup>
              {selection && <col style={{ width: selection.width ?? 32 }} />}
              {columns.map((c) => (
                <col key={c.key} style={c.width ? { width: c.width } : undefined} />
              ))}
            </colgroup>
            <thead className="ant-table-thead">
              <tr>
                {selection && (
                  <th className="ant-table-cell ant-table-selection-column" scope="col">
                    <span className="bcs-sr-only">选择</span>
                  </th>
                )}
                {columns.map((c) => (
                  <th key={c.key} className={cell(c)} scope="col">
                    {c.title}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="ant-table-tbody">
              {rows.length === 0 ? (
                <tr className="ant-table-placeholder">
                  <td className="ant-table-cell" colSpan={span}>
                    {loading ? <div style={{ height: 120 }} /> : empty}
                  </td>
                </tr>
              ) : (
                rows.map((r) => {
                  const key = rowKey(r);
                  const extra = rowClassName?.(r);
                  return (
                    <tr key={key} className={extra ? `ant-table-row ant-table-row-level-0 ${extra}` : 'ant-table-row ant-table-row-level-0'} data-row-key={key}>
                      {selection && <SelectCell row={r} selection={selection} checked={selection.selected.has(key)} hash={hash} />}
                      {columns.map((c) => (
                        <td key={c.key} className={cell(c)} title={c.title_?.(r)}>
                          {c.render(r)}
                        </td>
                      ))}
                    </tr>
                  );
                })
              )}
            </tbody>
          </table>
        </div>
      </div>
    </div>
  );
  return (
    <div className={`ant-table-wrapper ${hash}${className ? ` ${className}` : ''}`} data-testid={testId}>
      {loading ? <Spin spinning>{table}</Spin> : table}
    </div>
  );
}

function SelectCell<T>({ row, selection, checked, hash }: { row: T; selection: LiteSelection<T>; checked: boolean; hash: string }) {
  const disabled = selection.disabled?.(row) ?? false;
  const state = `${checked ? ' ant-checkbox-checked' : ''}${disabled ? ' ant-checkbox-disabled' : ''}`;
  return (
    <td className="ant-table-cell ant-table-selection-column">
      <label className={`ant-checkbox-wrapper${checked ? ' ant-checkbox-wrapper-checked' : ''}${disabled ? ' ant-checkbox-wrapper-disabled' : ''} ${hash}`}>
        <span className={`ant-checkbox ${hash}${state}`}>
          <input
            type="checkbox"
            className="ant-checkbox-input"
            aria-label={selection.label(row)}
            checked={checked}
            disabled={disabled}
            onChange={(e) => selection.onToggle(row, e.target.checked)}
          />
          <span className="ant-checkbox-inner" />
        </span>
      </label>
    </td>
  );
}
