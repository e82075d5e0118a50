/**
 * The charts of 统计分析 as ECharts options, for paper: the 工作简报 draws them on the server
 * (server/reports/chart-images.ts) with the same series, colours and labels as the page
 * (web/src/pages/StatsPage.tsx), without the interactive parts (tooltips, click-through).
 * Pure: no I/O, no ECharts import (options are plain data).
 */
import type { MonthFigures, StatsFigures } from './api/stats.js';
import { CHANNELS, CHANNEL_LABELS, PROBLEM_TYPES } from './domain.js';

export type ChartOption = Record<string, unknown>;

export const CHART_COLORS = { blue: '#1f5fbf', green: '#52a35a', amber: '#d48806', red: '#b7282e', overdue: '#cf1322' } as const;

/** The short 不…办 name of each problem type (the page's axis labels). */
export const PROBLEM_TYPE_SHORT: Record<(typeof PROBLEM_TYPES)[number], string> = {
  materials: '不敢办',
  rigid_policy: '不愿办',
  unable: '不会办',
  complex: '不好办',
  misconduct: '不给办',
};

/** A rate 0–1 as a percentage with one decimal (null stays null: no point drawn). */
const pct1 = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(v * 1000) / 10);

/** Every month 'YYYY-MM' from `from` to `to` (dates 'YYYY-MM-DD'), at most 240. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  const end = to.slice(0, 7);
  for (let i = 0; i < 240; i++) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    if (key > end) break;
    out.push(key);
    if (++m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

const rateAxis = { type: 'value', name: '比率', min: 0, max: 100, axisLabel: { formatter: '{value}%' }, splitLine: { show: false } };

/** 按月受理与办结: bars of received and completed, lines of the on-time and satisfaction rates; every month of the period. */
export function monthlyChartOption(from: string, to: string, rows: readonly MonthFigures[]): ChartOption {
  const byMonth = new Map(rows.map((m) => [m.month, m]));
  const months = monthsBetween(from, to).map((m) => byMonth.get(m) ?? { month: m, received: 0, completed: 0, onTimeRate: null, satisfactionRate: null });
  return {
    legend: { top: 0 },
    grid: { left: 44, right: 52, top: 44, bottom: 28 },
    xAxis: { type: 'category', data: months.map((m) => m.month) },
    yAxis: [{ type: 'value', name: '件', minInterval: 1 }, rateAxis],
    series: [
      { name: '受理', type: 'bar', barMaxWidth: 40, data: months.map((m) => m.received), itemStyle: { color: CHART_COLORS.blue } },
      { name: '办结', type: 'bar', barMaxWidth: 40, data: months.map((m) => m.completed), itemStyle: { color: CHART_COLORS.green } },
      { name: '按时办结率', type: 'line', yAxisIndex: 1, connectNulls: true, data: months.map((m) => pct1(m.onTimeRate)), itemStyle: { color: CHART_COLORS.amber } },
      { name: '满意率', type: 'line', yAxisIndex: 1, connectNulls: true, data: months.map((m) => pct1(m.satisfactionRate)), itemStyle: { color: CHART_COLORS.red } },
    ],
  };
}

/** 反映渠道: a ring of the channels, each slice labelled with its count. */
export function channelChartOption(o: Pick<StatsFigures, 'byChannel'>): ChartOption {
  return {
    legend: { bottom: 0 },
    series: [
      {
        type: 'pie',
        radius: ['28%', '50%'],
        center: ['50%', '45%'],
        // Name and count on two short lines, so no label is cut at the edge of a small picture.
        label: { formatter: '{b}\n{c}件', lineHeight: 16 },
        labelLine: { length: 8, length2: 8 },
        data: CHANNELS.map((c) => ({ name: CHANNEL_LABELS[c], value: o.byChannel[c] ?? 0 })),
      },
    ],
  };
}

/** 问题类型: a bar per problem type, labelled with its count. */
export function problemTypeChartOption(o: Pick<StatsFigures, 'byProblemType'>): ChartOption {
  return {
    grid: { left: 40, right: 16, top: 24, bottom: 30 },
    xAxis: { type: 'category', data: PROBLEM_TYPES.map((p) => PROBLEM_TYPE_SHORT[p]) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ name: '问题类型', type: 'bar', barMaxWidth: 72, label: { show: true, position: 'top' }, data: PROBLEM_TYPES.map((p) => o.byProblemType[p] ?? 0), itemStyle: { color: CHART_COLORS.red } }],
  };
}

/** 分部门: received and overdue bars, on-time and satisfaction lines, departments by received (most first). */
export function departmentChartOption(items: ReadonlyArray<{ name: string; received: number; overdueOpen: number; onTimeRate: number | null; satisfactionRate: number | null }>): ChartOption {
  const rows = [...items].sort((a, b) => b.received - a.received);
  return {
    legend: { top: 0 },
    grid: { left: 40, right: 50, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: rows.map((d) => d.name), axisLabel: { interval: 0, rotate: 30 } },
    yAxis: [{ type: 'value', name: '件', minInterval: 1 }, rateAxis],
    series: [
      { name: '受理', type: 'bar', barMaxWidth: 48, data: rows.map((d) => d.received), itemStyle: { color: CHART_COLORS.blue } },
      { name: '当前超期', type: 'bar', barMaxWidth: 48, data: rows.map((d) => d.overdueOpen), itemStyle: { color: CHART_COLORS.overdue } },
      { name: '按时办结率', type: 'line', yAxisIndex: 1, data: rows.map((d) => pct1(d.onTimeRate)), itemStyle: { color: CHART_COLORS.amber } },
      { name: '满意率', type: 'line', yAxisIndex: 1, data: rows.map((d) => pct1(d.satisfactionRate)), itemStyle: { color: CHART_COLORS.green } },
    ],
  };
}
