/** The assessment as an Excel sheet and as a Word draft of the 考核情况通报. */
import ExcelJS from 'exceljs';
import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import type { AssessmentRow, AssessmentSettings } from './assessment.js';

const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

export const ASSESSMENT_COLUMNS: Array<[string, (r: AssessmentRow) => string | number]> = [
  ['排名', (r) => r.rank ?? '—'],
  ['部门', (r) => r.name],
  ['受理件数', (r) => r.received],
  ['办结件数', (r) => r.completed],
  ['按时办结率', (r) => pct(r.onTimeRate)],
  ['回访件数', (r) => r.callbacks],
  ['满意率', (r) => pct(r.satisfactionRate)],
  ['差评', (r) => r.badReviews],
  ['差评属实', (r) => r.badReviewsSubstantiated],
  ['通报', (r) => r.circulations],
  ['督办', (r) => r.supervisions],
  ['当前超期', (r) => r.overdueOpen],
  ['异议成立', (r) => r.contestsUpheld],
  ['异议不成立', (r) => r.contestsRejected],
  ['被改派', (r) => r.redispatched],
  ['重办', (r) => r.reopened],
  ['协办未回复', (r) => r.coPartsMissing],
  ['得分', (r) => (r.score === null ? '—' : r.score)],
  ['备注', (r) => r.note ?? ''],
];

export function formulaText(s: AssessmentSettings): string {
  return `得分 = 按时办结率×${s.weights.onTime}% + 满意率×${s.weights.satisfaction}% + (1−差评率)×${s.weights.noBadReview}%（折算为百分制，缺少的比率不计权重）− 通报 ${s.penaltyPerCirculation} 分/次 − 差评属实 ${s.penaltyPerSubstantiated} 分/件；受理少于 ${s.minSample} 件的部门不参与排名。派单异议成立属正当退回，不扣分；异议不成立、被改派、重办、协办未回复的次数只列示，不计入得分。`;
}

export async function assessmentXlsx(rows: AssessmentRow[], period: { from: string; to: string }, s: AssessmentSettings): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('部门考核');
  ws.addRow([`部门考核情况（${period.from} 至 ${period.to}）`]);
  ws.mergeCells(1, 1, 1, ASSESSMENT_COLUMNS.length);
  ws.getRow(1).font = { bold: true, size: 14 };
  ws.addRow(ASSESSMENT_COLUMNS.map(([h]) => h)).font = { bold: true };
  for (const r of rows) ws.addRow(ASSESSMENT_COLUMNS.map(([, f]) => f(r)));
  ws.addRow([]);
  ws.addRow([formulaText(s)]);
  ws.views = [{ state: 'frozen', ySplit: 2 }];
  ws.columns.forEach((c, i) => (c.width = i === 1 ? 22 : i === ASSESSMENT_COLUMNS.length - 1 ? 30 : 11));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export async function assessmentDocx(rows: AssessmentRow[], period: { from: string; to: string }, s: AssessmentSettings, countyName: string): Promise<Buffer> {
  const font = '仿宋_GB2312';
  const p = (text: string, opts: { bold?: boolean; size?: number; center?: boolean; font?: string } = {}) =>
    new Paragraph({
      alignment: opts.center ? AlignmentType.CENTER : AlignmentType.LEFT,
      spacing: { line: 560 },
      children: [new TextRun({ text, bold: opts.bold, size: opts.size ?? 32, font: opts.font ?? font })],
    });
  const ranked = rows.filter((r) => r.rank !== null);
  const top = ranked.slice(0, 3).map((r) => r.name).join('、') || '无';
  const bottom = ranked.length > 3 ? ranked.slice(-3).map((r) => r.name).join('、') : '无';
  const circulated = rows.filter((r) => r.circulations > 0).map((r) => `${r.name}（${r.circulations} 次）`).join('、') || '无';
  const total = rows.reduce((a, r) => a + r.received, 0);
  const table = new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ children: ASSESSMENT_COLUMNS.map(([h]) => new TableCell({ children: [p(h, { bold: true, size: 18, font: '黑体' })] })) }),
      ...rows.map((r) => new TableRow({ children: ASSESSMENT_COLUMNS.map(([, f]) => new TableCell({ children: [p(String(f(r)), { size: 18 })] })) })),
    ],
  });
  const doc = new Document({
    sections: [
      {
        children: [
          p(`关于${period.from}至${period.to}${countyName}政务服务“办不成事”问题办理情况的通报`, { bold: true, size: 44, center: true, font: '方正小标宋简体' }),
          p('（讨论稿）', { center: true }),
          p('各乡镇人民政府、街道办事处，县政府各部门：'),
          p(`　　${period.from}至${period.to}，全县各承办部门共牵头办理“办不成事”反映件 ${total} 件。现将各部门办理情况通报如下。`),
          p('　　一、总体情况', { font: '黑体' }),
          p(`　　按考核办法计分，排名靠前的部门为：${top}；排名靠后的部门为：${bottom}。被通报的部门：${circulated}。`),
          p('　　二、各部门办理情况', { font: '黑体' }),
          table,
          p('　　三、计分办法', { font: '黑体' }),
          p(`　　${formulaText(s)}`),
          p('　　四、工作要求', { font: '黑体' }),
          p('　　各部门要对照通报情况，认真查找问题，对超期未办结、差评属实的反映件限期整改，举一反三，切实提升政务服务水平。'),
          p(`${countyName}人民政府办公室`, { center: false }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
