/**
 * 工作简报 — the paper the 工作组 reads at its meetings: for a period (Asia/Shanghai dates of
 * intake), the overview figures, the table per lead department, recurring problems, the typical
 * cases published in the period and the 督办/通报/移送 issued in it, with the charts of 统计分析
 * as pictures. Every figure comes from the services behind GET /stats/* and
 * GET /optimization/recurring; nothing is counted here a second time.
 */
import { AlignmentType, Document, ImageRun, Packer, Paragraph, Table, TableCell, TableLayoutType, TableRow, VerticalAlign, WidthType } from 'docx';
import { CHANNELS, CHANNEL_LABELS, PROBLEM_TYPES, PROBLEM_TYPE_LABELS } from '../../core/domain.js';
import { channelChartOption, departmentChartOption, monthlyChartOption, problemTypeChartOption, PROBLEM_TYPE_SHORT } from '../../core/stats-charts.js';
import type { StatsFigures } from '../../core/api/stats.js';
import { shanghaiDate } from '../../core/working-days.js';
import type { AppContext } from '../context.js';
import { departmentFigures, monthlyFigures, overviewFigures } from '../stats/stats.repository.js';
import { findRecurring } from '../optimization/recurring.repository.js';
import { getSettings } from '../settings/settings.repository.js';
import { listDepartments } from '../users/user.repository.js';
import { filteredRecords } from '../supervision/register.repository.js';
import { chineseDate, FONT, line, PAGE, run, SIZE, TEXT_WIDTH } from '../documents/official-docx.js';
import { renderChartPng, type ChartImage } from './chart-images.js';

export const TYPICAL_KIND_LABELS: Record<string, string> = { good: '好的做法', negative: '反面典型' };

export interface BriefingView {
  countyName: string;
  from: string;
  to: string;
  /** The date it was drawn up (today, Asia/Shanghai). */
  issuedOn: string;
  overview: StatsFigures;
  departments: Array<{ code: string; name: string; figures: StatsFigures }>;
  recurring: {
    matters: Array<{ matter: string; count: number; departments: number }>;
    departmentProblemTypes: Array<{ department: string; problemType: string; count: number }>;
    repeatReporters: number;
  };
  typicalCases: Array<{ title: string; kind: string; caseNo: string; summary: string; publishedOn: string }>;
  supervision: { supervise: number; supervisionOverdue: number; circulate: number; referral: number; referralAnswered: number };
  charts: { monthly: ChartImage; channel: ChartImage; problemType: ChartImage; department: ChartImage | null };
}

/** 'YYYY-MM-DD' 00:00 Asia/Shanghai as a stored instant. */
const startOfDay = (date: string) => new Date(`${date}T00:00:00+08:00`).toISOString();
const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00+08:00`) + 86_400_000).toISOString();

/** Everything the briefing shows, for the period [from, to] (checked by the route). */
export async function loadBriefing(ctx: AppContext, from: string, to: string, fonts?: readonly string[]): Promise<BriefingView> {
  const now = ctx.clock.now();
  const period = { from, to };
  const [settings, depts, overview, perDept, months, recurring, typical] = await Promise.all([
    getSettings(ctx.db),
    listDepartments(ctx.db),
    overviewFigures(ctx.db, period, now),
    departmentFigures(ctx.db, period, now),
    monthlyFigures(ctx.db, period),
    findRecurring(ctx.db, from, to),
    ctx.db
      .selectFrom('typical_cases as t')
      .innerJoin('cases as c', 'c.id', 't.case_id')
      .select(['t.title', 't.kind', 't.summary', 't.published_at', 'c.case_no'])
      .where('t.status', '=', 'published')
      .where('t.published_at', '>=', startOfDay(from))
      .where('t.published_at', '<', nextDay(to))
      .orderBy('t.published_at')
      .orderBy('t.id')
      .execute(),
  ]);
  const count = async (f: Parameters<typeof filteredRecords>[1]) =>
    Number((await filteredRecords(ctx.db, { ...f, from, to }, now).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
  const [supervise, supervisionOverdue, circulate, referral, referralAnswered] = await Promise.all([
    count({ kind: ['supervise'] }),
    count({ status: 'overdue' }),
    count({ kind: ['circulate'] }),
    count({ kind: ['referral'] }),
    count({ status: 'result_recorded' }),
  ]);
  const names = new Map(depts.map((d) => [d.code, d.name]));
  const departments = [...perDept.entries()]
    .map(([code, figures]) => ({ code, name: names.get(code) ?? code, figures }))
    .sort((a, b) => b.figures.received - a.figures.received || a.code.localeCompare(b.code));
  const chart = (option: Parameters<typeof renderChartPng>[0], width: number, height: number) => renderChartPng(option, { width, height }, fonts);
  return {
    countyName: settings.countyName,
    from,
    to,
    issuedOn: shanghaiDate(now),
    overview,
    departments,
    recurring: {
      matters: recurring.matters.slice(0, 10),
      departmentProblemTypes: recurring.departmentProblemTypes.slice(0, 10).map((d) => ({ department: names.get(d.department) ?? d.department, problemType: PROBLEM_TYPE_SHORT[d.problemType], count: d.count })),
      repeatReporters: recurring.repeatReporters.length,
    },
    typicalCases: typical.map((t) => ({ title: t.title, kind: TYPICAL_KIND_LABELS[t.kind] ?? t.kind, caseNo: t.case_no, summary: t.summary, publishedOn: shanghaiDate(new Date(t.published_at!)) })),
    supervision: { supervise, supervisionOverdue, circulate, referral, referralAnswered },
    charts: {
      monthly: await chart(monthlyChartOption(from, to, months), 640, 260),
      channel: await chart(channelChartOption(overview), 400, 300),
      problemType: await chart(problemTypeChartOption(overview), 400, 300),
      department: departments.length ? await chart(departmentChartOption(departments.map((d) => ({ name: d.name, ...d.figures }))), 640, 340) : null,
    },
  };
}

// ---------------------------------------------------------------------------
// Word (.docx)
// ---------------------------------------------------------------------------

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

/** A body paragraph: 仿宋 三号, first line indented two characters, 28 pt fixed line (official layout). */
function para(text: string, opts: { indent?: boolean; align?: (typeof AlignmentType)[keyof typeof AlignmentType]; size?: number } = {}): Paragraph {
  return new Paragraph({
    alignment: opts.align ?? AlignmentType.JUSTIFIED,
    indent: opts.indent === false ? undefined : { firstLineChars: 200 },
    spacing: { line: 560, lineRule: 'exact' },
    children: [run(text, 'body', opts.size ?? SIZE.number)],
  });
}

/** 一、二、… headings in 黑体 三号. */
function heading(text: string): Paragraph {
  return new Paragraph({ indent: { firstLineChars: 200 }, spacing: { line: 560, lineRule: 'exact', before: 120 }, keepNext: true, children: [run(text, 'label', SIZE.number)] });
}

/** A chart centred in the text width, with its caption below. */
function figure(img: ChartImage, caption: string, widthPx: number): Paragraph[] {
  const height = Math.round((img.height / img.width) * widthPx);
  return [
    new Paragraph({ alignment: AlignmentType.CENTER, keepNext: true, spacing: { before: 120 }, children: [new ImageRun({ type: 'png', data: img.png, transformation: { width: widthPx, height } })] }),
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 120 }, children: [run(caption, 'body', SIZE.small)] }),
  ];
}

/** Two charts side by side (a borderless table of two cells). */
function figurePair(a: ChartImage, captionA: string, b: ChartImage, captionB: string): Table {
  const half = Math.floor(TEXT_WIDTH / 2);
  const none = { style: 'none' as const, size: 0, color: 'FFFFFF' };
  const cell = (img: ChartImage, caption: string) =>
    new TableCell({
      width: { size: half, type: WidthType.DXA },
      borders: { top: none, bottom: none, left: none, right: none },
      children: figure(img, caption, 285),
    });
  return new Table({
    width: { size: half * 2, type: WidthType.DXA },
    columnWidths: [half, half],
    layout: TableLayoutType.FIXED,
    borders: { top: none, bottom: none, left: none, right: none, insideHorizontal: none, insideVertical: none },
    rows: [new TableRow({ cantSplit: true, children: [cell(a, captionA), cell(b, captionB)] })],
  });
}

const DEPT_COLUMNS: Array<{ header: string; width: number; value: (f: StatsFigures) => string }> = [
  { header: '受理', width: 640, value: (f) => String(f.received) },
  { header: '办结', width: 640, value: (f) => String(f.completed) },
  { header: '按时办结率', width: 1260, value: (f) => pct(f.onTimeRate) },
  { header: '回访', width: 640, value: (f) => String(f.callbacks) },
  { header: '满意率', width: 950, value: (f) => pct(f.satisfactionRate) },
  { header: '差评（属实）', width: 1400, value: (f) => `${f.badReviews}（${f.badReviewsSubstantiated}）` },
  { header: '当前超期', width: 1080, value: (f) => String(f.overdueOpen) },
];

function departmentTable(rows: BriefingView['departments'], total: StatsFigures): Table {
  const nameWidth = TEXT_WIDTH - DEPT_COLUMNS.reduce((s, c) => s + c.width, 0);
  const cell = (text: string, width: number, font: 'label' | 'body' = 'body', align: (typeof AlignmentType)[keyof typeof AlignmentType] = AlignmentType.CENTER) =>
    new TableCell({
      width: { size: width, type: WidthType.DXA },
      verticalAlign: VerticalAlign.CENTER,
      margins: { top: 40, bottom: 40, left: 60, right: 60 },
      children: [new Paragraph({ alignment: align, children: [run(text, font, SIZE.small - 3)] })],
    });
  const row = (name: string, f: StatsFigures, font: 'label' | 'body' = 'body') =>
    new TableRow({ cantSplit: true, children: [cell(name, nameWidth, font, AlignmentType.LEFT), ...DEPT_COLUMNS.map((c) => cell(c.value(f), c.width, font))] });
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: [nameWidth, ...DEPT_COLUMNS.map((c) => c.width)],
    layout: TableLayoutType.FIXED,
    borders: { top: line, bottom: line, left: line, right: line, insideHorizontal: line, insideVertical: line },
    rows: [
      new TableRow({ tableHeader: true, cantSplit: true, children: [cell('牵头部门', nameWidth, 'label'), ...DEPT_COLUMNS.map((c) => cell(c.header, c.width, 'label'))] }),
      ...rows.map((d) => row(d.name, d.figures)),
      row('全县合计（含未交办）', total, 'label'),
    ],
  });
}

/** The overview in sentences, every figure from the statistics service. */
export function overviewSentences(v: BriefingView): string[] {
  const o = v.overview;
  const channels = CHANNELS.filter((c) => (o.byChannel[c] ?? 0) > 0).map((c) => `${CHANNEL_LABELS[c]}${o.byChannel[c]}件`);
  const types = PROBLEM_TYPES.filter((p) => (o.byProblemType[p] ?? 0) > 0).map((p) => `${PROBLEM_TYPE_LABELS[p]}${o.byProblemType[p]}件`);
  const s = v.supervision;
  return [
    `${chineseDate(v.from)}至${chineseDate(v.to)}，全县共受理政务服务领域“办不成事”反映${o.received}件，其中当场办结${o.resolvedOnSpot}件、不予受理${o.rejected}件。` +
      (channels.length ? `按反映渠道：${channels.join('，')}。` : ''),
    types.length ? `按问题类型：${types.join('；')}。` : '本期受理的反映件尚未确定问题类型。',
    `已办结${o.completed}件，其中按时办结${o.completedOnTime}件，按时办结率${pct(o.onTimeRate)}；回访${o.callbacks}件，满意${o.satisfied}件，满意率${pct(o.satisfactionRate)}；差评${o.badReviews}件，经核查属实${o.badReviewsSubstantiated}件。截至${chineseDate(v.issuedOn)}，仍有${o.overdueOpen}件超过办理时限未办结。`,
    `本期发出督办单${s.supervise}件（逾期未报告或逾期报告${s.supervisionOverdue}件），通报${s.circulate}件，向县纪委监委移送问题线索${s.referral}件（已反馈处理结果${s.referralAnswered}件）。`,
  ];
}

/** The briefing as an A4 Word document. */
export async function renderBriefingDocx(v: BriefingView): Promise<Buffer> {
  const title = `${v.countyName}政务服务领域“办不成事”问题解决工作简报`;
  const r = v.recurring;
  const recurring: Paragraph[] = [];
  if (r.matters.length === 0 && r.departmentProblemTypes.length === 0 && r.repeatReporters === 0) recurring.push(para('本期未发现反复出现的问题。'));
  if (r.matters.length) recurring.push(para(`同一事项多次反映：${r.matters.map((m) => `“${m.matter}”${m.count}件${m.departments > 1 ? `（涉及${m.departments}个部门）` : ''}`).join('；')}。`));
  if (r.departmentProblemTypes.length) recurring.push(para(`同一部门同类问题多次出现：${r.departmentProblemTypes.map((d) => `${d.department}“${d.problemType}”${d.count}件`).join('；')}。`));
  if (r.repeatReporters) recurring.push(para(`同一反映人就同一事项重复反映${r.repeatReporters}起，需牵头部门核实是否一次解决到位。`));
  const typical: Paragraph[] = v.typicalCases.length
    ? v.typicalCases.flatMap((t, i) => [
        new Paragraph({ indent: { firstLineChars: 200 }, spacing: { line: 560, lineRule: 'exact' }, keepNext: true, children: [run(`（${i + 1}）${t.title}`, 'label', SIZE.number)] }),
        para(`【${t.kind}】反映件${t.caseNo}，${chineseDate(t.publishedOn)}发布。${t.summary}`),
      ])
    : [para('本期未发布典型案例。')];

  const doc = new Document({
    creator: '办成事',
    title,
    description: `${v.from} 至 ${v.to}`,
    styles: { default: { document: { run: { font: FONT.body, size: SIZE.number } } } },
    sections: [
      {
        properties: {
          page: { size: { width: PAGE.width, height: PAGE.height }, margin: { top: PAGE.top, bottom: PAGE.bottom, left: PAGE.left, right: PAGE.right } },
        },
        children: [
          new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 120, line: 700, lineRule: 'exact' }, children: [run('工 作 简 报', 'title', 60, { color: 'C00000' })] }),
          new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 120 }, children: [run(`（${chineseDate(v.from)}—${chineseDate(v.to)}）`, 'body', SIZE.number)] }),
          new Paragraph({
            spacing: { after: 360 },
            border: { bottom: { style: 'single', size: 18, color: 'C00000', space: 4 } },
            tabStops: [{ type: 'right', position: TEXT_WIDTH }],
            children: [run(`${v.countyName}“办不成事”问题解决工作组办公室`, 'body', SIZE.small), run(`\t${chineseDate(v.issuedOn)}`, 'body', SIZE.small)],
          }),
          new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 240, line: 600, lineRule: 'exact' }, children: [run(title, 'title', SIZE.cell + 8)] }),
          heading('一、总体情况'),
          ...overviewSentences(v).map((s) => para(s)),
          ...figure(v.charts.monthly, '图1　按月受理与办结（按登记月份）', 560),
          figurePair(v.charts.channel, '图2　反映渠道', v.charts.problemType, '图3　问题类型'),
          heading('二、各部门办理情况'),
          para(v.departments.length ? '按牵头部门统计（未交办的反映件不计入各部门，计入全县合计）：' : '本期没有已交办的反映件。'),
          ...(v.departments.length ? [departmentTable(v.departments, v.overview)] : []),
          ...(v.charts.department ? figure(v.charts.department, '图4　分部门受理、超期与办结质量', 560) : []),
          heading('三、反复出现的问题'),
          ...recurring,
          heading('四、典型案例'),
          ...typical,
          new Paragraph({
            spacing: { before: 480 },
            border: { top: { style: 'single', size: 6, color: '000000', space: 4 }, bottom: { style: 'single', size: 6, color: '000000', space: 4 } },
            children: [run(`报：县推进政务服务领域“办不成事”问题解决工作组组长、副组长　送：县纪委监委党风政风监督室、各成员单位`, 'body', SIZE.small)],
          }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
