/**
 * 好差评 upward: one record per rating (every callback — the coordinator's phone callback and the
 * reporter's own rating by link alike), in the fields the national 政务服务“好差评” exchange uses,
 * for the provincial platform. Read from the timeline (`case_events` of type `callback`), so a case
 * rated twice (after a 差评 was verified and redone) gives two records.
 *
 * The five national levels from our four aspects rated on three levels:
 *   5 非常满意   every aspect 满意
 *   4 满意       no aspect 不满意, 办理结果 满意 (another aspect 基本满意)
 *   3 基本满意   no aspect 不满意, 办理结果 基本满意
 *   2 不满意     some aspect 不满意, but not 办理结果
 *   1 非常不满意 办理结果 不满意
 */
import ExcelJS from 'exceljs';
import type { Rating } from '../../core/domain.js';
import { CHANNEL_LABELS, RATING_LABELS, type Channel } from '../../core/domain.js';
import { formatShanghai } from '../../core/working-days.js';
import type { Executor } from '../db/database.js';

export const NATIONAL_LEVELS = { 5: '非常满意', 4: '满意', 3: '基本满意', 2: '不满意', 1: '非常不满意' } as const;
export type NationalLevel = keyof typeof NATIONAL_LEVELS;

export interface Aspects {
  attitude: Rating;
  result: Rating;
  efficiency: Rating;
  integrity: Rating;
}

export function nationalLevel(a: Aspects): NationalLevel {
  const all = [a.attitude, a.result, a.efficiency, a.integrity];
  if (a.result === 'dissatisfied') return 1;
  if (all.includes('dissatisfied')) return 2;
  if (a.result === 'basically_satisfied') return 3;
  if (all.every((r) => r === 'satisfied')) return 5;
  return 4;
}

export interface RatingRecord {
  /** 评价编号: unique and stable (the timeline event). */
  evaluationId: string;
  /** 办件编号 */
  caseNo: string;
  /** 外部工单 (12345…), when the case came with one */
  externalRef: { system: string; id: string } | null;
  /** 事项名称 */
  matterName: string;
  /** 实施部门 */
  departmentCode: string | null;
  departmentName: string | null;
  /** 申办渠道 (how the case reached us) */
  channel: string;
  channelName: string;
  /** 评价渠道: phone 电话回访, reporter 反映人自评 (短信链接) */
  evaluationChannel: 'phone' | 'reporter';
  evaluationChannelName: string;
  /** 评价等级 1–5 and its name */
  level: NationalLevel;
  levelName: string;
  /** Our four aspects, as rated */
  aspects: Aspects;
  /** 评价时间 (+08:00) */
  ratedAt: string;
  /** 文字评价 */
  comment: string | null;
}

const RATINGS = new Set(['satisfied', 'basically_satisfied', 'dissatisfied']);
const asRating = (v: unknown): Rating => (typeof v === 'string' && RATINGS.has(v) ? (v as Rating) : 'satisfied');

/** Every rating made on the Asia/Shanghai dates `from`–`to`, oldest first. */
export async function ratingRecords(db: Executor, from: string, to: string): Promise<RatingRecord[]> {
  const start = new Date(`${from}T00:00:00+08:00`).toISOString();
  const end = new Date(Date.parse(`${to}T00:00:00+08:00`) + 86_400_000).toISOString();
  const rows = await db
    .selectFrom('case_events as e')
    .innerJoin('cases as c', 'c.id', 'e.case_id')
    .leftJoin('departments as d', 'd.code', 'c.lead_department')
    .select(['e.id', 'e.at', 'e.data', 'e.by_role', 'c.case_no', 'c.matter', 'c.channel', 'c.lead_department', 'd.name as department_name', 'c.external_system', 'c.external_id'])
    .where('e.type', '=', 'callback')
    .where('e.at', '>=', start)
    .where('e.at', '<', end)
    .orderBy('e.at')
    .orderBy('e.id')
    .execute();
  return rows.map((r) => {
    let data: Record<string, unknown> = {};
    try {
      data = JSON.parse(r.data) as Record<string, unknown>;
    } catch {
      /* a damaged row still counts, with neutral values */
    }
    const aspects: Aspects = { attitude: asRating(data.attitude), result: asRating(data.result), efficiency: asRating(data.efficiency), integrity: asRating(data.integrity) };
    const level = nationalLevel(aspects);
    const evaluationChannel = data.source === 'reporter' || r.by_role === 'public' ? 'reporter' : 'phone';
    return {
      evaluationId: `bcs-rating-${r.id}`,
      caseNo: r.case_no,
      externalRef: r.external_system !== null && r.external_id !== null ? { system: r.external_system, id: r.external_id } : null,
      matterName: r.matter,
      departmentCode: r.lead_department,
      departmentName: r.department_name ?? r.lead_department,
      channel: r.channel,
      channelName: CHANNEL_LABELS[r.channel as Channel] ?? r.channel,
      evaluationChannel,
      evaluationChannelName: evaluationChannel === 'reporter' ? '反映人自评（短信链接）' : '电话回访',
      level,
      levelName: NATIONAL_LEVELS[level],
      aspects,
      ratedAt: formatShanghai(new Date(r.at)),
      comment: typeof data.comment === 'string' && data.comment !== '' ? data.comment : null,
    };
  });
}

export function toJsonLines(records: RatingRecord[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : '');
}

export async function toWorkbook(records: RatingRecord[], from: string, to: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('好差评');
  ws.columns = [
    { header: '评价编号', key: 'evaluationId', width: 18 },
    { header: '办件编号', key: 'caseNo', width: 14 },
    { header: '外部工单', key: 'externalRef', width: 22 },
    { header: '事项名称', key: 'matterName', width: 28 },
    { header: '实施部门', key: 'departmentName', width: 18 },
    { header: '申办渠道', key: 'channelName', width: 10 },
    { header: '评价渠道', key: 'evaluationChannelName', width: 20 },
    { header: '评价等级', key: 'level', width: 9 },
    { header: '等级名称', key: 'levelName', width: 11 },
    { header: '服务态度', key: 'attitude', width: 9 },
    { header: '办理结果', key: 'result', width: 9 },
    { header: '办理效率', key: 'efficiency', width: 9 },
    { header: '廉洁勤政', key: 'integrity', width: 9 },
    { header: '评价时间', key: 'ratedAt', width: 26 },
    { header: '文字评价', key: 'comment', width: 40 },
  ];
  ws.getRow(1).font = { bold: true };
  for (const r of records) {
    ws.addRow({
      ...r,
      externalRef: r.externalRef ? `${r.externalRef.system}:${r.externalRef.id}` : '',
      attitude: RATING_LABELS[r.aspects.attitude],
      result: RATING_LABELS[r.aspects.result],
      efficiency: RATING_LABELS[r.aspects.efficiency],
      integrity: RATING_LABELS[r.aspects.integrity],
      comment: r.comment ?? '',
    });
  }
  ws.addRow([]);
  ws.addRow([`评价时间 ${from} 至 ${to}，共 ${records.length} 条`]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
