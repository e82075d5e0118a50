/** The charts of 统计分析 as options for paper (core/stats-charts.ts). */
import { describe, expect, it } from 'vitest';
import { departmentChartOption, monthlyChartOption, monthsBetween, problemTypeChartOption } from './stats-charts.js';

describe('stats charts', () => {
  it('counts every month of a period, across a year end', () => {
    expect(monthsBetween('2026-11-15', '2027-02-01')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
    expect(monthsBetween('2026-11-01', '2026-11-30')).toEqual(['2026-11']);
  });

  it('draws a month without intake as zero bars and no rate point', () => {
    const o = monthlyChartOption('2026-10-01', '2026-11-30', [
      { month: '2026-11', received: 5, completed: 4, completedOnTime: 3, onTimeRate: 0.75, callbacks: 2, satisfied: 1, satisfactionRate: 0.5, badReviews: 1, badReviewsSubstantiated: 0 },
    ]) as any;
    expect(o.xAxis.data).toEqual(['2026-10', '2026-11']);
    expect(o.series.map((s: any) => [s.name, s.data])).toEqual([
      ['受理', [0, 5]],
      ['办结', [0, 4]],
      ['按时办结率', [null, 75]],
      ['满意率', [null, 50]],
    ]);
  });

  it('orders departments by intake, most first, and names problem types by their short names', () => {
    const d = departmentChartOption([
      { name: '县医保局', received: 1, overdueOpen: 0, onTimeRate: null, satisfactionRate: null },
      { name: '县公安局', received: 4, overdueOpen: 2, onTimeRate: 0.5, satisfactionRate: 1 },
    ]) as any;
    expect(d.xAxis.data).toEqual(['县公安局', '县医保局']);
    expect(d.series[1].data).toEqual([2, 0]);
    const p = problemTypeChartOption({ byProblemType: { misconduct: 3 } }) as any;
    expect(p.xAxis.data).toEqual(['不敢办', '不愿办', '不会办', '不好办', '不给办']);
    expect(p.series[0].data).toEqual([0, 0, 0, 0, 3]);
  });
});
