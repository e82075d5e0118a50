/**
 * The State Council's official holiday arrangements (国务院办公厅关于部分节假日安排的通知),
 * as literal data.
 *
 * `holidays` lists every date off of each span announced as "X月Y日至Z日放假", including
 * the Saturdays and Sundays inside the span. Where the notice says "X日放假，与周末连休"
 * (2024 元旦, 2024 端午节) only the announced date is listed: the adjacent weekend is
 * off anyway. `workdays` lists the make-up working days (调休上班), each named after
 * the holiday it pays for.
 *
 * Every date is cross-checked against the `chinese-days` package in official.test.ts.
 * To add a year, append a `YearSchedule` with the same shape, citing the notice.
 */
import type { YearSchedule } from '../working-days.js';

/**
 * 2024 — 国务院办公厅关于2024年部分节假日安排的通知（国办发明电〔2023〕7号）
 * https://www.gov.cn/zhengce/content/202310/content_6911527.htm
 *
 * 一、元旦：1月1日放假，与周末连休。
 * 二、春节：2月10日至17日放假调休，共8天。2月4日（星期日）、2月18日（星期日）上班。
 *     鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。
 *     — 2月9日（除夕，星期五）is only *encouraged* off: officially a working day.
 * 三、清明节：4月4日至6日放假调休，共3天。4月7日（星期日）上班。
 * 四、劳动节：5月1日至5日放假调休，共5天。4月28日（星期日）、5月11日（星期六）上班。
 * 五、端午节：6月10日放假，与周末连休。
 * 六、中秋节：9月15日至17日放假调休，共3天。9月14日（星期六）上班。
 * 七、国庆节：10月1日至7日放假调休，共7天。9月29日（星期日）、10月12日（星期六）上班。
 */
const Y2024: YearSchedule = {
  year: 2024,
  holidays: [
    { date: '2024-01-01', name: '元旦' }, // 一 (2023-12-30/31 are the weekend before)

    { date: '2024-02-10', name: '春节' }, // 六 正月初一
    { date: '2024-02-11', name: '春节' }, // 日
    { date: '2024-02-12', name: '春节' }, // 一
    { date: '2024-02-13', name: '春节' }, // 二
    { date: '2024-02-14', name: '春节' }, // 三
    { date: '2024-02-15', name: '春节' }, // 四
    { date: '2024-02-16', name: '春节' }, // 五
    { date: '2024-02-17', name: '春节' }, // 六

    { date: '2024-04-04', name: '清明节' }, // 四
    { date: '2024-04-05', name: '清明节' }, // 五
    { date: '2024-04-06', name: '清明节' }, // 六

    { date: '2024-05-01', name: '劳动节' }, // 三
    { date: '2024-05-02', name: '劳动节' }, // 四
    { date: '2024-05-03', name: '劳动节' }, // 五
    { date: '2024-05-04', name: '劳动节' }, // 六
    { date: '2024-05-05', name: '劳动节' }, // 日

    { date: '2024-06-10', name: '端午节' }, // 一 (06-08/09 are the weekend before)

    { date: '2024-09-15', name: '中秋节' }, // 日
    { date: '2024-09-16', name: '中秋节' }, // 一
    { date: '2024-09-17', name: '中秋节' }, // 二

    { date: '2024-10-01', name: '国庆节' }, // 二
    { date: '2024-10-02', name: '国庆节' }, // 三
    { date: '2024-10-03', name: '国庆节' }, // 四
    { date: '2024-10-04', name: '国庆节' }, // 五
    { date: '2024-10-05', name: '国庆节' }, // 六
    { date: '2024-10-06', name: '国庆节' }, // 日
    { date: '2024-10-07', name: '国庆节' }, // 一
  ],
  workdays: [
    { date: '2024-02-04', name: '春节' }, // 日
    { date: '2024-02-18', name: '春节' }, // 日
    { date: '2024-04-07', name: '清明节' }, // 日
    { date: '2024-04-28', name: '劳动节' }, // 日
    { date: '2024-05-11', name: '劳动节' }, // 六
    { date: '2024-09-14', name: '中秋节' }, // 六
    { date: '2024-09-29', name: '国庆节' }, // 日
    { date: '2024-10-12', name: '国庆节' }, // 六
  ],
};

/**
 * 2025 — 国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）
 * https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm
 * First year under the revised 《全国年节及纪念日放假办法》: 除夕 and 5月2日 became
 * statutory days off (春节 4 days, 劳动节 2 days).
 *
 * 一、元旦：1月1日（周三）放假1天，不调休。
 * 二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。
 *     1月26日（周日）、2月8日（周六）上班。
 * 三、清明节：4月4日（周五）至6日（周日）放假，共3天。
 * 四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
 * 五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
 * 六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。
 *     9月28日（周日）、10月11日（周六）上班。
 *     — one combined span; 10月6日 is 中秋 itself and is named so, the rest 国庆节.
 */
const Y2025: YearSchedule = {
  year: 2025,
  holidays: [
    { date: '2025-01-01', name: '元旦' }, // 三

    { date: '2025-01-28', name: '春节' }, // 二 除夕
    { date: '2025-01-29', name: '春节' }, // 三 正月初一
    { date: '2025-01-30', name: '春节' }, // 四
    { date: '2025-01-31', name: '春节' }, // 五
    { date: '2025-02-01', name: '春节' }, // 六
    { date: '2025-02-02', name: '春节' }, // 日
    { date: '2025-02-03', name: '春节' }, // 一
    { date: '2025-02-04', name: '春节' }, // 二 正月初七

    { date: '2025-04-04', name: '清明节' }, // 五
    { date: '2025-04-05', name: '清明节' }, // 六
    { date: '2025-04-06', name: '清明节' }, // 日

    { date: '2025-05-01', name: '劳动节' }, // 四
    { date: '2025-05-02', name: '劳动节' }, // 五
    { date: '2025-05-03', name: '劳动节' }, // 六
    { date: '2025-05-04', name: '劳动节' }, // 日
    { date: '2025-05-05', name: '劳动节' }, // 一

    { date: '2025-05-31', name: '端午节' }, // 六
    { date: '2025-06-01', name: '端午节' }, // 日
    { date: '2025-06-02', name: '端午节' }, // 一

    { date: '2025-10-01', name: '国庆节' }, // 三
    { date: '2025-10-02', name: '国庆节' }, // 四
    { date: '2025-10-03', name: '国庆节' }, // 五
    { date: '2025-10-04', name: '国庆节' }, // 六
    { date: '2025-10-05', name: '国庆节' }, // 日
    { date: '2025-10-06', name: '中秋节' }, // 一 八月十五
    { date: '2025-10-07', name: '国庆节' }, // 二
    { date: '2025-10-08', name: '国庆节' }, // 三
  ],
  workdays: [
    { date: '2025-01-26', name: '春节' }, // 日
    { date: '2025-02-08', name: '春节' }, // 六
    { date: '2025-04-27', name: '劳动节' }, // 日
    { date: '2025-09-28', name: '国庆节' }, // 日
    { date: '2025-10-11', name: '国庆节' }, // 六
  ],
};

/**
 * 2026 — 国务院办公厅关于2026年部分节假日安排的通知
 * https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm
 *
 * 一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
 * 二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。
 *     2月14日（周六）、2月28日（周六）上班。
 * 三、清明节：4月4日（周六）至6日（周一）放假，共3天。
 * 四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
 * 五、端午节：6月19日（周五）至21日（周日）放假，共3天。
 * 六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
 * 七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
 *     — the 9月20日 make-up day falls *before* the separate 中秋节 span.
 */
const Y2026: YearSchedule = {
  year: 2026,
  holidays: [
    { date: '2026-01-01', name: '元旦' }, // 四
    { date: '2026-01-02', name: '元旦' }, // 五
    { date: '2026-01-03', name: '元旦' }, // 六

    { date: '2026-02-15', name: '春节' }, // 日 腊月二十八
    { date: '2026-02-16', name: '春节' }, // 一 除夕
    { date: '2026-02-17', name: '春节' }, // 二 正月初一
    { date: '2026-02-18', name: '春节' }, // 三
    { date: '2026-02-19', name: '春节' }, // 四
    { date: '2026-02-20', name: '春节' }, // 五
    { date: '2026-02-21', name: '春节' }, // 六
    { date: '2026-02-22', name: '春节' }, // 日
    { date: '2026-02-23', name: '春节' }, // 一 正月初七

    { date: '2026-04-04', name: '清明节' }, // 六
    { date: '2026-04-05', name: '清明节' }, // 日
    { date: '2026-04-06', name: '清明节' }, // 一

    { date: '2026-05-01', name: '劳动节' }, // 五
    { date: '2026-05-02', name: '劳动节' }, // 六
    { date: '2026-05-03', name: '劳动节' }, // 日
    { date: '2026-05-04', name: '劳动节' }, // 一
    { date: '2026-05-05', name: '劳动节' }, // 二

    { date: '2026-06-19', name: '端午节' }, // 五
    { date: '2026-06-20', name: '端午节' }, // 六
    { date: '2026-06-21', name: '端午节' }, // 日

    { date: '2026-09-25', name: '中秋节' }, // 五
    { date: '2026-09-26', name: '中秋节' }, // 六
    { date: '2026-09-27', name: '中秋节' }, // 日

    { date: '2026-10-01', name: '国庆节' }, // 四
    { date: '2026-10-02', name: '国庆节' }, // 五
    { date: '2026-10-03', name: '国庆节' }, // 六
    { date: '2026-10-04', name: '国庆节' }, // 日
    { date: '2026-10-05', name: '国庆节' }, // 一
    { date: '2026-10-06', name: '国庆节' }, // 二
    { date: '2026-10-07', name: '国庆节' }, // 三
  ],
  workdays: [
    { date: '2026-01-04', name: '元旦' }, // 日
    { date: '2026-02-14', name: '春节' }, // 六
    { date: '2026-02-28', name: '春节' }, // 六
    { date: '2026-05-09', name: '劳动节' }, // 六
    { date: '2026-09-20', name: '国庆节' }, // 日
    { date: '2026-10-10', name: '国庆节' }, // 六
  ],
};

/** Official schedules, oldest first. */
export const OFFICIAL_SCHEDULES: readonly YearSchedule[] = Object.freeze([Y2024, Y2025, Y2026]);
