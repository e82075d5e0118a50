/**
 * Read-only cards, lists, text and layout in antd's markup without antd's components (issue 11:
 * page time; the pattern of LiteTag and LiteTable). Each antd Card, List, List.Item, Typography.Text,
 * Space, Row and Col runs antd's CSS-in-JS hooks and a few wrappers per render (a Typography.Text
 * alone is about ten components: ellipsis measuring, copy and edit support); the 工作台's lists had
 * ~1,200 components for ~600 elements. These write the same elements and classes, styled by the
 * same static rules (web/antd-static-css.ts). Only what the pages use: a small card with a title
 * and an extra link, a small split list, secondary / strong / danger / warning text, a status dot.
 */
import type { CSSProperties, HTMLAttributes, ReactNode } from 'react';
import { useAntdHash } from './LiteTag';

type DataAttrs = { [data: `data-${string}`]: string | undefined };

/** antd's `<Card size="small" title extra>` (bordered). */
export function LiteCard({
  title,
  extra,
  bodyStyle,
  children,
  className,
  ...rest
}: { title?: ReactNode; extra?: ReactNode; bodyStyle?: CSSProperties; children?: ReactNode; className?: string } & DataAttrs) {
  const hash = useAntdHash();
  return (
    <div className={`ant-card ant-card-bordered ant-card-small ${hash}${className ? ` ${className}` : ''}`} {...rest}>
      {(title || extra) && (
        <div className="ant-card-head">
          <div className="ant-card-head-wrapper">
            {title && <div className="ant-card-head-title">{title}</div>}
            {extra && <div className="ant-card-extra">{extra}</div>}
          </div>
        </div>
      )}
      <div className="ant-card-body" style={bodyStyle}>
        {children}
      </div>
    </div>
  );
}

/** antd's `<List size="small" dataSource renderItem>` with items that are `LiteListItem`s; `empty` when there are none. */
export function LiteList({ children, empty }: { children: ReactNode[]; empty: ReactNode }) {
  const hash = useAntdHash();
  return (
    <div className={`ant-list ant-list-sm ant-list-split ${hash}`}>
      <div className={`ant-spin-nested-loading ${hash}`}>
        <div className="ant-spin-container">
          {children.length ? <ul className="ant-list-items">{children}</ul> : <div className="ant-list-empty-text">{empty}</div>}
        </div>
      </div>
    </div>
  );
}

/** antd's `<List.Item>`. */
export function LiteListItem({ children }: { children: ReactNode }) {
  return <li className="ant-list-item">{children}</li>;
}

/** antd's `<Typography.Text type=… strong>`. */
export function LiteText({
  type,
  strong,
  className,
  children,
  ...rest
}: { type?: 'secondary' | 'danger' | 'warning' | 'success'; strong?: boolean; children: ReactNode } & HTMLAttributes<HTMLSpanElement>) {
  const hash = useAntdHash();
  const cls = ['ant-typography', type ? `ant-typography-${type}` : '', className ?? '', hash].filter(Boolean).join(' ');
  return (
    <span className={cls} {...rest}>
      {strong ? <strong>{children}</strong> : children}
    </span>
  );
}

/** antd's `<Badge color=…/>` without children: a coloured status dot. */
export function LiteDot({ color }: { color: 'red' | 'orange' | 'green' | 'blue' | 'gold' }) {
  const hash = useAntdHash();
  return (
    <span className={`ant-badge ant-badge-status ant-badge-not-a-wrapper ${hash}`}>
      <span className={`ant-badge-status-dot ant-badge-color-${color}`} />
    </span>
  );
}

/** antd's `<Space direction="vertical" size={gap} style={{ width: '100%' }}>`: each child in an item. */
export function LiteStack({ gap, children }: { gap: number; children: ReactNode[] }) {
  const hash = useAntdHash();
  return (
    <div className={`ant-space ${hash} ant-space-vertical`} style={{ gap, width: '100%' }}>
      {children.filter((c) => c !== null && c !== undefined && c !== false).map((c, i) => (
        <div className="ant-space-item" key={(c as { key?: string | null }).key ?? i}>
          {c}
        </div>
      ))}
    </div>
  );
}

/** antd's `<Skeleton active paragraph={{ rows }} />`: a title bar and `rows` lines, the last shorter. */
export function LiteSkeleton({ rows }: { rows: number }) {
  const hash = useAntdHash();
  return (
    <div className={`ant-skeleton ant-skeleton-active ${hash}`}>
      <div className="ant-skeleton-content">
        <h3 className="ant-skeleton-title" style={{ width: '38%' }} />
        <ul className="ant-skeleton-paragraph">
          {Array.from({ length: rows }, (_, i) => (
            <li key={i} style={i === rows - 1 ? { width: '61%' } : undefined} />
          ))}
        </ul>
      </div>
    </div>
  );
}
