/**
 * What each statistic means (docs/CONTRACT.md §Statistics), in the words shown to users: the OpenAPI
 * document and the dashboard's tooltips both read this one table.
 */
export const STAT_DEFINITIONS: Record<string, { label: string; definition: string }> = {
  received: { label: '受理件数', definition: '期间内（按 Asia/Shanghai 日期，含首尾两日）登记的反映件数。以下各项均只统计这些反映件（按部门的异议、改派、重办、协办次数也只计这些反映件上发生的）。' },
  byChannel: { label: '按渠道', definition: '按反映渠道（窗口、热线、网上平台、群工系统、其他）分的件数。' },
  byProblemType: { label: '按问题类型', definition: '按受理时确定（可调整）的五类问题分的件数；未受理的不计入。' },
  byLevel: { label: '按调度级别', definition: '按当前调度级别（一级、二级、三级）分的件数；未交办的不计入。' },
  byStatus: { label: '按当前状态', definition: '按当前状态分的件数。' },
  resolvedOnSpot: { label: '当场办结', definition: '登记后当场协调办结的件数。' },
  rejected: { label: '不予受理', definition: '经研判不予受理的件数。' },
  completed: { label: '办结件数', definition: '至少办结过一次的件数（含当场办结）。' },
  completedOnTime: { label: '按时办结', definition: '首次办结不晚于当时办理时限的件数；时限届满前批准延期的，按延期后的时限；当场办结视为按时。' },
  onTimeRate: { label: '按时办结率', definition: '按时办结 ÷ 办结件数；办结件数为 0 时不计算。' },
  callbacks: { label: '回访件数', definition: '已电话回访的件数；无法回访办结（当前已归档）的不计入。' },
  satisfied: { label: '满意件数', definition: '最近一次回访四项评价均无“不满意”的件数。' },
  satisfactionRate: { label: '满意率', definition: '满意件数 ÷ 回访件数；回访件数为 0 时不计算。' },
  badReviews: { label: '差评件数', definition: '任一次回访有“不满意”评价的件数。' },
  badReviewsSubstantiated: { label: '差评属实', definition: '经核查差评属实的件数。' },
  overdueOpen: { label: '当前超期', definition: '尚未办结且此刻已超过办理时限的件数。' },
  merged: { label: '已并件', definition: '作为重复件并入主件办理的件数（当前状态为已并件）；主件照常统计。' },
  closedUnreachable: { label: '无法回访办结', definition: '多次回访未接通后办结归档、当前仍为已归档的件数；这些件没有回访评价，不计入回访件数、满意件数和满意率。' },
  contestsUpheld: { label: '异议成立', definition: '按提出派单异议的部门统计：县工作组认可异议并改派的次数。异议成立属正当退回，不作为该部门的扣分事项。' },
  contestsRejected: { label: '异议不成立', definition: '按提出派单异议的部门统计：县工作组维持原派单的次数（异议理由不成立）。' },
  redispatched: { label: '被改派', definition: '按原牵头部门统计：反映件被改派给其他部门的次数（含因异议成立的改派）。' },
  reopened: { label: '重办', definition: '按重办时的牵头部门统计：已归档的反映件重新办理的次数。' },
  coPartsMissing: { label: '协办未回复', definition: '按协办部门统计：牵头部门办结时该协办部门尚未提交协办意见的次数。' },
};

/** The definitions as one Markdown list (for API documentation). */
export function statDefinitionsMarkdown(): string {
  return Object.entries(STAT_DEFINITIONS)
    .map(([k, v]) => `- \`${k}\`（${v.label}）：${v.definition}`)
    .join('\n');
}
