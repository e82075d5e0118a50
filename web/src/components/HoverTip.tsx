/**
 * An open antd Tooltip over its parent element (which must be positioned): an empty box covering
 * the parent is the tooltip's anchor, so the tooltip sits where a Tooltip around the parent would.
 * Mounted by the parent only while it is hovered or focused (components/StatTitle.tsx).
 */
import { Tooltip } from 'antd';

export default function HoverTip({ title }: { title: string }) {
  return (
    <Tooltip open title={title}>
      <span aria-hidden="true" style={{ position: 'absolute', inset: 0, pointerEvents: 'none' }} />
    </Tooltip>
  );
}
