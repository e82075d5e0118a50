/**
 * A thin React wrapper over ECharts (components/echartsCore.ts). Issue 11 (page time): the chart
 * library is neither in the page's chunk nor drawn in the page's first paint — the box (its size,
 * label and test id) renders at once with the page's figures, ECharts is fetched and the chart drawn
 * after the next frame, so the numbers a user came for are on screen first.
 */
import { useEffect, useRef } from 'react';
import type { EChartsCoreOption, ECharts } from 'echarts/core';

/** What a click on a chart element tells: the series, the category (or slice) and its index. */
export interface ChartClick {
  seriesName?: string;
  seriesIndex?: number;
  name: string;
  dataIndex: number;
  value: unknown;
  data: unknown;
}

type Core = typeof import('./echartsCore');
let core: Promise<Core> | null = null;
/** The chart library, fetched once (a page with charts may call this early to warm it up). */
export function loadECharts(): Promise<Core> {
  core ??= import('./echartsCore');
  return core;
}

/** After the browser has painted what is on screen now (a frame, then a task after it). */
function afterPaint(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

export function EChart({
  option,
  height = 300,
  testId,
  onClick,
  ariaLabel,
}: {
  option: EChartsCoreOption;
  height?: number;
  testId?: string;
  /** Called when a bar, slice or point is clicked (the pointer turns into a hand over them). */
  onClick?: (e: ChartClick) => void;
  ariaLabel?: string;
}) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const click = useRef(onClick);
  click.current = onClick;
  const latest = useRef(option);
  latest.current = option;
  useEffect(() => {
    let gone = false;
    let ro: ResizeObserver | null = null;
    void Promise.all([loadECharts(), afterPaint()]).then(([{ echarts }]) => {
      if (gone || !el.current) return;
      const c = echarts.init(el.current);
      chart.current = c;
      c.on('click', (p) => click.current?.(p as unknown as ChartClick));
      c.setOption(latest.current, true);
      ro = new ResizeObserver(() => chart.current?.resize());
      ro.observe(el.current);
    });
    return () => {
      gone = true;
      ro?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);
  return <div ref={el} style={{ width: '100%', height }} data-testid={testId} role="img" aria-label={ariaLabel} />;
}
