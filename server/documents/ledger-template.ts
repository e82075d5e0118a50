/**
 * The import template: the export's columns (联系电话 here takes the FULL number), drop-down
 * lists for every coded column, date formats on the date columns, and a sheet of instructions.
 */
import ExcelJS from 'exceljs';
import { CHANNEL_LABELS, CHANNELS, PROBLEM_TYPE_LABELS, PROBLEM_TYPES, STATUS_LABELS, CASE_STATUSES } from '../../core/domain.js';
import { DATE_FORMAT, DATETIME_FORMAT, LAST_COLUMN_LETTER, LEDGER_COLUMNS, ledgerTitle, LEVEL_LABELS, type LedgerKey } from './ledger-format.js';
import { LEDGER_HEADER_ROWS } from './ledger-export.js';

/** Rows of the template that carry drop-downs and formats. */
const TEMPLATE_ROWS = 2000;
/** Columns a row must fill whatever its state. */
export const ALWAYS_REQUIRED: readonly LedgerKey[] = ['caseNo', 'receivedDate', 'channel', 'reporterName', 'phone', 'matter', 'description', 'status'];

const colLetter = (key: LedgerKey) => String.fromCharCode(65 + LEDGER_COLUMNS.findIndex((c) => c.key === key));

type WithValidations = { dataValidations: { add(address: string, v: ExcelJS.DataValidation): void } };

/** Rules of the import, shown on the instructions sheet (and kept in step with ledger-import.ts). */
export const IMPORT_RULES: readonly string[] = [
  '1. 在“台账”工作表第 4 行起逐行填写，一行一件反映件；不要修改第 3 行的列名，不要使用公式（请“选择性粘贴—数值”）。',
  '2. 必填：编号、受理日期、渠道、反映人、联系电话、事项名称、诉求、当前状态。',
  '3. 编号格式为“年份-6位序号”（超过 999999 时为实际位数），如 2025-000123，年份须与受理日期的年份一致；系统中已有的编号视为同一件，重复导入时跳过，不会重复创建。',
  '4. 联系电话须填写完整号码（手机或固定电话），不能是 138****0000 这样的脱敏号码。',
  '5. 日期填写为 2025-11-26 或设为日期格式；办理时限可带时间（如 2025-11-30 17:00），只填日期的视为当日 24 时前。',
  '6. 渠道、问题类型、调度级别、承办部门、当前状态请从下拉列表中选择；承办部门、协办部门填写系统中的部门名称，多个协办部门用顿号“、”分隔。',
  '7. 已交办、办理中的反映件须填写问题类型、调度级别、承办部门、交办日期、办理时限；一级交办不填协办部门，二级交办至少一个协办部门。',
  '8. 已办结、核查督办中、已归档的反映件须填写办结日期和办理结果；没有承办部门的视为“当场办结”。核查督办中的须有含“不满意”的回访评价。',
  '9. 回访评价填写“满意”“基本满意”“不满意”，或逐项填写，如“服务态度：满意；办理结果：不满意；办理效率：满意；廉洁勤政：满意”。',
  '10. 核查结果填写“差评属实，限期整改”“差评属实，追责问责”或“差评不实，无需处理”。不予受理的，办理结果可写“不予受理（涉诉）：说明”。',
  '11. 序号、是否超期可不填；填写“是否超期”的，以所填为准判断是否按时办结。',
  '12. 任何一行有错误时整份文件都不会导入，系统会列出每处错误的行号、列名和原因，改正后重新上传即可。',
];

/** Builds the template workbook (an .xlsx buffer). */
export async function buildLedgerTemplate(countyName: string, departments: ReadonlyArray<{ code: string; name: string }>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '办成事';
  const ws = wb.addWorksheet('台账', {
    views: [{ state: 'frozen', xSplit: 0, ySplit: LEDGER_HEADER_ROWS }],
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  ws.columns = LEDGER_COLUMNS.map((c) => ({ width: c.width }));
  ws.getCell('A1').value = ledgerTitle(countyName);
  ws.getCell('A1').style = { font: { name: '黑体', size: 16, bold: true }, alignment: { horizontal: 'center', vertical: 'middle' } };
  ws.getRow(1).height = 30;
  ws.mergeCells(`A1:${LAST_COLUMN_LETTER}1`);
  ws.getCell('A2').value = '导入模板：红色列名为必填项；填写规则见“填写说明”工作表；联系电话请填写完整号码。';
  ws.getCell('A2').style = { font: { name: '宋体', size: 10, color: { argb: 'FFC00000' } } };
  ws.mergeCells(`A2:${LAST_COLUMN_LETTER}2`);
  const header = ws.getRow(LEDGER_HEADER_ROWS);
  LEDGER_COLUMNS.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c.header;
    cell.style = {
      font: { name: '黑体', size: 11, bold: true, color: { argb: ALWAYS_REQUIRED.includes(c.key) ? 'FFC00000' : 'FF000000' } },
      alignment: { horizontal: 'center', vertical: 'middle', wrapText: true },
      fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } },
      border: { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } },
    };
  });
  header.height = 24;

  // Formats for the empty rows: text for numbers that must keep leading zeros, dates for dates.
  LEDGER_COLUMNS.forEach((c, i) => {
    const col = ws.getColumn(i + 1);
    if (c.key === 'phone' || c.key === 'caseNo') col.numFmt = '@';
    if (c.kind === 'date') col.numFmt = DATE_FORMAT;
    if (c.kind === 'datetime') col.numFmt = DATETIME_FORMAT;
  });

  // The code table the drop-downs read from.
  const codes = wb.addWorksheet('代码表');
  const lists: Array<[string, string[]]> = [
    ['渠道', CHANNELS.map((c) => CHANNEL_LABELS[c])],
    ['问题类型', PROBLEM_TYPES.map((p) => PROBLEM_TYPE_LABELS[p])],
    ['调度级别', Object.values(LEVEL_LABELS)],
    // 已并件 cannot be imported (a merge needs its main case): not offered.
    ['当前状态', CASE_STATUSES.filter((s) => s !== 'merged').map((s) => STATUS_LABELS[s])],
    ['部门名称', departments.map((d) => d.name)],
    ['是否超期', ['是', '否']],
  ];
  const ranges = new Map<string, string>();
  lists.forEach(([title, values], i) => {
    const letter = String.fromCharCode(65 + i);
    codes.getColumn(i + 1).width = title === '问题类型' ? 48 : 18;
    codes.getCell(`${letter}1`).value = title;
    codes.getCell(`${letter}1`).font = { bold: true };
    values.forEach((v, j) => (codes.getCell(`${letter}${j + 2}`).value = v));
    ranges.set(title, `'代码表'!$${letter}$2:$${letter}$${Math.max(values.length + 1, 2)}`);
  });
  const first = LEDGER_HEADER_ROWS + 1;
  const last = LEDGER_HEADER_ROWS + TEMPLATE_ROWS;
  const dv = (ws as unknown as WithValidations).dataValidations;
  const list = (key: LedgerKey, title: string, strict = true) =>
    dv.add(`${colLetter(key)}${first}:${colLetter(key)}${last}`, {
      type: 'list',
      allowBlank: true,
      formulae: [ranges.get(title)],
      showErrorMessage: strict,
      errorStyle: 'stop',
      errorTitle: '取值无效',
      error: `请从下拉列表中选择${title}`,
    });
  list('channel', '渠道');
  list('problemType', '问题类型');
  list('level', '调度级别');
  list('status', '当前状态');
  list('leadDepartment', '部门名称');
  list('overdue', '是否超期');

  // Instructions and one worked example.
  const help = wb.addWorksheet('填写说明');
  help.getColumn(1).width = 120;
  help.getCell('A1').value = `${ledgerTitle(countyName)} 导入填写说明`;
  help.getCell('A1').font = { name: '黑体', size: 14, bold: true };
  IMPORT_RULES.forEach((r, i) => {
    const cell = help.getCell(`A${i + 3}`);
    cell.value = r;
    cell.alignment = { wrapText: true, vertical: 'top' };
  });
  const exampleRow = IMPORT_RULES.length + 4;
  help.getCell(`A${exampleRow}`).value = '示例（请勿在本工作表填写数据）：';
  help.getCell(`A${exampleRow}`).font = { bold: true };
  const example: Record<LedgerKey, string | number> = {
    index: 1,
    caseNo: '2025-000123',
    receivedDate: '2025-11-03',
    channel: '窗口',
    reporterName: '张三',
    phone: '13800001234',
    orgName: '',
    matter: '个体工商户设立登记',
    description: '办理营业执照时被告知缺少房屋产权证明，无法办理。',
    reason: '租赁的房屋为农村自建房，没有产权证。',
    problemType: PROBLEM_TYPE_LABELS.materials,
    level: '一级',
    leadDepartment: departments[0]?.name ?? '县市场监管局',
    coDepartments: '',
    assignedDate: '2025-11-03',
    dueAt: '2025-11-05',
    completedDate: '2025-11-05',
    overdue: '否',
    result: '容缺受理，已发营业执照。',
    callback: '满意',
    verification: '',
    status: '已归档',
  };
  LEDGER_COLUMNS.forEach((c, i) => {
    help.getCell(exampleRow + 1, i + 2).value = c.header;
    help.getCell(exampleRow + 2, i + 2).value = example[c.key];
  });
  help.getCell(exampleRow + 1, 1).value = '列名';
  help.getCell(exampleRow + 2, 1).value = '示例';

  const buf = await wb.xlsx.writeBuffer();
  return Buffer.from(buf as ArrayBuffer);
}
