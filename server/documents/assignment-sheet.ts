/**
 * 交办单 — 《×××县“办不成事”事项交办单》, issued at dispatch and at an approved escalation
 * (numbered and stored by the case service). Rendered from one view model as an A4 Word file in
 * the style of an official document, and as a printable HTML page.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlign,
  WidthType,
  type IRunOptions,
} from 'docx';
import type { Actor } from '../../core/case-lifecycle.js';
import {
  CHANNEL_LABELS,
  MEASURE_LABELS,
  MEASURES_BY_PROBLEM_TYPE,
  PROBLEM_TYPE_LABELS,
  type Channel,
  type ProblemType,
} from '../../core/domain.js';
import { maskPhone } from '../../core/validation.js';
import { countWorkingDays, dayOfWeek, shanghaiDate, formatShanghai } from '../../core/working-days.js';
import type { AppContext } from '../context.js';
import { notFound, validation } from '../errors.js';
import { findVisibleCase, listAssignmentSheets, parseCaseId } from '../cases/case.repository.js';
import { loadCalendar } from '../calendar/calendar.repository.js';
import { getSettings } from '../settings/settings.repository.js';
import { listDepartments } from '../users/user.repository.js';
import { escapeHtml, escapeLines, FONT_STACKS, printPage } from './print-page.js';

/** Where every completion is copied to (抄报备案), in the plan's words. */
export const COPY_TO = '县纪委监委党风政风监督室、县行管办';

const WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

/** '2026年11月26日' for a Shanghai date 'YYYY-MM-DD'. */
export function chineseDate(date: string): string {
  return `${Number(date.slice(0, 4))}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
}

/** '2026年11月26日' of an instant, in Asia/Shanghai. */
export function chineseDateOf(iso: string): string {
  return chineseDate(shanghaiDate(new Date(iso)));
}

/** Everything the sheet shows. */
export interface AssignmentSheetView {
  title: string;
  countyName: string;
  sheetNo: string;
  issuedDate: string;
  caseNo: string;
  receivedDate: string;
  channel: string;
  reporterName: string;
  reporterPhone: string;
  orgName: string;
  matter: string;
  description: string;
  reason: string;
  problemType: string;
  level: string;
  leadDepartment: string;
  coDepartments: string;
  /** 办理时限 in words: date, weekday, time when not the end of the day. */
  dueDate: string;
  workingDays: number;
  dueProvisional: boolean;
  requirements: string[];
  issuerUnit: string;
  /** 交办人, or 批准人 for a level-3 sheet (the leader approved the escalation). */
  issuerRole: string;
  issuerName: string;
  /** For an earlier sheet: the sheet that replaced it. */
  supersededBy: string | null;
  /** For a re-issued sheet: the sheet it replaces. */
  replaces: string | null;
}

/**
 * Loads the sheet of a case the actor may see: the latest, or the one named by `sheet` (its full
 * number 〔2026〕第12号, or just 12). 404 exactly like GET /cases/{id} when the case is not visible;
 * 404 with its own message when the case was never dispatched.
 */
export async function loadAssignmentSheet(ctx: AppContext, rawId: string, sheetParam: unknown, actor: Actor): Promise<AssignmentSheetView> {
  const c = await findVisibleCase(ctx.db, parseCaseId(rawId), actor);
  if (sheetParam !== undefined && (typeof sheetParam !== 'string' || sheetParam.length > 50)) {
    throw validation([{ field: 'sheet', message: '交办单编号无效' }]);
  }
  const sheets = await listAssignmentSheets(ctx.db, c.id);
  if (sheets.length === 0) {
    // A dispatched case without a sheet came from an imported ledger: its sheet was issued elsewhere.
    // Not dispatched yet, or imported from an old ledger: no sheet. Every 404 body is the same (docs/CONTRACT.md §Errors).
    throw notFound();
  }
  let index = sheets.length - 1;
  if (typeof sheetParam === 'string' && sheetParam.trim() !== '') {
    const want = sheetParam.trim();
    index = sheets.findIndex((s) => s.sheet_no === want || (/^\d{1,9}$/.test(want) && s.seq === Number(want)));
    if (index < 0) throw notFound();
  }
  const s = sheets[index]!;
  const [settings, depts, calendar, issuer] = await Promise.all([
    getSettings(ctx.db),
    listDepartments(ctx.db),
    loadCalendar(ctx.db),
    ctx.db.selectFrom('users').select('name').where('username', '=', s.issued_by).executeTakeFirst(),
  ]);
  const names = new Map(depts.map((d) => [d.code, d.name]));
  const name = (code: string) => names.get(code) ?? code;
  const co = (JSON.parse(s.co_departments) as string[]).map(name);
  const lead = name(s.lead_department);
  const dueLocal = formatShanghai(new Date(s.due_at));
  const dueDay = dueLocal.slice(0, 10);
  const dueTime = dueLocal.slice(11, 16);
  const span = countWorkingDays(shanghaiDate(new Date(s.issued_at)), dueDay, calendar);
  const dueDate = `${chineseDate(dueDay)}（${WEEKDAYS[dayOfWeek(dueDay)]}）${dueTime === '23:59' ? '' : dueTime}`;
  const problemType = c.problemType ? PROBLEM_TYPE_LABELS[c.problemType as ProblemType] : '';
  const remedies = c.problemType ? MEASURES_BY_PROBLEM_TYPE[c.problemType as ProblemType].map((m) => MEASURE_LABELS[m]).join('、') : '';
  const levelText =
    s.level === 1
      ? `一级调度（单一部门办理，原则上 ${settings.levelDays[1]} 个工作日内办结）`
      : s.level === 2
        ? `二级调度（多部门办理，原则上 ${settings.levelDays[2]} 个工作日内办结）`
        : '三级调度（提级调度，县工作组一事一议确定办结时限）';

  const requirements = [
    `请${lead}接到本交办单后及时签收，按要求推进办理${remedies ? `，参照方案中该类问题的解决办法（${remedies}）` : ''}。`,
    ...(co.length ? [`请${co.join('、')}作为协办部门积极配合${lead}办理。`] : []),
    `请于${dueDate}前办结（${span.count} 个工作日），并在办理时限内将办理结果答复反映人。`,
    `办结后，办理结果同时抄报${COPY_TO}备案。`,
  ];

  return {
    title: `${settings.countyName}“办不成事”事项交办单`,
    countyName: settings.countyName,
    sheetNo: s.sheet_no,
    issuedDate: chineseDateOf(s.issued_at),
    caseNo: c.caseNo,
    receivedDate: chineseDateOf(c.receivedAt),
    channel: CHANNEL_LABELS[c.channel as Channel] ?? c.channel,
    reporterName: c.reporter.name,
    reporterPhone: maskPhone(c.reporter.phone),
    orgName: c.reporter.orgName ?? '',
    matter: c.matter,
    description: c.description,
    reason: c.reason ?? '',
    problemType,
    level: levelText,
    leadDepartment: lead,
    coDepartments: co.join('、'),
    dueDate,
    workingDays: span.count,
    dueProvisional: span.provisional,
    requirements,
    issuerUnit: `${settings.countyName}推进政务服务领域“办不成事”问题解决工作组办公室（县行管办）`,
    issuerRole: s.level === 3 ? '批准人' : '交办人',
    issuerName: issuer?.name ?? s.issued_by,
    supersededBy: index < sheets.length - 1 ? sheets[index + 1]!.sheet_no : null,
    replaces: index > 0 ? sheets[index - 1]!.sheet_no : null,
  };
}

// ---------------------------------------------------------------------------
// Word (.docx)
// ---------------------------------------------------------------------------

/** Fonts as official documents name them; digits and Latin letters in Times New Roman. */
export const FONT = {
  title: { eastAsia: '方正小标宋简体', ascii: 'Times New Roman', hAnsi: 'Times New Roman', cs: 'Times New Roman' },
  label: { eastAsia: '黑体', ascii: 'Times New Roman', hAnsi: 'Times New Roman', cs: 'Times New Roman' },
  body: { eastAsia: '仿宋_GB2312', ascii: 'Times New Roman', hAnsi: 'Times New Roman', cs: 'Times New Roman' },
};
/** Sizes in half-points: 二号 22 pt, 三号 16 pt, 四号 14 pt, 小四 12 pt. */
export const SIZE = { title: 44, number: 32, cell: 28, small: 24 };

/** A4 in twips; margins of GB/T 9704: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm. */
export const PAGE = { width: 11906, height: 16838, top: 2098, bottom: 1984, left: 1588, right: 1474 };
export const TEXT_WIDTH = PAGE.width - PAGE.left - PAGE.right;
const COLS = [1650, TEXT_WIDTH / 2 - 1650, 1650, TEXT_WIDTH / 2 - 1650].map(Math.round);

export const line = { style: BorderStyle.SINGLE, size: 8, color: '000000' };

export function run(text: string, font: keyof typeof FONT, size: number, extra: Partial<IRunOptions> = {}): TextRun {
  return new TextRun({ text, font: FONT[font], size, ...extra });
}

/** Paragraphs of a text, one per line. */
function paragraphs(text: string, font: keyof typeof FONT = 'body', size = SIZE.cell, align: (typeof AlignmentType)[keyof typeof AlignmentType] = AlignmentType.LEFT): Paragraph[] {
  const lines = text === '' ? [''] : text.split('\n');
  return lines.map((l) => new Paragraph({ alignment: align, spacing: { line: 360 }, children: [run(l, font, size)] }));
}

function labelCell(text: string, columnSpan = 1): TableCell {
  return new TableCell({
    columnSpan,
    verticalAlign: VerticalAlign.CENTER,
    margins: { top: 80, bottom: 80, left: 100, right: 100 },
    children: paragraphs(text, 'label', SIZE.cell, AlignmentType.CENTER),
  });
}

function valueCell(content: string | Paragraph[], columnSpan = 1): TableCell {
  return new TableCell({
    columnSpan,
    verticalAlign: VerticalAlign.CENTER,
    margins: { top: 80, bottom: 80, left: 120, right: 120 },
    children: typeof content === 'string' ? paragraphs(content) : content,
  });
}

const pair = (l1: string, v1: string, l2: string, v2: string) =>
  new TableRow({ cantSplit: true, children: [labelCell(l1), valueCell(v1), labelCell(l2), valueCell(v2)] });
const wide = (label: string, value: string | Paragraph[], minHeight?: number) =>
  new TableRow({
    ...(minHeight ? { height: { value: minHeight, rule: 'atLeast' as const } } : {}),
    children: [labelCell(label), valueCell(value, 3)],
  });

/** The sheet as an A4 Word document. */
export async function renderAssignmentSheetDocx(v: AssignmentSheetView): Promise<Buffer> {
  const table = new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: COLS,
    layout: TableLayoutType.FIXED,
    borders: { top: line, bottom: line, left: line, right: line, insideHorizontal: line, insideVertical: line },
    rows: [
      pair('反映件编号', v.caseNo, '交办日期', v.issuedDate),
      pair('反映人', v.reporterName, '联系电话', v.reporterPhone),
      wide('企业名称', v.orgName || '（个人反映）'),
      pair('受理日期', v.receivedDate, '反映渠道', v.channel),
      wide('事项名称', v.matter),
      wide('诉求', v.description, 1400),
      wide('办不成原因', v.reason || '（未填写）', 1000),
      wide('问题类型', v.problemType || '（未确定）'),
      wide('调度级别', v.level),
      wide('承办部门', v.leadDepartment),
      wide('协办部门', v.coDepartments || '无'),
      wide(
        '办理时限',
        `${v.dueDate}前（${v.workingDays} 个工作日）${v.dueProvisional ? '；该时限所在年份的节假日安排尚未公布，暂按周一至周五推算' : ''}`,
      ),
      wide(
        '办理要求',
        v.requirements.map((r, i) => new Paragraph({ spacing: { line: 360 }, children: [run(`${i + 1}. ${r}`, 'body', SIZE.cell)] })),
        1600,
      ),
      wide('交办单位', [
        new Paragraph({ spacing: { line: 360 }, children: [run(v.issuerUnit, 'body', SIZE.cell)] }),
        new Paragraph({ spacing: { line: 360 }, children: [run(`${v.issuerRole}：${v.issuerName}`, 'body', SIZE.cell)] }),
        new Paragraph({ alignment: AlignmentType.RIGHT, spacing: { before: 240, line: 360 }, children: [run(`（盖章）　${v.issuedDate}`, 'body', SIZE.cell)] }),
      ]),
    ],
  });

  const notes: Paragraph[] = [];
  if (v.replaces) notes.push(new Paragraph({ spacing: { before: 120 }, children: [run(`注：本交办单替代${v.replaces}交办单。`, 'body', SIZE.small)] }));
  if (v.supersededBy) notes.push(new Paragraph({ spacing: { before: 120 }, children: [run(`注：本交办单已由${v.supersededBy}交办单替代，仅供查阅。`, 'body', SIZE.small)] }));

  const doc = new Document({
    creator: '办成事',
    title: v.title,
    description: `${v.sheetNo} ${v.caseNo}`,
    styles: { default: { document: { run: { font: FONT.body, size: SIZE.cell } } } },
    sections: [
      {
        properties: {
          page: {
            size: { width: PAGE.width, height: PAGE.height },
            margin: { top: PAGE.top, bottom: PAGE.bottom, left: PAGE.left, right: PAGE.right },
          },
        },
        children: [
          new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 240, line: 560, lineRule: 'exact' }, children: [run(v.title, 'title', SIZE.title)] }),
          new Paragraph({ alignment: AlignmentType.RIGHT, spacing: { after: 200 }, children: [run(v.sheetNo, 'body', SIZE.number)] }),
          table,
          ...notes,
          new Paragraph({ spacing: { before: 200 }, children: [run(`抄报：${COPY_TO}`, 'body', SIZE.small)] }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

// ---------------------------------------------------------------------------
// Print view (HTML)
// ---------------------------------------------------------------------------

const SHEET_CSS = `
h1 { font-size: 22pt; }
.no { text-align: right; font-size: 16pt; margin-bottom: 3mm; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
th, td { border: 1px solid #000; padding: 2mm 2.5mm; vertical-align: middle; }
th { font-family: ${FONT_STACKS.heading}; font-weight: normal; width: 19%; text-align: center; }
td.tall { height: 30mm; vertical-align: top; }
ol { margin: 0; padding-left: 1.4em; }
.seal { text-align: right; margin-top: 4mm; }
.note { font-size: 12pt; margin-top: 3mm; }
`;

export function renderAssignmentSheetHtml(v: AssignmentSheetView): string {
  const row2 = (a: string, b: string, c: string, d: string) =>
    `<tr><th>${escapeHtml(a)}</th><td>${escapeHtml(b)}</td><th>${escapeHtml(c)}</th><td>${escapeHtml(d)}</td></tr>`;
  const wide = (a: string, html: string, cls = '') => `<tr><th>${escapeHtml(a)}</th><td colspan="3"${cls ? ` class="${cls}"` : ''}>${html}</td></tr>`;
  const body = `
<h1>${escapeHtml(v.title)}</h1>
<div class="no">${escapeHtml(v.sheetNo)}</div>
<table>
<colgroup><col style="width:19%"><col style="width:31%"><col style="width:19%"><col style="width:31%"></colgroup>
${row2('反映件编号', v.caseNo, '交办日期', v.issuedDate)}
${row2('反映人', v.reporterName, '联系电话', v.reporterPhone)}
${wide('企业名称', escapeHtml(v.orgName || '（个人反映）'))}
${row2('受理日期', v.receivedDate, '反映渠道', v.channel)}
${wide('事项名称', escapeHtml(v.matter))}
${wide('诉求', escapeLines(v.description), 'tall')}
${wide('办不成原因', escapeLines(v.reason || '（未填写）'))}
${wide('问题类型', escapeHtml(v.problemType || '（未确定）'))}
${wide('调度级别', escapeHtml(v.level))}
${wide('承办部门', escapeHtml(v.leadDepartment))}
${wide('协办部门', escapeHtml(v.coDepartments || '无'))}
${wide('办理时限', `${escapeHtml(v.dueDate)}前（${v.workingDays} 个工作日）${v.dueProvisional ? '；该时限所在年份的节假日安排尚未公布，暂按周一至周五推算' : ''}`)}
${wide('办理要求', `<ol>${v.requirements.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ol>`)}
${wide('交办单位', `${escapeHtml(v.issuerUnit)}<br>${escapeHtml(v.issuerRole)}：${escapeHtml(v.issuerName)}<div class="seal">（盖章）　${escapeHtml(v.issuedDate)}</div>`)}
</table>
${v.replaces ? `<p class="note">注：本交办单替代${escapeHtml(v.replaces)}交办单。</p>` : ''}
${v.supersededBy ? `<p class="note">注：本交办单已由${escapeHtml(v.supersededBy)}交办单替代，仅供查阅。</p>` : ''}
<p class="note">抄报：${escapeHtml(COPY_TO)}</p>
`;
  return printPage({ title: `${v.title} ${v.sheetNo}`, pageSize: 'A4', css: SHEET_CSS, body });
}
