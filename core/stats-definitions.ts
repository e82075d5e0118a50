/**
 * What each statistic means (docs/CONTRACT.md §Statistics), in the words shown to users: the OpenAPI
 * document and the dashboard's tooltips both read this one table.
 */
export const STAT_DEFINITIONS: Record<string, { label: string; definition: string }> = {
  received: { label: '受理件数', definition: '期间内（按 Asia/Shanghai 日期，含首尾两日）登记的反映件数。以下各项均只统计这些反映件。' },
  byChannel: { label: '按渠道', definition: '按反映渠道（窗口、热线、网上平台、群工系统、其他）分的件数。' },
  byProblemType: { label: '按问题类型', definition: '按受理时确定（可调整）的五类问题分的件数；未受理的不计入。' },
  byLevel: { label: '按调度级别', definition: '按当前调度级别（一级、二级、三级）分的件数；未交办的不计入。' },
  byStatus: { label: '按当前状态', definition: '按当前状态分的件数。' },
  resolvedOnSpot: { label: '当场办结', definition: '登记后当场协调办结的件数。' },
  rejected: { label: '不予受理', definition: '经研判不予受理的件数。' },
  completed: { label: '办结件数', definition: '至少办结过一次的件数（含当场办结）。' },
  completedOnTime: { label: '按时办结', definition: '首次办结不晚于当时办理时限的件数；时限届满前批准延期的，按延期后的时限；当场办结视为按时。' },
  onTimeRate: { label: '按时办结率', definition: '按时办结 ÷ 办结件数；办结件数为 0 时不计算。' },
  callbacks: { label: '回访件数', definition: '已电话回访的件数。' },
  satisfied: { label: '满意件数', definition: '最近一次回访四项评价均无“不满意”的件数。' },
  satisfactionRate: { label: '满意率', definition: '满意件数 ÷ 回访件数；回访件数为 0 时不计算。' },
  badReviews: { label: '差评件数', definition: '任一次回访有“不满意”评价的件数。' },
  badReviewsSubstantiated: { label: '差评属实', definition: '经核查差评属实的件数。' },
  overdueOpen: { label: '当前超期', definition: '尚未办结且此刻已超过办理时限的件数。' },
};

/** The definitions as one Markdown list (for API documentation). */
export function statDefinitionsMarkdown(): string {
  return Object.entries(STAT_DEFINITIONS)
    .map(([k, v]) => `- \`${k}\`（${v.label}）：${v.definition}`)
    .join('\n');
}
