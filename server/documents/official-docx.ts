/**
 * The Word side of the county's paper (交办单, 不予受理告知书, 督办单, 通报, 移送函, 会商纪要, 结案归档表):
 * an A4 page with the margins of GB/T 9704, 方正小标宋 titles, 黑体 labels, 仿宋_GB2312 text, bordered
 * tables of label and value cells, and dates in Chinese (Asia/Shanghai).
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
import { shanghaiDate } from '../../core/working-days.js';

/** '2026年11月26日' for a Shanghai date 'YYYY-MM-DD'. */
export function chineseDate(date: string): string {
  return `${Number(date.slice(0, 4))}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
}

/** '2026年11月26日' of an instant, in Asia/Shanghai. */
export function chineseDateOf(iso: string): string {
  return chineseDate(shanghaiDate(new Date(iso)));
}

/** '2026年11月26日 10:00' of an instant, in Asia/Shanghai. */
export function chineseDateTimeOf(iso: string): string {
  const ms = Date.parse(iso) + 8 * 3_600_000;
  const d = new Date(ms);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${chineseDate(shanghaiDate(new Date(iso)))} ${hh}:${mm}`;
}

/** Fonts as official documents name them; digits and Latin letters in Times New Roman. */
export const FONT = {
  title: { eastAsia: '方正小标宋简体', ascii: 'Times New Roman', hAnsi: 'Times New Roman', cs: 'Times New Roman' },
  label: { eastAsia: '黑体', ascii: 'Times New Roman', hAnsi: 'Times New Roman', cs: 'Times New Roman' },
  body: { eastAsia: '仿宋_GB2312', ascii: 'Times New Roman', hAnsi: 'Times New Roman', cs: 'Times New Roman' },
};
export type FontName = keyof typeof FONT;
/** Sizes in half-points: 二号 22 pt, 三号 16 pt, 四号 14 pt, 小四 12 pt, 五号 10.5 pt. */
export const SIZE = { title: 44, number: 32, body: 32, cell: 28, small: 24, tiny: 21 };

/** A4 in twips; margins of GB/T 9704: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm. */
export const PAGE = { width: 11906, height: 16838, top: 2098, bottom: 1984, left: 1588, right: 1474 };
export const TEXT_WIDTH = PAGE.width - PAGE.left - PAGE.right;

export const line = { style: BorderStyle.SINGLE, size: 8, color: '000000' };
type Align = (typeof AlignmentType)[keyof typeof AlignmentType];

export function run(text: string, font: FontName, size: number, extra: Partial<IRunOptions> = {}): TextRun {
  return new TextRun({ text, font: FONT[font], size, ...extra });
}

/** Paragraphs of a text, one per line. */
export function paragraphs(text: string, font: FontName = 'body', size = SIZE.cell, align: Align = AlignmentType.LEFT, lineSpacing = 360): Paragraph[] {
  const lines = text === '' ? [''] : text.split('\n');
  return lines.map((l) => new Paragraph({ alignment: align, spacing: { line: lineSpacing }, children: [run(l, font, size)] }));
}

/** Cell look: text size, line spacing, padding; the 交办单's by default, the 归档表's tighter. */
export interface CellStyle {
  size: number;
  line: number;
  padV: number;
  padH: number;
}
export const CELL: CellStyle = { size: SIZE.cell, line: 360, padV: 80, padH: 110 };
/** 小四 cells, for a table under running text (an appendix, the 会商纪要). */
export const CELL_SMALL: CellStyle = { size: SIZE.small, line: 312, padV: 50, padH: 100 };

export function labelCell(text: string, columnSpan = 1, s: CellStyle = CELL): TableCell {
  return new TableCell({
    columnSpan,
    verticalAlign: VerticalAlign.CENTER,
    margins: { top: s.padV, bottom: s.padV, left: s.padH - 10, right: s.padH - 10 },
    children: paragraphs(text, 'label', s.size, AlignmentType.CENTER, s.line),
  });
}

export function valueCell(content: string | Paragraph[], columnSpan = 1, s: CellStyle = CELL): TableCell {
  return new TableCell({
    columnSpan,
    verticalAlign: VerticalAlign.CENTER,
    margins: { top: s.padV, bottom: s.padV, left: s.padH + 10, right: s.padH + 10 },
    children: typeof content === 'string' ? paragraphs(content, 'body', s.size, AlignmentType.LEFT, s.line) : content,
  });
}

/** A bordered table of 4 columns (label, value, label, value) over the text width. */
export function formTable(rows: TableRow[], labelWidth = 1650): Table {
  const cols = [labelWidth, TEXT_WIDTH / 2 - labelWidth, labelWidth, TEXT_WIDTH / 2 - labelWidth].map(Math.round);
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: cols,
    layout: TableLayoutType.FIXED,
    borders: { top: line, bottom: line, left: line, right: line, insideHorizontal: line, insideVertical: line },
    rows,
  });
}

/** Two label–value pairs in a row. */
export const pairRow = (l1: string, v1: string, l2: string, v2: string, s: CellStyle = CELL) =>
  new TableRow({ cantSplit: true, children: [labelCell(l1, 1, s), valueCell(v1, 1, s), labelCell(l2, 1, s), valueCell(v2, 1, s)] });

/** One label with its value over the three other columns. */
export const wideRow = (label: string, value: string | Paragraph[], minHeight?: number, s: CellStyle = CELL) =>
  new TableRow({
    cantSplit: true,
    ...(minHeight ? { height: { value: minHeight, rule: 'atLeast' as const } } : {}),
    children: [labelCell(label, 1, s), valueCell(value, 3, s)],
  });

/** The title line (方正小标宋, 二号, centred). */
export function titleParagraph(text: string, size = SIZE.title): Paragraph {
  return new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 240, line: Math.round(size * 12.73), lineRule: 'exact' }, children: [run(text, 'title', size)] });
}

/** The document number on its own line (right, or centred as a 通报's 发文字号). */
export function numberParagraph(text: string, align: Align = AlignmentType.RIGHT): Paragraph {
  return new Paragraph({ alignment: align, spacing: { after: 200 }, children: [run(text, 'body', SIZE.number)] });
}

/** A paragraph of running text in 仿宋 三号 with a two-character first-line indent, as official prose is set. */
export function prose(text: string, opts: { indent?: boolean; size?: number; align?: Align; before?: number; after?: number; font?: FontName } = {}): Paragraph {
  const size = opts.size ?? SIZE.body;
  return new Paragraph({
    // Left, not justified: a line holding a long case number or phone would be spread letter by letter.
    alignment: opts.align ?? AlignmentType.LEFT,
    spacing: { line: Math.round(size * 14), lineRule: 'exact', before: opts.before ?? 0, after: opts.after ?? 0 },
    indent: opts.indent === false ? undefined : { firstLine: size * 20 },
    children: [run(text, opts.font ?? 'body', size)],
  });
}

/** An A4 Word document in the style of an official document. */
export async function officialDocx(opts: { title: string; description: string; children: Array<Paragraph | Table>; margins?: Partial<typeof PAGE> }): Promise<Buffer> {
  const m = { ...PAGE, ...opts.margins };
  const doc = new Document({
    creator: '办成事',
    title: opts.title,
    description: opts.description,
    styles: { default: { document: { run: { font: FONT.body, size: SIZE.cell } } } },
    sections: [
      {
        properties: {
          page: {
            size: { width: PAGE.width, height: PAGE.height },
            margin: { top: m.top, bottom: m.bottom, left: m.left, right: m.right },
          },
        },
        children: opts.children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
