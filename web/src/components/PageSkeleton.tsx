import { Card, Skeleton } from 'antd';

/** The loading state of a page: a card of skeleton lines in the page's shape. */
export function PageSkeleton({ rows = 6 }: { rows?: number }) {
  return (
    <Card>
      <Skeleton active title paragraph={{ rows }} />
    </Card>
  );
}
