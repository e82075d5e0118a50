/** The foot of a cursor-paged list: how many rows are shown, and 加载更多 while the server has more. */
import { Button, Typography } from 'antd';

export function LoadMore({
  shown,
  unit,
  hasMore,
  loading,
  onMore,
  testId,
}: {
  shown: number;
  /** 件, 条, … */
  unit: string;
  hasMore: boolean;
  loading: boolean;
  onMore(): void;
  testId?: string;
}) {
  return (
    <div style={{ marginTop: 12, display: 'flex', alignItems: 'center', gap: 12 }}>
      <Typography.Text type="secondary" data-testid={testId}>
        已显示 {shown} {unit}
        {hasMore ? '，还有更多' : ''}
      </Typography.Text>
      {hasMore && (
        <Button onClick={onMore} loading={loading}>
          加载更多
        </Button>
      )}
    </div>
  );
}
